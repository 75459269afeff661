import numpy as np
import pytest
import statsmodels.api as sm
from funnelhouse.stats import (
    SufficientStats,
    estimate_effect,
    heterogeneity_of_effects,
    heterogeneity_test,
)
from statsmodels.stats.meta_analysis import combine_effects


@pytest.mark.parametrize(
    ("effects", "variances"),
    [
        ([0.10, 0.02, -0.05, 0.08], [0.001, 0.002, 0.0015, 0.003]),
        ([0.03, 0.031, 0.029], [0.01, 0.02, 0.01]),
    ],
)
def test_cochrans_q_matches_statsmodels(effects, variances):
    result = heterogeneity_test(effects, variances)
    reference = combine_effects(np.array(effects), np.array(variances))
    homogeneity = reference.test_homogeneity()
    assert result.statistic == pytest.approx(reference.q, rel=1e-10)
    assert result.df == reference.df == len(effects) - 1
    assert result.p_value == pytest.approx(homogeneity.pvalue, rel=1e-9)
    assert result.i_squared == pytest.approx(max(0.0, reference.i2), abs=1e-12)
    assert result.pooled_effect == pytest.approx(reference.mean_effect_fe, rel=1e-10)
    assert result.pooled_se == pytest.approx(reference.sd_eff_w_fe, rel=1e-10)


def test_q_equals_weighted_residual_sum_of_squares():
    effects = np.array([0.2, 0.1, 0.15, -0.1, 0.05])
    variances = np.array([0.01, 0.004, 0.02, 0.01, 0.005])
    wls = sm.WLS(effects, np.ones_like(effects), weights=1 / variances).fit()
    assert heterogeneity_test(effects, variances).statistic == pytest.approx(wls.ssr, rel=1e-10)


def test_invalid_input():
    with pytest.raises(ValueError):
        heterogeneity_test([0.1], [0.01])
    with pytest.raises(ValueError):
        heterogeneity_test([0.1, 0.2], [0.01, 0.0])


def test_heterogeneity_of_effect_results(rng):
    lifts = (0.0, 0.05, 0.01)  # one segment reacts strongly; relative se ~ 0.5%
    effects = []
    for lift in lifts:
        control = SufficientStats.from_samples(rng.normal(100, 20, 3000))
        variant = SufficientStats.from_samples(rng.normal(100, 20, 3000) * (1 + lift))
        effects.append(estimate_effect(control, variant, "mean"))
    for scale in ("relative", "absolute"):
        result = heterogeneity_of_effects(effects, scale)
        prefix = "relative" if scale == "relative" else "absolute"
        estimates = np.array([getattr(e, f"{prefix}_effect") for e in effects])
        variances = np.array([getattr(e, f"{prefix}_se") ** 2 for e in effects])
        reference = combine_effects(estimates, variances)
        assert result.statistic == pytest.approx(reference.q, rel=1e-10)
        assert result.p_value < 0.05
    with pytest.raises(ValueError):
        heterogeneity_of_effects(effects, "log")
