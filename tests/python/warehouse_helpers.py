"""Helpers for tests that build or read a warehouse with dbt (import from tests in this folder)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DBT = Path(sys.executable).parent / "dbt"
SMALL_DATASET_ARGS = ("--users", "3000", "--days", "60", "--seed", "7")
# The real datasets live beside the repository (never inside it); see ../shared/data/README.md.
SHARED_DATA = Path(os.environ.get("FUNNELHOUSE_SHARED_DATA", ROOT.parent / "shared" / "data"))
# Everything the staging and data-quality checks need (with all their ancestors and tests).
STAGING_AND_QUALITY = (
    "+path:models/staging",
    "+path:models/marts/core",
    "+path:models/marts/data_quality",
)


def generate_events(out: Path, *args: str) -> Path:
    """Write a generated events file (and its truth file) to `out`."""
    command = [sys.executable, str(ROOT / "scripts" / "generate_events.py"), *args]
    subprocess.run([*command, "--out", str(out), "--quiet"], check=True, cwd=ROOT)
    return out


def run_dbt(
    command: str,
    events: Path,
    database: Path,
    *args: str,
    events_format: str = "canonical",
    env: dict[str, str] | None = None,
    check: bool = True,
    project_dir: Path = ROOT,
) -> subprocess.CompletedProcess[str]:
    """Run `dbt <command>` on `events` into `database` (a throwaway DuckDB file), in the project
    at `project_dir` (the repository; a test may pass a modified copy)."""
    environment = dict(os.environ)
    environment.update(
        EVENTS_PATH=str(events),
        EVENTS_FORMAT=events_format,
        DUCKDB_PATH=str(database),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    environment.update(env or {})
    # A target path per database keeps parallel or nested builds from sharing artefacts.
    target = target_path(database)
    result = subprocess.run(
        [
            str(DBT),
            command,
            "--profiles-dir",
            ".",
            "--project-dir",
            ".",
            "--target-path",
            str(target),
            *args,
        ],
        cwd=project_dir,
        env=environment,
        capture_output=True,
        text=True,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"dbt {command} failed on {events} ({events_format}):\n"
            f"{result.stdout[-6000:]}\n{result.stderr}"
        )
    return result


def target_path(database: Path) -> Path:
    """Where run_dbt puts dbt's artefacts for this database."""
    return database.parent / f"target-{database.stem}"


@dataclass(frozen=True)
class Build:
    """A finished build: the warehouse file and the status of every dbt node that ran."""

    db_path: Path
    statuses: dict[str, str]


def dbt_build(
    events_path: Path,
    events_format: str,
    workdir: Path,
    select: tuple[str, ...] = STAGING_AND_QUALITY,
    args: tuple[str, ...] = (),
) -> Build:
    """`dbt build` of `select` on `events_path` into `workdir/warehouse.duckdb`, without dbt's
    unit tests (`make dbt-test` runs those once); fails on any error."""
    db_path = workdir / "warehouse.duckdb"
    run_dbt(
        "build",
        events_path,
        db_path,
        "--log-path",
        str(workdir / "logs"),
        "--exclude",
        "test_type:unit",
        # only tests whose parents are all selected (a test between a selected node and an
        # unbuilt one, e.g. a seed of another area, cannot run in a partial build)
        "--indirect-selection",
        "cautious",
        "--select",
        *select,
        *args,
        events_format=events_format,
    )
    run_results = json.loads((target_path(db_path) / "run_results.json").read_text())
    statuses = {item["unique_id"]: item["status"] for item in run_results["results"]}
    return Build(db_path=db_path, statuses=statuses)


def node_status(build: Build, name: str) -> str:
    """The status of the one node whose unique id ends in `.name` (e.g. a singular test)."""
    matches = [status for unique_id, status in build.statuses.items() if unique_id.endswith(name)]
    assert len(matches) == 1, f"expected one node named {name}, found {len(matches)}"
    return matches[0]
