"""The benchmark's pandas side (c) does the same work as the models it is compared with (b)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from benchmark import disagreements, run_pandas


@pytest.fixture(scope="module")
def pandas_run(test_db: Path, tmp_path_factory) -> Path:
    out_dir = tmp_path_factory.mktemp("bench")
    exported = out_dir / "clean_events.parquet"
    with duckdb.connect(str(test_db), read_only=True) as con:
        con.execute(f"copy (select * from staging.stg_clickstream__events) to '{exported}'")
    run_pandas(exported, out_dir)
    return out_dir


def test_pandas_produces_the_same_events_and_sessions_as_the_marts(test_db, pandas_run) -> None:
    with duckdb.connect(str(test_db), read_only=True) as con:
        assert disagreements(con, pandas_run) == {"events": 0, "sessions": 0}
        marts = con.sql("select * from marts.fct_sessions").df().set_index("session_id")
    sessions = pd.read_parquet(pandas_run / "pandas_sessions.parquet").set_index("session_id")
    # independent of the comparison query: same ids, same revenue and order totals
    assert sorted(sessions.index) == sorted(marts.index)
    assert sessions["orders"].sum() == marts["orders"].sum() > 0
    assert abs(sessions["revenue"].sum() - float(marts["revenue"].sum())) < 0.01
    assert (sessions["device"] == marts.loc[sessions.index, "device"]).all()


def test_the_comparison_sees_a_missing_row_and_a_changed_value(
    test_db, pandas_run, tmp_path
) -> None:
    events = pd.read_parquet(pandas_run / "pandas_events.parquet")
    sessions = pd.read_parquet(pandas_run / "pandas_sessions.parquet")
    events.loc[events.index[0], "event_number_in_session"] += 1
    sessions = sessions.iloc[1:].copy()
    sessions.loc[sessions.index[0], "revenue"] += 1.0
    events.to_parquet(tmp_path / "pandas_events.parquet")
    sessions.to_parquet(tmp_path / "pandas_sessions.parquet")
    with duckdb.connect(str(test_db), read_only=True) as con:
        assert disagreements(con, tmp_path) == {"events": 1, "sessions": 2}
