"""Daily cumulative looks: days observed and the always-valid sequential test per metric."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

from funnelhouse.analysis.effects import MetricRow
from funnelhouse.analysis.options import AnalysisOptions
from funnelhouse.stats import SufficientStats, sequential_test, to_jsonable

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


def sequential_for_row(
    row: MetricRow, records: list[dict[str, Any]], options: AnalysisOptions
) -> dict[str, Any]:
    """Always-valid CI and p-value over the daily looks of one overall comparison
    (``records``: that metric's daily rows, each with its look date in ``_date``)."""
    if not records:
        return {"available": False, "note": "no daily looks for this metric"}
    dates = sorted({r["_date"] for r in records})
    result = sequential_test(
        _looks(records, row.control, dates),
        _looks(records, row.variant, dates),
        row.metric.metric_type,
        labels=dates,
        alpha=options.alpha,
    )
    last = result.looks[-1]
    stopped = result.stopped_at_index
    could_stop_early = stopped is not None and stopped < len(dates) - 1
    return to_jsonable(
        {
            "available": True,
            "method": result.method,
            "scale": "absolute difference (variant - control), no CUPED",
            "always_valid_p_value": last.p_value,
            "ci": [last.ci_lower, last.ci_upper],
            "looks": len(dates),
            "first_look": dates[0],
            "last_look": dates[-1],
            "significant": stopped is not None,
            "could_stop_early": could_stop_early,
            "stopped_at_look": result.stopped_at_look,
            "stopped_at_day": None if stopped is None else stopped + 1,
            "days_saved": None if stopped is None else len(dates) - 1 - stopped,
            "rho": result.rho,
            "tuning_total_users": result.tuning_total_users,
            "series": [
                {
                    "look": look.look,
                    "control_users": look.control_users,
                    "variant_users": look.variant_users,
                    "estimate": look.estimate,
                    "se": look.se,
                    "look_ci": [look.look_ci_lower, look.look_ci_upper],
                    "ci": [look.ci_lower, look.ci_upper],
                    "p_value": look.p_value,
                }
                for look in result.looks
            ],
        }
    )


def add_sequential(
    rows: list[MetricRow], daily: pd.DataFrame | None, options: AnalysisOptions
) -> None:
    """Sequential results on the overall rows (segments get none)."""
    by_metric: dict[str, list[dict[str, Any]]] = {}
    for record in [] if daily is None else daily.to_dict(orient="records"):
        record["_date"] = _as_date(record["look_date"])
        by_metric.setdefault(str(record["metric_name"]), []).append(record)
    for row in rows:
        if not row.is_overall or row.effect is None:
            continue
        if daily is None:
            row.extra["sequential"] = {
                "available": False,
                "note": "marts.fct_experiment_variant_stats_daily is not in the warehouse",
            }
            continue
        section = sequential_for_row(row, by_metric.get(row.metric.name, []), options)
        if section.get("available") and section.get("always_valid_p_value") is not None:
            p = section["always_valid_p_value"]
            section["significant"] = bool(math.isfinite(p) and p < options.alpha)
        row.extra["sequential"] = section
