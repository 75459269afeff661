"""Fixtures of the analysis tests: synthetic warehouses (per-user truth kept) and CLI runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from funnelhouse.synthetic_marts import ExperimentSpec, SyntheticExperiment, build_warehouse

REPO = Path(__file__).resolve().parents[3]
ANALYZE = REPO / "scripts" / "analyze.py"

SPECS = [
    ExperimentSpec("sim_lift", users=12_000, uplift=(0.12,), days=14, aa_salts=60),
    ExperimentSpec(
        "three_arms",
        users=6_000,
        variants=("control", "a", "b"),
        weights=(0.4, 0.3, 0.3),
        uplift=(0.0, 0.0),
        days=10,
        is_simulated=False,
        aa_salts=20,
    ),
    ExperimentSpec("srm_broken", users=4_000, uplift=(0.0,), drop_share=0.15, days=7, aa_salts=10),
]


@dataclass
class CliRun:
    returncode: int
    stdout: str
    stderr: str
    result: dict[str, Any] | None
    html: Path | None


def run_cli(*args: str, json_path: Path | None = None, html_path: Path | None = None) -> CliRun:
    command = [sys.executable, str(ANALYZE), *args]
    if json_path is not None:
        command += ["--json", str(json_path)]
    if html_path is not None:
        command += ["--html", str(html_path)]
    env = {k: v for k, v in os.environ.items() if k != "DUCKDB_PATH"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    result = None
    if json_path is not None and json_path.is_file():
        result = json.loads(json_path.read_text(encoding="utf-8"))
    return CliRun(done.returncode, done.stdout, done.stderr, result, html_path)


@pytest.fixture(scope="session")
def synthetic(tmp_path_factory) -> tuple[Path, dict[str, SyntheticExperiment]]:
    path = tmp_path_factory.mktemp("warehouse") / "synthetic.duckdb"
    truth = build_warehouse(path, SPECS, seed=11)
    return path, truth


@pytest.fixture(scope="session")
def cli_run(synthetic, tmp_path_factory) -> CliRun:
    """One full CLI run over every experiment of the synthetic warehouse."""
    path, _ = synthetic
    out = tmp_path_factory.mktemp("cli")
    run = run_cli("--db", str(path), "--all", json_path=out / "a.json", html_path=out / "r.html")
    assert run.returncode == 0, run.stderr
    return run


@pytest.fixture(scope="session")
def experiments(cli_run) -> dict[str, dict[str, Any]]:
    return {x["experiment_id"]: x for x in cli_run.result["experiments"]}


def metric_row(
    experiment: dict[str, Any],
    metric: str,
    variant: str = "treatment",
    segment: tuple[str, str] = ("all", "all"),
) -> dict[str, Any]:
    rows = [
        m
        for m in experiment["metrics"]
        if m["metric_name"] == metric
        and m["variant"] == variant
        and (m["segment_name"], m["segment_value"]) == segment
    ]
    assert len(rows) == 1, (metric, variant, segment)
    return rows[0]


@pytest.fixture(scope="session")
def test_warehouse_path() -> Path:
    """The dbt-built test warehouse of `make test`: skipped only when FUNNELHOUSE_TEST_DB is
    unset (plain `pytest`), a failure when it is set but the file is missing."""
    value = os.environ.get("FUNNELHOUSE_TEST_DB")
    if not value:
        pytest.skip("FUNNELHOUSE_TEST_DB is not set (run `make pytest` or `make test`)")
    path = Path(value)
    assert path.is_file(), f"FUNNELHOUSE_TEST_DB={value} does not exist (run `make dbt-test`)"
    return path
