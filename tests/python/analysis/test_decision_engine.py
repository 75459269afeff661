"""Issue 10: the decision at the edges, reproduced through the marts contract.

Every experiment is given by its per-arm sufficient statistics (``build_arms_warehouse``), one
warehouse for the module, analysed once in-process; the CLI runs where the exit code, the
JSON file or stderr are the point. Each test names the item of issue 10 it covers; references
are statsmodels, scipy or closed forms on the same sums.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import run_cli
from funnelhouse.analysis import AnalysisOptions, analyze_warehouse
from funnelhouse.report import html, text
from funnelhouse.report.json_report import report_json
from funnelhouse.stats import SufficientStats
from funnelhouse.synthetic_marts import ArmsExperiment, ArmsMetric, build_arms_warehouse
from scipy import stats
from statsmodels.stats import proportion as sm_proportion

RNG = np.random.default_rng(10)


def normal(mean: float, users: int = 2000, sd: float = 3.0) -> SufficientStats:
    return SufficientStats.from_samples(RNG.normal(mean, sd, users))


def binomial(successes: int, users: int) -> SufficientStats:
    return SufficientStats(users=users, metric_sum=successes, metric_sum_squares=successes)


PROFIT = ArmsMetric("profit", "mean", extra={"value_per_unit": 1.0, "unit": "currency"})
PROFIT_LOWER = ArmsMetric("profit", "mean", higher_is_better=False)
# 45 = the synthetic seed's assumed order value, so main's ROI (which borrowed it) is the same
PURCHASE = ArmsMetric("purchase", "binomial", extra={"value_per_unit": 45.0})
NEGATIVE = {"control": {"profit": normal(-10)}, "treatment": {"profit": normal(-5)}}
CUPED_SUMS = (  # item 4: raw rates favour control, the CUPED-adjusted estimate the variant
    {"users": 3000, "metric_sum": 611.0, "metric_sum_squares": 611.0, "covariate_sum": 1526.0,
     "covariate_sum_squares": 1526.0, "metric_covariate_sum_product": 527.0},
    {"users": 3000, "metric_sum": 601.0, "metric_sum_squares": 601.0, "covariate_sum": 1284.0,
     "covariate_sum_squares": 1284.0, "metric_covariate_sum_product": 496.0},
)  # fmt: skip


def pair(metric: str, control: SufficientStats, treatment: SufficientStats, name="treatment"):
    """The arms of a two-arm experiment with one metric."""
    return {"control": {metric: control}, name: {metric: treatment}}


def win(users: int = 33_500, lift: float = 0.071) -> dict[str, dict[str, SufficientStats]]:
    """+7.1% on a 5% conversion rate: p = 0.038 at 33,500 users per arm."""
    control = round(0.05 * users)
    return {
        "control": {"purchase": binomial(control, users)},
        "treatment": {"purchase": binomial(round(control * (1 + lift)), users)},
    }


EXPERIMENTS = [
    ArmsExperiment("negative_higher", (PROFIT,), NEGATIVE),
    ArmsExperiment("negative_lower", (PROFIT_LOWER,), NEGATIVE),
    ArmsExperiment(
        "three_negative",
        (PROFIT,),
        {
            "control": {"profit": normal(-10)},
            "a": {"profit": normal(-5)},
            "b": {"profit": normal(-9)},
        },
    ),
    ArmsExperiment(
        "split_98_2",
        (PURCHASE,),
        pair("purchase", binomial(4900, 98_000), binomial(120, 2000)),
        weights=(0.98, 0.02),
    ),
    ArmsExperiment(
        "cuped_binomial",
        (ArmsMetric("purchase", "binomial"),),
        {
            "control": {"purchase": SufficientStats(**CUPED_SUMS[0])},
            "treatment": {"purchase": SufficientStats(**CUPED_SUMS[1])},
        },
    ),
    ArmsExperiment("roi_risk", (PURCHASE,), win(), days=28),
    ArmsExperiment(
        "fixed_before_horizon", (PURCHASE,), win(), days=28, planned_users=120_000
    ),
    ArmsExperiment(
        "fixed_underpowered",
        (PURCHASE,),
        # 50% conversion: 8 more days would give 80% power for +5% (the old rule waited)
        pair("purchase", binomial(2000, 4000), binomial(2010, 4000)),
    ),
    ArmsExperiment(
        "sequential_win", (PURCHASE,), win(60_000, 0.13), days=20, analysis_plan="sequential",
        planned_users=120_000,
    ),
    ArmsExperiment(
        "sequential_open", (PURCHASE,),
        pair("purchase", binomial(500, 10_000), binomial(505, 10_000)),
        analysis_plan="sequential", planned_users=40_000,
    ),
    ArmsExperiment(
        "weight_zero_arm",
        (PURCHASE,),
        {
            "control": {"purchase": binomial(500, 10_000)},
            "treatment": {"purchase": binomial(520, 10_000)},
            "retired": {"purchase": binomial(150, 3_000)},
        },
        weights=(1.0, 1.0, 0.0),
    ),
    ArmsExperiment(
        "unregistered_arm",
        (PURCHASE,),
        {
            "control": {"purchase": binomial(500, 10_000)},
            "treatment": {"purchase": binomial(520, 10_000)},
            "ghost": {"purchase": binomial(40, 800)},
        },
        registered=("control", "treatment"),
    ),
    ArmsExperiment(
        "two_users", (PURCHASE,),
        pair("purchase", binomial(0, 2), binomial(1, 2)),
        days=1,
    ),
    ArmsExperiment(
        "aa_pass",
        (ArmsMetric("purchase", "binomial", extra={"value_kind": "distinct_orders"}),),
        pair("purchase", binomial(500, 10_000), binomial(507, 10_000), "copy"),
        is_aa_test=True, is_simulated=True,
    ),
    ArmsExperiment(
        "retention",
        (ArmsMetric("retained_7d", "binomial", extra={"value_kind": "count"}),),
        pair("retained_7d", binomial(3000, 10_000), binomial(3300, 10_000)),
    ),
]  # fmt: skip
ROI_OPTIONS = AnalysisOptions(roi_overrides={"implementation_cost": 35_000.0})


@pytest.fixture(scope="module")
def edges_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("edges") / "w.duckdb"
    build_arms_warehouse(path, EXPERIMENTS)
    return path


@pytest.fixture(scope="module")
def report(edges_db):
    return analyze_warehouse(edges_db, None, ROI_OPTIONS)


@pytest.fixture(scope="module")
def results(report):
    return {x.experiment_id: x for x in report.experiments}


# ---------------------------------------------------------------------------- item 1
def test_negative_control_mean_keeps_the_sign_of_the_effect(results):
    higher, lower = results["negative_higher"], results["negative_lower"]
    for x in (higher, lower):
        row = x.metric("profit", "treatment")
        stats_c, stats_v = (a["profit"] for a in NEGATIVE.values())
        assert row.abs_effect == pytest.approx(stats_v.mean - stats_c.mean)
        assert row.rel_effect == pytest.approx(row.abs_effect / abs(stats_c.mean))
        assert row.rel_effect > 0 and row.rel_ci[0] > 0
    assert higher.metric("profit", "treatment").chance_to_win > 0.99
    assert higher.decision.decision == "ship"
    assert lower.metric("profit", "treatment").chance_to_win < 0.01
    assert lower.decision.decision == "stop"
    assert "harmed" in lower.decision.reasons[-1]
    # ROI follows too: +5 per user is money gained, at 1 per unit of profit
    roi = higher.roi
    expected = roi.inputs.monthly_users * roi.inputs.rollout_share * row.abs_effect * 1.0
    assert roi.incremental_revenue_per_month.estimate == pytest.approx(expected, rel=1e-9)
    assert roi.incremental_revenue_per_month.estimate > 0


# ---------------------------------------------------------------------------- item 2
def test_multi_arm_ships_the_arm_with_the_best_absolute_effect(results):
    three = results["three_negative"]
    assert {v.decision for v in three.decision.by_variant} == {"ship"}
    assert three.decision.variant == "a"
    assert three.metric("profit", "a").abs_effect > three.metric("profit", "b").abs_effect


# ---------------------------------------------------------------------------- item 3
def test_p_value_and_interval_of_the_decision_agree(results):
    x = results["split_98_2"]
    row = x.metric("purchase", "treatment")
    reference = sm_proportion.test_proportions_2indep(120, 2000, 4900, 98_000, method="wald")
    assert row.p_value == pytest.approx(reference.pvalue, rel=1e-9)
    assert row.p_value > 0.05 and row.abs_ci[0] < 0 < row.abs_ci[1]
    assert x.decision.decision == "stop" and x.decision.deciding_p_value == row.p_value


# ---------------------------------------------------------------------------- item 4
def test_bayesian_view_uses_the_cuped_adjusted_estimate(results):
    row = results["cuped_binomial"].metric("purchase", "treatment")
    assert row.cuped.applied and row.p_value < 0.05 and row.abs_effect > 0
    assert "CUPED-adjusted" in row.bayesian.method
    # GrowthBook's Gaussian posterior of the same estimate: P(effect > 0) = Phi(rel / se)
    assert row.chance_to_win == pytest.approx(stats.norm.cdf(row.rel_effect / row.rel_se))
    assert row.chance_to_win > 0.95  # the raw Beta posteriors give 37%


# ---------------------------------------------------------------------------- item 6
def test_fixed_horizon_plan_does_not_decide_before_its_horizon(results):
    early = results["fixed_before_horizon"]
    assert early.metric("purchase", "treatment").p_value < 0.05  # would have shipped
    assert early.decision.decision == "keep running"
    assert early.decision.deciding_p_value is None
    plan = early.analysis_plan
    assert (plan.plan, plan.horizon_reached, plan.planned_users) == (
        "fixed_horizon",
        False,
        120_000,
    )
    # 67,000 users in 28 days: 53,000 more take ceil(53,000 / (67,000 / 28)) days
    assert early.decision.extra_days_needed == math.ceil(53_000 / (67_000 / 28))
    assert "not decisive" in early.decision.headline


def test_fixed_horizon_plan_at_its_horizon_never_asks_for_more_days(results):
    flat = results["fixed_underpowered"]
    power = flat.metric("purchase", "treatment").power
    assert power.power_at_mde < 0.8 and power.extra_days_needed <= 28
    assert flat.decision.decision == "stop" and flat.decision.extra_days_needed is None
    assert "planned horizon" in flat.decision.reasons[-1]


def test_sequential_plan_decides_with_the_always_valid_test(results):
    seq = results["sequential_win"]
    section = seq.metric("purchase", "treatment").sequential
    assert section.tuning_total_users == 120_000.0
    assert seq.decision.decision == "ship"
    assert seq.decision.deciding_p_value == section.p_value_adjusted < 0.05
    assert "always-valid" in seq.decision.deciding_test
    assert "always-valid" in seq.decision.headline
    open_ended = results["sequential_open"]
    assert open_ended.decision.decision == "keep running"
    assert open_ended.decision.extra_days_needed == math.ceil(20_000 / (20_000 / 14))


# ---------------------------------------------------------------------------- item 8
def test_users_outside_the_design_fail_the_health_check(results):
    for experiment_id, variant, reason in (
        ("weight_zero_arm", "retired", "weight 0"),
        ("unregistered_arm", "ghost", "not in marts.dim_experiment_variants"),
    ):
        x = results[experiment_id]
        assert x.srm.flag == "fail" and x.srm.p_value == 0.0
        outside = x.srm.outside_design
        assert [o.variant for o in outside] == [variant] and reason in outside[0].reason
        assert x.decision.decision == "invalid"
        assert "sample ratio mismatch" in x.decision.reasons[0]


# ---------------------------------------------------------------------------- item 9
def test_two_users_per_arm_use_the_exact_test(results):
    row = results["two_users"].metric("purchase", "treatment")
    assert row.exact and "exact" in row.test
    assert any("normal approximation not reliable" in n for n in row.notes)
    reference = stats.barnard_exact([[1, 0], [1, 2]], pooled=True).pvalue
    assert row.p_value == pytest.approx(reference, abs=2e-4)
    assert -1 <= row.abs_ci[0] <= 0 <= row.abs_ci[1] <= 1  # the Wald CI reached +119 pp
    assert results["two_users"].decision.decision == "stop"


# ---------------------------------------------------------------------------- item 10
def test_expected_loss_names_its_scale_in_json_and_report(report, results):
    document = report_json(report)
    row = next(
        m
        for x in document["experiments"]
        if x["experiment_id"] == "split_98_2"
        for m in x["metrics"]
    )
    assert "expected_loss" not in row and "expected_loss" not in row["bayesian"]
    assert row["expected_loss_rel"] == pytest.approx(row["expected_loss_abs"] / row["control_mean"])
    assert row["bayesian"]["effect_scale"] == "absolute"
    page = html.render(report)
    assert "expected loss" in page and "of control" in page
    assert "of the control mean" in text.summary(report)


# ---------------------------------------------------------------------------- item 12
def test_roi_risk_is_a_risk_on_the_verdict_not_a_flip(results):
    x = results["roi_risk"]
    row = x.metric("purchase", "treatment")
    assert row.p_value < 0.05 and x.roi.probability_roi_positive < 0.8
    assert x.decision.decision == "ship"
    risk = 1 - x.roi.probability_roi_positive
    assert x.decision.roi_risk == pytest.approx(risk)
    assert f"{risk:.0%} chance it does not pay back within 12 months" in x.decision.headline
    # only the deciding p-value is in the headline, and it is the fixed-horizon test's
    assert x.decision.headline.count("p =") == 1 and "always-valid" not in x.decision.headline
    assert f"p = {row.p_value:.2g}" in x.decision.headline


# ---------------------------------------------------------------------------- item 13
def test_aa_experiment_gets_an_aa_verdict_and_no_money(results):
    x = results["aa_pass"]
    assert x.is_aa_test and x.decision.decision == "a/a pass"
    assert x.decision.go_no_go is None and "A/A" in x.framing
    assert x.roi.available is False and "A/A" in x.roi.note
    assert x.decision.headline.startswith("A/A PASS")


# ---------------------------------------------------------------------------- item 14
def test_money_only_where_a_value_per_unit_is_known(results):
    retention = results["retention"]
    assert retention.roi.available is False
    assert "no value per unit is known for retained_7d" in retention.roi.note
    valued = results["roi_risk"].roi
    assert valued.inputs.average_order_value == 45.0
    assert "value_per_unit of purchase" in valued.value_source
    aa = results["aa_pass"]
    assert aa.roi.available is False


# ---------------------------------------------------------------------------- item 7
def broken_experiments() -> list[ArmsExperiment]:
    revenue = ArmsMetric("revenue", "mean", extra={"is_revenue": True})
    ratio = ArmsMetric("items_per_order", "ratio")
    zero = SufficientStats(
        users=500,
        metric_sum=0.0,
        metric_sum_squares=0.0,
        denominator_sum=0.0,
        denominator_sum_squares=0.0,
        metric_denominator_sum_product=0.0,
    )
    return [
        ArmsExperiment("fine", (PURCHASE,), win(5000)),
        ArmsExperiment(
            "revenue_without_prices",
            (revenue,),
            {"control": {"revenue": normal(0.0)}, "treatment": {"revenue": normal(0.0)}},
        ),
        ArmsExperiment(
            "ratio_zero_denominator",
            (ratio,),
            {"control": {"items_per_order": zero}, "treatment": {"items_per_order": zero}},
        ),
        ArmsExperiment(
            "more_successes_than_users",
            (PURCHASE,),
            pair("purchase", binomial(120, 100), binomial(20, 100)),
        ),
    ]  # fmt: skip


def test_a_primary_that_cannot_be_estimated_is_invalid_and_the_run_goes_on(tmp_path):
    path = tmp_path / "broken.duckdb"
    build_arms_warehouse(path, broken_experiments(), has_revenue=False)
    run = run_cli("--db", str(path), "--all", "--quiet", json_path=tmp_path / "a.json")
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr and "AssertionError" not in run.stderr
    document = run.result
    decisions = {x["experiment_id"]: x["decision"] for x in document["experiments"]}
    assert decisions["fine"]["decision"] in ("ship", "stop")
    for experiment_id, reason in (
        ("revenue_without_prices", "revenue unavailable"),
        ("ratio_zero_denominator", "zero denominator"),
        ("more_successes_than_users", "120 successes among 100 users"),
    ):
        assert decisions[experiment_id]["decision"] == "invalid"
        assert any(reason in r for r in decisions[experiment_id]["reasons"])
        error = next(e for e in document["errors"] if e["experiment_id"] == experiment_id)
        assert reason in error["error"] and error["analysed"] is True
        assert any(experiment_id in line for line in run.stderr.splitlines())
    single = run_cli("--db", str(path), "--experiment", "ratio_zero_denominator", "--quiet")
    assert single.returncode == 1 and len(single.stderr.strip().splitlines()) == 1


# ---------------------------------------------------------------------------- item 11
def test_constant_metric_gets_clear_words_and_no_runtime_warnings(tmp_path):
    constant = SufficientStats(users=1000, metric_sum=1000.0, metric_sum_squares=1000.0)
    x = ArmsExperiment(
        "constant",
        (PURCHASE, ArmsMetric("sessions", "mean", role="secondary")),
        {
            "control": {"purchase": binomial(50, 1000), "sessions": constant},
            "treatment": {"purchase": binomial(55, 1000), "sessions": constant},
        },
    )
    path = tmp_path / "constant.duckdb"
    build_arms_warehouse(path, [x])
    run = run_cli("--db", str(path), "--all", json_path=tmp_path / "a.json")
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""  # no RuntimeWarning of numpy / scipy
    row = next(m for m in run.result["experiments"][0]["metrics"] if m["metric_name"] == "sessions")
    notes = " ".join(str(v) for v in (row["note"], (row["power"] or {}).get("note")))
    assert "division" not in notes
    assert row["estimable"] is False or "constant" in row["power"]["note"]
