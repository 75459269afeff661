"""The analysis plan of an experiment and where the experiment stands in it.

The registry (dim_experiments) gives every experiment an ``analysis_plan``:

* ``fixed_horizon``: the fixed-horizon test (z / Welch t / exact) is read once, at the horizon:
  ``planned_users`` (the planned total of exposed users over the arms) when given, else the end
  of the exposure window with every user's conversion window observed (an exposure window that
  is relative to the data is complete by construction: the data are the horizon). Before it the
  verdict is "keep running";
* ``sequential``: the always-valid test over the daily looks decides at any look; it is tuned
  for ``planned_users`` (when given, also the point where looking stops) and otherwise for the
  users observed so far.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

from funnelhouse.analysis.design import ALL, Design
from funnelhouse.analysis.errors import AnalysisError
from funnelhouse.analysis.results import PlanSection
from funnelhouse.stats.decision import PLANS, PlanStatus

DECIDING_TESTS = {
    "fixed_horizon": "fixed-horizon test, read once at the horizon",
    "sequential": "always-valid sequential test over the daily looks",
}
DATA_RELATIVE_WINDOWS = ("data", "data_fallback")


def plan_name(experiment: dict[str, Any]) -> str:
    experiment_id = experiment["experiment_id"]
    plan = str(experiment.get("analysis_plan") or "").strip().lower()
    if plan not in PLANS:
        raise AnalysisError(
            f"experiment {experiment_id!r} has analysis_plan {experiment.get('analysis_plan')!r} "
            f"in marts.dim_experiments (expected one of {', '.join(PLANS)})"
        )
    return plan


def planned_users(experiment: dict[str, Any]) -> int | None:
    value = experiment.get("planned_users")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    number = float(value)
    if not (math.isfinite(number) and number > 0 and number.is_integer()):
        raise AnalysisError(
            f"experiment {experiment['experiment_id']!r} has planned_users {value!r} in "
            "marts.dim_experiments (expected a positive whole number or empty)"
        )
    return int(number)


def observed_users(design: Design) -> int:
    """Exposed users of the analysed arms (primary metric, all users)."""
    return sum(design.arm(design.primary.name, ALL, ALL, v).n for v in design.variants)


def _days_for(users_missing: int, users: int, days: float | None) -> int | None:
    if days is None or days <= 0 or users <= 0:
        return None
    return math.ceil(users_missing / (users / days))


def horizon_by_users(planned: int, users: int, days: float | None) -> tuple[bool, int | None, str]:
    """(reached, days still needed at the observed traffic, description) of a planned sample."""
    if users >= planned:
        return True, 0, f"(planned {planned:,} users, {users:,} observed)"
    extra = _days_for(planned - users, users, days)
    more = "" if extra is None else f", about {extra} more days at the current traffic"
    return False, extra, f"({users:,} of {planned:,} planned users{more})"


def _last_look(daily: pd.DataFrame | None) -> dt.date | None:
    if daily is None or daily.empty:
        return None
    return pd.Timestamp(daily["look_date"].max()).date()


def _by_date(
    experiment: dict[str, Any], daily: pd.DataFrame | None
) -> tuple[bool, int | None, str]:
    """The horizon of the exposure window (and the conversion windows after it)."""
    if str(experiment.get("window_rule") or "") in DATA_RELATIVE_WINDOWS:
        return True, 0, "(the exposure window is the data)"
    end = experiment.get("window_end_at")
    complete = experiment.get("conversion_window_complete")
    if complete is not None:
        if bool(complete):
            return True, 0, f"(exposure window ended {end}, every conversion window observed)"
        data_end, hours = experiment.get("data_end_at"), experiment.get("conversion_window_hours")
        extra = None
        if data_end is not None and end is not None and hours is not None:
            due = pd.Timestamp(end) + pd.Timedelta(hours=float(hours))
            extra = max(1, math.ceil((due - pd.Timestamp(data_end)) / pd.Timedelta(days=1)))
        return False, extra, f"(exposure window ends {end}; conversion windows still open)"
    last = _last_look(daily)
    if end is None or last is None:
        return True, 0, "(assumed reached: no window end and no daily looks)"
    last_day = (pd.Timestamp(end) - pd.Timedelta(microseconds=1)).date()
    if last >= last_day:
        return True, 0, f"(exposure window ended {end})"
    return False, (last_day - last).days, f"(exposure window ends {end}; last look {last})"


def plan_status(
    experiment: dict[str, Any], design: Design, daily: pd.DataFrame | None, days: float | None
) -> tuple[PlanSection, PlanStatus]:
    """The plan section of the report and the status the decision reads."""
    plan = plan_name(experiment)
    planned = planned_users(experiment)
    users = observed_users(design)
    if planned is not None:
        reached, extra, detail = horizon_by_users(planned, users, days)
    elif plan == "fixed_horizon":
        reached, extra, detail = _by_date(experiment, daily)
    else:
        reached, extra, detail = False, None, "(no planned sample: open-ended)"
    section = PlanSection(
        plan=plan,
        planned_users=planned,
        observed_users=users,
        horizon=detail.strip("()"),
        horizon_reached=reached,
        extra_days=extra,
        deciding_test=DECIDING_TESTS[plan],
    )
    status = PlanStatus(
        plan=plan,  # type: ignore[arg-type]
        horizon_reached=reached,
        extra_days=extra,
        planned=planned is not None or plan == "fixed_horizon",
        detail=detail,
    )
    return section, status
