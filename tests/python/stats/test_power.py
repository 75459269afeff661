import math

import numpy as np
import pytest
from funnelhouse.stats import SufficientStats, power_analysis
from funnelhouse.stats.power import (
    days_needed,
    minimum_detectable_effect,
    power_at_effect,
    required_users,
)
from statsmodels.stats.power import NormalIndPower, TTestIndPower


@pytest.mark.parametrize(("n1", "ratio", "d"), [(1000, 1.0, 0.1), (5000, 0.25, 0.05)])
def test_power_matches_statsmodels(n1, ratio, d):
    sigma = 3.0
    se = sigma * math.sqrt(1 / n1 + 1 / (n1 * ratio))
    expected = NormalIndPower().power(effect_size=d, nobs1=n1, alpha=0.05, ratio=ratio)
    assert power_at_effect(d * sigma, se, 0.05) == pytest.approx(expected, rel=1e-9)


def test_mde_matches_statsmodels():
    sigma, n1, ratio = 2.0, 4000, 1.5
    se = sigma * math.sqrt(1 / n1 + 1 / (n1 * ratio))
    d = NormalIndPower().solve_power(nobs1=n1, alpha=0.05, power=0.8, ratio=ratio)
    assert minimum_detectable_effect(se, 0.05, 0.8) == pytest.approx(d * sigma, rel=1e-5)


@pytest.mark.parametrize("ratio", [1.0, 2.0])
def test_required_users_matches_statsmodels(ratio):
    sigma, effect = 5.0, 0.3
    n_control, n_variant = required_users(effect, sigma**2, sigma**2, allocation_ratio=ratio)
    normal = NormalIndPower().solve_power(
        effect_size=effect / sigma, alpha=0.05, power=0.8, ratio=ratio
    )
    t_based = TTestIndPower().solve_power(
        effect_size=effect / sigma, alpha=0.05, power=0.8, ratio=ratio
    )
    assert n_control == math.ceil(normal)
    assert n_variant == math.ceil(normal * ratio)
    assert n_control == pytest.approx(t_based, rel=0.01)


def test_days_needed_arithmetic():
    rate, extra, total = days_needed(users_needed=10_000, users_so_far=4_000, days_elapsed=8)
    assert rate == 500 and extra == 12 and total == 20
    assert days_needed(1_000, 4_000, 8)[1:] == (0, 8)


def test_power_analysis_binomial_matches_statsmodels():
    n, conv_c, conv_t = 20_000, 1_000, 1_020
    control = SufficientStats(users=n, metric_sum=conv_c, metric_sum_squares=conv_c)
    variant = SufficientStats(users=n, metric_sum=conv_t, metric_sum_squares=conv_t)
    result = power_analysis(control, variant, "binomial", relative_mde=0.05, days_elapsed=10)
    p_c, p_t = conv_c / n, conv_t / n
    sigma = math.sqrt((p_c * (1 - p_c) + p_t * (1 - p_t)) / 2)  # equal n: average variance
    effect = 0.05 * p_c
    assert result.absolute_mde_target == pytest.approx(effect)
    assert result.power_at_mde == pytest.approx(
        NormalIndPower().power(effect_size=effect / sigma, nobs1=n, alpha=0.05), rel=1e-9
    )
    detectable = NormalIndPower().solve_power(nobs1=n, alpha=0.05, power=0.8) * sigma
    # statsmodels solves numerically (and keeps the negligible opposite tail)
    assert result.detectable_absolute_effect == pytest.approx(detectable, rel=1e-4)
    assert result.detectable_relative_effect == pytest.approx(detectable / p_c, rel=1e-4)
    needed = NormalIndPower().solve_power(effect_size=effect / sigma, alpha=0.05, power=0.8)
    assert result.users_needed_control == math.ceil(needed)
    per_day = n / 10
    assert result.extra_days_needed == math.ceil((math.ceil(needed) - n) / per_day)
    assert result.users_per_day == pytest.approx(2 * per_day)
    assert result.total_days_needed == 10 + result.extra_days_needed


def test_power_analysis_uses_cuped_variance(rng):
    x_c, x_t = rng.normal(10, 3, 2000), rng.normal(10, 3, 2000)
    y_c, y_t = x_c + rng.normal(0, 1, 2000), x_t + rng.normal(0, 1, 2000)
    control = SufficientStats.from_samples(y_c, covariates=x_c)
    variant = SufficientStats.from_samples(y_t, covariates=x_t)
    with_cuped = power_analysis(control, variant, "mean", relative_mde=0.01)
    without = power_analysis(control, variant, "mean", relative_mde=0.01, use_cuped=False)
    assert with_cuped.cuped_applied and not without.cuped_applied
    reduction = np.var(np.r_[y_c, y_t]) / np.var(np.r_[y_c - x_c, y_t - x_t])  # ~ 10x
    assert without.users_needed_control / with_cuped.users_needed_control == pytest.approx(
        reduction, rel=0.1
    )
    assert with_cuped.extra_days_needed is None  # no days_elapsed given


def test_constant_metric_says_so_in_words():
    """Item 11 of issue 10: not 'float division by zero'."""
    from funnelhouse.stats import SufficientStats, power_analysis

    constant = SufficientStats(users=500, metric_sum=500.0, metric_sum_squares=500.0)
    with pytest.raises(ValueError, match="constant in both arms"):
        power_analysis(constant, constant, "mean", 0.05)
