"""End to end: simulate users, aggregate them into the marts, run scripts/analyze.py, and check
the JSON against references computed on the raw per-user data (scipy, statsmodels, closed
forms, Monte Carlo) and against the statistics library on the same inputs."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from conftest import metric_row
from funnelhouse.analysis import AnalysisOptions, analyze_warehouse
from funnelhouse.report.json_report import report_json
from funnelhouse.stats import SufficientStats, estimate_effect
from scipy import stats
from statsmodels.stats import proportion as sm_proportion
from statsmodels.stats.meta_analysis import combine_effects
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import confint_proportions_2indep
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

ALPHA = 0.05


def arms(users: pd.DataFrame, column: str, variant: str = "treatment", mask=None):
    frame = users if mask is None else users[mask]
    return (
        frame.loc[frame["variant"] == "control", column].to_numpy(),
        frame.loc[frame["variant"] == variant, column].to_numpy(),
    )


@pytest.fixture(scope="module")
def sim(synthetic, experiments):
    _, truth = synthetic
    return truth["sim_lift"].users, experiments["sim_lift"]


def test_mean_metric_matches_scipy_welch(sim):
    users, experiment = sim
    control, variant = arms(users, "items_viewed")
    row = metric_row(experiment, "items_viewed")
    reference = stats.ttest_ind(variant, control, equal_var=False)
    ci = reference.confidence_interval(confidence_level=1 - ALPHA)
    assert row["test"].startswith("Welch t-test")
    assert row["users"] == len(variant) and row["control_users"] == len(control)
    assert row["abs_effect"] == pytest.approx(variant.mean() - control.mean(), rel=1e-9)
    assert row["abs_ci"] == pytest.approx([ci.low, ci.high], rel=1e-8)
    assert row["p_value"] == pytest.approx(reference.pvalue, rel=1e-7)
    assert row["df"] == pytest.approx(reference.df, rel=1e-8)
    assert row["rel_effect"] == pytest.approx(variant.mean() / control.mean() - 1, rel=1e-9)
    assert row["cuped"]["applied"] is False


def test_segment_row_matches_scipy_on_the_segment(sim):
    users, experiment = sim
    mask = users["device"] == "mobile"
    control, variant = arms(users, "items_viewed", mask=mask)
    row = metric_row(experiment, "items_viewed", segment=("device", "mobile"))
    reference = stats.ttest_ind(variant, control, equal_var=False)
    assert row["users"] == len(variant)
    assert row["p_value"] == pytest.approx(reference.pvalue, rel=1e-7)
    assert row["abs_effect"] == pytest.approx(variant.mean() - control.mean(), rel=1e-9)


def test_binomial_metric_matches_statsmodels(sim):
    users, experiment = sim
    control, variant = arms(users, "reached_checkout")
    row = metric_row(experiment, "reached_checkout")
    counts = [variant.sum(), control.sum()]
    nobs = [len(variant), len(control)]
    # the unpooled (Wald) variance for the p-value and the CI (item 3 of issue 10; it used to
    # be the pooled p-value of proportions_ztest next to the Wald CI)
    p = sm_proportion.test_proportions_2indep(
        counts[0], nobs[0], counts[1], nobs[1], method="wald", compare="diff"
    ).pvalue
    low, high = confint_proportions_2indep(
        counts[0], nobs[0], counts[1], nobs[1], method="wald", compare="diff", alpha=ALPHA
    )
    assert "z-test" in row["test"] and row["df"] is None
    assert row["p_value"] == pytest.approx(p, rel=1e-8)
    assert row["abs_ci"] == pytest.approx([low, high], rel=1e-8)


def _ols_cuped(users: pd.DataFrame, y: str, x: str):
    """OLS y ~ 1 + treatment + x on the raw users: the treatment coefficient is the CUPED
    effect, the covariate coefficient is theta (pooled within-arm slope)."""
    two = users[users["variant"].isin(["control", "treatment"])]
    design = sm.add_constant(
        np.column_stack([(two["variant"] == "treatment").astype(float), two[x]])
    )
    fit = sm.OLS(two[y].to_numpy(), design).fit()
    return fit.params[1], fit.params[2]


@pytest.mark.parametrize(("metric", "covariate"), [("revenue", "pre_revenue")])
def test_cuped_mean_matches_ols_and_welch_on_adjusted_values(sim, metric, covariate):
    users, experiment = sim
    row = metric_row(experiment, metric)
    effect, theta = _ols_cuped(users, metric, covariate)
    assert row["cuped"]["applied"] is True
    assert row["cuped"]["theta"] == pytest.approx(theta, rel=1e-8)
    assert row["abs_effect"] == pytest.approx(effect, rel=1e-8)
    # theta fixed: the CUPED test is Welch's t-test on Y - theta (X - mean X)
    adjusted = users[metric] - theta * (users[covariate] - users[covariate].mean())
    control, variant = arms(users.assign(adjusted=adjusted), "adjusted")
    reference = stats.ttest_ind(variant, control, equal_var=False)
    ci = reference.confidence_interval(confidence_level=1 - ALPHA)
    assert row["p_value"] == pytest.approx(reference.pvalue, rel=1e-6)
    assert row["abs_ci"] == pytest.approx([ci.low, ci.high], rel=1e-7)
    raw_c, raw_v = arms(users, metric)
    unadjusted = raw_c.var(ddof=1) / len(raw_c) + raw_v.var(ddof=1) / len(raw_v)
    adjusted_var = control.var(ddof=1) / len(control) + variant.var(ddof=1) / len(variant)
    assert row["cuped"]["variance_reduction"] == pytest.approx(
        1 - adjusted_var / unadjusted, rel=1e-6
    )
    assert row["cuped"]["variance_reduction"] > 0.03  # the covariate is informative


def test_cuped_binomial_primary_matches_statsmodels_z_on_adjusted_values(sim):
    users, experiment = sim
    row = metric_row(experiment, "purchase")
    effect, theta = _ols_cuped(users, "purchase", "pre_purchase")
    adjusted = users["purchase"] - theta * (users["pre_purchase"] - users["pre_purchase"].mean())
    control, variant = arms(users.assign(adjusted=adjusted), "adjusted")
    compare = CompareMeans(DescrStatsW(variant), DescrStatsW(control))
    z, p = compare.ztest_ind(usevar="unequal")
    low, high = compare.zconfint_diff(alpha=ALPHA, usevar="unequal")
    assert row["cuped"]["applied"] and row["abs_effect"] == pytest.approx(effect, rel=1e-8)
    assert row["statistic"] == pytest.approx(z, rel=1e-7)
    assert row["p_value"] == pytest.approx(p, rel=1e-6)
    assert row["abs_ci"] == pytest.approx([low, high], rel=1e-7)


def test_ratio_metric_matches_linearised_influence_function(sim):
    users, experiment = sim
    row = metric_row(experiment, "revenue_per_order")
    estimates, variances = [], []
    for arm in ("control", "treatment"):
        part = users[users["variant"] == arm]
        y, d = part["revenue"].to_numpy(), part["orders"].to_numpy()
        ratio = y.sum() / d.sum()
        influence = (y - ratio * d) / d.mean()  # delta method per user
        estimates.append(ratio)
        variances.append(influence.var(ddof=1) / len(y))
    effect = estimates[1] - estimates[0]
    se = math.sqrt(sum(variances))
    z = stats.norm.ppf(1 - ALPHA / 2)
    assert row["abs_effect"] == pytest.approx(effect, rel=1e-9)
    assert row["abs_ci"] == pytest.approx([effect - z * se, effect + z * se], rel=1e-7)
    assert row["p_value"] == pytest.approx(2 * stats.norm.sf(abs(effect / se)), rel=1e-6)


def test_cli_numbers_equal_the_library_on_the_same_inputs(sim):
    users, experiment = sim
    for metric, metric_type, denominator, covariate in [
        ("purchase", "binomial", None, "pre_purchase"),
        ("revenue", "mean", None, "pre_revenue"),
        ("revenue_per_order", "ratio", "orders", None),
        ("bounce", "binomial", None, None),
    ]:
        frames = [users[users["variant"] == arm] for arm in ("control", "treatment")]
        value = "revenue" if metric == "revenue_per_order" else metric
        control, variant = (
            SufficientStats.from_samples(
                f[value],
                None if denominator is None else f[denominator],
                None if covariate is None else f[covariate],
            )
            for f in frames
        )
        library = estimate_effect(control, variant, metric_type, alpha=ALPHA)
        row = metric_row(experiment, metric)
        assert row["abs_effect"] == pytest.approx(library.absolute_effect, rel=1e-9)
        assert row["p_value"] == pytest.approx(library.p_value, rel=1e-9)
        assert row["rel_ci"] == pytest.approx(
            [library.relative_ci_lower, library.relative_ci_upper], rel=1e-9
        )


def test_relative_ci_matches_statsmodels_delta_method(sim):
    from statsmodels.stats._delta_method import NonlinearDeltaCov

    users, experiment = sim
    control, variant = arms(users, "items_viewed")
    delta = NonlinearDeltaCov(
        lambda p: np.array([p[1] / p[0] - 1.0]),
        np.array([control.mean(), variant.mean()]),
        np.diag([control.var(ddof=1) / len(control), variant.var(ddof=1) / len(variant)]),
    )
    estimate, se = delta.predicted()[0], delta.se_vectorized()[0]
    row = metric_row(experiment, "items_viewed")
    assert row["rel_se"] == pytest.approx(se, rel=1e-5)  # numerical derivatives in statsmodels
    t = stats.t.ppf(1 - ALPHA / 2, row["df"])  # mean metrics use Welch's t quantile for both CIs
    assert row["rel_ci"] == pytest.approx([estimate - t * se, estimate + t * se], rel=1e-5)


def test_holm_families_match_statsmodels_multipletests(experiments):
    experiment = experiments["sim_lift"]
    secondary = [
        m
        for m in experiment["metrics"]
        if m["segment_name"] == "all" and m["metric_role"] == "secondary" and m["estimable"]
    ]
    assert len(secondary) == 4
    _, expected, _, _ = multipletests([m["p_value"] for m in secondary], method="holm")
    assert [m["p_value_adjusted"] for m in secondary] == pytest.approx(expected, rel=1e-12)
    devices = [
        m
        for m in experiment["metrics"]
        if m["metric_name"] == "purchase" and m["segment_name"] == "device" and m["estimable"]
    ]
    assert len(devices) == 4
    _, expected, _, _ = multipletests([m["p_value"] for m in devices], method="holm")
    assert [m["p_value_adjusted"] for m in devices] == pytest.approx(expected, rel=1e-12)
    primary = metric_row(experiment, "purchase")
    guardrail = metric_row(experiment, "bounce")
    assert primary["p_value_adjusted"] == primary["p_value"]  # one test in its family
    assert guardrail["p_value_adjusted"] == guardrail["p_value"]  # guardrails unadjusted
    three = [metric_row(experiments["three_arms"], "purchase", variant=v) for v in ("a", "b")]
    _, expected, _, _ = multipletests([m["p_value"] for m in three], method="holm")
    assert [m["p_value_adjusted"] for m in three] == pytest.approx(expected, rel=1e-12)


def test_bh_correction_option(synthetic):
    path, _ = synthetic
    result = report_json(analyze_warehouse(path, ["sim_lift"], AnalysisOptions(correction="bh")))
    experiment = result["experiments"][0]
    secondary = [
        m
        for m in experiment["metrics"]
        if m["segment_name"] == "all" and m["metric_role"] == "secondary" and m["estimable"]
    ]
    _, expected, _, _ = multipletests([m["p_value"] for m in secondary], method="fdr_bh")
    assert [m["p_value_adjusted"] for m in secondary] == pytest.approx(expected, rel=1e-12)
    assert result["correction"] == "bh"


def test_srm_matches_scipy_chisquare(synthetic, experiments):
    _, truth = synthetic
    for experiment_id in ("sim_lift", "three_arms", "srm_broken"):
        spec, users = truth[experiment_id].spec, truth[experiment_id].users
        observed = [int((users["variant"] == v).sum()) for v in spec.variants]
        weights = np.asarray(spec.weights) / sum(spec.weights)
        reference = stats.chisquare(observed, np.sum(observed) * weights)
        srm = experiments[experiment_id]["srm"]
        assert [v["users"] for v in srm["variants"]] == observed
        assert srm["p_value"] == pytest.approx(reference.pvalue, rel=1e-9, abs=1e-300)
    assert experiments["srm_broken"]["srm"]["flag"] == "fail"
    assert experiments["srm_broken"]["decision"]["decision"] == "invalid"


def test_aa_summary_matches_resplits_of_the_raw_users(synthetic, experiments):
    _, truth = synthetic
    synthetic_experiment = truth["sim_lift"]
    users, spec = synthetic_experiment.users, synthetic_experiment.spec
    p_values = []
    for assignment in synthetic_experiment.aa_assignments:
        variant = np.asarray(spec.variants)[assignment]
        frames = [users[variant == arm] for arm in spec.variants]
        control, treated = (
            SufficientStats.from_samples(f["purchase"], covariates=f["pre_purchase"])
            for f in frames
        )
        p_values.append(estimate_effect(control, treated, "binomial").p_value)
    aa = experiments["sim_lift"]["aa"]
    assert aa["available"] and aa["salts"] == spec.aa_salts
    assert aa["p_values"] == pytest.approx(p_values, rel=1e-9)
    significant = sum(p < ALPHA for p in p_values)
    assert aa["share_significant"] == pytest.approx(significant / len(p_values))
    assert aa["ks_p_value"] == pytest.approx(stats.kstest(p_values, "uniform").pvalue, rel=1e-6)
    binomial = stats.binomtest(significant, len(p_values), ALPHA).pvalue
    assert aa["binomial_p_value"] == pytest.approx(binomial, rel=1e-6)
    three = experiments["three_arms"]["aa"]  # one test per salt and treatment arm
    assert (three["salts"], three["comparisons"]) == (20, 40)


def test_heterogeneity_matches_statsmodels_combine_effects(experiments):
    experiment = experiments["sim_lift"]
    for breakdown in ("device", "user_type"):
        rows = [
            m
            for m in experiment["metrics"]
            if m["metric_name"] == "purchase" and m["segment_name"] == breakdown
        ]
        reference = combine_effects(
            np.array([m["rel_effect"] for m in rows]), np.array([m["rel_se"] ** 2 for m in rows])
        ).test_homogeneity()
        test = next(
            t
            for t in experiment["heterogeneity"]
            if t["metric_name"] == "purchase" and t["segment_name"] == breakdown
        )
        assert test["statistic"] == pytest.approx(reference.statistic, rel=1e-9)
        assert test["p_value"] == pytest.approx(reference.pvalue, rel=1e-9)
        assert test["df"] == reference.df


def test_bayesian_chance_to_win_and_loss_match_monte_carlo(sim):
    users, experiment = sim
    rng = np.random.default_rng(5)
    control, variant = arms(users, "reached_checkout")
    draws = 400_000
    p_c = rng.beta(1 + control.sum(), 1 + len(control) - control.sum(), draws)
    p_v = rng.beta(1 + variant.sum(), 1 + len(variant) - variant.sum(), draws)
    row = metric_row(experiment, "reached_checkout")
    assert row["chance_to_win"] == pytest.approx(np.mean(p_v > p_c), abs=0.004)
    loss = np.maximum(p_c - p_v, 0)
    # expected_loss_abs (was expected_loss): in the metric's unit; _rel as a share of control
    assert row["expected_loss_abs"] == pytest.approx(loss.mean(), abs=4 * loss.std() / draws**0.5)
    assert row["expected_loss_rel"] == pytest.approx(
        row["expected_loss_abs"] / row["control_mean"], rel=1e-9
    )
    # lower-is-better guardrail: winning means a lower bounce rate
    control, variant = arms(users, "bounce")
    p_c = rng.beta(1 + control.sum(), 1 + len(control) - control.sum(), draws)
    p_v = rng.beta(1 + variant.sum(), 1 + len(variant) - variant.sum(), draws)
    assert metric_row(experiment, "bounce")["chance_to_win"] == pytest.approx(
        np.mean(p_v < p_c), abs=0.004
    )


def test_sequential_looks_match_raw_cumulative_data(sim):
    users, experiment = sim
    row = metric_row(experiment, "purchase")
    seq = row["sequential"]
    days = users["day"].max() + 1
    assert seq["available"] and seq["looks"] == days
    # the mSPRT of Johari et al. written in its likelihood-ratio form, tau^2 = V N rho^2
    total = len(users)
    rho2 = (-2 * math.log(ALPHA) + math.log(-2 * math.log(ALPHA) + 1)) / total
    running, first_stop = 1.0, None
    for day, look in enumerate(seq["series"]):
        upto = users[users["day"] <= day]
        control, variant = arms(upto, "purchase")
        p_c, p_v = control.mean(), variant.mean()
        v = p_c * (1 - p_c) / len(control) + p_v * (1 - p_v) / len(variant)
        estimate = p_v - p_c
        tau2 = v * len(upto) * rho2
        likelihood_ratio = math.sqrt(v / (v + tau2)) * math.exp(
            tau2 * estimate**2 / (2 * v * (v + tau2))
        )
        running = min(running, 1 / likelihood_ratio)
        if first_stop is None and running < ALPHA:
            first_stop = day + 1
        assert look["control_users"] == len(control) and look["variant_users"] == len(variant)
        assert look["estimate"] == pytest.approx(estimate, rel=1e-9, abs=1e-12)
        assert look["p_value"] == pytest.approx(running, rel=1e-7)
    assert seq["always_valid_p_value"] == pytest.approx(running, rel=1e-7)
    assert seq["stopped_at_day"] == first_stop


def test_power_matches_statsmodels_normal_ind_power(sim):
    users, experiment = sim
    row = metric_row(experiment, "items_viewed")
    power = row["power"]
    control, variant = arms(users, "items_viewed")
    ratio = len(variant) / len(control)
    s_c, s_t = control.var(ddof=1), variant.var(ddof=1)
    # a common sigma^2 that makes the equal-variance formula exact for unequal variances
    sigma = math.sqrt((s_c + s_t / ratio) / (1 + 1 / ratio))
    target = 0.05 * control.mean()
    effect_size = target / sigma
    reference = NormalIndPower()
    assert power["power_at_mde"] == pytest.approx(
        reference.power(effect_size, nobs1=len(control), alpha=ALPHA, ratio=ratio), rel=1e-6
    )
    needed = reference.solve_power(effect_size, alpha=ALPHA, power=0.8, ratio=ratio)
    assert power["users_needed_control"] == math.ceil(needed)
    days = users["day"].max() + 1
    rate = len(control) / days
    expected_extra = max(0, math.ceil((math.ceil(needed) - len(control)) / rate))
    assert power["extra_days_needed"] in (expected_extra, expected_extra + 1)  # variant arm
    assert power["days_elapsed"] == days


def test_roi_matches_closed_form(sim, cli_run):
    users, experiment = sim
    roi = experiment["roi"]
    assert roi["available"] and roi["metric_name"] == "purchase"
    row = metric_row(experiment, "purchase")
    days = users["day"].max() + 1
    monthly = len(users) / days * 365.25 / 12
    control = users[users["variant"] == "control"]
    order_value = control["revenue"].sum() / control["orders"].sum()
    inputs = roi["inputs"]
    assert inputs["monthly_users"] == pytest.approx(monthly, rel=1e-12)
    assert inputs["average_order_value"] == pytest.approx(order_value, rel=1e-12)
    assert inputs["lift"] == row["rel_effect"] and inputs["lift_se"] == row["rel_se"]
    a = cli_run.result["roi_assumptions"]  # from the warehouse's seeds.roi_assumptions
    assert (a["gross_margin"], a["implementation_cost"], a["assumed_order_value"]) == (
        0.4,
        5000.0,
        45.0,
    )
    cost = a["implementation_cost"] + a["monthly_running_cost"] * a["horizon_months"]
    profit_per_unit_lift = (
        (monthly * a["rollout_share"] * inputs["conversion_rate"] * order_value)
        * a["gross_margin"]
        * a["horizon_months"]
    )
    break_even = cost / profit_per_unit_lift
    expected = stats.norm.sf(break_even, loc=row["rel_effect"], scale=row["rel_se"])
    mc_se = math.sqrt(expected * (1 - expected) / roi["n_draws"])
    assert roi["break_even_lift"] == pytest.approx(break_even, rel=1e-9)
    assert roi["probability_roi_positive"] == pytest.approx(expected, abs=5 * mc_se + 1e-4)
    net = profit_per_unit_lift * row["rel_effect"] - cost
    assert roi["net_profit_over_horizon"]["estimate"] == pytest.approx(net, rel=1e-9)


def test_thompson_weights_match_monte_carlo(synthetic, experiments):
    _, truth = synthetic
    users = truth["three_arms"].users
    rng = np.random.default_rng(9)
    draws = np.column_stack(
        [
            rng.beta(1 + s.sum(), 1 + len(s) - s.sum(), 200_000)
            for s in (users.loc[users["variant"] == v, "purchase"] for v in ("control", "a", "b"))
        ]
    )
    expected = np.bincount(draws.argmax(axis=1), minlength=3) / len(draws)
    weights = experiments["three_arms"]["thompson"]["weights"]
    assert [weights[v] for v in ("control", "a", "b")] == pytest.approx(expected, abs=0.012)
