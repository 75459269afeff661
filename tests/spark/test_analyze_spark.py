"""analyze.py gives the same report from the Spark-built marts (--spark-dir, Parquet read
through DuckDB) as from the DuckDB warehouse of the same events: equal JSON, except when and
from where it was made, the build's id, times and engine version, and floating point to the
comparison's 1e-9 relative tolerance."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

from funnelhouse.engines.compare import RELATIVE_TOLERANCE, not_compared_columns

ROOT = Path(__file__).resolve().parents[2]
NOT_COMPARED = {"generated_at", "warehouse"}


def _report(tmp_path: Path, name: str, build: Path, *source: str) -> dict[str, Any]:
    out = tmp_path / f"{name}.json"
    command = [sys.executable, str(ROOT / "scripts" / "analyze.py"), *source, "--all"]
    result = subprocess.run(
        [*command, "--quiet", "--json", str(out)], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(out.read_text())
    for key in NOT_COMPARED:
        report.pop(key)
    for key in not_compared_columns(build / "target-duckdb" / "manifest.json")["dq_build_info"]:
        report["build"]["info"].pop(key)
    return report


def _differences(duck: Any, spark: Any, where: str = "") -> list[str]:
    if isinstance(duck, dict) and isinstance(spark, dict):
        if duck.keys() != spark.keys():
            return [f"{where}: keys {sorted(duck)} != {sorted(spark)}"]
        return [d for k in duck for d in _differences(duck[k], spark[k], f"{where}.{k}")]
    if isinstance(duck, list) and isinstance(spark, list):
        if len(duck) != len(spark):
            return [f"{where}: {len(duck)} items != {len(spark)}"]
        return [
            d
            for i, (a, b) in enumerate(zip(duck, spark, strict=True))
            for d in _differences(a, b, f"{where}[{i}]")
        ]
    both_float = isinstance(duck, float) and isinstance(spark, float)
    if both_float and math.isclose(duck, spark, rel_tol=RELATIVE_TOLERANCE, abs_tol=0.0):
        return []
    return [] if duck == spark else [f"{where}: duckdb {duck!r} != spark {spark!r}"]


def test_the_report_from_spark_marts_equals_the_duckdb_one(
    generated_build: Path, tmp_path: Path
) -> None:
    duck = _report(
        tmp_path, "duckdb", generated_build, "--db", str(generated_build / "warehouse.duckdb")
    )
    spark = _report(
        tmp_path, "spark", generated_build, "--spark-dir", str(generated_build / "spark")
    )
    assert duck["experiments"], "the generated data has experiments to analyse"
    assert _differences(duck, spark) == []


def test_a_missing_spark_folder_is_one_line(tmp_path: Path) -> None:
    command = [
        sys.executable,
        str(ROOT / "scripts" / "analyze.py"),
        "--spark-dir",
        str(tmp_path / "none"),
    ]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: Spark warehouse folder not found: {tmp_path / 'none'}"
    ]
