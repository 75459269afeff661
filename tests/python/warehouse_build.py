"""Build the warehouse on one events file into a throwaway DuckDB file, for tests.

Runs ``dbt build`` with the env vars the Makefile uses (EVENTS_PATH, EVENTS_FORMAT,
DUCKDB_PATH), its own target and log directories (so it never touches the worktree's target/),
and without dbt's unit tests (``make dbt-test`` runs those once).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# The real datasets live beside the repository (never inside it); see ../shared/data/README.md.
SHARED_DATA = Path(os.environ.get("FUNNELHOUSE_SHARED_DATA", REPO.parent / "shared" / "data"))

# Everything the staging and data-quality checks need (with all their ancestors and tests).
STAGING_AND_QUALITY = (
    "+path:models/staging",
    "+path:models/marts/core",
    "+path:models/marts/data_quality",
)


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
) -> Build:
    """``dbt build`` on ``events_path`` into ``workdir/warehouse.duckdb``; fails on any error."""
    db_path = workdir / "warehouse.duckdb"
    env = {
        **os.environ,
        "EVENTS_PATH": str(events_path),
        "EVENTS_FORMAT": events_format,
        "DUCKDB_PATH": str(db_path),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    command = [
        str(Path(sys.executable).with_name("dbt")),
        "build",
        "--profiles-dir",
        str(REPO),
        "--project-dir",
        str(REPO),
        "--target-path",
        str(workdir / "target"),
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
    ]
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise AssertionError(
            f"dbt build failed on {events_path} ({events_format}):\n{result.stdout[-6000:]}"
        )
    run_results = json.loads((workdir / "target" / "run_results.json").read_text())
    statuses = {item["unique_id"]: item["status"] for item in run_results["results"]}
    return Build(db_path=db_path, statuses=statuses)


def node_status(build: Build, name: str) -> str:
    """The status of the one node whose unique id ends in ``.name`` (e.g. a singular test)."""
    matches = [status for unique_id, status in build.statuses.items() if unique_id.endswith(name)]
    assert len(matches) == 1, f"expected one node named {name}, found {len(matches)}"
    return matches[0]
