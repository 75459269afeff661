"""Helpers for tests that run dbt or read the test warehouse (imported by the test modules)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
DBT = Path(sys.executable).parent / "dbt"
# A target directory of the tests' own, so that pytest's dbt runs never touch target/. Every
# run uses the same files and variables, so dbt can parse partially after the first run.
DBT_TARGET = PROJECT_DIR / "build" / "test" / "pytest-dbt"
DBT_EVENTS = DBT_TARGET / "prefix_events.parquet"
DBT_DB = DBT_TARGET / "prefix.duckdb"
DBT_ENV = {
    "EVENTS_PATH": str(DBT_EVENTS),
    "EVENTS_FORMAT": "canonical",
    "DUCKDB_PATH": str(DBT_DB),
    "ASSIGNMENTS_PATH": "",
}


def env_path(name: str) -> Path:
    """The file an env var names: skip when the var is unset, fail when the file is missing."""
    value = os.environ.get(name)
    if not value:
        pytest.skip(f"{name} is not set (run through `make pytest` or `make test`)")
    path = Path(value)
    if not path.is_absolute():
        path = PROJECT_DIR / path
    if not path.exists():
        pytest.fail(f"{name}={value} does not exist: run `make dbt-test` first")
    return path


def run_dbt(args: list[str]) -> str:
    """Run dbt in the project with the tests' own target, log, events and database paths
    (DBT_ENV); return stdout."""
    DBT_TARGET.mkdir(parents=True, exist_ok=True)
    command = [
        str(DBT),
        *args,
        "--profiles-dir",
        str(PROJECT_DIR),
        "--project-dir",
        str(PROJECT_DIR),
        "--target-path",
        str(DBT_TARGET / "target"),
        "--log-path",
        str(DBT_TARGET / "logs"),
    ]
    result = subprocess.run(
        command,
        cwd=PROJECT_DIR,
        env={**os.environ, **DBT_ENV},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"dbt {' '.join(args[:1])} failed:\n{result.stdout[-4000:]}{result.stderr}")
    return result.stdout
