"""P3: the daily incremental refresh against a full build, at 10 million events (issue 13).

A generated ~60-day dataset, one file per day with late arrivals, is built from all but its last
day (the base). Then the last day's file arrives, and each round times, back to back and in
alternating order, (i) the incremental ``dbt build`` of a copy of the base and (ii) a full
``dbt build`` of all days into an empty warehouse. Both are the same command (data tests
included, unit tests excluded: they do not depend on the data and run in CI). The ratio of each
round and the median are reported, the slowest nodes of the incremental build (what dominates
it), and the comparison of the incremental warehouse with the full one, table by table.
"""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from funnelhouse.bench_runs import (
    Run,
    copy_database,
    dbt_command,
    dbt_env,
    link_files,
    node_seconds,
    run_measured,
)
from funnelhouse.warehouse_diff import build_metadata_columns, compare_schema

BUILD_ARGS = ("build", "--exclude-resource-type", "unit_test")
COMPARED_SCHEMAS = ("staging", "intermediate", "marts")
TARGET_RATIO = 0.10


@dataclass(frozen=True)
class Layout:
    """Where the benchmark keeps its inputs and warehouses (all under bench/)."""

    workdir: Path
    assignments: Path

    @property
    def events(self) -> Path:
        return self.workdir / "events"

    @property
    def base(self) -> Path:
        return self.workdir / "base.duckdb"

    @property
    def incremental(self) -> Path:
        return self.workdir / "incremental.duckdb"

    @property
    def full(self) -> Path:
        return self.workdir / "full.duckdb"

    def target(self, name: str) -> Path:
        return self.workdir / f"target-{name}"

    def env(self, database: Path) -> dict[str, str]:
        return dbt_env(self.events, database, ASSIGNMENTS_PATH=str(self.assignments))


def build(layout: Layout, database: Path, name: str) -> Run:
    return run_measured(dbt_command(*BUILD_ARGS, target=layout.target(name)), layout.env(database))


def prepare_base(layout: Layout, files: list[Path]) -> Run:
    """The warehouse of all days but the last (built once per benchmark run)."""
    for path in (layout.events, layout.base):
        if path.is_dir():
            for child in path.iterdir():
                child.unlink()
        else:
            path.unlink(missing_ok=True)
    link_files(files[:-1], layout.events)
    run = build(layout, layout.base, "base")
    link_files(files[-1:], layout.events)
    return run


def time_round(layout: Layout, incremental_first: bool) -> tuple[Run, Run]:
    """(incremental, full) of one round."""

    def incremental() -> Run:
        copy_database(layout.base, layout.incremental)
        return build(layout, layout.incremental, "incremental")

    def full() -> Run:
        for path in (layout.full, Path(f"{layout.full}.wal")):
            path.unlink(missing_ok=True)
        return build(layout, layout.full, "full")

    if incremental_first:
        inc = incremental()
        return inc, full()
    whole = full()
    return incremental(), whole


def slowest_nodes(run_results: Path, count: int = 12) -> list[dict[str, Any]]:
    seconds = node_seconds(run_results)
    ranked = sorted(seconds.items(), key=lambda item: -item[1])[:count]
    return [{"node": node, "seconds": round(s, 2)} for node, s in ranked]


def time_split(run_results: Path, wall: float, threads: int = 2) -> dict[str, float]:
    """Model, test and other (dbt start-up, parsing, scheduling) seconds of a build."""
    seconds = node_seconds(run_results)
    models = sum(s for node, s in seconds.items() if node.startswith("model."))
    tests = sum(s for node, s in seconds.items() if node.startswith("test."))
    return {
        "models_node_seconds": round(models, 1),
        "tests_node_seconds": round(tests, 1),
        "nodes": len(seconds),
        "outside_nodes_seconds": round(max(0.0, wall - (models + tests) / threads), 1),
    }


def compare_warehouses(layout: Layout) -> dict[str, Any]:
    ignore = build_metadata_columns(layout.target("full") / "manifest.json")
    differing, tables = {}, 0
    for schema in COMPARED_SCHEMAS:
        for diff in compare_schema(layout.incremental, layout.full, schema, ignore):
            tables += 1
            if not diff.equal:
                differing[f"{schema}.{diff.table}"] = asdict(diff)
    return {"tables_compared": tables, "tables_differing": differing}


def run_rounds(layout: Layout, rounds: int) -> dict[str, Any]:
    pairs = [time_round(layout, incremental_first=r % 2 == 0) for r in range(rounds)]
    ratios = [inc.seconds / full.seconds for inc, full in pairs]
    last_inc = pairs[-1][0]
    incremental_results = layout.target("incremental") / "run_results.json"
    return {
        "incremental_seconds": [round(inc.seconds, 1) for inc, _ in pairs],
        "full_seconds": [round(full.seconds, 1) for _, full in pairs],
        "incremental_cpu_seconds": [round(inc.cpu_seconds, 1) for inc, _ in pairs],
        "full_cpu_seconds": [round(full.cpu_seconds, 1) for _, full in pairs],
        "ratio_per_round": [round(r, 4) for r in ratios],
        "ratio_median": round(statistics.median(ratios), 4),
        "target_ratio_max": TARGET_RATIO,
        "target_met": statistics.median(ratios) <= TARGET_RATIO,
        "peak_rss_mb": {
            "incremental": round(max(i.peak_rss for i, _ in pairs) / 2**20),
            "full": round(max(f.peak_rss for _, f in pairs) / 2**20),
        },
        "incremental_split": time_split(incremental_results, last_inc.seconds),
        "incremental_slowest_nodes": slowest_nodes(incremental_results),
        "full_split": time_split(layout.target("full") / "run_results.json", pairs[-1][1].seconds),
    }
