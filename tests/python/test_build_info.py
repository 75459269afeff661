"""Build provenance (marts.dq_build_info) and the warehouse as analysts use it: what analyze.py
says about the data, the rebuild decision, comments, the SQL shell, paths from anywhere."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from funnelhouse.refresh.inputs import BuildInputs, Fingerprints, inputs_key
from warehouse_helpers import ROOT

ANALYZE = ROOT / "scripts" / "analyze.py"
EXPERIMENT = "aa_add_to_cart"


def build_info(database: Path) -> dict:
    with duckdb.connect(str(database), read_only=True) as con:
        cursor = con.execute("select * from marts.dq_build_info")
        rows = cursor.fetchall()
        names = [column[0] for column in cursor.description]
    assert len(rows) == 1
    return dict(zip(names, rows[0], strict=True))


def test_build_info_describes_the_files_the_build_read(test_db, test_events) -> None:
    info = build_info(test_db)
    events = Path(test_events).resolve()
    assert info["events_bytes"] == events.stat().st_size and info["events_files"] == 1
    assert info["events_raw_rows"] == pq.ParquetFile(events).metadata.num_rows
    assert info["build_finished_at"] >= info["build_started_at"]
    assignments = events.with_name("events.assignments.parquet")
    assert info["assignments_raw_rows"] == pq.ParquetFile(assignments).metadata.num_rows
    if info["built_by"] == "dbt":
        pytest.skip("the test warehouse was built by dbt alone: no fingerprints to check")
    assert info["events_path"] == str(events)
    assert info["events_sha256"] == hashlib.sha256(events.read_bytes()).hexdigest()
    assert info["assignments_sha256"] == hashlib.sha256(assignments.read_bytes()).hexdigest()
    assert info["project_version"] == "0.1.0" and info["inputs_key"]


def _analyze(database: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    # one experiment keeps it quick: the provenance lines do not depend on which
    command = [sys.executable, str(ANALYZE), "--db", str(database), "--experiment", EXPERIMENT]
    command += ["--html", str(tmp_path / "report.html")]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def _copy_with(test_db: Path, tmp_path: Path, update: str) -> Path:
    database = tmp_path / test_db.name
    shutil.copyfile(test_db, database)
    with duckdb.connect(str(database)) as con:
        con.execute(f"update marts.dq_build_info set {update}")
    return database


def test_analyze_says_which_data_and_warns_when_the_events_file_is_newer(test_db, tmp_path) -> None:
    info = build_info(test_db)
    fresh = _analyze(test_db, tmp_path)
    line = next(x for x in fresh.stdout.splitlines() if x.startswith("data: "))
    assert f"data: {info['events_path']} ({info['events_format']}; " in line
    assert f"{info['clean_events']:,} clean events" in line and str(info["build_id"])[:8] in line
    started = info["build_started_at"].replace(tzinfo=dt.UTC).timestamp()
    file_is_newer = Path(info["events_path"]).stat().st_mtime > started
    assert ("is newer than this build" in fresh.stdout) == file_is_newer
    # the same warehouse, built (as far as it says) before the file's last change
    stale = _copy_with(test_db, tmp_path, "build_started_at = timestamp '2001-01-01'")
    run = _analyze(stale, tmp_path)
    warning = f"WARNING: the events file {info['events_path']} is newer than this build"
    assert warning in run.stdout, run.stdout[:2000]
    html = (tmp_path / "report.html").read_text()
    assert "Warning: the events file" in html and "is newer than this build" in html


def test_analyze_warns_about_an_unfinished_build(test_db, tmp_path) -> None:
    unfinished = _copy_with(test_db, tmp_path, "build_finished_at = null")
    run = _analyze(unfinished, tmp_path)
    assert "WARNING: this build did not finish" in run.stdout


def _inputs(events: Path) -> BuildInputs:
    return BuildInputs.resolve(str(events), "canonical", None, ())


def test_the_rebuild_key_follows_the_file_path_and_content_not_its_time(tmp_path) -> None:
    cache = tmp_path / "cache.json"
    a, b = tmp_path / "a.parquet", tmp_path / "b.parquet"
    a.write_bytes(b"same content")
    b.write_bytes(b"same content")
    os.utime(b, (978_307_200, 978_307_200))  # older than a

    def key(path: Path) -> str:
        inputs = _inputs(path)
        return inputs_key(inputs, Fingerprints.of(inputs, cache))

    key_a = key(a)
    assert key(b) != key_a  # another file: rebuild, however old
    os.utime(a, (978_307_200, 978_307_200))
    assert key(a) == key_a  # touched, same content: no rebuild
    a.write_bytes(b"same-content")  # same size, new content
    assert key(a) != key_a


def test_refresh_if_changed_skips_an_up_to_date_warehouse(test_db, test_events, tmp_path):
    info = build_info(test_db)
    if info["built_by"] != "refresh":
        pytest.skip("the test warehouse was not built by the refresh")
    database = tmp_path / test_db.name
    shutil.copyfile(test_db, database)
    env = {**os.environ, "EVENTS_FORMAT": "canonical", "ASSIGNMENTS_PATH": ""}
    command = [sys.executable, str(ROOT / "scripts/refresh.py"), "--db", str(database)]
    command += ["--events", str(test_events), "--if-changed"]
    run = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == (
        f"{database} is up to date (built {info['build_finished_at']:%Y-%m-%d %H:%M:%S} UTC "
        f"from {info['events_path']})"
    )


def test_descriptions_are_database_comments(warehouse) -> None:
    comments = dict(
        warehouse.execute(
            "select column_name, comment from duckdb_columns() "
            "where schema_name = 'marts' and table_name = 'fct_sessions'"
        ).fetchall()
    )
    assert comments["session_id"] and comments["user_type"]
    ((view_comment,),) = warehouse.execute(
        "select comment from duckdb_views() where view_name = 'stg_clickstream__raw_events'"
    ).fetchall()
    assert view_comment and "raw events" in view_comment.lower()


def test_the_raw_events_view_works_from_any_directory(test_db, tmp_path, monkeypatch) -> None:
    database = test_db.resolve()
    monkeypatch.chdir(tmp_path)
    with duckdb.connect(str(database), read_only=True) as con:
        (rows,) = con.execute("select count(*) from staging.stg_clickstream__raw_events").fetchone()
    assert rows == build_info(database)["events_raw_rows"]


def test_make_sql_opens_the_warehouse_read_only_in_the_duckdb_cli(test_db, warehouse) -> None:
    """`make sql`: the DuckDB CLI from PyPI reads the warehouse (written in its storage
    format) and refuses to write."""
    ((sessions,),) = warehouse.execute("select count(*) from marts.fct_sessions").fetchall()
    run = subprocess.run(
        ["make", "--no-print-directory", "sql", f"DUCKDB_PATH={test_db.resolve()}"],
        input="select count(*) as n from marts.fct_sessions;\ncreate table main.x (a int);\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert f"{sessions}" in run.stdout, run.stdout + run.stderr
    assert "read-only" in (run.stdout + run.stderr).lower()
