"""The engine comparison fails when one engine computes something differently: a copy of the
project with one change is built on Spark only (the marts the change reaches and their
parents), and compared with the unchanged DuckDB build of the same events. Each change is one
an engine port could plausibly get wrong."""

from __future__ import annotations

import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from funnelhouse.engines.builds import ROOT, Dataset, EngineBuild, build
from funnelhouse.engines.cli import describe
from funnelhouse.engines.compare import compare_warehouses

MUTATIONS = {
    # Spark's elapsed time doubled: gaps of 15-30 minutes now split sessions.
    "sessionization": (
        "macros/microseconds_between.sql",
        "(unix_micros({{ end_at }}) - unix_micros({{ start_at }}))",
        "(unix_micros({{ end_at }}) - unix_micros({{ start_at }})) * 2",
        "fct_sessions",
    ),
    # Spark's FNV-1a with a wrong prime: the GrowthBook experiment's users move buckets.
    "hashing": (
        "macros/experiments/experiment_assignment.sql",
        "* 16777619)\n            % 4294967296",
        "* 16777618)\n            % 4294967296",
        "fct_experiment_assignments",
    ),
    # The sufficient-statistics sums off by one part in a million: beyond the 1e-9 tolerance.
    "statistics": (
        "macros/experiments/experiment_statistics.sql",
        "{%- set expression = 'sum(' ~ (parts | join(' * ')) ~ ')' -%}",
        "{%- set expression = 'sum(' ~ (parts | join(' * ')) ~ ') * (1 + 1e-6)' -%}",
        "fct_experiment_variant_stats",
    ),
}


def _project_copy(destination: Path) -> Path:
    """The working tree's project files (tracked and new, not ignored) copied."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    return destination


def _mutated_build(name: str, generated_build: Path, folder: Path) -> EngineBuild:
    """The Spark build of `name`'s mart and its parents in a project copy with the change."""
    path, old, new, mart = MUTATIONS[name]
    project = _project_copy(folder / "project")
    text = (project / path).read_text()
    assert text.count(old) == 1, f"{path} no longer has the code this test changes"
    (project / path).write_text(text.replace(old, new))
    dataset = Dataset("generated", generated_build / "events.parquet", "canonical")
    args = (
        "--select",
        f"+{mart}",
        "--exclude-resource-type",
        "test",
        "--exclude-resource-type",
        "unit_test",
    )
    return build(dataset, "spark", folder / "spark-build", args, project_dir=project)


@pytest.fixture(scope="module")
def mutated_builds(generated_build: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The three mutated builds, side by side (each its own SparkSession): a Spark build is
    mostly fixed per-job latency, so running them together takes little more than one."""
    for path, old, _, _ in MUTATIONS.values():
        count = (ROOT / path).read_text().count(old)
        assert count == 1, f"{path} no longer has the code a mutation changes: {old!r}"
    root = tmp_path_factory.mktemp("mutations")
    with ThreadPoolExecutor(max_workers=len(MUTATIONS)) as pool:
        futures = {
            name: pool.submit(_mutated_build, name, generated_build, root / name)
            for name in MUTATIONS
        }
        return {name: future.result() for name, future in futures.items()}


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_a_change_on_one_engine_is_caught(
    name: str, generated_build: Path, mutated_builds: dict
) -> None:
    mart = MUTATIONS[name][3]
    spark = mutated_builds[name]
    duck = generated_build / "warehouse.duckdb"
    manifest = generated_build / "target-duckdb" / "manifest.json"
    [result] = compare_warehouses(duck, spark.spark_dir, manifest, marts=[mart])
    assert not result.agrees
    assert result.differing_rows > 0, result.problems
    line = describe("generated", result)
    assert line.startswith(f"engines differ: generated {mart}: {result.differing_rows} of ")
