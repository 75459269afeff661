"""Cohort retention matrix for the report, from ``marts.fct_cohort_retention`` when present.

The mart is built by another part of the project, so its columns are recognised by name:
a cohort column (name containing ``cohort``, not a count or rate), a period column (e.g.
``weeks_since_first_visit``, ``period_number``, ``week_number``) and either a retention rate
column (``retention_rate``, ``retention``, ``*_rate``) or a retained count with a cohort size
(``retained_users`` / ``active_users`` and ``cohort_users`` / ``cohort_size``). Rows are summed
over any other breakdown when counts are available; with rates only, a breakdown column set to
'all' is used when there is one. Anything else gives ``available: false`` with the reason.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from funnelhouse.stats import to_jsonable

MAX_COHORTS = 26
MAX_PERIODS = 16
_PERIOD = re.compile(r"(since|period|number|offset|index|age|^weeks?$|^months?$|^days?$)")
_RATE = re.compile(r"(retention|retained_share|rate|share)")
_RETAINED = re.compile(r"(retained|active|returning)_?users?")
_SIZE = re.compile(r"(cohort_(users|size)|cohort_user_count|users_in_cohort)")


def _pick(columns: list[str], pattern: re.Pattern[str], exclude: set[str]) -> str | None:
    return next((c for c in columns if c not in exclude and pattern.search(c)), None)


def _unavailable(note: str) -> dict[str, Any]:
    return {"available": False, "note": note}


def cohort_matrix(frame: pd.DataFrame | None) -> dict[str, Any]:
    """{'available', 'cohorts', 'periods', 'values' (rates, rows = cohorts), ...} or a note."""
    if frame is None:
        return _unavailable("marts.fct_cohort_retention is not available in this warehouse")
    if frame.empty:
        return _unavailable("marts.fct_cohort_retention is empty")
    columns = [c.lower() for c in frame.columns]
    frame = frame.set_axis(columns, axis=1)
    size = _pick(columns, _SIZE, set())
    retained = _pick(columns, _RETAINED, {size} if size else set())
    cohort = _pick(columns, re.compile("cohort"), {c for c in (size, retained) if c is not None})
    used = {c for c in (cohort, size, retained) if c is not None}
    period = next(
        (
            c
            for c in columns
            if c not in used and _PERIOD.search(c) and pd.api.types.is_numeric_dtype(frame[c])
        ),
        None,
    )
    if cohort is None or period is None:
        return _unavailable(f"columns not recognised as cohort / period: {', '.join(columns)}")
    used |= {period}
    rate = _pick([c for c in columns if pd.api.types.is_numeric_dtype(frame[c])], _RATE, used)
    if retained is not None and size is not None:
        grouped = frame.groupby([cohort, period], as_index=False)[[retained, size]].sum()
        grouped["rate"] = grouped[retained] / grouped[size].where(grouped[size] > 0)
        sizes = grouped[grouped[period] == grouped[period].min()].set_index(cohort)[size]
        source = f"{retained} / {size}"
    elif rate is not None:
        others = [c for c in columns if c not in used | {rate} and frame[c].dtype == object]
        for column in others:
            if (frame[column].astype(str) == "all").any():
                frame = frame[frame[column].astype(str) == "all"]
        if frame.duplicated([cohort, period]).any():
            return _unavailable(
                "several rows per cohort and period and no counts to sum (columns: "
                f"{', '.join(columns)})"
            )
        grouped = frame[[cohort, period, rate]].rename(columns={rate: "rate"})
        sizes = None
        source = rate
    else:
        return _unavailable(f"no retention rate or retained/size columns in: {', '.join(columns)}")
    matrix = grouped.pivot(index=cohort, columns=period, values="rate").sort_index()
    matrix = matrix.iloc[-MAX_COHORTS:, :MAX_PERIODS]
    cohorts = [_label(c) for c in matrix.index]
    return to_jsonable(
        {
            "available": True,
            "source": f"marts.fct_cohort_retention ({source} by {cohort} x {period})",
            "cohort_column": cohort,
            "period_column": period,
            "cohorts": cohorts,
            "periods": [int(p) if float(p).is_integer() else float(p) for p in matrix.columns],
            "values": [[None if pd.isna(v) else float(v) for v in row] for row in matrix.values],
            "cohort_sizes": None
            if sizes is None
            else [None if pd.isna(sizes.get(c)) else int(sizes.get(c)) for c in matrix.index],
        }
    )


def _label(value: Any) -> str:
    """Dates and timestamps as YYYY-MM-DD, anything else as text."""
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)
