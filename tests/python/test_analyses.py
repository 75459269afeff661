"""Every analysis in analyses/ compiles with dbt and runs against the test warehouse.

The analyses run on a copy of the warehouse (dbt opens the file read-write to compile), with
the same file name, since the compiled SQL names the database after the file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from funnelhouse.dbt_analyses import AnalysisError, analysis_names, compile_analyses, run_sql
from run_analysis import main

EXPECTED_ANALYSES = {
    "attribution_by_model",
    "channel_quarterly_trend",
    "daily_active_users",
    "funnel_by_segment",
    "funnel_drop_off_ranking",
    "ltv_by_cohort",
    "recent_anomalies",
    "retention_by_cohort",
    "revenue_per_user_by_segment",
    "rfm_segment_value",
    "top_cross_sell_pairs",
    "top_products",
    "user_funnel_by_week",
}


@pytest.fixture(scope="module")
def warehouse_copy(warehouse_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("analyses") / warehouse_path.name
    shutil.copyfile(warehouse_path, copy)
    return copy


@pytest.fixture(scope="module")
def results(warehouse_copy: Path) -> dict[str, pd.DataFrame]:
    names = analysis_names()
    compiled = compile_analyses(names, warehouse_copy, target_path=warehouse_copy.parent / "t")
    return {name: run_sql(warehouse_copy, sql).df() for name, sql in compiled.items()}


def test_the_analyses_exist() -> None:
    assert set(analysis_names()) >= EXPECTED_ANALYSES


def test_every_analysis_compiles_and_returns_rows(results: dict[str, pd.DataFrame]) -> None:
    assert set(results) == set(analysis_names())
    for name, frame in results.items():
        assert len(frame) > 0, name


def test_daily_active_users_matches_the_events(
    results: dict[str, pd.DataFrame], warehouse: duckdb.DuckDBPyConnection
) -> None:
    events = warehouse.sql("select user_id, event_date, session_number from marts.fct_events").df()
    user_days = events.groupby(["event_date", "user_id"])["session_number"].min().reset_index()
    expected = user_days.groupby("event_date").agg(
        active_users=("user_id", "size"), new_users=("session_number", lambda s: (s == 1).sum())
    )
    got = results["daily_active_users"].set_index("activity_date")
    assert list(got.index) == list(expected.index)
    assert (got["active_users"].to_numpy() == expected["active_users"].to_numpy()).all()
    assert (got["new_users"].to_numpy() == expected["new_users"].to_numpy()).all()
    assert (got["active_users"] == got["new_users"] + got["returning_users"]).all()


def test_business_analyses_add_up_to_the_sessions(
    results: dict[str, pd.DataFrame], warehouse: duckdb.DuckDBPyConnection
) -> None:
    sessions, revenue = warehouse.sql(
        "select count(*), sum(revenue) from marts.fct_sessions"
    ).fetchall()[0]
    quarterly = results["channel_quarterly_trend"]
    assert quarterly["sessions"].sum() == sessions
    assert float(quarterly["revenue"].sum()) == pytest.approx(float(revenue))
    by_model = results["attribution_by_model"].groupby("attribution_model")
    totals = by_model["credited_revenue"].sum().astype(float)
    assert set(totals.index) == {"first_touch", "last_touch", "linear", "position_based"}
    assert totals.to_numpy() == pytest.approx(float(revenue))
    assert by_model["revenue_share"].sum().to_numpy() == pytest.approx(1, abs=1e-3)
    segments = results["rfm_segment_value"]
    buyers = warehouse.sql("select count(*) from marts.dim_user_rfm").fetchall()[0][0]
    assert segments["buyers"].sum() == buyers


def test_cli_lists_and_reports_errors_clearly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--list"]) == 0
    assert set(capsys.readouterr().out.split()) == set(analysis_names())
    assert main(["no_such_analysis", "--db", str(tmp_path / "missing.duckdb")]) == 1
    assert "not found" in capsys.readouterr().err
    assert not (tmp_path / "missing.duckdb").exists()
    with pytest.raises(AnalysisError, match="unknown analysis"):
        compile_analyses(["no_such_analysis"], Path(__file__))
