import numpy as np
import pytest
from funnelhouse.stats import SufficientStats, arm_estimate, estimate_effect
from scipy import stats
from statsmodels.stats import proportion as sm_proportion
from statsmodels.stats._delta_method import NonlinearDeltaCov


def relative_delta_reference(mean_c, mean_t, var_c, var_t, alpha):
    """statsmodels' numerical-derivative delta method for t/c - 1."""
    delta = NonlinearDeltaCov(
        lambda p: np.array([p[1] / p[0] - 1.0]),
        np.array([mean_c, mean_t]),
        np.diag([var_c, var_t]),
    )
    return delta.predicted()[0], delta.se_vectorized()[0], delta.conf_int(alpha=alpha)[0]


@pytest.mark.parametrize("alpha", [0.05, 0.1])
def test_mean_metric_matches_scipy_welch(rng, alpha):
    control = rng.lognormal(3.0, 1.0, 1500)
    variant = rng.lognormal(3.05, 1.1, 1200)
    result = estimate_effect(
        SufficientStats.from_samples(control),
        SufficientStats.from_samples(variant),
        "mean",
        alpha=alpha,
    )
    reference = stats.ttest_ind(variant, control, equal_var=False)
    ci = reference.confidence_interval(confidence_level=1 - alpha)
    assert result.test.startswith("Welch t-test")
    assert result.absolute_effect == pytest.approx(variant.mean() - control.mean(), rel=1e-10)
    assert result.statistic == pytest.approx(reference.statistic, rel=1e-8)
    assert result.p_value == pytest.approx(reference.pvalue, rel=1e-7)
    assert result.df == pytest.approx(reference.df, rel=1e-8)
    assert result.absolute_ci_lower == pytest.approx(ci.low, rel=1e-8)
    assert result.absolute_ci_upper == pytest.approx(ci.high, rel=1e-8)
    _, rel_se, _ = relative_delta_reference(
        control.mean(),
        variant.mean(),
        control.var(ddof=1) / 1500,
        variant.var(ddof=1) / 1200,
        alpha,
    )
    assert result.relative_effect == pytest.approx(variant.mean() / control.mean() - 1, rel=1e-10)
    assert result.relative_se == pytest.approx(rel_se, rel=1e-5)


@pytest.mark.parametrize(("conv_c", "conv_t"), [(300, 345), (120, 118), (2000, 2150)])
def test_binomial_matches_statsmodels(conv_c, conv_t):
    n_c, n_t = 10_000, 9_800
    control = SufficientStats(users=n_c, metric_sum=conv_c, metric_sum_squares=conv_c)
    variant = SufficientStats(users=n_t, metric_sum=conv_t, metric_sum_squares=conv_t)
    result = estimate_effect(control, variant, "binomial", alpha=0.05)

    # default: the unpooled (Wald) variance for the p-value and the CI (item 3 of issue 10)
    wald = sm_proportion.test_proportions_2indep(conv_t, n_t, conv_c, n_c, method="wald")
    assert "unpooled" in result.test
    assert result.df is None
    assert result.statistic == pytest.approx(wald.statistic, rel=1e-9)
    assert result.p_value == pytest.approx(wald.pvalue, rel=1e-8)
    low, high = sm_proportion.confint_proportions_2indep(
        conv_t, n_t, conv_c, n_c, method="wald", compare="diff"
    )
    assert result.absolute_ci_lower == pytest.approx(low, rel=1e-8)
    assert result.absolute_ci_upper == pytest.approx(high, rel=1e-8)

    pooled = estimate_effect(control, variant, "binomial", pooled_binomial_test=True)
    z, p = sm_proportion.proportions_ztest([conv_t, conv_c], [n_t, n_c])
    assert "pooled" in pooled.test
    assert pooled.statistic == pytest.approx(z, rel=1e-9)
    assert pooled.p_value == pytest.approx(p, rel=1e-8)

    p_c, p_t = conv_c / n_c, conv_t / n_t
    rel, rel_se, rel_ci = relative_delta_reference(
        p_c, p_t, p_c * (1 - p_c) / n_c, p_t * (1 - p_t) / n_t, 0.05
    )
    assert result.relative_effect == pytest.approx(rel, rel=1e-9)
    assert result.relative_se == pytest.approx(rel_se, rel=1e-5)
    assert result.relative_ci_lower == pytest.approx(rel_ci[0], rel=1e-5)
    assert result.relative_ci_upper == pytest.approx(rel_ci[1], rel=1e-5)


def simulate_ratio_users(rng, size):
    """Orders per user and revenue per user (revenue strongly correlated with orders)."""
    orders = rng.poisson(1.3, size).astype(float)
    revenue = orders * rng.gamma(2.0, 20.0, size) + rng.exponential(5.0, size) * (orders > 0)
    return revenue, orders


def test_ratio_delta_variance_matches_statsmodels_delta(rng):
    revenue, orders = simulate_ratio_users(rng, 2000)
    estimate = arm_estimate(SufficientStats.from_samples(revenue, denominators=orders), "ratio")
    cov_of_means = np.cov(revenue, orders) / revenue.size
    reference = NonlinearDeltaCov(
        lambda p: np.array([p[0] / p[1]]), np.array([revenue.mean(), orders.mean()]), cov_of_means
    )
    assert estimate.mean == pytest.approx(revenue.sum() / orders.sum(), rel=1e-12)
    assert estimate.variance_of_mean == pytest.approx(reference.se_vectorized()[0] ** 2, rel=1e-5)


def test_ratio_delta_variance_matches_simulation(rng):
    """Delta-method SE vs the empirical SD of the ratio over 2000 simulated samples."""
    replicates, n = 2000, 400
    revenue, orders = simulate_ratio_users(rng, (replicates, n))
    ratios = revenue.sum(axis=1) / orders.sum(axis=1)
    delta_se = [
        np.sqrt(
            arm_estimate(
                SufficientStats.from_samples(revenue[i], denominators=orders[i]), "ratio"
            ).variance_of_mean
        )
        for i in range(replicates)
    ]
    assert np.mean(delta_se) == pytest.approx(np.std(ratios, ddof=1), rel=0.06)


def test_ratio_delta_variance_matches_bootstrap(rng):
    revenue, orders = simulate_ratio_users(rng, 1000)
    estimate = arm_estimate(SufficientStats.from_samples(revenue, denominators=orders), "ratio")
    idx = rng.integers(0, 1000, (2000, 1000))
    boot = revenue[idx].sum(axis=1) / orders[idx].sum(axis=1)
    assert np.sqrt(estimate.variance_of_mean) == pytest.approx(np.std(boot, ddof=1), rel=0.06)


def test_ratio_z_test_calibrated_under_null_and_covers_effect(rng):
    sims, n = 400, 500
    p_values, covered = [], []
    for _ in range(sims):
        rev_c, ord_c = simulate_ratio_users(rng, n)
        rev_t, ord_t = simulate_ratio_users(rng, n)
        rev_t = rev_t * 1.1  # true ratio effect: +10%
        result = estimate_effect(
            SufficientStats.from_samples(rev_c, denominators=ord_c),
            SufficientStats.from_samples(rev_t, denominators=ord_t),
            "ratio",
        )
        null = estimate_effect(
            SufficientStats.from_samples(rev_c, denominators=ord_c),
            SufficientStats.from_samples(rev_t / 1.1, denominators=ord_t),
            "ratio",
        )
        p_values.append(null.p_value)
        covered.append(result.relative_ci_lower <= 0.1 <= result.relative_ci_upper)
    assert result.test.startswith("z-test on ratio")
    assert 0.02 <= np.mean(np.array(p_values) < 0.05) <= 0.09
    assert 0.91 <= np.mean(covered) <= 0.98


def test_relative_fields_none_when_control_mean_zero():
    zero = SufficientStats.from_samples(np.zeros(20))
    other = SufficientStats.from_samples(np.r_[np.ones(3), np.zeros(17)])
    result = estimate_effect(zero, other, "mean")
    assert result.relative_effect is None and result.relative_ci_lower is None


def test_input_validation():
    s = SufficientStats.from_samples([1.0, 2.0, 3.0])
    with pytest.raises(ValueError):
        estimate_effect(s, s, "median")
    with pytest.raises(ValueError):
        estimate_effect(s, SufficientStats.from_samples([1.0]), "mean")
    with pytest.raises(ValueError):
        estimate_effect(s, s, "ratio")  # no denominator sums


def test_relative_effect_has_the_sign_of_the_absolute_effect(rng):
    """Item 1 of issue 10: control -10, variant -5 is +50% (not -50%)."""
    control = SufficientStats.from_samples(rng.normal(-10, 3, 2000))
    variant = SufficientStats.from_samples(rng.normal(-5, 3, 2000))
    result = estimate_effect(control, variant, "mean")
    assert result.absolute_effect > 0 and result.relative_effect > 0
    expected = (variant.mean - control.mean) / abs(control.mean)
    assert result.relative_effect == pytest.approx(expected, rel=1e-12)
    # the delta-method se of (t - c) / |c| is the one of t / c - 1 (statsmodels)
    _, rel_se, _ = relative_delta_reference(
        control.mean, variant.mean, control.variance / 2000, variant.variance / 2000, 0.05
    )
    assert result.relative_se == pytest.approx(rel_se, rel=1e-5)
    assert result.relative_ci_lower < result.relative_effect < result.relative_ci_upper
    worse = estimate_effect(variant, control, "mean")
    assert worse.absolute_effect < 0 and worse.relative_effect < 0


@pytest.mark.parametrize(
    ("conv_c", "n_c", "conv_t", "n_t"),
    [(4900, 98_000, 120, 2000), (300, 10_000, 345, 9_800), (50, 1000, 70, 1000)],
)
def test_binomial_p_value_and_ci_agree(conv_c, n_c, conv_t, n_t):
    """Item 3 of issue 10: a 98/2 split with 5.0% vs 6.0% had p = 0.043 next to a CI that
    contains 0 (pooled p-value, unpooled interval)."""
    control = SufficientStats(users=n_c, metric_sum=conv_c, metric_sum_squares=conv_c)
    variant = SufficientStats(users=n_t, metric_sum=conv_t, metric_sum_squares=conv_t)
    for alpha in (0.01, 0.05, 0.1, 0.2):
        result = estimate_effect(control, variant, "binomial", alpha=alpha)
        excludes = result.absolute_ci_lower > 0 or result.absolute_ci_upper < 0
        assert excludes == (result.p_value < alpha)
    split = estimate_effect(
        SufficientStats(users=98_000, metric_sum=4900, metric_sum_squares=4900),
        SufficientStats(users=2000, metric_sum=120, metric_sum_squares=120),
        "binomial",
    )
    assert split.p_value > 0.05 and split.absolute_ci_lower < 0


def test_binomial_rows_with_more_successes_than_users_are_rejected():
    bad = SufficientStats(users=100, metric_sum=120, metric_sum_squares=120)
    good = SufficientStats(users=100, metric_sum=20, metric_sum_squares=20)
    with pytest.raises(ValueError, match="120 successes among 100 users"):
        estimate_effect(good, bad, "binomial")


def test_mean_metric_with_few_users_carries_a_warning(rng):
    few = estimate_effect(
        SufficientStats.from_samples(rng.normal(size=12)),
        SufficientStats.from_samples(rng.normal(size=40)),
        "mean",
    )
    assert any("12 users in an arm" in n for n in few.notes)
