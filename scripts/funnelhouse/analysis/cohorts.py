"""Cohort retention matrix for the report, from ``marts.fct_cohort_retention`` when present.

The mart is built by another part of the project, so its columns are recognised by name:

* cohort: a date column whose name contains ``cohort`` (e.g. ``cohort_start``, ``cohort_week``);
* period: a numeric column such as ``period_number``, ``weeks_since_first_visit``;
* value: a retained count with a cohort size (``active_users`` / ``retained_users`` and
  ``cohort_size`` / ``cohort_users``), summed over any other breakdown, or else a rate column
  (``retention_rate``, ``retention``);
* a grain column (``cohort_grain``: week / month) keeps ``week`` (else its first value); a
  breakdown with an ``all`` value keeps ``all``; a boolean ``*complete*`` column hides the
  periods that are not fully observed yet.

Anything else gives ``available = False`` with the reason, and the report says so.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
from pandas.api import types

from funnelhouse.analysis.results import CohortMatrix

MAX_COHORTS = 26
MAX_PERIODS = 16
_PERIOD = re.compile(r"(since|period|number|offset|index|age|^weeks?$|^months?$|^days?$)")
_RATE = re.compile(r"(retention|retained_share|_rate$|^rate$)")
_RETAINED = re.compile(r"^(retained|active|returning)_users?$")
_SIZE = re.compile(r"^(cohort_(users|size)|cohort_user_count|users_in_cohort)$")
_GRAIN = re.compile(r"grain|granularity")
PREFERRED_GRAIN = "week"


def _unavailable(note: str) -> CohortMatrix:
    return CohortMatrix(available=False, note=note)


def _first(columns: list[str], pattern: re.Pattern[str]) -> str | None:
    return next((c for c in columns if pattern.search(c)), None)


def _is_number(series: pd.Series) -> bool:
    return types.is_numeric_dtype(series) and not types.is_bool_dtype(series)


def _is_date(series: pd.Series) -> bool:
    if types.is_datetime64_any_dtype(series):
        return True
    sample = series.dropna().head(1).tolist()
    return bool(sample) and hasattr(sample[0], "isoformat")


def _label(value: Any) -> str:
    """Dates and timestamps as YYYY-MM-DD, anything else as text."""
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)


def _narrow(frame: pd.DataFrame, used: set[str]) -> tuple[pd.DataFrame, list[str]]:
    """Keep one grain and the 'all' rows of breakdowns; return the frame and what was kept."""
    kept = []
    for column in frame.columns:
        if column in used or _is_number(frame[column]) or _is_date(frame[column]):
            continue
        if types.is_bool_dtype(frame[column]):
            continue
        values = sorted(frame[column].dropna().astype(str).unique())
        if _GRAIN.search(column) and values:
            choice = PREFERRED_GRAIN if PREFERRED_GRAIN in values else values[0]
        elif "all" in values:
            choice = "all"
        else:
            continue
        frame = frame[frame[column].astype(str) == choice]
        kept.append(f"{column} = {choice}")
    return frame, kept


def cohort_matrix(frame: pd.DataFrame | None) -> CohortMatrix:
    """The matrix (rates, rows = cohorts) with its labels and source, or the reason it is not
    available."""
    if frame is None:
        return _unavailable("marts.fct_cohort_retention is not available in this warehouse")
    if frame.empty:
        return _unavailable("marts.fct_cohort_retention is empty")
    frame = frame.set_axis([str(c).lower() for c in frame.columns], axis=1)
    columns = list(frame.columns)
    size = _first([c for c in columns if _is_number(frame[c])], _SIZE)
    retained = _first([c for c in columns if _is_number(frame[c])], _RETAINED)
    cohort_candidates = [c for c in columns if "cohort" in c and c not in (size, retained)]
    cohort = next((c for c in cohort_candidates if _is_date(frame[c])), None)
    period = next(
        (c for c in columns if _PERIOD.search(c) and _is_number(frame[c]) and c != cohort), None
    )
    if cohort is None or period is None:
        return _unavailable(f"columns not recognised as cohort / period: {', '.join(columns)}")
    used = {c for c in (cohort, period, size, retained) if c is not None}
    rate = _first([c for c in columns if _is_number(frame[c]) and c not in used], _RATE)
    frame, kept = _narrow(frame, used | ({rate} if rate else set()))
    complete = next((c for c in columns if "complete" in c and types.is_bool_dtype(frame[c])), None)
    if retained is not None and size is not None:
        grouped = frame.groupby([cohort, period], as_index=False)[[retained, size]].sum()
        grouped["rate"] = grouped[retained] / grouped[size].where(grouped[size] > 0)
        sizes = grouped[grouped[period] == grouped[period].min()].set_index(cohort)[size]
        source = f"{retained} / {size}"
    elif rate is not None:
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
    if complete is not None:
        incomplete = frame.loc[~frame[complete].astype(bool), [cohort, period]]
        keys = set(map(tuple, incomplete.to_numpy().tolist()))
        mask = [(c, p) in keys for c, p in zip(grouped[cohort], grouped[period], strict=True)]
        grouped.loc[mask, "rate"] = float("nan")
        kept.append(f"periods not complete yet ({complete} = false) hidden")
    matrix = grouped.pivot(index=cohort, columns=period, values="rate").sort_index()
    matrix = matrix.iloc[-MAX_COHORTS:, :MAX_PERIODS]
    return CohortMatrix(
        available=True,
        source=f"marts.fct_cohort_retention ({source} by {cohort} x {period}"
        + (f"; {'; '.join(kept)}" if kept else "")
        + ")",
        cohort_column=cohort,
        period_column=period,
        cohorts=tuple(_label(c) for c in matrix.index),
        periods=tuple(int(p) if float(p).is_integer() else float(p) for p in matrix.columns),
        values=tuple(tuple(None if pd.isna(v) else float(v) for v in row) for row in matrix.values),
        cohort_sizes=None
        if sizes is None
        else tuple(None if pd.isna(sizes.get(c)) else int(sizes.get(c)) for c in matrix.index),
    )
