"""Moment formulas on sums. All functions accept scalars or numpy arrays (vectorised)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def _safe_divide(numerator: ArrayLike, denominator: ArrayLike) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.divide(np.asarray(numerator, dtype=float), np.asarray(denominator, dtype=float))


def sample_mean(total: ArrayLike, n: ArrayLike) -> np.ndarray:
    """sum / n (NaN when n == 0)."""
    return _safe_divide(total, n)


def sample_variance(total: ArrayLike, sum_squares: ArrayLike, n: ArrayLike) -> np.ndarray:
    """Unbiased variance from sums: (sum_sq - sum^2/n) / (n-1), clipped at 0, NaN when n < 2."""
    n = np.asarray(n, dtype=float)
    total = np.asarray(total, dtype=float)
    centred = np.asarray(sum_squares, dtype=float) - _safe_divide(total * total, n)
    variance = np.maximum(_safe_divide(centred, n - 1.0), 0.0)
    return np.where(n >= 2, variance, np.nan)


def sample_covariance(
    sum_x: ArrayLike, sum_y: ArrayLike, sum_xy: ArrayLike, n: ArrayLike
) -> np.ndarray:
    """Unbiased covariance from sums: (sum_xy - sum_x*sum_y/n) / (n-1), NaN when n < 2."""
    n = np.asarray(n, dtype=float)
    centred = np.asarray(sum_xy, dtype=float) - _safe_divide(
        np.asarray(sum_x, dtype=float) * np.asarray(sum_y, dtype=float), n
    )
    return np.where(n >= 2, _safe_divide(centred, n - 1.0), np.nan)


def bernoulli_variance(p: ArrayLike) -> np.ndarray:
    """Per-user variance p(1-p) of a 0/1 metric with conversion rate p."""
    p = np.asarray(p, dtype=float)
    return p * (1.0 - p)


def ratio_of_means(sum_numerator: ArrayLike, sum_denominator: ArrayLike) -> np.ndarray:
    """sum(Y)/sum(D), identical to mean(Y)/mean(D)."""
    return _safe_divide(sum_numerator, sum_denominator)


def ratio_delta_method_variance(
    mean_numerator: ArrayLike,
    mean_denominator: ArrayLike,
    variance_numerator: ArrayLike,
    variance_denominator: ArrayLike,
    covariance: ArrayLike,
    n: ArrayLike,
) -> np.ndarray:
    """Delta-method variance of the ratio of means R = mean(Y)/mean(D) over n users.

    Var(R) ~= (Var(Y) - 2 R Cov(Y, D) + R^2 Var(D)) / (n mean(D)^2).
    """
    mean_d = np.asarray(mean_denominator, dtype=float)
    ratio = _safe_divide(mean_numerator, mean_d)
    linearised = (
        np.asarray(variance_numerator, dtype=float)
        - 2.0 * ratio * np.asarray(covariance, dtype=float)
        + ratio * ratio * np.asarray(variance_denominator, dtype=float)
    )
    return np.maximum(_safe_divide(linearised, np.asarray(n, dtype=float) * mean_d * mean_d), 0.0)
