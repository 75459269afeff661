"""Daily cumulative looks: days observed and the always-valid sequential test per metric.

The sequential test is tuned (rho) for the planned users of the analysis plan when the registry
gives them, else for the users at the last look. Its p-values are adjusted within the same
families as the fixed-horizon ones (the primary over the treatment arms, the secondary metrics);
guardrails are not adjusted.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace
from typing import Any

import pandas as pd

from funnelhouse.analysis.effects import UNADJUSTED_GUARDRAIL, MetricRow
from funnelhouse.analysis.options import AnalysisOptions
from funnelhouse.analysis.results import SequentialLookRow, SequentialSection, Unavailable
from funnelhouse.stats import (
    SequentialResult,
    SufficientStats,
    adjust_p_values,
    sequential_test,
)

EMPTY = SufficientStats(users=0, metric_sum=0.0, metric_sum_squares=0.0)


def _as_date(value: Any) -> dt.date:
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return pd.Timestamp(value).date()


def days_observed(
    experiment: dict[str, Any], daily: pd.DataFrame | None, primary: str
) -> tuple[float | None, str]:
    """Days of exposure: distinct daily looks of the primary metric inside the exposure window
    (later looks only wait for metric windows to close), else the window's length."""
    start, end = experiment.get("window_start_at"), experiment.get("window_end_at")
    if daily is not None and not daily.empty:
        looks = pd.to_datetime(daily.loc[daily["metric_name"].astype(str) == primary, "look_date"])
        if end is not None:
            looks = looks[looks < pd.Timestamp(end)]
        if looks.nunique() > 0:
            return float(looks.nunique()), "distinct look dates in the exposure window"
    if start is not None and end is not None:
        days = (pd.Timestamp(end) - pd.Timestamp(start)).total_seconds() / 86_400
        if days > 0:
            return days, "length of the experiment window (no daily looks)"
    return None, "unknown (no daily looks and no window)"


def _looks(
    records: list[dict[str, Any]], variant: str, dates: list[dt.date]
) -> list[SufficientStats]:
    by_date = {
        r["_date"]: SufficientStats.from_row(r) for r in records if str(r["variant"]) == variant
    }
    return [by_date.get(d, EMPTY) for d in dates]


def _section(result: SequentialResult, dates: list[dt.date], tuning_source: str):
    last = result.looks[-1]
    stopped = result.stopped_at_index
    return SequentialSection(
        method=result.method,
        scale="absolute difference (variant - control), no CUPED",
        always_valid_p_value=last.p_value,
        p_value_adjusted=last.p_value,
        ci=(last.ci_lower, last.ci_upper),
        looks=len(dates),
        first_look=dates[0],
        last_look=dates[-1],
        significant=stopped is not None,
        could_stop_early=stopped is not None and stopped < len(dates) - 1,
        stopped_at_look=result.stopped_at_look,  # type: ignore[arg-type]
        stopped_at_day=None if stopped is None else stopped + 1,
        days_saved=None if stopped is None else len(dates) - 1 - stopped,
        rho=result.rho,
        tuning_total_users=result.tuning_total_users,
        tuning_source=tuning_source,
        series=tuple(
            SequentialLookRow(
                look=look.look,  # type: ignore[arg-type]
                control_users=look.control_users,
                variant_users=look.variant_users,
                estimate=look.estimate,
                se=look.se,
                look_ci=(look.look_ci_lower, look.look_ci_upper),
                ci=(look.ci_lower, look.ci_upper),
                p_value=look.p_value,
            )
            for look in result.looks
        ),
    )


def sequential_for_row(
    row: MetricRow,
    records: list[dict[str, Any]],
    options: AnalysisOptions,
    planned_users: int | None = None,
) -> tuple[SequentialSection | Unavailable, SequentialResult | None]:
    """Always-valid CI and p-value over the daily looks of one overall comparison
    (``records``: that metric's daily rows, each with its look date in ``_date``), tuned for
    the planned users when the plan has them."""
    if not records:
        return Unavailable(note="no daily looks for this metric"), None
    dates = sorted({r["_date"] for r in records})
    try:
        result = sequential_test(
            _looks(records, row.control, dates),
            _looks(records, row.variant, dates),
            row.metric.metric_type,
            labels=dates,
            alpha=options.alpha,
            tuning_total_users=None if planned_users is None else float(planned_users),
        )
    except ValueError as exc:
        return Unavailable(note=f"daily looks not usable: {exc}"), None
    source = (
        "the planned users of the analysis plan"
        if planned_users is not None
        else "the users at the last look (no planned users in the registry)"
    )
    return _section(result, dates, source), result


def add_sequential(
    rows: list[MetricRow],
    daily: pd.DataFrame | None,
    options: AnalysisOptions,
    planned_users: int | None = None,
) -> None:
    """Sequential results on the overall rows (segments get none), their always-valid
    p-values adjusted within the same families as the fixed-horizon ones."""
    by_metric: dict[str, list[dict[str, Any]]] = {}
    for record in [] if daily is None else daily.to_dict(orient="records"):
        record["_date"] = _as_date(record["look_date"])
        by_metric.setdefault(str(record["metric_name"]), []).append(record)
    for row in rows:
        if not row.is_overall or row.effect is None:
            continue
        if daily is None:
            row.sequential = Unavailable(
                note="marts.fct_experiment_variant_stats_daily is not in the warehouse"
            )
            continue
        row.sequential, row.sequential_result = sequential_for_row(
            row, by_metric.get(row.metric.name, []), options, planned_users
        )
    _adjust(rows, options)


def _adjust(rows: list[MetricRow], options: AnalysisOptions) -> None:
    families: dict[str, list[MetricRow]] = {}
    for row in rows:
        if isinstance(row.sequential, SequentialSection) and row.family != UNADJUSTED_GUARDRAIL:
            families.setdefault(str(row.family), []).append(row)
    for members in families.values():
        raw = [m.sequential.always_valid_p_value for m in members]  # type: ignore[union-attr]
        adjusted = adjust_p_values([min(1.0, max(0.0, p)) for p in raw], options.correction)
        for member, p in zip(members, adjusted, strict=True):
            member.sequential = replace(
                member.sequential,  # type: ignore[arg-type]
                p_value_adjusted=p,
                significant=bool(math.isfinite(p) and p < options.alpha),
            )
    for row in rows:
        if isinstance(row.sequential, SequentialSection) and row.family == UNADJUSTED_GUARDRAIL:
            p = row.sequential.always_valid_p_value
            row.sequential = replace(row.sequential, significant=bool(p < options.alpha))
