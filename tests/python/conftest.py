"""Shared fixtures: the test warehouse built by `make dbt-test`.

Tests that need it skip only when FUNNELHOUSE_TEST_DB is unset (e.g. a bare `pytest`); when it
is set, a missing file is a failure, not a skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest


@pytest.fixture(scope="session")
def warehouse_path() -> Path:
    value = os.environ.get("FUNNELHOUSE_TEST_DB")
    if not value:
        pytest.skip("FUNNELHOUSE_TEST_DB is not set (run `make pytest` after `make dbt-test`)")
    path = Path(value)
    if not path.is_file():
        pytest.fail(f"FUNNELHOUSE_TEST_DB={value} does not exist: run `make dbt-test` first")
    return path


@pytest.fixture(scope="session")
def warehouse(warehouse_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(warehouse_path), read_only=True)
    yield connection
    connection.close()
