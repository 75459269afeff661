import numpy as np
import pytest
import statsmodels.api as sm
from funnelhouse.stats import SufficientStats, estimate_effect


def ols_with_centred_covariate(y_c, x_c, y_t, x_t):
    y = np.r_[y_c, y_t]
    x = np.r_[x_c, x_t]
    treatment = np.r_[np.zeros(y_c.size), np.ones(y_t.size)]
    design = np.column_stack([np.ones_like(y), treatment, x - x.mean()])
    return sm.OLS(y, design)


def welch_se(y_c, y_t):
    return np.sqrt(y_c.var(ddof=1) / y_c.size + y_t.var(ddof=1) / y_t.size)


def test_cuped_mean_metric_matches_ols(rng):
    n_c, n_t = 3000, 2600
    x_c = rng.gamma(2.0, 10.0, n_c)
    x_t = rng.gamma(2.0, 10.0, n_t)
    y_c = 5.0 + 0.7 * x_c + rng.normal(0, 8, n_c)
    y_t = 6.0 + 0.7 * x_t + rng.normal(0, 8, n_t)
    result = estimate_effect(
        SufficientStats.from_samples(y_c, covariates=x_c),
        SufficientStats.from_samples(y_t, covariates=x_t),
        "mean",
    )
    model = ols_with_centred_covariate(y_c, x_c, y_t, x_t)
    fit = model.fit()
    robust = model.fit(cov_type="HC2")

    assert result.cuped.applied and "CUPED" in result.test
    assert result.absolute_effect == pytest.approx(fit.params[1], rel=1e-9)
    assert result.cuped.theta == pytest.approx(fit.params[2], rel=1e-9)
    assert result.cuped.control_adjusted_mean == pytest.approx(fit.params[0], rel=1e-9)
    assert result.cuped.variant_adjusted_mean == pytest.approx(fit.params[0] + fit.params[1])
    assert result.absolute_se == pytest.approx(robust.bse[1], rel=0.02)
    assert result.absolute_se == pytest.approx(fit.bse[1], rel=0.03)
    expected_reduction = 1 - (robust.bse[1] / welch_se(y_c, y_t)) ** 2
    assert result.cuped.variance_reduction == pytest.approx(expected_reduction, abs=0.02)
    assert result.cuped.variance_reduction > 0.5


def test_cuped_binomial_matches_ols(rng):
    n = 8000
    x_c = (rng.random(n) < 0.1).astype(float)
    x_t = (rng.random(n) < 0.1).astype(float)
    y_c = (rng.random(n) < np.where(x_c == 1, 0.4, 0.05)).astype(float)
    y_t = (rng.random(n) < np.where(x_t == 1, 0.44, 0.055)).astype(float)
    result = estimate_effect(
        SufficientStats.from_samples(y_c, covariates=x_c),
        SufficientStats.from_samples(y_t, covariates=x_t),
        "binomial",
    )
    model = ols_with_centred_covariate(y_c, x_c, y_t, x_t)
    robust = model.fit(cov_type="HC2")
    assert result.cuped.applied and result.df is None
    assert result.absolute_effect == pytest.approx(robust.params[1], rel=1e-9)
    assert result.absolute_se == pytest.approx(robust.bse[1], rel=0.02)
    assert result.p_value == pytest.approx(robust.pvalues[1], rel=0.1, abs=1e-4)


def test_cuped_not_applied_without_usable_covariate(rng):
    y = rng.normal(size=200)
    plain = SufficientStats.from_samples(y)
    with_x = SufficientStats.from_samples(y, covariates=rng.normal(size=200))
    constant_x = SufficientStats.from_samples(y, covariates=np.full(200, 3.0))
    ratio = SufficientStats.from_samples(
        np.abs(y), denominators=np.ones(200), covariates=rng.normal(size=200)
    )

    no_cov = estimate_effect(plain, with_x, "mean")
    assert not no_cov.cuped.applied and "covariate" in no_cov.cuped.reason
    flat = estimate_effect(constant_x, constant_x, "mean")
    assert not flat.cuped.applied and "zero variance" in flat.cuped.reason
    ratio_result = estimate_effect(ratio, ratio, "ratio")
    assert not ratio_result.cuped.applied and "ratio" in ratio_result.cuped.reason
    disabled = estimate_effect(with_x, with_x, "mean", use_cuped=False)
    assert not disabled.cuped.applied and disabled.cuped.reason == "disabled"
