"""Power and sample size (two-sided normal approximation, unequal variances allowed).

No "observed power" is reported (it is a function of the p-value). Instead:

* ``power_at_effect``: power to detect a given absolute effect with the observed per-arm
  sample sizes and per-user variances;
* ``minimum_detectable_effect``: effect detectable with ``power`` at the observed sample,
  (z_{1-alpha/2} + z_power) * se (the negligible opposite tail is ignored);
* ``required_users``: users per arm for a target effect, keeping the observed allocation ratio;
* ``days_needed``: days to reach that sample at the observed rate of users per day.

Per-user variances are the observed ones: p(1-p) for binomial, the sample variance for mean
metrics (CUPED-adjusted when applicable), n x delta-method variance for ratio metrics.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import special

from funnelhouse.stats.cuped import cuped_adjust
from funnelhouse.stats.estimates import ArmEstimate, arm_estimate
from funnelhouse.stats.sufficient import SufficientStats, check_metric_type


@dataclass(frozen=True)
class PowerResult:
    """Relative quantities are fractions of the control mean (0.05 = 5%)."""

    alpha: float
    target_power: float
    relative_mde: float
    absolute_mde_target: float
    power_at_mde: float
    detectable_absolute_effect: float
    detectable_relative_effect: float
    users_needed_control: int
    users_needed_variant: int
    control_users: int
    variant_users: int
    days_elapsed: float | None
    users_per_day: float | None
    extra_days_needed: int | None
    total_days_needed: int | None
    cuped_applied: bool


def standard_error_of_difference(
    control_variance: float, control_users: float, variant_variance: float, variant_users: float
) -> float:
    """sqrt(s_c^2/n_c + s_t^2/n_t) from per-user variances."""
    return math.sqrt(control_variance / control_users + variant_variance / variant_users)


def power_at_effect(effect: float, standard_error: float, alpha: float = 0.05) -> float:
    """Two-sided power Phi(|d|/se - z) + Phi(-|d|/se - z), z = z_{1-alpha/2}."""
    z = special.ndtri(1.0 - alpha / 2.0)
    shift = abs(effect) / standard_error
    return float(special.ndtr(shift - z) + special.ndtr(-shift - z))


def minimum_detectable_effect(
    standard_error: float, alpha: float = 0.05, power: float = 0.8
) -> float:
    """(z_{1-alpha/2} + z_power) * se."""
    return float((special.ndtri(1.0 - alpha / 2.0) + special.ndtri(power)) * standard_error)


def required_users(
    effect: float,
    control_variance: float,
    variant_variance: float,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    allocation_ratio: float = 1.0,
) -> tuple[int, int]:
    """(n_control, n_variant) with n_variant = ratio * n_control detecting ``effect``:
    n_control = (z_{1-alpha/2} + z_power)^2 (s_c^2 + s_t^2 / ratio) / effect^2 (rounded up)."""
    if effect == 0:
        raise ValueError("effect must be non-zero")
    multiplier = (special.ndtri(1.0 - alpha / 2.0) + special.ndtri(power)) ** 2
    n_control = multiplier * (control_variance + variant_variance / allocation_ratio) / effect**2
    return math.ceil(n_control), math.ceil(n_control * allocation_ratio)


def days_needed(
    users_needed: int, users_so_far: int, days_elapsed: float
) -> tuple[float, int, int]:
    """(users per day, extra days, total days) to reach ``users_needed`` at the observed rate."""
    rate = users_so_far / days_elapsed
    extra = 0 if users_needed <= users_so_far else math.ceil((users_needed - users_so_far) / rate)
    return rate, extra, math.ceil(days_elapsed) + extra


def _arm_estimates(
    control: SufficientStats, variant: SufficientStats, metric_type: str, use_cuped: bool
) -> tuple[ArmEstimate, ArmEstimate, bool]:
    """The arms' estimates, CUPED-adjusted when asked and applicable (and whether it was)."""
    c, v = arm_estimate(control, metric_type), arm_estimate(variant, metric_type)
    if use_cuped:
        cuped, adj_c, adj_v = cuped_adjust(control, variant, metric_type)
        if cuped.applied and adj_c is not None and adj_v is not None:
            return adj_c, adj_v, True
    return c, v, False


def _duration(
    needed_c: int, needed_v: int, users_c: int, users_v: int, days_elapsed: float | None
) -> tuple[float | None, int | None, int | None]:
    """(users per day, extra days, total days); the arm furthest from its target drives it."""
    if days_elapsed is None or not days_elapsed > 0:
        return None, None, None
    rate_c, extra_c, total_c = days_needed(needed_c, users_c, days_elapsed)
    rate_v, extra_v, total_v = days_needed(needed_v, users_v, days_elapsed)
    return rate_c + rate_v, max(extra_c, extra_v), max(total_c, total_v)


def power_analysis(
    control: SufficientStats,
    variant: SufficientStats,
    metric_type: str,
    relative_mde: float,
    *,
    alpha: float = 0.05,
    target_power: float = 0.8,
    days_elapsed: float | None = None,
    use_cuped: bool = True,
) -> PowerResult:
    """Power for ``relative_mde``, detectable effect and days needed (see module docstring)."""
    check_metric_type(metric_type)
    if relative_mde == 0:
        raise ValueError("relative_mde must be non-zero")
    c, v, cuped_applied = _arm_estimates(control, variant, metric_type, use_cuped)
    baseline = control.ratio if metric_type == "ratio" else control.mean
    if baseline == 0:
        raise ValueError("the control mean is 0: a relative MDE is undefined")
    se = standard_error_of_difference(c.per_user_variance, c.users, v.per_user_variance, v.users)
    if not se > 0:
        raise ValueError(
            "the metric is constant in both arms (no variance): power and sample size are undefined"
        )
    target_effect = relative_mde * abs(baseline)
    detectable = minimum_detectable_effect(se, alpha, target_power)
    n_c, n_v = required_users(
        target_effect,
        c.per_user_variance,
        v.per_user_variance,
        alpha=alpha,
        power=target_power,
        allocation_ratio=variant.n / control.n,
    )
    rate, extra, total = _duration(n_c, n_v, control.n, variant.n, days_elapsed)
    return PowerResult(
        alpha=alpha,
        target_power=target_power,
        relative_mde=relative_mde,
        absolute_mde_target=target_effect,
        power_at_mde=power_at_effect(target_effect, se, alpha),
        detectable_absolute_effect=detectable,
        detectable_relative_effect=detectable / abs(baseline),
        users_needed_control=n_c,
        users_needed_variant=n_v,
        control_users=control.n,
        variant_users=variant.n,
        days_elapsed=days_elapsed,
        users_per_day=rate,
        extra_days_needed=extra,
        total_days_needed=total,
        cuped_applied=cuped_applied,
    )
