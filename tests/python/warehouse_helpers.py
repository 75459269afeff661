"""Helpers for tests that build or read a warehouse with dbt (import from tests in this folder)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DBT = Path(sys.executable).parent / "dbt"
SMALL_DATASET_ARGS = ("--users", "3000", "--days", "60", "--seed", "7")


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
) -> subprocess.CompletedProcess[str]:
    """Run `dbt <command>` on `events` into `database` (a throwaway DuckDB file)."""
    environment = dict(os.environ)
    environment.update(
        EVENTS_PATH=str(events), EVENTS_FORMAT=events_format, DUCKDB_PATH=str(database)
    )
    environment.update(env or {})
    # A target path per database keeps parallel or nested builds from sharing artefacts.
    target = database.parent / f"target-{database.stem}"
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
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"dbt {command} failed:\n{result.stdout[-4000:]}\n{result.stderr}")
    return result
