"""scripts/refresh.py: build the warehouse privately, publish it only when everything passed."""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from funnelhouse.project import event_formats
from funnelhouse.refresh.dbt_build import DbtOutcome, has_selection, run_build, with_build_info
from funnelhouse.refresh.inputs import (
    FULL_REFRESH_FLAG,
    BuildInputs,
    Fingerprints,
    incremental_key,
    inputs_key,
    is_folder_or_glob,
    provenance,
)
from funnelhouse.refresh.layout import Layout
from funnelhouse.refresh.publish import (
    BuildInfo,
    check_private,
    prepare_private,
    publish,
    read_build_info,
)

EXIT_FAILED = 1
ZERO_EVENTS = "0 clean events in "
EXIT_INTERRUPTED = 130


class RefreshError(Exception):
    """A refresh that published nothing; the message is the one line the user sees."""


class Interrupted(BaseException):
    pass


@dataclass
class Timings:
    start_from: str = "empty"
    prepare_seconds: float = 0.0
    dbt_seconds: float = 0.0
    check_seconds: float = 0.0
    publish_seconds: float = 0.0
    total_seconds: float = 0.0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="refresh.py",
        description="dbt build into a private file; publish it as the warehouse (an atomic "
        "rename) only when every model and test passed. Other arguments go to dbt build.",
        allow_abbrev=False,
    )
    parser.add_argument(
        "--db", help="the published warehouse (default: env DUCKDB_PATH, else warehouse.duckdb)"
    )
    parser.add_argument(
        "--events", help="events file (default: env EVENTS_PATH, else data/events.parquet)"
    )
    parser.add_argument(
        "--events-format",
        help=f"{' | '.join(event_formats())} (default: env EVENTS_FORMAT)",
    )
    parser.add_argument(
        "--assignments",
        help="assignment log (default: env ASSIGNMENTS_PATH, else next to the events)",
    )
    parser.add_argument(
        "--if-changed",
        action="store_true",
        help="do nothing when the published warehouse was built from the same inputs",
    )
    parser.add_argument(
        "--start-from",
        choices=("auto", "empty", "published"),
        default="auto",
        help="the private file starts empty or as a copy of the published one (auto: a copy "
        "for --select builds, and for an incremental build when only new files arrived in "
        "an events folder; empty otherwise or with --full-refresh)",
    )
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="do not print dbt's output (it is kept in the refresh directory)",
    )
    parser.add_argument("--timings-json", type=Path, help="write the seconds of each step here")
    return parser


def kept(layout: Layout, before: BuildInfo | None) -> str:
    """What the user still has after a refresh that published nothing."""
    name = layout.display(layout.published)
    if before is not None:
        return f"the last good warehouse {name} ({before.describe()}) was kept"
    if layout.published.exists():
        return f"the last good warehouse {name} was kept"
    return f"there is no published warehouse {name} yet"


def failure_line(layout: Layout, outcome: DbtOutcome, before: BuildInfo | None) -> str:
    """The one line of a build that failed: what failed, that nothing was published, what the
    user still has, and where the failed build is."""
    what = outcome.failures[0] if outcome.failures else "dbt build failed"
    private = layout.display(layout.private)
    if what.startswith(ZERO_EVENTS) and ": " in what:
        head, _, quarantined = what.rpartition(": ")
        return f"{head}: nothing published; {quarantined} in {private}; {kept(layout, before)}"
    if len(outcome.failures) > 1:
        what += f" (and {len(outcome.failures) - 1} more failures)"
    return (
        f"{what}: nothing published; {kept(layout, before)}; the failed build is "
        f"{private}, its output {layout.display(layout.dbt_output)}"
    )


def can_build_incrementally(
    before: BuildInfo | None, inputs: BuildInputs, fingerprints: Fingerprints
) -> bool:
    """The published warehouse is a finished build of earlier files of the same events folder
    (or glob), by this project with these arguments: new files can be added incrementally."""
    return (
        before is not None
        and before.finished_at is not None
        and FULL_REFRESH_FLAG not in inputs.dbt_args
        and is_folder_or_glob(inputs.events)
        and before.incremental_key == incremental_key(inputs, fingerprints)
    )


def choose_start(
    requested: str, inputs: BuildInputs, layout: Layout, incremental: bool = False
) -> str:
    start = requested
    if start == "auto":
        start = "published" if has_selection(inputs.dbt_args) or incremental else "empty"
    if start == "published" and not layout.published.is_file():
        raise RefreshError(
            f"a partial (--select) build starts from the published warehouse, and there is no "
            f"{layout.display(layout.published)} yet: run a full build first; nothing built"
        )
    return start


@contextmanager
def refresh_lock(layout: Layout) -> Iterator[None]:
    """One refresh per warehouse at a time (a lock file in the refresh directory)."""
    layout.state_dir.mkdir(parents=True, exist_ok=True)
    with layout.lock.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "?"
            raise RefreshError(
                f"another refresh of {layout.display(layout.published)} is running (pid "
                f"{holder}): nothing built; the published warehouse is untouched"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield


def _build_env(inputs: BuildInputs, fingerprints: Fingerprints, layout: Layout) -> dict[str, str]:
    env = dict(os.environ)
    env.update(inputs.dbt_env(layout.private))
    key = inputs_key(inputs, fingerprints)
    env["FUNNELHOUSE_BUILD_PROVENANCE"] = provenance(inputs, fingerprints, key)
    return env


def _check_events(layout: Layout, inputs: BuildInputs, fingerprints: Fingerprints) -> None:
    if fingerprints.events is None or fingerprints.events.bytes == 0:
        state = "not found" if fingerprints.events is None else "is empty (0 bytes): 0 clean events"
        before = read_build_info(layout.published)
        raise RefreshError(
            f"events file {inputs.events} {state}: nothing published; {kept(layout, before)}"
        )


def _up_to_date(before: BuildInfo | None, key: str) -> bool:
    return before is not None and before.finished_at is not None and before.inputs_key == key


def _verify_and_publish(
    layout: Layout, outcome: DbtOutcome, before: BuildInfo | None, timings: Timings
) -> None:
    started = time.perf_counter()
    problem = check_private(layout, outcome.invocation_id)
    timings.check_seconds = time.perf_counter() - started
    if problem is not None:
        raise RefreshError(f"{problem}: nothing published; {kept(layout, before)}")
    started = time.perf_counter()
    publish(layout)
    timings.publish_seconds = time.perf_counter() - started


def refresh(layout: Layout, inputs: BuildInputs, args: argparse.Namespace, timings: Timings) -> int:
    """One refresh, under the lock: build privately, check, publish; RefreshError otherwise."""
    before = read_build_info(layout.published)
    fingerprints = Fingerprints.of(inputs, layout.fingerprint_cache)
    _check_events(layout, inputs, fingerprints)
    if args.if_changed and _up_to_date(before, inputs_key(inputs, fingerprints)):
        assert before is not None
        print(f"{layout.display(layout.published)} is up to date ({before.describe()})")
        return 0
    incremental = can_build_incrementally(before, inputs, fingerprints)
    timings.start_from = choose_start(args.start_from, inputs, layout, incremental)
    dbt_args = inputs.dbt_args
    if timings.start_from == "published":
        dbt_args = with_build_info(dbt_args)
    timings.prepare_seconds = prepare_private(layout, timings.start_from)
    env = _build_env(inputs, fingerprints, layout)
    outcome = run_build(dbt_args, env, layout.target, layout.dbt_output, args.quiet)
    timings.dbt_seconds = outcome.seconds
    if not outcome.passed:
        raise RefreshError(failure_line(layout, outcome, before))
    _verify_and_publish(layout, outcome, before, timings)
    after = read_build_info(layout.published)
    clean = f"{after.clean_events:,} clean events" if after and after.clean_events else "built"
    how = ", incremental" if timings.start_from == "published" and incremental else ""
    print(
        f"published {layout.display(layout.published)}: {clean} from {inputs.events} "
        f"(build {outcome.invocation_id}{how}); readers that had the previous file open keep "
        "reading it until they reconnect"
    )
    return 0


def _interrupt(signum: int, _frame: object) -> None:
    raise Interrupted(signal.Signals(signum).name)


def main(argv: list[str] | None = None) -> int:
    args, dbt_args = build_parser().parse_known_args(argv)
    if dbt_args[:1] == ["--"]:
        dbt_args = dbt_args[1:]
    layout = Layout.for_warehouse(args.db or os.environ.get("DUCKDB_PATH") or "warehouse.duckdb")
    inputs = BuildInputs.resolve(args.events, args.events_format, args.assignments, tuple(dbt_args))
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _interrupt)
    timings = Timings()
    started = time.perf_counter()
    try:
        with refresh_lock(layout):
            code = refresh(layout, inputs, args, timings)
    except RefreshError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except Interrupted as exc:
        before = read_build_info(layout.published)
        print(
            f"error: refresh interrupted ({exc}): nothing published; {kept(layout, before)}",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    timings.total_seconds = time.perf_counter() - started
    if args.timings_json:
        args.timings_json.write_text(json.dumps(asdict(timings), indent=2))
    return code
