import math

import numpy as np
import pandas as pd
import pytest
from funnelhouse.stats import SufficientStats


def test_moments_match_numpy(rng):
    y = rng.lognormal(1.0, 0.8, 500)
    d = rng.poisson(2.0, 500) + 1.0
    x = y * 0.5 + rng.normal(0, 1, 500)
    s = SufficientStats.from_samples(y, denominators=d, covariates=x)
    assert s.n == 500
    assert s.mean == pytest.approx(np.mean(y), rel=1e-12)
    assert s.variance == pytest.approx(np.var(y, ddof=1), rel=1e-9)
    assert s.denominator_mean == pytest.approx(np.mean(d), rel=1e-12)
    assert s.denominator_variance == pytest.approx(np.var(d, ddof=1), rel=1e-9)
    assert s.metric_denominator_covariance == pytest.approx(np.cov(y, d)[0, 1], rel=1e-9)
    assert s.ratio == pytest.approx(y.sum() / d.sum(), rel=1e-12)
    assert s.covariate_mean == pytest.approx(np.mean(x), rel=1e-12)
    assert s.covariate_variance == pytest.approx(np.var(x, ddof=1), rel=1e-9)
    assert s.metric_covariate_covariance == pytest.approx(np.cov(y, x)[0, 1], rel=1e-9)


def test_from_row_maps_nulls_and_ignores_extra_columns():
    row = pd.Series(
        {
            "experiment_id": "exp1",
            "look_date": "2024-06-01",
            "users": 10.0,
            "metric_sum": 3.0,
            "metric_sum_squares": 3.0,
            "denominator_sum": None,
            "denominator_sum_squares": float("nan"),
            "metric_denominator_sum_product": pd.NA,
            "covariate_sum": 2.0,
            "covariate_sum_squares": 2.0,
            "metric_covariate_sum_product": 1.0,
        }
    )
    s = SufficientStats.from_row(row)
    assert s.users == 10 and isinstance(s.users, int)
    assert s.denominator_sum is None and s.denominator_sum_squares is None
    assert not s.has_denominator
    assert s.has_covariate
    assert SufficientStats.from_row(s.to_dict()) == s


def test_from_row_requires_core_columns():
    with pytest.raises(ValueError):
        SufficientStats.from_row({"users": 3, "metric_sum": 1.0})


def test_partial_covariate_is_not_a_covariate():
    s = SufficientStats(users=5, metric_sum=1.0, metric_sum_squares=1.0, covariate_sum=2.0)
    assert not s.has_covariate
    with pytest.raises(ValueError):
        _ = s.covariate_mean


def test_pooling_equals_concatenation(rng):
    a, b = rng.normal(size=100), rng.normal(size=50)
    xa, xb = rng.normal(size=100), rng.normal(size=50)
    pooled = SufficientStats.from_samples(a, covariates=xa) + SufficientStats.from_samples(
        b, covariates=xb
    )
    direct = SufficientStats.from_samples(np.r_[a, b], covariates=np.r_[xa, xb])
    for field, value in direct.to_dict().items():
        other = getattr(pooled, field)
        assert (value is None and other is None) or math.isclose(value, other, rel_tol=1e-12)
    assert pooled.denominator_sum is None


def test_variance_undefined_for_single_user():
    assert math.isnan(SufficientStats.from_samples([1.0]).variance)
