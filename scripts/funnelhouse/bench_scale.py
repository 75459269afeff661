"""P5: a full build of 100 million events (generated as daily files) within 8 GiB of peak memory,
and its time against 10 million events (issue 13).

Both datasets are generated once into bench/ (the generator's time is recorded). Each size is
built from empty with the same command as P3 (data tests included, unit tests excluded), with
the profile's DuckDB memory_limit (6 GB unless DUCKDB_MEMORY_LIMIT says otherwise) and its
temp_directory for what spills. Reported: seconds, CPU seconds and peak RSS per size, the time
ratio 100 M / 10 M (at most linear growth = at most the ratio of the row counts), and the
slowest nodes of the large build.
"""

from __future__ import annotations

import json
import shutil
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from funnelhouse.bench_incremental import slowest_nodes, time_split
from funnelhouse.bench_runs import Run, dbt_command, dbt_env, ensure_daily_dataset, run_measured

BUILD_ARGS = ("build", "--exclude-resource-type", "unit_test")
PEAK_RSS_LIMIT = 8 * 2**30


@dataclass(frozen=True)
class Size:
    """One dataset size: its daily files and its warehouse."""

    users: int
    seed: int
    late_share: float
    workdir: Path

    @property
    def name(self) -> str:
        return f"daily_{self.users}u_{self.seed}"

    @property
    def folder(self) -> Path:
        return self.workdir / self.name

    @property
    def database(self) -> Path:
        return self.workdir / "scale" / f"{self.name}.duckdb"

    @property
    def target(self) -> Path:
        return self.workdir / "scale" / f"target-{self.name}"

    def raw_rows(self) -> int:
        truth = json.loads((self.workdir / f"{self.name}.truth.json").read_text())
        return truth["dirty"]["rows_total"]


def prepare(size: Size) -> float:
    """Generate the dataset when missing; the seconds it took (0 when it was there)."""
    started = time.perf_counter()
    existed = size.folder.exists()
    ensure_daily_dataset(size.folder, size.users, size.seed, size.late_share)
    return 0.0 if existed else time.perf_counter() - started


def build(size: Size) -> Run:
    for path in (size.database, Path(f"{size.database}.wal")):
        path.unlink(missing_ok=True)
    shutil.rmtree(Path(f"{size.database}.tmp"), ignore_errors=True)
    size.database.parent.mkdir(parents=True, exist_ok=True)
    assignments = size.workdir / f"{size.name}.assignments.parquet"
    env = dbt_env(size.folder, size.database, ASSIGNMENTS_PATH=str(assignments))
    return run_measured(dbt_command(*BUILD_ARGS, target=size.target), env)


def measure(size: Size, rounds: int) -> dict[str, Any]:
    runs = [build(size) for _ in range(rounds)]
    results = size.target / "run_results.json"
    seconds = [r.seconds for r in runs]
    return {
        "raw_rows": size.raw_rows(),
        "files": len(list(size.folder.glob("*.parquet"))),
        "seconds": [round(s, 1) for s in seconds],
        "seconds_median": round(statistics.median(seconds), 1),
        "cpu_seconds": [round(r.cpu_seconds, 1) for r in runs],
        "peak_rss_mb": [round(r.peak_rss / 2**20) for r in runs],
        "peak_rss_within_8_gib": all(r.peak_rss <= PEAK_RSS_LIMIT for r in runs),
        "database_gb": round(size.database.stat().st_size / 1e9, 2),
        "split": time_split(results, runs[-1].seconds),
        "slowest_nodes": slowest_nodes(results),
    }


def compare(small: dict[str, Any], large: dict[str, Any]) -> dict[str, Any]:
    rows_ratio = large["raw_rows"] / small["raw_rows"]
    time_ratio = large["seconds_median"] / small["seconds_median"]
    return {
        "rows_ratio": round(rows_ratio, 2),
        "time_ratio": round(time_ratio, 2),
        "at_most_linear": time_ratio <= rows_ratio,
    }
