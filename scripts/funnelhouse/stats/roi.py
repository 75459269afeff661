"""Return on investment of shipping a change, with uncertainty from the measured lift.

The relative lift (on a conversion rate, on units per user, or on revenue per user) is drawn
from N(lift, lift_se^2) with a seeded generator; every money quantity is a function of the lift:

    exposed users / month         = monthly_users * rollout_share
    incremental conversions / mo  = exposed * conversion_rate * lift   (conversions or units;
                                    None for a revenue-per-user lift, where it is not identified)
    incremental revenue / month   = exposed * conversion_rate * average_order_value * lift

(``conversion_rate`` is the baseline units per user: a conversion rate, orders per user, or 1
for revenue per user; ``average_order_value`` is the money one unit is worth.)
    incremental gross profit / mo = incremental revenue * gross_margin
    gross profit over horizon     = monthly gross profit * horizon_months
    total cost                    = implementation_cost + monthly_running_cost * horizon_months
    ROI                           = (gross profit over horizon - total cost) / total cost
    payback months                = implementation_cost / (monthly gross profit - running cost),
                                    infinite (never) when the monthly net is <= 0

Point estimates plug in the measured lift; intervals are the alpha/2 and 1 - alpha/2 quantiles
of the draws; ``probability_roi_positive`` is the share of draws with positive net profit.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

LiftMetric = Literal["conversion_rate", "units_per_user", "revenue_per_user"]
LIFT_METRICS: tuple[str, ...] = ("conversion_rate", "units_per_user", "revenue_per_user")
DAYS_PER_MONTH = 365.25 / 12.0


def users_per_month(users: float, days: float, coverage: float = 1.0) -> float:
    """Monthly traffic from an experiment: users / days * (365.25 / 12) / coverage.

    ``coverage`` is the share of eligible traffic the experiment enrolled (1 = everyone), so
    dividing by it scales the enrolled users back up to the full eligible traffic.
    """
    if days <= 0:
        raise ValueError("days must be > 0")
    if not 0 < coverage <= 1:
        raise ValueError("coverage must be in (0, 1]")
    return users / days * DAYS_PER_MONTH / coverage


@dataclass(frozen=True)
class RoiInputs:
    """Money in one currency; rates and shares as fractions (0.03 = 3%)."""

    lift: float
    lift_se: float
    monthly_users: float
    conversion_rate: float
    average_order_value: float
    gross_margin: float
    implementation_cost: float
    monthly_running_cost: float
    horizon_months: float
    rollout_share: float = 1.0
    lift_metric: LiftMetric = "conversion_rate"

    def __post_init__(self) -> None:
        if self.lift_se < 0:
            raise ValueError("lift_se must be >= 0")
        if not 0 < self.rollout_share <= 1:
            raise ValueError("rollout_share must be in (0, 1]")
        if self.horizon_months <= 0:
            raise ValueError("horizon_months must be > 0")
        if self.lift_metric not in LIFT_METRICS:
            raise ValueError(f"lift_metric must be one of {LIFT_METRICS}")


@dataclass(frozen=True)
class Interval:
    """Point estimate and (1 - alpha) interval; None stands for 'never' (payback)."""

    estimate: float | None
    lower: float | None
    upper: float | None


@dataclass(frozen=True)
class RoiResult:
    lift_metric: str
    alpha: float
    n_draws: int
    seed: int
    horizon_months: float
    total_cost: float
    break_even_lift: float | None
    incremental_conversions_per_month: Interval | None
    incremental_revenue_per_month: Interval
    incremental_gross_profit_per_month: Interval
    gross_profit_over_horizon: Interval
    net_profit_over_horizon: Interval
    roi: Interval | None
    payback_months: Interval
    probability_roi_positive: float


def exposed_users_per_month(inputs: RoiInputs) -> float:
    return inputs.monthly_users * inputs.rollout_share


def incremental_conversions_per_month(inputs: RoiInputs, lift: ArrayLike) -> np.ndarray:
    return exposed_users_per_month(inputs) * inputs.conversion_rate * np.asarray(lift)


def incremental_revenue_per_month(inputs: RoiInputs, lift: ArrayLike) -> np.ndarray:
    baseline_revenue = (
        exposed_users_per_month(inputs) * inputs.conversion_rate * inputs.average_order_value
    )
    return baseline_revenue * np.asarray(lift)


def incremental_gross_profit_per_month(inputs: RoiInputs, lift: ArrayLike) -> np.ndarray:
    return incremental_revenue_per_month(inputs, lift) * inputs.gross_margin


def total_cost(inputs: RoiInputs) -> float:
    return inputs.implementation_cost + inputs.monthly_running_cost * inputs.horizon_months


def gross_profit_over_horizon(inputs: RoiInputs, lift: ArrayLike) -> np.ndarray:
    return incremental_gross_profit_per_month(inputs, lift) * inputs.horizon_months


def net_profit_over_horizon(inputs: RoiInputs, lift: ArrayLike) -> np.ndarray:
    return gross_profit_over_horizon(inputs, lift) - total_cost(inputs)


def return_on_investment(inputs: RoiInputs, lift: ArrayLike) -> np.ndarray:
    """(gross profit over horizon - total cost) / total cost (needs total cost > 0)."""
    return net_profit_over_horizon(inputs, lift) / total_cost(inputs)


def payback_months(inputs: RoiInputs, lift: ArrayLike) -> np.ndarray:
    """Months until the implementation cost is recovered; inf when the monthly net <= 0."""
    monthly_net = incremental_gross_profit_per_month(inputs, lift) - inputs.monthly_running_cost
    with np.errstate(divide="ignore", invalid="ignore"):
        months = inputs.implementation_cost / monthly_net
    return np.where(monthly_net > 0, np.maximum(months, 0.0), np.inf)


def break_even_lift(inputs: RoiInputs) -> float | None:
    """Lift at which the net profit over the horizon is 0 (None if revenue does not scale)."""
    profit_per_unit_lift = float(gross_profit_over_horizon(inputs, 1.0))
    return total_cost(inputs) / profit_per_unit_lift if profit_per_unit_lift > 0 else None


def _finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _interval(point: ArrayLike, draws: np.ndarray, alpha: float) -> Interval:
    lower, upper = np.quantile(draws, [alpha / 2.0, 1.0 - alpha / 2.0], method="inverted_cdf")
    return Interval(
        estimate=_finite_or_none(float(point)),
        lower=_finite_or_none(float(lower)),
        upper=_finite_or_none(float(upper)),
    )


def lift_draws(inputs: RoiInputs, n_draws: int = 50_000, seed: int = 0) -> np.ndarray:
    """The seeded N(lift, lift_se^2) draws behind ``roi_analysis`` (same seed, same draws)."""
    return np.random.default_rng(seed).normal(inputs.lift, inputs.lift_se, n_draws)


def roi_analysis(
    inputs: RoiInputs, *, alpha: float = 0.05, n_draws: int = 50_000, seed: int = 0
) -> RoiResult:
    """Monte Carlo ROI summary (see module docstring)."""
    lifts = lift_draws(inputs, n_draws, seed)
    cost = total_cost(inputs)

    def summarise(func: Callable[[RoiInputs, ArrayLike], np.ndarray]) -> Interval:
        return _interval(func(inputs, inputs.lift), func(inputs, lifts), alpha)

    return RoiResult(
        lift_metric=inputs.lift_metric,
        alpha=alpha,
        n_draws=n_draws,
        seed=seed,
        horizon_months=inputs.horizon_months,
        total_cost=cost,
        break_even_lift=break_even_lift(inputs),
        incremental_conversions_per_month=(
            summarise(incremental_conversions_per_month)
            if inputs.lift_metric != "revenue_per_user"
            else None
        ),
        incremental_revenue_per_month=summarise(incremental_revenue_per_month),
        incremental_gross_profit_per_month=summarise(incremental_gross_profit_per_month),
        gross_profit_over_horizon=summarise(gross_profit_over_horizon),
        net_profit_over_horizon=summarise(net_profit_over_horizon),
        roi=summarise(return_on_investment) if cost > 0 else None,
        payback_months=summarise(payback_months),
        probability_roi_positive=float(np.mean(net_profit_over_horizon(inputs, lifts) > 0)),
    )
