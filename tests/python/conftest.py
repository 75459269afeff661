"""Shared fixtures: the small test warehouse built by `make dbt-test` (or built here)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from warehouse_helpers import SMALL_DATASET_ARGS, generate_events, run_dbt


@pytest.fixture(scope="session")
def test_warehouse(tmp_path_factory) -> tuple[Path, Path]:
    """(events file, DuckDB file) of the small test warehouse.

    `make test` builds it before pytest and passes FUNNELHOUSE_TEST_DB / FUNNELHOUSE_TEST_EVENTS
    (a missing file is then a failure); without them (a bare `pytest`), it is generated and
    built here once per session.
    """
    database = os.environ.get("FUNNELHOUSE_TEST_DB")
    events = os.environ.get("FUNNELHOUSE_TEST_EVENTS")
    if database and events:
        for path in (database, events):
            if not Path(path).exists():
                pytest.fail(f"{path} does not exist: run `make dbt-test` first")
        return Path(events), Path(database)
    workdir = tmp_path_factory.mktemp("warehouse")
    events_path = generate_events(workdir / "events.parquet", *SMALL_DATASET_ARGS)
    database_path = workdir / "warehouse.duckdb"
    run_dbt("build", events_path, database_path)
    return events_path, database_path


@pytest.fixture(scope="session")
def test_db(test_warehouse) -> Path:
    return test_warehouse[1]


@pytest.fixture(scope="session")
def test_events(test_warehouse) -> Path:
    return test_warehouse[0]


@pytest.fixture(scope="session")
def warehouse_path(test_db: Path) -> Path:
    return test_db


@pytest.fixture(scope="session")
def warehouse(warehouse_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(warehouse_path), read_only=True)
    yield connection
    connection.close()
