"""The engine comparison (funnelhouse.engines.compare) on hand-made warehouses: a DuckDB file and
a folder laid out like a Spark warehouse (Parquet written with instants, as Spark writes its
timestamps). It must accept equal marts and name every kind of difference. `make test-spark`
runs it on real builds of both engines."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from funnelhouse.engines.compare import compare_warehouses, type_family

ROWS = """
    select * from (values
        ('s1', 1, 0.1 + 0.2, 12.50::decimal(18, 2), timestamp '2024-01-01 10:00:00.123456',
         [timestamp '2024-01-01 10:00:00', null]),
        ('s2', 2, 1e300, 0.00::decimal(18, 2), timestamp '2024-01-02 00:00:00', []::timestamp[]),
        ('s3', 3, null, null, null, null)
    ) as t (session_id, events, score, revenue, started_at, steps)
"""


def _manifest(path: Path) -> Path:
    """A manifest whose only test makes session_id the key of marts.sessions."""
    node = {
        "test_metadata": {"name": "unique", "kwargs": {"column_name": "session_id"}},
        "attached_node": "model.funnelhouse.sessions",
    }
    path.write_text(json.dumps({"nodes": {"test.funnelhouse.unique_sessions": node}}))
    return path


def _build(tmp_path: Path, spark_sql: str, duck_sql: str = ROWS) -> list:
    duck = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(duck)) as con:
        con.execute("create schema marts")
        con.execute(f"create table marts.sessions as {duck_sql}")
        con.execute("create table marts.keyless as select events, score from marts.sessions")
    spark = tmp_path / "spark"
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"create table sessions as {spark_sql}")
        # Spark writes instants: timestamps with a UTC adjustment
        con.execute(
            "create table spark_sessions as select * replace ("
            "cast(started_at as timestamptz) as started_at, cast(steps as timestamptz[]) as steps"
            ") from sessions"
        )
        for table, sql in (
            ("sessions", "select * from spark_sessions"),
            ("keyless", "select events, score from spark_sessions order by events desc"),
        ):
            folder = spark / "marts.db" / table
            folder.mkdir(parents=True)
            con.execute(
                f"copy ({sql}) to '{folder / 'part-00000.snappy.parquet'}' (format parquet)"
            )
    return compare_warehouses(duck, spark, _manifest(tmp_path / "manifest.json"))


def _by_mart(results: list) -> dict:
    return {result.mart: result for result in results}


def test_equal_marts_agree(tmp_path: Path) -> None:
    results = _by_mart(_build(tmp_path, ROWS))
    assert set(results) == {"sessions", "keyless"}
    assert all(result.agrees for result in results.values()), results
    assert results["sessions"].key == ["session_id"]
    assert results["sessions"].duckdb_rows == results["sessions"].spark_rows == 3


def test_floats_within_the_relative_tolerance_agree(tmp_path: Path) -> None:
    spark = ROWS.replace("0.1 + 0.2", "(0.1 + 0.2) * (1 + 1e-12)").replace(
        "1e300", "1e300 * (1 - 1e-10)"
    )
    assert all(result.agrees for result in _build(tmp_path, spark))


@pytest.mark.parametrize(
    ("change", "column"),
    [
        (("0.1 + 0.2", "(0.1 + 0.2) * (1 + 1e-8)"), "score"),  # beyond 1e-9 relative
        (("('s2', 2,", "('s2', 3,"), "events"),  # a count
        (("12.50::decimal", "12.51::decimal"), "revenue"),  # money: exact
        (("10:00:00.123456'", "10:00:00.123457'"), "started_at"),  # one microsecond
        (("[timestamp '2024-01-01 10:00:00', null]", "[timestamp '2024-01-01 10:00:00']"), "steps"),
        (("('s3', 3, null, null", "('s3', 3, 0.0, null"), "score"),  # null vs a value
    ],
)
def test_a_changed_value_is_named(tmp_path: Path, change: tuple[str, str], column: str) -> None:
    results = _by_mart(_build(tmp_path, ROWS.replace(*change)))
    sessions = results["sessions"]
    assert not sessions.agrees
    assert sessions.differing_rows == 1
    assert f"{column} duckdb=" in sessions.examples[0], sessions.examples


def test_a_missing_row_and_a_changed_key_are_counted(tmp_path: Path) -> None:
    spark = ROWS.replace("('s3', 3, null, null, null, null)", "('s4', 3, null, null, null, null)")
    sessions = _by_mart(_build(tmp_path, spark))["sessions"]
    assert sessions.differing_rows == 2  # s3 only in duckdb, s4 only in spark
    assert any("only in spark" in example for example in sessions.examples)
    assert any("only in duckdb" in example for example in sessions.examples)


def test_a_keyless_mart_is_matched_on_its_values(tmp_path: Path) -> None:
    spark = ROWS.replace("('s2', 2, 1e300", "('s2', 2, 2e300")
    results = _by_mart(_build(tmp_path, spark))
    assert results["keyless"].key == []
    # matched on events (and a rank among equal rows): the one row's score differs
    assert results["keyless"].differing_rows == 1


def test_a_different_type_or_column_is_a_problem(tmp_path: Path) -> None:
    typed = ROWS.replace("('s1', 1,", "('s1', 1.5,")  # a decimal count
    assert "column events" in _by_mart(_build(tmp_path, typed))["sessions"].problems[0]
    renamed = ROWS.replace("steps)", "step_times)")
    other = tmp_path / "renamed"
    other.mkdir()
    assert "columns differ" in _by_mart(_build(other, ROWS, renamed))["sessions"].problems[0]


def test_a_mart_on_one_engine_only_is_a_problem(tmp_path: Path) -> None:
    results = _build(tmp_path, ROWS)
    spark_only = tmp_path / "spark" / "marts.db" / "sessions"
    (spark_only.parent / "extra").mkdir()
    for part in spark_only.glob("*.parquet"):
        (spark_only.parent / "extra" / part.name).write_bytes(part.read_bytes())
    results = _by_mart(
        compare_warehouses(
            tmp_path / "warehouse.duckdb", tmp_path / "spark", tmp_path / "manifest.json"
        )
    )
    assert results["extra"].problems == ["only in the Spark warehouse"]
    for part in spark_only.glob("*.parquet"):
        part.unlink()
    spark_only.rmdir()
    results = _by_mart(
        compare_warehouses(
            tmp_path / "warehouse.duckdb", tmp_path / "spark", tmp_path / "manifest.json"
        )
    )
    assert results["sessions"].problems == ["not in the Spark warehouse"]


def test_type_families() -> None:
    assert type_family("INTEGER") == type_family("BIGINT") == type_family("HUGEINT")
    assert type_family("DECIMAL(18,2)") == type_family("DECIMAL(38,2)") != type_family("DOUBLE")
    assert type_family("TIMESTAMP[]") == "TIMESTAMP[]"


def _build_info(tmp_path: Path, duck_sql: str, spark_sql: str) -> list:
    """dq_build_info keyed on its build_id (a build column) on both engines."""
    tmp_path.mkdir()
    duck = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(duck)) as con:
        con.execute("create schema marts")
        con.execute(f"create table marts.dq_build_info as {duck_sql}")
    folder = tmp_path / "spark" / "marts.db" / "dq_build_info"
    folder.mkdir(parents=True)
    with duckdb.connect() as con:
        con.execute(f"copy ({spark_sql}) to '{folder / 'part-0.parquet'}' (format parquet)")
    node = {
        "test_metadata": {"name": "unique", "kwargs": {"column_name": "build_id"}},
        "attached_node": "model.funnelhouse.dq_build_info",
    }
    model = {  # build_id describes the build (meta build_metadata), so it is not compared
        "name": "dq_build_info",
        "columns": {"build_id": {"config": {"meta": {"build_metadata": True}}}},
    }
    nodes = {"test.funnelhouse.unique_build_id": node, "model.funnelhouse.dq_build_info": model}
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"nodes": nodes}))
    return compare_warehouses(duck, tmp_path / "spark", manifest)


def test_a_mart_keyed_on_a_build_column_is_matched_on_its_data(tmp_path: Path) -> None:
    row = "select '{id}' as build_id, {events} as clean_events"
    [same] = _build_info(
        tmp_path / "a", row.format(id="b1", events=5), row.format(id="b2", events=5)
    )
    assert same.agrees, same.examples
    [other] = _build_info(
        tmp_path / "b", row.format(id="b1", events=5), row.format(id="b2", events=6)
    )
    assert other.differing_rows == 2  # the row on each engine has no partner
