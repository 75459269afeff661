"""Reading a Spark warehouse folder through DuckDB (funnelhouse.spark_warehouse) and
analyze.py --spark-dir's errors, on a folder laid out as Spark writes it (no Spark needed;
`make test-spark` reads real Spark builds)."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from funnelhouse import spark_warehouse

ROOT = Path(__file__).resolve().parents[2]


def _spark_table(folder: Path, sql: str) -> None:
    folder.mkdir(parents=True)
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'America/New_York'")  # the writer's zone must not matter
        con.execute(
            f"copy ({sql}) to '{folder / 'part-00000-x.c000.snappy.parquet'}' (format parquet)"
        )
    (folder / "_SUCCESS").write_text("")


def test_tables_become_views_with_naive_utc_timestamps(tmp_path: Path) -> None:
    _spark_table(
        tmp_path / "marts.db" / "fct_sessions",
        "select 's1' as session_id, timestamptz '2024-03-10 06:30:00+00' as started_at, "
        "[timestamptz '2024-03-10 06:30:00+00', null] as steps, 1.5 as score",
    )
    _spark_table(tmp_path / "seeds.db" / "funnel_steps", "select 1 as step_number")
    (tmp_path / "marts.db" / "not_a_table").mkdir()  # no Parquet files: not a table
    with spark_warehouse.connect(tmp_path) as con:
        row = con.execute("select * from marts.fct_sessions").fetchone()
        types = {r[0]: r[1] for r in con.execute("describe marts.fct_sessions").fetchall()}
        assert con.execute("select * from seeds.funnel_steps").fetchall() == [(1,)]
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables order by all"
        ).fetchall()
    assert row[:3] == ("s1", datetime(2024, 3, 10, 6, 30), [datetime(2024, 3, 10, 6, 30), None])
    assert types["started_at"] == "TIMESTAMP" and types["steps"] == "TIMESTAMP[]"
    assert tables == [("marts", "fct_sessions"), ("seeds", "funnel_steps")]


def test_a_folder_without_marts_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(spark_warehouse.SparkWarehouseError, match="no marts in"):
        spark_warehouse.connect(tmp_path)
    with pytest.raises(spark_warehouse.SparkWarehouseError, match="folder not found"):
        spark_warehouse.connect(tmp_path / "missing")


@pytest.mark.parametrize(
    ("folder", "message"),
    [("missing", "Spark warehouse folder not found: {path}"), ("empty", "no marts in {path}")],
)
def test_analyze_spark_dir_errors_are_one_line(tmp_path: Path, folder: str, message: str) -> None:
    path = tmp_path / folder
    if folder == "empty":
        path.mkdir()
    command = [sys.executable, str(ROOT / "scripts" / "analyze.py"), "--spark-dir", str(path)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: " + message.format(path=path)), lines


def test_spark_dir_and_db_exclude_each_other(tmp_path: Path) -> None:
    command = [
        sys.executable,
        str(ROOT / "scripts" / "analyze.py"),
        "--db",
        "x",
        "--spark-dir",
        "y",
    ]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2
    assert "not allowed with argument" in result.stderr
