"""Spark tests (`make test-spark`): they read the builds scripts/compare_engines.py made in
FUNNELHOUSE_ENGINES_DIR (make test-spark runs it first) and start Spark themselves; without
the variable they skip (a bare `pytest` never needs Java)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))


@pytest.fixture(scope="session")
def engines_dir() -> Path:
    configured = os.environ.get("FUNNELHOUSE_ENGINES_DIR")
    if not configured:
        pytest.skip("Spark tests run in `make test-spark` (FUNNELHOUSE_ENGINES_DIR is not set)")
    return Path(configured).resolve()


@pytest.fixture(scope="session")
def generated_build(engines_dir: Path) -> Path:
    """The folder of the generated dataset's builds on both engines."""
    folder = engines_dir / "generated"
    for path in (folder / "warehouse.duckdb", folder / "spark" / "marts.db"):
        if not path.exists():
            pytest.fail(f"{path} not found: run scripts/compare_engines.py first (make test-spark)")
    return folder
