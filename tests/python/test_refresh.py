"""The refresh (scripts/refresh.py) with real processes: readers during a refresh, SIGKILL at
several points, a failing data test, empty and header-only files.

The published warehouse "A" is a copy of the small test warehouse; each refresh builds "B"
from a smaller generated events file, so every read can tell which build it came from.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from warehouse_helpers import ROOT, generate_events

REFRESH = ROOT / "scripts" / "refresh.py"
# dbt's unit tests check SQL logic, not data: `make dbt-test` runs them; these builds skip them.
FAST = ("--exclude", "test_type:unit")
B_DATASET_ARGS = ("--users", "600", "--days", "21", "--seed", "11")
# One read: the build id and, for each mart pair that must agree, both sides.
READ_SQL = """
select
    (select build_id from marts.dq_build_info) as build_id,
    (select count(*) from marts.fct_events) as events,
    (select clean_events from marts.dq_build_info) as build_info_events,
    (select clean_events from marts.dq_dataset_profile) as profile_events,
    (select count(*) from marts.fct_sessions) as sessions,
    (select sessions from marts.dq_dataset_profile) as profile_sessions,
    (select count(*) from marts.fct_experiment_exposures) as exposures,
    (select sum(exposed_users) from marts.fct_experiment_health) as health_exposures
"""
# A reader process: every 0.2 s, connect read-only, read, close; one JSON line per read.
POLLER = f"""
import json, sys, time, duckdb
database, out, stop = sys.argv[1:]
sql = {READ_SQL!r}
with open(out, "w") as log:
    while True:
        try:
            with duckdb.connect(database, read_only=True) as con:
                row = list(con.execute(sql).fetchone())
            log.write(json.dumps({{"row": row}}) + "\\n")
        except Exception as exc:
            log.write(json.dumps({{"error": str(exc)}}) + "\\n")
        log.flush()
        if __import__("os").path.exists(stop):
            break
        time.sleep(0.2)
"""
# A reader process that holds one read-only connection for the whole refresh.
HOLDER = f"""
import json, os, sys, time, duckdb
database, out, stop = sys.argv[1:]
sql = {READ_SQL!r}
con = duckdb.connect(database, read_only=True)
reads = [list(con.execute(sql).fetchone())]
open(out + ".ready", "w").close()
while not os.path.exists(stop):
    time.sleep(0.1)
reads.append(list(con.execute(sql).fetchone()))
json.dump(reads, open(out, "w"))
"""


def read_build(database: Path) -> list:
    with duckdb.connect(str(database), read_only=True) as con:
        return list(con.execute(READ_SQL).fetchone())


def consistent(row: list) -> bool:
    """Every mart pair of one read agrees (one build, not a mix)."""
    _, events, info_events, profile_events, sessions, profile_sessions, exp, health = row
    return (
        events == info_events == profile_events and sessions == profile_sessions and (exp == health)
    )


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refresh_command(database: Path, events: Path, *args: str) -> list[str]:
    return [sys.executable, str(REFRESH), "--db", str(database), "--events", str(events), *args]


def run_refresh(database: Path, events: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        refresh_command(database, events, "--quiet", *args, *FAST),
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "EVENTS_FORMAT": "canonical", "ASSIGNMENTS_PATH": ""},
    )


@pytest.fixture(scope="module")
def events_b(tmp_path_factory) -> Path:
    """Another events file, older than the published warehouse's (mtime in 2001): a refresh
    must still see that it is not what the warehouse was built from."""
    events = generate_events(tmp_path_factory.mktemp("events-b") / "b.parquet", *B_DATASET_ARGS)
    os.utime(events, (978_307_200, 978_307_200))
    return events


@pytest.fixture
def published(test_db: Path, tmp_path: Path) -> tuple[Path, list]:
    """A published warehouse (a copy of the test warehouse, built by the refresh) and its read."""
    database = tmp_path / test_db.name  # the same file name: the catalog is named after it
    shutil.copyfile(test_db, database)
    row = read_build(database)
    assert consistent(row) and row[0] is not None
    return database, row


def test_readers_during_a_refresh_never_fail_and_see_one_build(published, events_b, tmp_path):
    """(1) a reader holding a read-only connection for the whole refresh does not block it
    and keeps reading the old build; (2) a reader polling every 0.2 s never gets an error and
    every read is one whole build, the old one and then the new one."""
    database, row_a = published
    stop = tmp_path / "stop"
    poll_log, hold_log = tmp_path / "poll.jsonl", tmp_path / "hold.json"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(database), str(hold_log), str(stop)]
    )
    _wait_for(lambda: Path(str(hold_log) + ".ready").exists(), 30)
    poller = subprocess.Popen(
        [sys.executable, "-c", POLLER, str(database), str(poll_log), str(stop)]
    )
    _wait_for(lambda: poll_log.exists() and poll_log.read_text().count("\n") >= 3, 30)
    result = run_refresh(database, events_b)
    time.sleep(1.0)  # a few reads of the new build
    stop.touch()
    assert poller.wait(30) == 0 and holder.wait(30) == 0
    assert result.returncode == 0, result.stderr
    row_b = read_build(database)
    assert consistent(row_b) and row_b[0] != row_a[0] and row_b[1] != row_a[1]
    reads = [json.loads(line) for line in poll_log.read_text().splitlines()]
    errors = [r["error"] for r in reads if "error" in r]
    assert not errors, errors[:3]
    rows = [r["row"] for r in reads]
    assert all(row in (row_a, row_b) for row in rows), "a read that is neither build"
    switch = rows.index(row_b)
    assert switch > 0 and all(row == row_b for row in rows[switch:]), "went back to the old build"
    assert json.loads(hold_log.read_text()) == [row_a, row_a]  # the old file, to the end
    print(
        f"reader polls: {len(rows)} reads, 0 errors, {switch} of A then {len(rows) - switch} of B"
    )


def _wait_for(condition: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.02)


def _output_has(text: str) -> Callable[[Path], bool]:
    return lambda state: text in _read(state / "dbt-output.log")


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


# (name, reached(state dir), kill the whole process group or the refresh process alone)
KILL_POINTS = [
    ("starting", lambda state: True, True),
    ("seeds loaded (the refresh alone)", _output_has("loaded seed file"), False),
    ("marts built", _output_has("model marts.fct_sessions"), True),
    ("dbt finished", lambda state: (state / "target" / "run_results.json").exists(), True),
]


def test_sigkill_at_any_point_leaves_the_published_warehouse_as_it_was(published, events_b) -> None:
    """(3) SIGKILL of the refresh and its dbt at each point: the published file is byte for
    byte the old one (unless the kill came after the publish: then it is wholly the new one).
    Killing the refresh alone kills its dbt too, and every kill leaves the next refresh free to
    run (each iteration is one)."""
    database, row_a = published
    state = database.parent / f".{database.name}.refresh"
    digest, inode = sha256(database), database.stat().st_ino
    for name, reached, whole_group in KILL_POINTS:
        shutil.rmtree(state / "target", ignore_errors=True)
        (state / "dbt-output.log").unlink(missing_ok=True)
        process = subprocess.Popen(
            # --if-changed (as `make build` runs it): B is older but another file, so it builds
            refresh_command(database, events_b, "--quiet", "--if-changed", *FAST),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        _wait_for(lambda r=reached, p=process: r(state) or p.poll() is not None, 240)
        assert process.poll() is None, f"{name}: the refresh ended before the kill point"
        if whole_group:
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
        stdout = process.communicate()[0]
        _wait_for(lambda: not _dbt_processes(state / "target"), 20)  # no orphan dbt
        if "published" in stdout:  # the kill lost the race with the publish: all of B
            assert consistent(read_build(database)) and read_build(database)[0] != row_a[0]
            return
        assert sha256(database) == digest and database.stat().st_ino == inode, name
        assert read_build(database) == row_a, name


def _dbt_processes(target: Path) -> list[int]:
    """Processes whose command line holds `target` (the dbt of one refresh)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if str(target) in command and "dbt" in command:
            found.append(int(entry.name))
    return found


def test_a_failing_data_test_publishes_nothing(published, events_b, tmp_path) -> None:
    """(4) A project whose data test fails on the new data: nothing is published, one line says
    which test failed and that the last good warehouse was kept."""
    database, row_a = published
    project = tmp_path / "project"
    for name in ("dbt_project.yml", "profiles.yml", "requirements.txt"):
        shutil.copy(ROOT / name, project / name if project.exists() else _mkdir(project) / name)
    for directory in ("models", "macros", "seeds", "tests/dbt", "scripts"):
        shutil.copytree(
            ROOT / directory, project / directory, ignore=shutil.ignore_patterns("__pycache__")
        )
    # a volume check: a refresh that loses most users must not replace the warehouse
    (project / "tests/dbt/assert_at_least_1000_users.sql").write_text(
        "select count(*) as users from {{ ref('dim_users') }} having count(*) < 1000\n"
    )
    digest = sha256(database)
    command = [sys.executable, str(project / "scripts/refresh.py"), "--db", str(database)]
    result = subprocess.run(
        [*command, "--events", str(events_b), "--quiet", *FAST],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "test assert_at_least_1000_users failed" in lines[0]
    assert "nothing published; the last good warehouse" in lines[0] and "was kept" in lines[0]
    assert sha256(database) == digest and read_build(database) == row_a


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True)
    return path


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "is empty (0 bytes): 0 clean events: nothing published; the last good warehouse"),
        (
            "user_id,event_at,event_type\n",
            ": nothing published; 0 rows quarantined (of 0 raw rows), see "
            "staging.stg_clickstream__quarantined_events in ",
        ),
    ],
    ids=["empty", "header only"],
)
def test_empty_and_header_only_files_publish_nothing(published, tmp_path, content, expected):
    """(5) An empty and a header-only file: nothing published, one clear line."""
    database, row_a = published
    events = tmp_path / "events.csv"
    events.write_text(content)
    digest = sha256(database)
    result = run_refresh(database, events)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0], lines[0]
    if content:
        assert lines[0].startswith(f"error: 0 clean events in {events}: nothing published;")
    assert "was kept" in lines[0]
    assert sha256(database) == digest and read_build(database) == row_a
