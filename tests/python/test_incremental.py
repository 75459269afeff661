"""Daily incremental refresh == full rebuild (issue 13).

A folder of generated daily files (with late arrivals, some too late) plus a few handcrafted
files is loaded the way a shop loads it -- a few days, then one or two more files per build --
and the warehouse is compared, row by row, with a full refresh of the same folder: every table
in schema marts (automatically, so a new mart is compared without changing this test), and the
staging and intermediate tables. The handcrafted rows make sure the sequence contains what the
issue asks for (and the test checks that it does): late events, one merging two sessions and one
changing a session's first event, a duplicate event in two files, a session crossing a file
boundary and midnight, a too-late event and a new user.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from funnelhouse.generation.generator import SCHEMA
from funnelhouse.generation.simparams import EVENT_TYPES
from funnelhouse.warehouse_diff import build_metadata_columns, compare_schema
from warehouse_helpers import generate_events, run_dbt, target_path

DAYS = 8
LATE_EVENT_DAYS = 3
GENERATOR_ARGS = ("--users", "600", "--days", str(DAYS), "--seed", "13")
LATE_ARGS = ("--late-share", "0.05", "--late-days", "5")
# Which generated days each incremental build adds (the handcrafted files ride along).
BUILDS = (("01", "02", "03", "04"), ("05",), ("06",), ("07", "08"))
COMPARED_SCHEMAS = ("marts", "intermediate", "staging")


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# Handcrafted events: file suffix -> rows (user, event_at, event_id, event_type).
HANDCRAFTED = {
    "05": [
        ("h_midnight", "2026-01-05 23:50:00", "h_m1", "page_view"),
        ("h_merge", "2026-01-05 10:00:00", "h_g1", "page_view"),
        ("h_merge", "2026-01-05 10:50:00", "h_g3", "add_to_cart"),
        ("h_prepend", "2026-01-05 15:00:00", "h_p2", "page_view"),
        ("h_dup", "2026-01-05 12:00:00", "h_d1", "product_view"),
    ],
    "06": [
        # crosses midnight and the file boundary: extends h_midnight's session of file 05
        ("h_midnight", "2026-01-06 00:10:00", "h_m2", "product_view"),
        # late, in the 50-minute gap: merges h_merge's two sessions into one
        ("h_merge", "2026-01-05 10:25:00", "h_g2", "product_view"),
        # late, 15 minutes before the session's first event: the session gets a new first event
        ("h_prepend", "2026-01-05 14:45:00", "h_p1", "page_view"),
        # the same event again, in another file
        ("h_dup", "2026-01-05 12:00:00", "h_d1", "product_view"),
        # late but within late_event_days of the newest earlier event: placed
        ("h_late", "2026-01-04 06:00:00", "h_l1", "page_view"),
        # more than late_event_days before the newest earlier event: quarantined as too_late
        ("h_too_late", "2026-01-01 08:00:00", "h_t1", "page_view"),
    ],
    "08": [("h_new_user", "2026-01-08 09:00:00", "h_n1", "page_view")],
}


def _handcrafted_table(rows: list[tuple[str, str, str, str]]) -> pa.Table:
    columns = {name: [None] * len(rows) for name in SCHEMA.names}
    columns["user_id"] = [r[0] for r in rows]
    columns["event_at"] = [_at(r[1]) for r in rows]
    columns["event_id"] = [r[2] for r in rows]
    columns["event_type"] = [r[3] for r in rows]
    columns["device"] = ["desktop"] * len(rows)
    return pa.table(columns, schema=SCHEMA)


@dataclass(frozen=True)
class Loads:
    """The incremental warehouse, its full-refresh twin, and snapshots between builds."""

    incremental: Path
    full: Path
    folder: Path
    sessions_before: pd.DataFrame  # fct_sessions after build 2 (before the handcrafted merges)
    sessions_after: pd.DataFrame  # ... and after build 3
    loaded_users_build_3: set[str]  # users with new clean events in build 3


def _sessions(db: Path) -> pd.DataFrame:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.sql("select * exclude (_loaded_at) from marts.fct_sessions").df()


def _build(folder: Path, db: Path, *args: str) -> None:
    run_dbt(
        "build",
        folder,
        db,
        "--exclude-resource-type",
        "unit_test",
        "--vars",
        f"{{late_event_days: {LATE_EVENT_DAYS}}}",
        *args,
        env={"ASSIGNMENTS_PATH": str(folder.parent / "events.assignments.parquet")},
    )


@pytest.fixture(scope="module")
def loads(tmp_path_factory) -> Loads:
    root = tmp_path_factory.mktemp("incremental")
    generated = root / "generated"
    generate_events(
        root / "unused.parquet", *GENERATOR_ARGS, "--daily-files", str(generated), *LATE_ARGS
    )
    shutil.copy(root / "generated.assignments.parquet", root / "events.assignments.parquet")
    folder = root / "events"
    folder.mkdir()
    incremental = root / "incremental.duckdb"
    snapshots: list[pd.DataFrame] = []
    users_build_3: set[str] = set()
    for number, days in enumerate(BUILDS, start=1):
        for day in days:
            shutil.copy(generated / f"2026-01-{day}.parquet", folder)
            if day in HANDCRAFTED:
                pq.write_table(
                    _handcrafted_table(HANDCRAFTED[day]), folder / f"2026-01-{day}-z.parquet"
                )
        _build(folder, incremental)
        snapshots.append(_sessions(incremental))
        if number == 3:
            with duckdb.connect(str(incremental), read_only=True) as con:
                users_build_3 = {
                    row[0]
                    for row in con.sql(
                        "select distinct user_id from staging.stg_clickstream__events where "
                        "_loaded_at = (select max(_loaded_at) from staging.stg_clickstream__events)"
                    ).fetchall()
                }
    full = root / "full.duckdb"
    _build(folder, full)
    return Loads(incremental, full, folder, snapshots[1], snapshots[2], users_build_3)


def _query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.sql(sql).fetchall()


def test_the_sequence_holds_every_case_the_issue_names(loads: Loads) -> None:
    db = loads.incremental
    # late events placed (from the generator's late arrivals and h_late)
    late = _query(
        db,
        """select count(*) from marts.fct_events as e
        join staging.stg_clickstream__events as s using (event_id)
        where e.event_date < cast(regexp_extract(s.source_file, '(2026-01-\\d\\d)', 1) as date)""",
    )[0][0]
    assert late > 10
    # a duplicate event in two files
    cross_file = _query(
        db,
        "select count(*) from staging.stg_clickstream__duplicate_events "
        "where kept_source_file <> source_file",
    )[0][0]
    assert cross_file >= 1
    # a session crossing midnight whose events came in two files loaded by different builds
    crossing = _query(
        db,
        """select s.session_id from marts.fct_sessions as s
        join marts.fct_events as e using (session_id)
        join staging.stg_clickstream__validated_events as v using (event_id)
        where s.session_date <> cast(s.session_end_at as date) and v.load_outcome = 'clean'
        group by s.session_id having count(distinct v._loaded_at) > 1""",
    )
    assert crossing
    assert _query(db, "select count(*) from marts.fct_sessions where user_id = 'h_midnight'") == [
        (1,)
    ]
    # too late events quarantined, a new user in the last build
    assert (
        _query(
            db,
            "select count(*) from staging.stg_clickstream__quarantined_events "
            "where quarantine_reason = 'too_late'",
        )[0][0]
        > 1
    )
    assert _query(
        db, "select session_number from marts.fct_sessions where user_id = 'h_new_user'"
    ) == [(1,)]
    # the incremental path ran: the events were written by several builds
    assert _query(db, "select count(distinct _loaded_at) from marts.fct_events")[0][0] == len(
        BUILDS
    )


def test_incremental_equals_full_refresh_for_every_model(loads: Loads) -> None:
    ignore = build_metadata_columns(target_path(loads.full) / "manifest.json")
    for schema in COMPARED_SCHEMAS:
        diffs = compare_schema(loads.incremental, loads.full, schema, ignore)
        assert diffs, f"no tables in {schema}"
        differing = {
            d.table: (d.left_rows, d.right_rows, d.differing_rows) for d in diffs if not d.equal
        }
        assert not differing, f"{schema}: incremental and full refresh differ: {differing}"
    marts = {d.table for d in compare_schema(loads.incremental, loads.full, "marts", ignore)}
    assert {"fct_events", "fct_sessions", "dq_loaded_files", "dim_users"} <= marts


def test_late_events_merge_and_renumber_sessions_where_they_belong(loads: Loads) -> None:
    rows = _query(
        loads.incremental,
        """select user_id, session_number, event_count, session_start_at
        from marts.fct_sessions where user_id in ('h_merge', 'h_prepend', 'h_late')
        order by user_id, session_number""",
    )
    assert rows == [
        ("h_late", 1, 1, _at("2026-01-04 06:00:00").replace(tzinfo=None)),
        ("h_merge", 1, 3, _at("2026-01-05 10:00:00").replace(tzinfo=None)),
        ("h_prepend", 1, 2, _at("2026-01-05 14:45:00").replace(tzinfo=None)),
    ]


def test_session_ids_of_untouched_sessions_never_change(loads: Loads) -> None:
    before, after = loads.sessions_before, loads.sessions_after
    untouched = before[~before["user_id"].isin(loads.loaded_users_build_3)]
    assert len(untouched) > 0.5 * len(before)
    merged = untouched.merge(after, how="left", on="session_id", suffixes=("", "_after"))
    assert merged["user_id_after"].notna().all(), "an untouched session disappeared"
    for column in ("session_number", "event_count", "session_end_at", "revenue"):
        assert (merged[column] == merged[f"{column}_after"]).all(), column
    # touched users: the merged-away and re-started sessions are gone, their first ids kept
    merge_before = set(before.loc[before["user_id"] == "h_merge", "session_id"])
    merge_after = set(after.loc[after["user_id"] == "h_merge", "session_id"])
    assert len(merge_before) == 2 and len(merge_after) == 1 and merge_after < merge_before
    prepend_before = set(before.loc[before["user_id"] == "h_prepend", "session_id"])
    prepend_after = set(after.loc[after["user_id"] == "h_prepend", "session_id"])
    assert prepend_before.isdisjoint(prepend_after)


def _expected_too_late(folder: Path) -> set[tuple[str, int]]:
    """The too_late rule computed from the files: an event more than LATE_EVENT_DAYS days before
    the newest usable event of the files before its file (name order) is too late."""
    newest: pd.Timestamp | None = None
    too_late: set[tuple[str, int]] = set()
    for path in sorted(folder.glob("*.parquet")):
        frame = pq.read_table(path).to_pandas()
        frame["row"] = range(1, len(frame) + 1)
        usable = (
            frame["user_id"].fillna("").str.strip().ne("")
            & frame["event_type"].isin(EVENT_TYPES)
            & ~(frame["revenue"] < 0)
        )
        if newest is not None:
            late = usable & (frame["event_at"] < newest - pd.Timedelta(days=LATE_EVENT_DAYS))
            too_late |= {(str(path), int(r)) for r in frame.loc[late, "row"]}
        if usable.any():
            file_newest = frame.loc[usable, "event_at"].max()
            newest = file_newest if newest is None else max(newest, file_newest)
    return too_late


def test_too_late_events_are_quarantined_with_their_reason_and_counted(loads: Loads) -> None:
    expected = _expected_too_late(loads.folder)
    for db in (loads.incremental, loads.full):
        found = set(
            _query(
                db,
                "select source_file, source_row_number "
                "from staging.stg_clickstream__quarantined_events "
                "where quarantine_reason = 'too_late'",
            )
        )
        assert found == expected and len(expected) > 1
        assert _query(db, "select sum(too_late_rows) from marts.dq_loaded_files") == [
            (len(expected),)
        ]
    assert _query(
        loads.incremental,
        "select event_at from staging.stg_clickstream__quarantined_events where event_id = 'h_t1'",
    ) == [(_at("2026-01-01 08:00:00").replace(tzinfo=None),)]


def test_manifest_counts_reconcile_with_the_files(loads: Loads) -> None:
    rows = _query(
        loads.incremental,
        """select source_file, raw_rows, clean_rows + quarantined_rows + duplicate_rows,
            file_size, fingerprint from marts.dq_loaded_files order by source_file""",
    )
    files = sorted(loads.folder.glob("*.parquet"))
    assert [r[0] for r in rows] == [str(f) for f in files]
    for (_, raw, outcomes, size, fingerprint), path in zip(rows, files, strict=True):
        assert raw == outcomes == pq.ParquetFile(path).metadata.num_rows
        assert size == path.stat().st_size
        assert fingerprint == hashlib.md5(path.read_bytes()).hexdigest()


@pytest.fixture()
def small_folder(tmp_path: Path, loads: Loads) -> Path:
    """Two of the generated daily files in a folder of their own."""
    folder = tmp_path / "events"
    folder.mkdir()
    for day in ("02", "03"):
        shutil.copy(loads.folder / f"2026-01-{day}.parquet", folder)
    return folder


def _load_files(folder: Path, db: Path, *args: str, check: bool = True) -> str:
    result = run_dbt(
        "run", folder, db, "--select", "stg_clickstream__event_files", *args, check=check
    )
    assert (result.returncode == 0) == check, result.stdout[-3000:]
    return result.stdout


def test_a_changed_vanished_or_out_of_order_file_stops_the_build(
    small_folder: Path, tmp_path: Path
) -> None:
    db = tmp_path / "files.duckdb"
    _load_files(small_folder, db)
    loaded = small_folder / "2026-01-03.parquet"
    # touched but unchanged: re-hashed, accepted
    loaded.touch()
    _load_files(small_folder, db)
    # a new file that sorts before a loaded one
    early = small_folder / "2026-01-01.parquet"
    shutil.copy(small_folder / "2026-01-02.parquet", early)
    output = _load_files(small_folder, db, check=False)
    assert f"{early} is new but sorts before the loaded file {loaded}" in output
    early.unlink()
    # a loaded file rewritten with one row less
    table = pq.read_table(loaded)
    pq.write_table(table.slice(1), loaded)
    output = _load_files(small_folder, db, check=False)
    assert f"{loaded} changed after it was loaded" in output
    assert "dbt build --full-refresh" in output
    # a loaded file gone
    moved = tmp_path / "moved.parquet"
    shutil.move(small_folder / "2026-01-02.parquet", moved)
    output = _load_files(small_folder, db, check=False)
    assert f"{small_folder / '2026-01-02.parquet'} was loaded but is gone" in output
    shutil.move(moved, small_folder / "2026-01-02.parquet")
    # a full refresh accepts the files as they are now
    _load_files(small_folder, db, "--full-refresh")
    fingerprint = _query(
        db,
        "select fingerprint from staging.stg_clickstream__event_files "
        f"where source_file = '{loaded}'",
    )
    assert fingerprint == [(hashlib.md5(loaded.read_bytes()).hexdigest(),)]
    _load_files(small_folder, db)
