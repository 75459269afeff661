"""Per-variant sufficient statistics, the contract with the warehouse.

The mart ``fct_experiment_variant_stats`` (and its daily cumulative and A/A siblings) has one
row per experiment x variant x metric x segment with summable columns. Every estimator in this
package works from these sums only, never from per-user rows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, Literal

import numpy as np

from funnelhouse.stats import moments

MetricType = Literal["binomial", "mean", "ratio"]
METRIC_TYPES: tuple[str, ...] = ("binomial", "mean", "ratio")

SUM_COLUMNS: tuple[str, ...] = (
    "users",
    "metric_sum",
    "metric_sum_squares",
    "denominator_sum",
    "denominator_sum_squares",
    "metric_denominator_sum_product",
    "covariate_sum",
    "covariate_sum_squares",
    "metric_covariate_sum_product",
)


def check_metric_type(metric_type: str) -> None:
    """Raise ``ValueError`` unless ``metric_type`` is one of ``METRIC_TYPES``."""
    if metric_type not in METRIC_TYPES:
        raise ValueError(f"metric_type must be one of {METRIC_TYPES}, got {metric_type!r}")


def _optional_float(value: Any) -> float | None:
    """Map warehouse nulls (None, NaN, pandas NA) to None and everything else to float."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None  # pandas.NA and friends
    return None if math.isnan(number) else number


@dataclass(frozen=True)
class SufficientStats:
    """Summable per-arm statistics of one metric (one row of the variant stats mart).

    ``users`` is n; ``metric_*`` are sums over users of the per-user metric value Y;
    ``denominator_*`` of the per-user denominator D (ratio metrics only); ``covariate_*`` of
    the pre-exposure value X of the same metric (CUPED). Optional groups are None when absent.
    """

    users: int
    metric_sum: float
    metric_sum_squares: float
    denominator_sum: float | None = None
    denominator_sum_squares: float | None = None
    metric_denominator_sum_product: float | None = None
    covariate_sum: float | None = None
    covariate_sum_squares: float | None = None
    metric_covariate_sum_product: float | None = None

    def __post_init__(self) -> None:
        if self.users < 0:
            raise ValueError(f"users must be >= 0, got {self.users}")

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> SufficientStats:
        """Build from a mart row (dict, pandas Series, DuckDB record); extra keys are ignored."""
        users = _optional_float(row.get("users"))
        metric_sum = _optional_float(row.get("metric_sum"))
        metric_sum_squares = _optional_float(row.get("metric_sum_squares"))
        if users is None or metric_sum is None or metric_sum_squares is None:
            raise ValueError("row needs non-null users, metric_sum and metric_sum_squares")
        optional = {name: _optional_float(row.get(name)) for name in SUM_COLUMNS[3:]}
        return cls(
            users=round(users),
            metric_sum=metric_sum,
            metric_sum_squares=metric_sum_squares,
            **optional,
        )

    @classmethod
    def from_samples(
        cls,
        values: Sequence[float] | np.ndarray,
        denominators: Sequence[float] | np.ndarray | None = None,
        covariates: Sequence[float] | np.ndarray | None = None,
    ) -> SufficientStats:
        """Build from per-user arrays (used by tests and simulations)."""
        y = np.asarray(values, dtype=float)
        kwargs: dict[str, float] = {}
        if denominators is not None:
            d = np.asarray(denominators, dtype=float)
            if d.shape != y.shape:
                raise ValueError("denominators must have the same shape as values")
            kwargs |= {
                "denominator_sum": float(d.sum()),
                "denominator_sum_squares": float((d * d).sum()),
                "metric_denominator_sum_product": float((y * d).sum()),
            }
        if covariates is not None:
            x = np.asarray(covariates, dtype=float)
            if x.shape != y.shape:
                raise ValueError("covariates must have the same shape as values")
            kwargs |= {
                "covariate_sum": float(x.sum()),
                "covariate_sum_squares": float((x * x).sum()),
                "metric_covariate_sum_product": float((y * x).sum()),
            }
        return cls(
            users=int(y.size),
            metric_sum=float(y.sum()),
            metric_sum_squares=float((y * y).sum()),
            **kwargs,
        )

    def to_dict(self) -> dict[str, float | int | None]:
        """The row form, with the mart's column names."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def __add__(self, other: SufficientStats) -> SufficientStats:
        """Pool two disjoint groups of users (e.g. segments); optional sums need both sides."""
        if not isinstance(other, SufficientStats):
            return NotImplemented
        pooled: dict[str, Any] = {}
        for name in SUM_COLUMNS:
            mine, theirs = getattr(self, name), getattr(other, name)
            pooled[name] = None if mine is None or theirs is None else mine + theirs
        return SufficientStats(**pooled)

    # ------------------------------------------------------------------ availability
    @property
    def n(self) -> int:
        return self.users

    @property
    def has_denominator(self) -> bool:
        return None not in (
            self.denominator_sum,
            self.denominator_sum_squares,
            self.metric_denominator_sum_product,
        )

    @property
    def has_covariate(self) -> bool:
        return None not in (
            self.covariate_sum,
            self.covariate_sum_squares,
            self.metric_covariate_sum_product,
        )

    # ------------------------------------------------------------------ derived moments
    @property
    def mean(self) -> float:
        """Mean of the per-user metric value Y."""
        return float(moments.sample_mean(self.metric_sum, self.users))

    @property
    def variance(self) -> float:
        """Sample variance (n-1 denominator) of Y."""
        return float(moments.sample_variance(self.metric_sum, self.metric_sum_squares, self.users))

    @property
    def denominator_mean(self) -> float:
        return float(moments.sample_mean(self._require_denominator()[0], self.users))

    @property
    def denominator_variance(self) -> float:
        d_sum, d_squares, _ = self._require_denominator()
        return float(moments.sample_variance(d_sum, d_squares, self.users))

    @property
    def metric_denominator_covariance(self) -> float:
        d_sum, _, yd = self._require_denominator()
        return float(moments.sample_covariance(self.metric_sum, d_sum, yd, self.users))

    @property
    def ratio(self) -> float:
        """Ratio of sums sum(Y)/sum(D) (= ratio of means)."""
        d_sum = self._require_denominator()[0]
        return float(moments.ratio_of_means(self.metric_sum, d_sum))

    @property
    def covariate_mean(self) -> float:
        return float(moments.sample_mean(self._require_covariate()[0], self.users))

    @property
    def covariate_variance(self) -> float:
        x_sum, x_squares, _ = self._require_covariate()
        return float(moments.sample_variance(x_sum, x_squares, self.users))

    @property
    def metric_covariate_covariance(self) -> float:
        x_sum, _, yx = self._require_covariate()
        return float(moments.sample_covariance(self.metric_sum, x_sum, yx, self.users))

    def _require_denominator(self) -> tuple[float, float, float]:
        if not self.has_denominator:
            raise ValueError("denominator sums are missing (needed for ratio metrics)")
        return (
            float(self.denominator_sum),  # type: ignore[arg-type]
            float(self.denominator_sum_squares),  # type: ignore[arg-type]
            float(self.metric_denominator_sum_product),  # type: ignore[arg-type]
        )

    def _require_covariate(self) -> tuple[float, float, float]:
        if not self.has_covariate:
            raise ValueError("covariate sums are missing")
        return (
            float(self.covariate_sum),  # type: ignore[arg-type]
            float(self.covariate_sum_squares),  # type: ignore[arg-type]
            float(self.metric_covariate_sum_product),  # type: ignore[arg-type]
        )
