"""Preparing the private file, checking it, publishing it; reading the published warehouse."""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from funnelhouse.refresh.layout import Layout, wal_path

BUILD_INFO = "marts.dq_build_info"


@dataclass(frozen=True)
class BuildInfo:
    """The row of marts.dq_build_info that matters to a refresh."""

    build_id: str
    finished_at: object
    events_path: str
    clean_events: int | None
    inputs_key: str | None

    def describe(self) -> str:
        if self.finished_at is None:
            return f"an unfinished build from {self.events_path}"
        when = f"{self.finished_at:%Y-%m-%d %H:%M:%S}"
        return f"built {when} UTC from {self.events_path}"


def read_build_info(database: Path) -> BuildInfo | None:
    """The build info of a warehouse file, read-only; None when the file is missing, cannot
    be opened or has no build info (built before it existed)."""
    if not database.is_file():
        return None
    try:
        with duckdb.connect(str(database), read_only=True) as con:
            row = con.execute(
                "select build_id, build_finished_at, events_path, clean_events, inputs_key "
                f"from {BUILD_INFO}"
            ).fetchone()
    except duckdb.Error:
        return None
    return None if row is None else BuildInfo(*row)


def prepare_private(layout: Layout, start_from: str) -> float:
    """A fresh private file: none (dbt creates it empty) or a copy of the published one.
    Returns the seconds the copy took (0 when starting empty)."""
    layout.state_dir.mkdir(parents=True, exist_ok=True)
    for stale in (layout.private, wal_path(layout.private)):
        stale.unlink(missing_ok=True)
    shutil.rmtree(layout.private.with_name(layout.private.name + ".tmp"), ignore_errors=True)
    if start_from != "published":
        return 0.0
    started = time.perf_counter()
    # Nothing writes the published file (refreshes replace it), so a byte copy is consistent.
    shutil.copyfile(layout.published, layout.private)
    return time.perf_counter() - started


def check_private(layout: Layout, invocation_id: str | None) -> str | None:
    """Why the private file must not be published, or None when it may: it exists, was
    checkpointed (no write-ahead log), and its build info is this build's, finished."""
    if not layout.private.is_file():
        return f"the build left no {layout.display(layout.private)}"
    if wal_path(layout.private).exists():
        return "the build's write-ahead log was not checkpointed"
    info = read_build_info(layout.private)
    if info is None:
        return f"the build has no {BUILD_INFO}"
    if info.build_id != invocation_id:
        return f"{BUILD_INFO} is not this build's (build {info.build_id})"
    if info.finished_at is None:
        return f"{BUILD_INFO}.build_finished_at is null: not every model and test passed"
    return None


def _fsync(path: Path, directory: bool = False) -> None:
    descriptor = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def publish(layout: Layout) -> None:
    """Make the private file the published warehouse, atomically: a reader opening the
    published path gets the old file or the new one, never a mix; one that has the old file
    open keeps reading it. A write-ahead log of the published path belongs to the old file
    (an interrupted write by something other than a refresh) and is removed first."""
    _fsync(layout.private)
    wal_path(layout.published).unlink(missing_ok=True)
    os.replace(layout.private, layout.published)
    _fsync(layout.published.parent, directory=True)
