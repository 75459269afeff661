"""CUPED variance reduction (Deng et al. 2013) from sufficient statistics.

theta is pooled over the control and the compared variant as the pooled *within-arm*
regression slope of Y on X:

    theta = sum_arms S_xy / sum_arms S_xx,   S_xy = sum(xy) - sum(x) sum(y) / n  (per arm)

which is exactly the covariate coefficient of the OLS regression ``Y ~ treatment + X``, so the
CUPED difference of adjusted means equals the OLS treatment coefficient. Each arm's adjusted mean
is ``mean(Y) - theta (mean(X) - pooled mean(X))`` and its per-user variance
``Var(Y) - 2 theta Cov(Y, X) + theta^2 Var(X)``; theta is treated as fixed (its estimation error
is O(1/n)). CUPED is not applied to ratio metrics.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from funnelhouse.stats.estimates import ArmEstimate
from funnelhouse.stats.sufficient import SufficientStats


@dataclass(frozen=True)
class CupedResult:
    """Whether CUPED was applied; theta and the variance reduction (fraction, 0.3 = -30%)."""

    applied: bool
    reason: str | None = None
    theta: float | None = None
    variance_reduction: float | None = None
    control_adjusted_mean: float | None = None
    variant_adjusted_mean: float | None = None


def centred_sum_of_products(
    sum_x: ArrayLike, sum_y: ArrayLike, sum_xy: ArrayLike, n: ArrayLike
) -> np.ndarray:
    """S_xy = sum(xy) - sum(x) sum(y) / n (S_xx when x is y)."""
    sum_x = np.asarray(sum_x, dtype=float)
    return np.asarray(sum_xy, dtype=float) - sum_x * np.asarray(sum_y, dtype=float) / np.asarray(
        n, dtype=float
    )


def pooled_theta(
    centred_products: ArrayLike, centred_covariate_squares: ArrayLike
) -> float | np.ndarray:
    """theta = sum of per-arm S_xy / sum of per-arm S_xx (last axis = arms)."""
    return np.sum(centred_products, axis=-1) / np.sum(centred_covariate_squares, axis=-1)


def cuped_adjusted_mean(
    mean_y: ArrayLike, mean_x: ArrayLike, pooled_mean_x: ArrayLike, theta: ArrayLike
) -> np.ndarray:
    """mean(Y) - theta (mean(X) - pooled mean(X))."""
    return np.asarray(mean_y) - np.asarray(theta) * (np.asarray(mean_x) - np.asarray(pooled_mean_x))


def cuped_adjusted_variance(
    variance_y: ArrayLike, variance_x: ArrayLike, covariance_xy: ArrayLike, theta: ArrayLike
) -> np.ndarray:
    """Per-user variance of Y - theta X: Var(Y) - 2 theta Cov(X, Y) + theta^2 Var(X)."""
    theta = np.asarray(theta, dtype=float)
    adjusted = (
        np.asarray(variance_y) - 2.0 * theta * np.asarray(covariance_xy) + theta**2 * variance_x
    )
    return np.maximum(adjusted, 0.0)


def variance_reduction(adjusted_variance: float, unadjusted_variance: float) -> float:
    """1 - adjusted / unadjusted variance of the effect estimate."""
    return 1.0 - adjusted_variance / unadjusted_variance if unadjusted_variance > 0 else 0.0


def cuped_not_applicable_reason(
    control: SufficientStats, variant: SufficientStats, metric_type: str
) -> str | None:
    """Why CUPED cannot be applied, or None when it can."""
    if metric_type == "ratio":
        return "CUPED is not applied to ratio metrics"
    if not (control.has_covariate and variant.has_covariate):
        return "no pre-exposure covariate statistics"
    s_xx = sum(
        float(
            centred_sum_of_products(s.covariate_sum, s.covariate_sum, s.covariate_sum_squares, s.n)
        )
        for s in (control, variant)
    )
    if not s_xx > 1e-12 * max(1.0, abs(control.covariate_sum_squares or 0.0)):
        return "covariate has zero variance"
    return None


def cuped_adjust(
    control: SufficientStats, variant: SufficientStats, metric_type: str
) -> tuple[CupedResult, ArmEstimate | None, ArmEstimate | None]:
    """CUPED-adjusted arm estimates, or (not-applied result, None, None)."""
    reason = cuped_not_applicable_reason(control, variant, metric_type)
    if reason is not None:
        return CupedResult(applied=False, reason=reason), None, None
    arms = (control, variant)
    s_xy = [
        centred_sum_of_products(s.covariate_sum, s.metric_sum, s.metric_covariate_sum_product, s.n)
        for s in arms
    ]
    s_xx = [
        centred_sum_of_products(s.covariate_sum, s.covariate_sum, s.covariate_sum_squares, s.n)
        for s in arms
    ]
    theta = float(pooled_theta(s_xy, s_xx))
    pooled_mean_x = (control.covariate_sum + variant.covariate_sum) / (control.n + variant.n)
    adjusted = [
        ArmEstimate(
            mean=float(cuped_adjusted_mean(s.mean, s.covariate_mean, pooled_mean_x, theta)),
            per_user_variance=float(
                cuped_adjusted_variance(
                    s.variance, s.covariate_variance, s.metric_covariate_covariance, theta
                )
            ),
            users=s.n,
        )
        for s in arms
    ]
    unadjusted_var = sum(s.variance / s.n for s in arms)
    adjusted_var = sum(a.variance_of_mean for a in adjusted)
    result = CupedResult(
        applied=True,
        theta=theta,
        variance_reduction=variance_reduction(adjusted_var, unadjusted_var),
        control_adjusted_mean=adjusted[0].mean,
        variant_adjusted_mean=adjusted[1].mean,
    )
    return result, adjusted[0], adjusted[1]
