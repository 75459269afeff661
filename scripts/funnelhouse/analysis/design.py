"""The experiment's design (variants, metrics) checked and indexed for the analysis.

Every structural problem becomes an ``AnalysisError`` naming the experiment and the table, so
the CLI can print one line: no control arm, several primary metrics, an unknown metric type,
duplicate rows, an empty arm, ... Stats rows of an arm the design does not expect (weight 0, or
not in dim_experiment_variants) are not analysed but counted in ``Design.outside_design``, so
the health check fails instead of silently ignoring those users.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from funnelhouse.analysis.errors import AnalysisError
from funnelhouse.analysis.marts import STATS_KEY, ExperimentData
from funnelhouse.stats import METRIC_TYPES, SufficientStats

ROLES: tuple[str, ...] = ("primary", "secondary", "guardrail")
ALL = "all"


@dataclass(frozen=True)
class Metric:
    """A metric of the experiment. The optional fields come from the metric registry columns
    of dim_experiment_metrics when the mart has them (None otherwise): what the metric counts
    (``event_type``, ``value_kind``: 'count' | 'distinct_orders' | 'revenue', the
    denominator's ``denominator_value_kind``), its ``unit`` and the money one unit is worth
    (``value_per_unit``)."""

    name: str
    metric_type: str
    role: str
    higher_is_better: bool
    is_revenue: bool  # the value (a ratio's numerator) is money: dim_experiment_metrics.is_revenue
    value_per_unit: float | None = None
    unit: str | None = None
    event_type: str | None = None
    value_kind: str | None = None
    denominator_value_kind: str | None = None


@dataclass(frozen=True)
class Design:
    """Variants in assignment order (control first), metrics (primary first) and the stats."""

    experiment_id: str
    control: str
    variants: tuple[str, ...]  # all arms, control first
    weights: dict[str, float]
    metrics: tuple[Metric, ...]
    stats: dict[tuple[str, str, str, str], SufficientStats]  # metric, segment, value, variant
    segments: dict[str, tuple[str, ...]]  # segment_name -> values ('all' -> ('all',))
    notes: tuple[str, ...] = ()
    outside_design: tuple[tuple[str, int, str], ...] = ()  # (variant, users, reason)

    @property
    def treatments(self) -> tuple[str, ...]:
        return tuple(v for v in self.variants if v != self.control)

    @property
    def primary(self) -> Metric:
        return next(m for m in self.metrics if m.role == "primary")

    def arm(self, metric: str, segment: str, value: str, variant: str) -> SufficientStats:
        """Stats of one arm; an arm without a row has nobody (users = 0)."""
        return self.stats.get(
            (metric, segment, value, variant),
            SufficientStats(users=0, metric_sum=0.0, metric_sum_squares=0.0),
        )


def _flag(value: Any) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    if isinstance(value, str):
        return value.strip().lower() in ("true", "t", "1", "yes")
    return bool(value)


def _optional_text(row: dict[str, Any], column: str) -> str | None:
    value = row.get(column)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text.lower() or None


def _optional_number(row: dict[str, Any], column: str) -> float | None:
    value = row.get(column)
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _variants(
    experiment_id: str, frame: pd.DataFrame
) -> tuple[str, tuple[str, ...], dict[str, float], list[str]]:
    """Control, arms (control first), weights and notes; arms with weight 0 are switched off."""
    table = "marts.dim_experiment_variants"
    names = [str(v) for v in frame["variant"]]
    if len(set(names)) != len(names):
        raise AnalysisError(f"experiment {experiment_id!r} has duplicate variants in {table}")
    controls = [n for n, c in zip(names, frame["is_control"], strict=True) if _flag(c)]
    if len(controls) != 1:
        raise AnalysisError(
            f"experiment {experiment_id!r} needs exactly one control variant in {table} "
            f"(is_control = true), found {len(controls)}"
        )
    weights, notes = {}, []
    for name, weight in zip(names, frame["weight"], strict=True):
        w = float(weight) if weight is not None else math.nan
        if not (math.isfinite(w) and w >= 0):
            raise AnalysisError(
                f"experiment {experiment_id!r}: variant {name!r} has weight {weight!r} in {table} "
                "(must be >= 0)"
            )
        if w == 0:
            notes.append(f"variant {name!r} has weight 0 and is left out of the analysis")
            continue
        weights[name] = w
    control = controls[0]
    if control not in weights:
        raise AnalysisError(f"experiment {experiment_id!r}: the control {control!r} has weight 0")
    if len(weights) < 2:
        raise AnalysisError(
            f"experiment {experiment_id!r} has {len(weights)} variant(s) with weight > 0 in {table}"
        )
    arms = (control, *[n for n in names if n != control and n in weights])
    return control, arms, weights, notes


def _metrics(experiment_id: str, frame: pd.DataFrame) -> tuple[Metric, ...]:
    table = "marts.dim_experiment_metrics"
    if frame.empty:
        raise AnalysisError(f"experiment {experiment_id!r} has no metrics in {table}")
    metrics = []
    for row in frame.to_dict(orient="records"):
        name = str(row["metric_name"])
        metric_type = str(row["metric_type"]).lower()
        role = str(row["metric_role"]).lower()
        if metric_type not in METRIC_TYPES:
            raise AnalysisError(
                f"experiment {experiment_id!r}: metric {name!r} has metric_type {metric_type!r} "
                f"in {table} (expected one of {', '.join(METRIC_TYPES)})"
            )
        if role not in ROLES:
            raise AnalysisError(
                f"experiment {experiment_id!r}: metric {name!r} has metric_role {role!r} in "
                f"{table} (expected one of {', '.join(ROLES)})"
            )
        metrics.append(
            Metric(
                name=name,
                metric_type=metric_type,
                role=role,
                higher_is_better=_flag(row["higher_is_better"]),
                is_revenue=_flag(row.get("is_revenue")),
                value_per_unit=_optional_number(row, "value_per_unit"),
                unit=_optional_text(row, "unit"),
                event_type=_optional_text(row, "event_type"),
                value_kind=_optional_text(row, "value_kind"),
                denominator_value_kind=_optional_text(row, "denominator_value_kind"),
            )
        )
    names = [m.name for m in metrics]
    if len(set(names)) != len(names):
        raise AnalysisError(f"experiment {experiment_id!r} has duplicate metrics in {table}")
    primaries = [m for m in metrics if m.role == "primary"]
    if len(primaries) != 1:
        raise AnalysisError(
            f"experiment {experiment_id!r} needs exactly one primary metric in {table}, "
            f"found {len(primaries)}"
        )
    order = {role: i for i, role in enumerate(ROLES)}
    return tuple(sorted(metrics, key=lambda m: (order[m.role], m.name)))


def _stats(
    experiment_id: str, frame: pd.DataFrame, metrics: tuple[Metric, ...], variants: tuple[str, ...]
) -> tuple[dict, dict[str, tuple[str, ...]]]:
    table = "marts.fct_experiment_variant_stats"
    if frame.empty:
        raise AnalysisError(f"experiment {experiment_id!r} has no rows in {table}")
    keys = frame[[*STATS_KEY, "segment_value"]].astype(str)
    duplicated = keys.duplicated()
    if duplicated.any():
        first = keys[duplicated].iloc[0].to_dict()
        raise AnalysisError(f"{table} has duplicate rows for {first}")
    known_metrics = {m.name for m in metrics}
    stats: dict[tuple[str, str, str, str], SufficientStats] = {}
    segments: dict[str, list[str]] = {}
    for row in frame.to_dict(orient="records"):
        metric, variant = str(row["metric_name"]), str(row["variant"])
        segment, value = str(row["segment_name"]), str(row["segment_value"])
        if metric not in known_metrics or variant not in variants:
            continue  # not analysed (arms outside the design are counted by _outside_design)
        try:
            stats[(metric, segment, value, variant)] = SufficientStats.from_row(row)
        except ValueError as exc:
            raise AnalysisError(
                f"{table}: bad row for {metric!r}/{segment}={value}/{variant!r}: {exc}"
            ) from exc
        values = segments.setdefault(segment, [])
        if value not in values:
            values.append(value)
    if ALL not in segments:
        raise AnalysisError(
            f"experiment {experiment_id!r} has no segment_name = 'all' rows in {table}"
        )
    ordered = {ALL: (ALL,)} | {
        name: tuple(sorted(values)) for name, values in sorted(segments.items()) if name != ALL
    }
    return stats, ordered


def _outside_design(
    frame: pd.DataFrame, primary: str, variants: tuple[str, ...], registered: set[str]
) -> tuple[tuple[str, int, str], ...]:
    """(variant, users, reason) of the primary metric's overall rows of arms not analysed."""
    outside = []
    for row in frame.to_dict(orient="records"):
        variant = str(row["variant"])
        if variant in variants or str(row["metric_name"]) != primary:
            continue
        if (str(row["segment_name"]), str(row["segment_value"])) != (ALL, ALL):
            continue
        users = round(float(row["users"] or 0))
        if users > 0:
            reason = (
                "has weight 0 in the design"
                if variant in registered
                else "is not in marts.dim_experiment_variants"
            )
            outside.append((variant, users, reason))
    return tuple(outside)


def build_design(data: ExperimentData) -> Design:
    """Check the experiment's rows and index them; raise ``AnalysisError`` on bad input."""
    experiment_id = str(data.experiment["experiment_id"])
    control, variants, weights, notes = _variants(experiment_id, data.variants)
    metrics = _metrics(experiment_id, data.metrics)
    stats, segments = _stats(experiment_id, data.stats, metrics, variants)
    primary_name = next(m.name for m in metrics if m.role == "primary")
    registered = {str(v) for v in data.variants["variant"]}
    outside = _outside_design(data.stats, primary_name, variants, registered)
    design = Design(
        experiment_id=experiment_id,
        control=control,
        variants=variants,
        weights=weights,
        metrics=metrics,
        stats=stats,
        segments=segments,
        notes=tuple(notes),
        outside_design=outside,
    )
    primary = design.primary.name
    for variant in variants:
        users = design.arm(primary, ALL, ALL, variant).n
        if users < 2:
            raise AnalysisError(
                f"experiment {experiment_id!r}: arm {variant!r} has {users} user(s) for the "
                f"primary metric {primary!r} (empty arm: nothing to compare)"
            )
    return design
