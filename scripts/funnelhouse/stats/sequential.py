"""Always-valid inference over daily cumulative looks (safe peeking).

Method: the Gaussian-mixture asymptotic confidence sequence of Waudby-Smith et al. (2023,
"Time-uniform central limit theory and asymptotic confidence sequences"), as used by GrowthBook,
applied to the difference in means (variant - control). Equivalently it is the normal-mixture
mSPRT of Johari et al. (2017) with mixing variance tau^2 = V N rho^2, where at each look N is the
total number of users in both arms and V the (plug-in) variance of the difference estimate.

    half-width = sqrt( V * 2 (N rho^2 + 1) / (N rho^2) * log( sqrt(N rho^2 + 1) / alpha ) )
    p-value    = min(1, sqrt(N rho^2 + 1) * exp( -estimate^2 N rho^2 / (2 V (N rho^2 + 1)) ))

The reported p-value is the running minimum over looks; the reported CI is the running
intersection of the per-look confidence sequences (consistent with the running-min p-value),
the per-look interval is also given. The intersection can be empty (lower > upper) when the
effect drifts over time, which itself signals non-stationarity. rho is tuned so the sequence is
tightest at ``tuning_total_users`` (N*): rho^2 = (-2 log alpha + log(-2 log alpha + 1)) / N*.
Set N* to the planned total sample size before looking; if omitted, the users at the last look
are used. Variances per metric type as in ``estimates`` (binomial p(1-p), mean sample variance,
ratio delta method); CUPED is not applied here.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from funnelhouse.stats.estimates import arm_estimate
from funnelhouse.stats.sufficient import SufficientStats, check_metric_type

METHOD = "Gaussian-mixture asymptotic confidence sequence (Waudby-Smith et al. 2023) / mSPRT"


@dataclass(frozen=True)
class SequentialLook:
    """One cumulative look. Estimate fields are None when the look is not estimable
    (fewer than 2 users or zero variance)."""

    look: Hashable
    control_users: int
    variant_users: int
    estimate: float | None
    se: float | None
    look_ci_lower: float | None
    look_ci_upper: float | None
    ci_lower: float | None
    ci_upper: float | None
    p_value: float


@dataclass(frozen=True)
class SequentialResult:
    method: str
    metric_type: str
    alpha: float
    rho: float
    tuning_total_users: float
    looks: tuple[SequentialLook, ...]
    stopped_at_look: Hashable | None
    stopped_at_index: int | None


def optimal_rho(tuning_total_users: float, alpha: float) -> float:
    """rho minimising the half-width at N* users: sqrt((-2 log a + log(-2 log a + 1)) / N*)."""
    two_log = -2.0 * math.log(alpha)
    return math.sqrt((two_log + math.log(two_log + 1.0)) / tuning_total_users)


def confidence_sequence_half_width(
    variance: ArrayLike, total_users: ArrayLike, rho: float, alpha: float
) -> np.ndarray:
    """Half-width of the (1 - alpha) asymptotic confidence sequence at one look."""
    n_rho2 = np.asarray(total_users, dtype=float) * rho**2
    return np.sqrt(
        np.asarray(variance, dtype=float)
        * 2.0
        * (n_rho2 + 1.0)
        / n_rho2
        * np.log(np.sqrt(n_rho2 + 1.0) / alpha)
    )


def always_valid_p_value(
    estimate: ArrayLike, variance: ArrayLike, total_users: ArrayLike, rho: float
) -> np.ndarray:
    """Per-look p-value: smallest alpha whose confidence sequence excludes 0 (1 / mixture LR)."""
    n_rho2 = np.asarray(total_users, dtype=float) * rho**2
    estimate = np.asarray(estimate, dtype=float)
    exponent = -(estimate**2) * n_rho2 / (2.0 * np.asarray(variance, dtype=float) * (n_rho2 + 1.0))
    return np.minimum(1.0, np.sqrt(n_rho2 + 1.0) * np.exp(exponent))


@dataclass(frozen=True)
class _LookEstimate:
    """One look's estimate of variant - control and its always-valid pieces."""

    estimate: float
    variance: float
    half_width: float
    p_value: float

    def fields(self) -> dict[str, float]:
        return {
            "estimate": self.estimate,
            "se": math.sqrt(self.variance),
            "look_ci_lower": self.estimate - self.half_width,
            "look_ci_upper": self.estimate + self.half_width,
        }


def _look_estimate(
    control: SufficientStats, variant: SufficientStats, metric_type: str, rho: float, alpha: float
) -> _LookEstimate | None:
    """None when the look cannot be estimated (fewer than 2 users in an arm, no variance)."""
    if control.n < 2 or variant.n < 2:
        return None
    c, v = arm_estimate(control, metric_type), arm_estimate(variant, metric_type)
    variance = c.variance_of_mean + v.variance_of_mean
    if not (variance > 0 and math.isfinite(variance)):
        return None
    total = control.n + variant.n
    estimate = v.mean - c.mean
    half = float(confidence_sequence_half_width(variance, total, rho, alpha))
    p_value = float(always_valid_p_value(estimate, variance, total, rho))
    return _LookEstimate(estimate, variance, half, p_value)


def _check_looks(
    control_looks: Sequence[SufficientStats],
    variant_looks: Sequence[SufficientStats],
    labels: Sequence[Hashable] | None,
) -> list[Hashable]:
    if len(control_looks) != len(variant_looks) or not control_looks:
        raise ValueError("need the same, non-zero number of control and variant looks")
    labels = list(range(len(control_looks))) if labels is None else list(labels)
    if len(labels) != len(control_looks):
        raise ValueError("labels must match the number of looks")
    return labels


def sequential_test(
    control_looks: Sequence[SufficientStats],
    variant_looks: Sequence[SufficientStats],
    metric_type: str,
    *,
    labels: Sequence[Hashable] | None = None,
    alpha: float = 0.05,
    tuning_total_users: float | None = None,
) -> SequentialResult:
    """Always-valid CI and p-value per cumulative look, and the first look with p < alpha."""
    check_metric_type(metric_type)
    labels = _check_looks(control_looks, variant_looks, labels)
    if tuning_total_users is None:
        tuning_total_users = float(control_looks[-1].n + variant_looks[-1].n)
    rho = optimal_rho(tuning_total_users, alpha)
    looks: list[SequentialLook] = []
    running_p, lower, upper = 1.0, -math.inf, math.inf
    stopped: int | None = None
    for index, (label, control, variant) in enumerate(
        zip(labels, control_looks, variant_looks, strict=True)
    ):
        fields: dict[str, float | None] = dict.fromkeys(
            ("estimate", "se", "look_ci_lower", "look_ci_upper"), None
        )
        look = _look_estimate(control, variant, metric_type, rho, alpha)
        if look is not None:
            running_p = min(running_p, look.p_value)
            lower = max(lower, look.estimate - look.half_width)
            upper = min(upper, look.estimate + look.half_width)
            fields = dict(look.fields())
        if stopped is None and running_p < alpha:
            stopped = index
        looks.append(
            SequentialLook(
                look=label,
                control_users=control.n,
                variant_users=variant.n,
                ci_lower=lower if math.isfinite(lower) else None,
                ci_upper=upper if math.isfinite(upper) else None,
                p_value=running_p,
                **fields,  # type: ignore[arg-type]
            )
        )
    return SequentialResult(
        method=METHOD,
        metric_type=metric_type,
        alpha=alpha,
        rho=rho,
        tuning_total_users=float(tuning_total_users),
        looks=tuple(looks),
        stopped_at_look=None if stopped is None else labels[stopped],
        stopped_at_index=stopped,
    )
