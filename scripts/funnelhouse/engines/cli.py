"""scripts/compare_engines.py: build datasets on DuckDB and Spark, compare every mart."""

from __future__ import annotations

import argparse
import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from funnelhouse.engines.builds import ROOT, BuildError, Dataset, EngineBuild, build, datasets
from funnelhouse.engines.compare import MartComparison, compare_warehouses

DATASETS = ("generated", "retailrocket", "rees46")
# DuckDB builds only make the marts to compare with (`make test` runs its tests).
DUCKDB_ARGS = ("--exclude-resource-type", "test", "--exclude-resource-type", "unit_test")
# Spark runs every data test and unit test with the first dataset (the generated one). The
# real samples are there for their quirks, which staging and the singular tests (quarantine
# reasons, reconciliation) see; their marts are compared row by row with DuckDB's, so the
# generic tests of intermediate models, marts and seeds (checked on the generated data) are not
# repeated on them: each Spark test is a job with a fixed cost (docs/spark.md).
SPARK_ARGS_REPEATED = (
    "--exclude-resource-type",
    "unit_test",
    "--exclude",
    "resource_type:test,path:models/intermediate",
    "resource_type:test,path:models/marts",
    "resource_type:test,path:seeds",
)
# Spark builds of different datasets run side by side (each its own SparkSession and
# warehouse): a build is mostly fixed per-job latency, so two lanes use the 2 cores better.
SPARK_LANES = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="compare_engines.py",
        description="Build each dataset with dbt on DuckDB and on Spark (target spark) and "
        "compare every mart row by row. The last line says whether the engines agree.",
    )
    parser.add_argument("--workdir", type=Path, default=ROOT / "build" / "engines")
    parser.add_argument(
        "--datasets", default=",".join(DATASETS), help="comma-separated: " + ", ".join(DATASETS)
    )
    parser.add_argument(
        "--shared-data",
        type=Path,
        default=Path(os.environ.get("FUNNELHOUSE_SHARED_DATA", ROOT.parent / "shared" / "data")),
    )
    parser.add_argument("--summary-json", type=Path, help="write timings and results here")
    return parser


def build_both(found: list[Dataset], workdir: Path) -> list[tuple[EngineBuild, EngineBuild]]:
    """The DuckDB builds (one at a time) run beside the Spark builds (SPARK_LANES at a time)."""

    def spark_build(index: int, dataset: Dataset) -> EngineBuild:
        args = () if index == 0 else SPARK_ARGS_REPEATED
        result = build(dataset, "spark", workdir / dataset.name, args)
        print(f"{dataset.name}: built on spark in {result.seconds:.0f} s", flush=True)
        return result

    with ThreadPoolExecutor(max_workers=1) as duck_pool:
        duck = [duck_pool.submit(build, d, "duckdb", workdir / d.name, DUCKDB_ARGS) for d in found]
        with ThreadPoolExecutor(max_workers=SPARK_LANES) as spark_pool:
            spark = [spark_pool.submit(spark_build, i, d) for i, d in enumerate(found)]
            try:
                return [(d.result(), s.result()) for d, s in zip(duck, spark, strict=True)]
            except BuildError:
                for future in (*duck, *spark):
                    future.cancel()  # the builds not started yet; running ones finish
                raise


def describe(dataset: str, result: MartComparison) -> str:
    """The line naming a mart that differs and its first differing rows."""
    if result.problems:
        return f"engines differ: {dataset} {result.mart}: {'; '.join(result.problems)}"
    rows = max(result.duckdb_rows, result.spark_rows)
    first = " | ".join(result.examples)
    return (
        f"engines differ: {dataset} {result.mart}: {result.differing_rows} of {rows} rows "
        f"differ (duckdb {result.duckdb_rows} rows, spark {result.spark_rows}); first: {first}"
    )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    names = [name.strip() for name in args.datasets.split(",") if name.strip()]
    found, notes = datasets(args.workdir, args.shared_data, names)
    for note in notes:
        print(note)
    try:
        builds = build_both(found, args.workdir)
    except BuildError as exc:
        print(f"engines not compared: {exc}")
        return 1
    summary: dict[str, dict] = {}
    compared = 0
    first_difference = None
    for duck, spark in builds:
        results = compare_warehouses(duck.duckdb_path, spark.spark_dir, duck.manifest)
        compared += len(results)
        rows = sum(r.duckdb_rows for r in results)
        differing = [r for r in results if not r.agrees]
        print(
            f"{duck.dataset.name}: {len(results)} marts, {rows} rows; duckdb build "
            f"{duck.seconds:.0f} s, spark build {spark.seconds:.0f} s; "
            f"{len(differing)} marts differ",
            flush=True,
        )
        for result in differing:
            print("  " + describe(duck.dataset.name, result))
        first_difference = first_difference or (
            differing and describe(duck.dataset.name, differing[0])
        )
        summary[duck.dataset.name] = {
            "marts": len(results),
            "rows": rows,
            "duckdb_seconds": duck.seconds,
            "spark_seconds": spark.seconds,
            "differing_marts": [r.mart for r in differing],
        }
    if args.summary_json:
        args.summary_json.write_text(json.dumps(summary, indent=2) + "\n")
    if first_difference:
        print(first_difference)
        return 1
    print(f"engines agree: {compared} marts, 0 rows differ")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
