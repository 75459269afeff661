"""The small-sample exact test (item 9 of issue 10) against scipy's Barnard test, statsmodels'
score statistic and a coverage simulation; and its consistency with its interval."""

import numpy as np
import pytest
from funnelhouse.stats import SufficientStats, estimate_effect
from funnelhouse.stats.exact import (
    BERGER_BOOS_BETA,
    exact_difference,
    exact_p_value,
    normal_approximation_problem,
    score_statistic,
)
from scipy import stats
from statsmodels.stats.proportion import score_test_proportions_2indep

TABLES = [(0, 2, 1, 2), (5, 25, 15, 25), (3, 20, 9, 22), (1, 15, 6, 15), (2, 10, 2, 10)]


@pytest.mark.parametrize(("x_c", "n_c", "x_v", "n_v"), TABLES)
def test_p_value_of_no_effect_is_barnards_test(x_c, n_c, x_v, n_v):
    reference = stats.barnard_exact([[x_v, x_c], [n_v - x_v, n_c - x_c]], pooled=True).pvalue
    # Berger-Boos adds beta; the nuisance grid can only make it larger, never smaller
    assert exact_p_value(x_c, n_c, x_v, n_v) == pytest.approx(reference, abs=2 * BERGER_BOOS_BETA)


@pytest.mark.parametrize("delta", [0.1, -0.2, 0.3, 0.0])
def test_score_statistic_matches_statsmodels(delta):
    reference = score_test_proportions_2indep(9, 22, 3, 20, value=delta, correction=False)
    assert float(score_statistic(3, 20, 9, 22, delta)) == pytest.approx(reference.statistic)


@pytest.mark.parametrize(("x_c", "n_c", "x_v", "n_v"), TABLES)
def test_interval_excludes_zero_exactly_when_p_is_below_alpha(x_c, n_c, x_v, n_v):
    for alpha in (0.05, 0.1, 0.2):
        result = exact_difference(x_c, n_c, x_v, n_v, alpha=alpha)
        excludes = result.ci_lower > 0 or result.ci_upper < 0
        assert excludes == (result.p_value < alpha)
        assert result.ci_lower <= result.estimate <= result.ci_upper
        # the bounds are where the same test stops rejecting
        for bound in (result.ci_lower, result.ci_upper):
            if -1 < bound < 1 and bound != 0:
                assert exact_p_value(x_c, n_c, x_v, n_v, bound) >= alpha - 1e-9


@pytest.mark.parametrize(("n_c", "n_v", "p_c", "p_v"), [(15, 15, 0.05, 0.4), (10, 12, 0.2, 0.2)])
def test_interval_covers_the_true_difference(n_c, n_v, p_c, p_v):
    """An exact interval: coverage >= 95% (up to Monte Carlo error), also where the Wald
    interval and a conditional interval mapped to a difference do not (70% at 15 vs 15)."""
    rng = np.random.default_rng(3)
    trials = 120
    hits = 0
    for _ in range(trials):
        x_c, x_v = rng.binomial(n_c, p_c), rng.binomial(n_v, p_v)
        result = exact_difference(x_c, n_c, x_v, n_v)
        hits += result.ci_lower <= p_v - p_c <= result.ci_upper
    assert hits / trials >= 0.95 - 2 * (0.05 * 0.95 / trials) ** 0.5


def test_large_arms_with_few_events_enumerate_only_the_likely_outcomes():
    # scipy enumerates every table (301 x 301 here; 10,000 users per arm would need 8 GB)
    result = exact_difference(3, 300, 9, 300)
    # scipy's default 32 nuisance points miss the supremum here (0.0824 instead of 0.0836)
    reference = stats.barnard_exact([[9, 3], [291, 297]], pooled=True, n=512).pvalue
    assert result.p_value == pytest.approx(reference, abs=2 * BERGER_BOOS_BETA)
    large = exact_difference(3, 10_000, 9, 10_000)
    assert large.ci_lower < 0 < large.ci_upper and large.p_value >= 0.05


def test_when_the_normal_approximation_is_unreliable():
    assert normal_approximation_problem(1, 2, 1, 2) is not None
    assert "users" in normal_approximation_problem(10, 29, 15, 40)
    assert "successes" in normal_approximation_problem(4, 10_000, 50, 10_000)
    assert "failures" in normal_approximation_problem(50, 100, 97, 100)
    assert normal_approximation_problem(50, 100, 60, 100) is None


def test_estimate_effect_uses_the_exact_test_for_two_users_per_arm():
    """n = 2 per arm used to give a Wald CI up to +119 pp with no warning."""
    control = SufficientStats(users=2, metric_sum=0, metric_sum_squares=0)
    variant = SufficientStats(users=2, metric_sum=1, metric_sum_squares=1)
    result = estimate_effect(control, variant, "binomial")
    assert result.exact and "exact" in result.test and "small sample" in result.test
    assert any("normal approximation not reliable" in n for n in result.notes)
    assert result.absolute_ci_upper <= 1.0 and result.absolute_ci_lower >= -1.0
    reference = stats.barnard_exact([[1, 0], [1, 2]], pooled=True).pvalue
    assert result.p_value == pytest.approx(reference, abs=2 * BERGER_BOOS_BETA)
    assert result.relative_effect is None and result.cuped.applied is False
