"""The foundation marts against independent computations on the generated test data."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from warehouse_helpers import run_dbt

TIMEOUT = pd.Timedelta(minutes=30)


def read(db: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.sql(sql).df()


@pytest.fixture(scope="module")
def pandas_sessions(test_db: Path) -> pd.DataFrame:
    """Sessionize the clean staged events with pandas: sort, diff, cumsum."""
    events = read(test_db, "select * from staging.stg_clickstream__events")
    events = events.sort_values(["user_id", "event_at", "event_id"], ignore_index=True)
    gap = events.groupby("user_id")["event_at"].diff()
    events["start"] = gap.isna() | (gap > TIMEOUT)
    events["session_number"] = events.groupby("user_id")["start"].cumsum()
    events["position"] = events.groupby(["user_id", "session_number"]).cumcount() + 1
    return events


def test_every_event_is_in_the_session_pandas_finds(test_db, pandas_sessions) -> None:
    ours = read(
        test_db, "select event_id, session_number, event_number_in_session from marts.fct_events"
    )
    merged = pandas_sessions.merge(ours, on="event_id", how="outer", indicator=True)
    assert (merged["_merge"] == "both").all()
    assert (merged["session_number_x"] == merged["session_number_y"]).all()
    assert (merged["position"] == merged["event_number_in_session"]).all()


def test_session_aggregates_match_pandas(test_db, pandas_sessions) -> None:
    events = pandas_sessions
    purchase = events["event_type"] == "purchase"
    events = events.assign(
        purchase_revenue=events["revenue"].astype(float).where(purchase, 0.0),
        is_purchase=purchase,
        is_cart=events["event_type"] == "add_to_cart",
    )
    expected = (
        events.groupby(["user_id", "session_number"])
        .agg(
            start=("event_at", "min"),
            end=("event_at", "max"),
            events=("event_id", "size"),
            landing=("event_type", "first"),
            device=("device", lambda s: s.dropna().iloc[0] if s.notna().any() else "unknown"),
            purchased=("is_purchase", "any"),
            reached_cart=("is_cart", "any"),
            revenue=("purchase_revenue", "sum"),
        )
        .reset_index()
    )
    ours = read(test_db, "select * from marts.fct_sessions")
    merged = expected.merge(ours, on=["user_id", "session_number"], how="outer", indicator=True)
    assert (merged["_merge"] == "both").all(), "different sessions"
    assert (merged["start"] == merged["session_start_at"]).all()
    assert (merged["end"] == merged["session_end_at"]).all()
    assert (merged["events"] == merged["event_count"]).all()
    assert (merged["landing"] == merged["landing_event_type"]).all()
    assert (merged["device_x"] == merged["device_y"]).all()
    assert (merged["purchased_x"] == merged["purchased_y"]).all()
    assert (merged["reached_cart_x"] == merged["reached_cart_y"]).all()
    np.testing.assert_allclose(merged["revenue_x"], merged["revenue_y"].astype(float), atol=1e-9)
    duration = (merged["end"] - merged["start"]).dt.total_seconds()
    np.testing.assert_allclose(duration, merged["duration_seconds"])
    assert (merged["is_first_session"] == (merged["session_number"] == 1)).all()


def test_load_outcomes_match_the_generators_truth(test_db, test_events) -> None:
    truth = json.loads(test_events.with_name(test_events.stem + ".truth.json").read_text())
    dirty = truth["dirty"]
    audit = read(test_db, "select load_reason, row_count from marts.dq_event_load_audit")
    counts = dict(zip(audit["load_reason"], audit["row_count"], strict=True))
    assert sum(counts.values()) == pq.read_metadata(test_events).num_rows == dirty["rows_total"]
    assert counts.get("duplicate_event_id", 0) == dirty["exact_duplicate_rows"]
    assert counts.get("duplicate_row", 0) == dirty["null_event_id_duplicate_rows"]
    assert counts.get("missing_user_id", 0) == (
        dirty["blank_user_id_rows"] + dirty["null_user_id_rows"]
    )
    assert counts.get("unknown_event_type", 0) == dirty["unknown_event_type_rows"]
    assert counts.get("negative_revenue", 0) == dirty["negative_revenue_rows"]
    assert counts["ok"] == dirty["rows_total"] - dirty["extra_rows_total"]


def test_session_ids_are_deterministic_and_stable_when_later_events_arrive(
    test_db, test_events, tmp_path
) -> None:
    """Build again on the events before a cut-off: earlier sessions keep their ids."""
    cutoff = pd.Timestamp("2026-02-01")
    with duckdb.connect() as con:
        con.execute(
            f"copy (select * from read_parquet('{test_events}') where event_at < '{cutoff}') "
            f"to '{tmp_path / 'prefix.parquet'}' (format parquet)"
        )
    prefix_db = tmp_path / "prefix.duckdb"
    run_dbt("seed", tmp_path / "prefix.parquet", prefix_db)
    run_dbt("run", tmp_path / "prefix.parquet", prefix_db, "--select", "+fct_sessions")
    columns = "session_id, user_id, session_number, session_start_at, event_count"
    # A session that ended more than the timeout before the cut-off cannot change.
    settled = f"session_end_at < timestamp '{cutoff}' - interval 30 minute"
    before = read(prefix_db, f"select {columns} from marts.fct_sessions where {settled}")
    after = read(test_db, f"select {columns} from marts.fct_sessions where {settled}")
    assert len(before) > 1000
    key = ["user_id", "session_start_at"]
    pd.testing.assert_frame_equal(
        before.sort_values(key, ignore_index=True), after.sort_values(key, ignore_index=True)
    )


def test_a_file_without_a_required_column_stops_with_a_clear_error(test_events, tmp_path) -> None:
    broken = tmp_path / "no_event_type.parquet"
    with duckdb.connect() as con:
        con.execute(
            f"copy (select * exclude (event_type) from read_parquet('{test_events}') limit 10) "
            f"to '{broken}' (format parquet)"
        )
    result = run_dbt(
        "run",
        broken,
        tmp_path / "broken.duckdb",
        "--select",
        "stg_clickstream__raw_events",
        check=False,
    )
    assert result.returncode != 0
    assert "has no column 'event_type'" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
