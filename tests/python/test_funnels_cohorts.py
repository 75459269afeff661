"""Funnel, user and cohort marts against an independent pandas computation.

The reference reads only fct_events (the sessionized events) from the test warehouse and the
funnel definitions from seeds/funnel_steps.csv, and recomputes everything with plain Python:
an in-order funnel as a state machine walking each session's (or user-week's) events, session
attributes, retention flags and cohort tables. Nothing is taken from the marts under test.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from statistics import median
from typing import Any

import duckdb
import pandas as pd
import pytest

SEED = Path(__file__).resolve().parents[2] / "seeds" / "funnel_steps.csv"
RETENTION_DAYS = (1, 7, 14, 30)


# --- the reference ---------------------------------------------------------------------------
def funnels() -> dict[str, list[str]]:
    steps = pd.read_csv(SEED).sort_values(["funnel_name", "step_number"])
    return {name: list(group["event_type"]) for name, group in steps.groupby("funnel_name")}


def walk(events: list[tuple[datetime, str]], steps: list[str]) -> list[datetime]:
    """Times at which each step was reached in order: a state machine over ordered events."""
    reached: list[datetime] = []
    for at, event_type in events:
        if len(reached) < len(steps) and event_type == steps[len(reached)]:
            reached.append(at)
    return reached


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def month_start(day: date) -> date:
    return day.replace(day=1)


def months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


@pytest.fixture(scope="module")
def events(warehouse: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    frame = warehouse.sql(
        "select user_id, session_id, event_id, event_at, event_type, revenue, device, channel "
        "from marts.fct_events"
    ).df()
    frame["event_at"] = pd.to_datetime(frame["event_at"])
    frame["event_date"] = frame["event_at"].dt.date
    frame["revenue"] = frame["revenue"].astype(float)
    # The documented event order, independently of the warehouse's position columns.
    return frame.sort_values(["user_id", "event_at", "event_id"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def sessions(events: pd.DataFrame) -> pd.DataFrame:
    """Session attributes: start, first known device/channel, new vs returning."""
    grouped = events.groupby("session_id", sort=False)
    frame = grouped.agg(
        user_id=("user_id", "first"),
        start=("event_at", "min"),
        device=("device", "first"),  # groupby-first skips nulls: the first known value
        channel=("channel", "first"),
    )
    user_first_event = events.groupby("user_id")["event_at"].min()
    is_first = frame["start"].to_numpy() == frame["user_id"].map(user_first_event).to_numpy()
    return frame.assign(
        session_date=frame["start"].dt.date,
        device=frame["device"].fillna("unknown"),
        channel=frame["channel"].fillna("unknown"),
        user_type=["new" if first else "returning" for first in is_first],
    )


@pytest.fixture(scope="module")
def session_paths(events: pd.DataFrame) -> dict[tuple[str, str], list[datetime]]:
    definitions = funnels()
    paths: dict[tuple[str, str], list[datetime]] = {}
    for session_id, group in events.groupby("session_id", sort=False):
        ordered = list(zip(group["event_at"], group["event_type"], strict=True))
        for name, steps in definitions.items():
            paths[(session_id, name)] = walk(ordered, steps)
    return paths


# --- session funnel --------------------------------------------------------------------------
def test_every_session_has_a_row_per_funnel_with_the_reference_path(
    warehouse: duckdb.DuckDBPyConnection,
    session_paths: dict[tuple[str, str], list[datetime]],
) -> None:
    mart = warehouse.sql(
        "select session_id, funnel_name, step_count, furthest_step_number, entered_funnel, "
        "completed_funnel, step_reached_at from marts.fct_funnel_sessions"
    ).fetchall()
    assert len(mart) == len(session_paths)
    definitions = funnels()
    mismatches = []
    for session_id, name, step_count, furthest, entered, completed, reached_at in mart:
        expected = session_paths[(session_id, name)]
        padded = expected + [None] * (len(definitions[name]) - len(expected))
        got = [None if t is None else pd.Timestamp(t) for t in reached_at]
        if (
            step_count != len(definitions[name])
            or furthest != len(expected)
            or entered != (len(expected) > 0)
            or completed != (len(expected) == step_count)
            or got != padded
        ):
            mismatches.append((session_id, name, furthest, expected))
    assert not mismatches, mismatches[:5]
    # The data exercise the funnel: some sessions complete it, some stop at every step.
    furthest_counts = {len(path) for path in session_paths.values()}
    assert furthest_counts == set(range(max(len(s) for s in definitions.values()) + 1))


def test_funnel_daily_matches_reference(
    warehouse: duckdb.DuckDBPyConnection,
    sessions: pd.DataFrame,
    session_paths: dict[tuple[str, str], list[datetime]],
) -> None:
    segment = ["session_date", "device", "channel", "user_type"]
    session_counts = sessions.groupby(segment).size()
    expected: dict[tuple[Any, ...], dict[str, Any]] = {}
    gaps: dict[tuple[Any, ...], list[float]] = defaultdict(list)
    for name, steps in funnels().items():
        entries: dict[tuple[Any, ...], int] = defaultdict(int)
        for session_id, attrs in sessions.iterrows():
            path = session_paths[(session_id, name)]
            key = tuple(attrs[c] for c in segment)
            for k in range(1, len(path) + 1):
                entries[(*key, k)] += 1
                if k > 1:
                    gaps[(name, *key, k)].append((path[k - 1] - path[k - 2]).total_seconds())
        for key, count in session_counts.items():
            for k in range(1, len(steps) + 1):
                previous = entries[(*key, k - 1)] if k > 1 else None
                expected[(name, *key, k)] = {
                    "sessions": count,
                    "entries": entries[(*key, k)],
                    "previous_step_entries": previous,
                    "first": entries[(*key, 1)],
                }
    mart = warehouse.sql(
        "select funnel_name, session_date, device, channel, user_type, step_number, sessions, "
        "entries, previous_step_entries, drop_offs, step_conversion_rate, drop_off_rate, "
        "overall_conversion_rate, session_conversion_rate, median_seconds_from_previous_step "
        "from marts.fct_funnel_daily"
    ).df()
    assert len(mart) == len(expected)
    for row in mart.itertuples(index=False):
        key = (
            row.funnel_name,
            row.session_date.date() if hasattr(row.session_date, "date") else row.session_date,
            row.device,
            row.channel,
            row.user_type,
            row.step_number,
        )
        want = expected[key]
        assert (row.sessions, row.entries) == (want["sessions"], want["entries"]), key
        previous = want["previous_step_entries"]
        if previous is None:
            assert pd.isna(row.previous_step_entries) and pd.isna(row.step_conversion_rate)
        else:
            assert row.previous_step_entries == previous
            assert row.drop_offs == previous - want["entries"]
            if previous:
                assert row.step_conversion_rate == pytest.approx(want["entries"] / previous)
                assert row.drop_off_rate == pytest.approx(1 - want["entries"] / previous)
            else:
                assert pd.isna(row.step_conversion_rate)
        if want["first"]:
            assert row.overall_conversion_rate == pytest.approx(want["entries"] / want["first"])
        else:
            assert pd.isna(row.overall_conversion_rate)
        assert row.session_conversion_rate == pytest.approx(want["entries"] / want["sessions"])
        gap = gaps.get(key)
        if gap:
            assert row.median_seconds_from_previous_step == pytest.approx(median(gap))
        else:
            assert pd.isna(row.median_seconds_from_previous_step)


def test_drop_off_ranking_overall_matches_reference(
    warehouse: duckdb.DuckDBPyConnection,
    session_paths: dict[tuple[str, str], list[datetime]],
) -> None:
    for name, steps in funnels().items():
        reached = [
            sum(len(path) >= k for (_, n), path in session_paths.items() if n == name)
            for k in range(1, len(steps) + 1)
        ]
        rates = {k: 1 - reached[k - 1] / reached[k - 2] for k in range(2, len(steps) + 1)}
        leakiest = max(rates, key=lambda k: rates[k])
        mart = dict(
            warehouse.execute(
                "select step_number, drop_off_rate from marts.fct_funnel_drop_offs "
                "where funnel_name = ? and segment_type = 'overall'",
                [name],
            ).fetchall()
        )
        assert mart == pytest.approx(rates)
        top = warehouse.execute(
            "select step_number from marts.fct_funnel_drop_offs "
            "where funnel_name = ? and segment_type = 'overall' and step_rank = 1",
            [name],
        ).fetchall()
        assert top == [(leakiest,)]


# --- user-level funnel -----------------------------------------------------------------------
def test_user_week_funnel_matches_reference(
    warehouse: duckdb.DuckDBPyConnection, events: pd.DataFrame
) -> None:
    definitions = funnels()
    first_session = events.groupby("user_id")["session_id"].first()
    expected: dict[tuple[str, date, str], tuple[list[datetime], str, int]] = {}
    week = events["event_date"].map(monday)
    for (user_id, period_start), group in events.groupby(["user_id", week], sort=False):
        ordered = list(zip(group["event_at"], group["event_type"], strict=True))
        user_type = "new" if group["session_id"].iloc[0] == first_session[user_id] else "returning"
        for name, steps in definitions.items():
            expected[(user_id, period_start, name)] = (walk(ordered, steps), user_type, len(group))
    mart = warehouse.sql(
        "select user_id, period_grain, period_start, funnel_name, user_type, events, "
        "furthest_step_number, step_reached_at from marts.fct_funnel_users"
    ).fetchall()
    assert len(mart) == len(expected)
    chained_across_sessions = 0
    for user_id, grain, period_start, name, user_type, n_events, furthest, reached_at in mart:
        assert grain == "week"
        path, want_type, want_events = expected[(user_id, period_start, name)]
        assert (furthest, user_type, n_events) == (len(path), want_type, want_events)
        got = [pd.Timestamp(t) for t in reached_at[:furthest]]
        assert got == path
        assert all(t is None for t in reached_at[furthest:])
        chained_across_sessions += furthest > 0
    assert chained_across_sessions > 0


# --- users and cohorts -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def user_activity(events: pd.DataFrame) -> pd.DataFrame:
    purchases = events["event_type"] == "purchase"
    return (
        events.assign(
            purchase=purchases, purchase_revenue=events["revenue"].where(purchases, 0.0).fillna(0)
        )
        .groupby(["user_id", "event_date"])
        .agg(purchased=("purchase", "any"), revenue=("purchase_revenue", "sum"))
        .reset_index()
    )


def test_dim_users_retention_flags_match_reference(
    warehouse: duckdb.DuckDBPyConnection, events: pd.DataFrame
) -> None:
    last_day = events["event_date"].max()
    active = events.groupby("user_id")["event_date"].agg(set)
    expected = {}
    for user_id, days in active.items():
        first = min(days)
        flags = []
        for n in RETENTION_DAYS:
            day = first + timedelta(days=n)
            flags.append(None if day > last_day else day in days)
        observed_days = (last_day - first).days
        expected[user_id] = (first, monday(first), month_start(first), observed_days, *flags)
    mart = warehouse.sql(
        "select user_id, first_seen_date, acquisition_week, acquisition_month, days_observed, "
        + ", ".join(f"retained_d{n}" for n in RETENTION_DAYS)
        + " from marts.dim_users"
    ).fetchall()
    assert len(mart) == len(expected)
    for user_id, *values in mart:
        assert tuple(values) == expected[user_id], user_id
    # Every flag takes all three values on this data: observed true, observed false, not yet.
    for i, n in enumerate(RETENTION_DAYS):
        assert {row[5 + i] for row in mart} == {True, False, None}, f"d{n}"


def test_dim_users_lifetime_values_match_reference(
    warehouse: duckdb.DuckDBPyConnection, events: pd.DataFrame
) -> None:
    purchases = events[events["event_type"] == "purchase"]
    revenue = purchases.groupby("user_id")["revenue"].sum()
    first_purchase = purchases.groupby("user_id")["event_at"].min()
    session_counts = events.groupby("user_id")["session_id"].nunique()
    mart = warehouse.sql(
        "select user_id, lifetime_sessions, lifetime_revenue, first_purchase_at "
        "from marts.dim_users"
    ).fetchall()
    for user_id, lifetime_sessions, lifetime_revenue, first_purchase_at in mart:
        assert lifetime_sessions == session_counts[user_id]
        assert float(lifetime_revenue) == pytest.approx(revenue.get(user_id, 0.0), abs=0.005)
        want = first_purchase.get(user_id)
        assert (first_purchase_at is None) == (want is None)
        if want is not None:
            assert pd.Timestamp(first_purchase_at) == want


@pytest.mark.parametrize("grain", ["week", "month"])
def test_cohort_retention_matches_reference(
    warehouse: duckdb.DuckDBPyConnection,
    events: pd.DataFrame,
    user_activity: pd.DataFrame,
    grain: str,
) -> None:
    start_of = monday if grain == "week" else month_start

    def periods_between(a: date, b: date) -> int:
        return (b - a).days // 7 if grain == "week" else months_between(a, b)

    def nth_period(cohort: date, n: int) -> tuple[date, date]:
        if grain == "week":
            return cohort + timedelta(weeks=n), cohort + timedelta(weeks=n, days=6)
        first = date(cohort.year + (cohort.month - 1 + n) // 12, (cohort.month - 1 + n) % 12 + 1, 1)
        nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return first, nxt - timedelta(days=1)

    last_day = events["event_date"].max()
    cohort_of = user_activity.groupby("user_id")["event_date"].min().map(start_of)
    sizes = cohort_of.value_counts()
    activity = user_activity.assign(
        cohort=user_activity["user_id"].map(cohort_of),
        period=user_activity["event_date"].map(start_of),
    )
    activity["period_number"] = [
        periods_between(c, p) for c, p in zip(activity["cohort"], activity["period"], strict=True)
    ]
    per_user = activity.groupby(["cohort", "period_number", "user_id"]).agg(
        purchased=("purchased", "any"), revenue=("revenue", "sum")
    )
    per_period = per_user.groupby(["cohort", "period_number"]).agg(
        active=("purchased", "size"), purchasing=("purchased", "sum"), revenue=("revenue", "sum")
    )
    expected = {}
    for cohort, size in sizes.items():
        cumulative = 0.0
        for n in range(periods_between(cohort, start_of(last_day)) + 1):
            active, purchasing, revenue = (
                per_period.loc[(cohort, n)] if (cohort, n) in per_period.index else (0, 0, 0.0)
            )
            cumulative += revenue
            period_start, period_end = nth_period(cohort, n)
            expected[(cohort, n)] = (
                period_start,
                period_end,
                period_end <= last_day,
                size,
                int(active),
                int(purchasing),
                revenue,
                cumulative / size,
            )
    mart = warehouse.execute(
        "select cohort_start, period_number, period_start, period_end, is_complete_period, "
        "cohort_size, active_users, purchasing_users, revenue, cumulative_revenue_per_user, "
        "retention_rate from marts.fct_cohort_retention where cohort_grain = ?",
        [grain],
    ).fetchall()
    assert len(mart) == len(expected)
    for cohort, n, *values, revenue, per_user_revenue, retention_rate in mart:
        want = expected[(cohort, n)]
        assert tuple(values) == want[:6], (cohort, n)
        assert float(revenue) == pytest.approx(want[6], abs=0.005)
        assert per_user_revenue == pytest.approx(want[7], abs=1e-6)
        assert retention_rate == pytest.approx(want[4] / want[3])
    assert sum(sizes) == events["user_id"].nunique()
    # Retention beyond period 0 happens and some periods are empty: the table is not trivial.
    later = [v for (_, n), v in expected.items() if n > 0]
    assert any(v[4] > 0 for v in later)
    assert not math.isnan(sum(v[6] for v in expected.values()))
