"""Building one events file on both engines with dbt (the DuckDB default target and the Spark
session target), each into its own folder: <workdir>/<dataset>/warehouse.duckdb and
<workdir>/<dataset>/spark/ (the Spark warehouse: Parquet tables and their metastore)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DBT = Path(sys.executable).parent / "dbt"
GENERATOR = ROOT / "scripts" / "generate_events.py"
# The small generated dataset of `make test` (Makefile TEST_GENERATOR_ARGS).
SMALL_DATASET_ARGS = ("--users", "3000", "--days", "60", "--seed", "7")
OUTPUT_TAIL = 4000


class BuildError(Exception):
    """A dbt build that failed; the message names the dataset, engine and the log."""


@dataclass(frozen=True)
class Dataset:
    name: str
    events: Path
    events_format: str


@dataclass(frozen=True)
class EngineBuild:
    dataset: Dataset
    engine: str
    folder: Path
    seconds: float

    @property
    def duckdb_path(self) -> Path:
        return self.folder / "warehouse.duckdb"

    @property
    def spark_dir(self) -> Path:
        return self.folder / "spark"

    @property
    def manifest(self) -> Path:
        return self.folder / f"target-{self.engine}" / "manifest.json"


def datasets(workdir: Path, shared_data: Path, names: list[str]) -> tuple[list[Dataset], list[str]]:
    """The datasets to compare and a note per real sample that is absent (skipped)."""
    samples = {
        "retailrocket": (shared_data / "retailrocket" / "events_sample.csv", "retailrocket"),
        "rees46": (shared_data / "rees46" / "events_2019oct_head.csv", "rees46"),
    }
    found, notes = [], []
    for name in names:
        if name == "generated":
            found.append(Dataset(name, generated_events(workdir / "generated"), "canonical"))
        elif name in samples:
            path, events_format = samples[name]
            if path.exists():
                found.append(Dataset(name, path, events_format))
            else:
                notes.append(f"{name}: skipped, {path} not found (see ../shared/data/README.md)")
        else:
            raise ValueError(f"unknown dataset {name!r} (generated, retailrocket, rees46)")
    return found, notes


def generated_events(folder: Path) -> Path:
    """The small generated dataset (and its assignment log), written once."""
    events = folder / "events.parquet"
    if not events.exists():
        folder.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, str(GENERATOR), *SMALL_DATASET_ARGS, "--out", str(events)]
        subprocess.run([*command, "--quiet"], check=True, cwd=ROOT)
    return events


def dbt_env(dataset: Dataset, folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        EVENTS_PATH=str(dataset.events.resolve()),
        EVENTS_FORMAT=dataset.events_format,
        ASSIGNMENTS_PATH="",
        DUCKDB_PATH=str(folder / "warehouse.duckdb"),
        SPARK_WAREHOUSE_DIR=str(folder / "spark"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    return env


def build(
    dataset: Dataset,
    engine: str,
    folder: Path,
    dbt_args: tuple[str, ...] = (),
    project_dir: Path = ROOT,
) -> EngineBuild:
    """`dbt build` of `dataset` on `engine` (duckdb | spark) into a fresh `folder`."""
    folder = folder.resolve()
    target = folder / f"target-{engine}"
    if engine == "duckdb":
        (folder / "warehouse.duckdb").unlink(missing_ok=True)
    else:
        shutil.rmtree(folder / "spark", ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    command = [str(DBT), "build", "--profiles-dir", ".", "--project-dir", ".", "--target"]
    command += ["spark" if engine == "spark" else "dev", "--target-path", str(target)]
    command += ["--log-path", str(folder / f"logs-{engine}"), *dbt_args]
    if engine == "spark":
        # Spark's Parquet tables have no merge: incremental models rebuild (docs/spark.md)
        command.append("--full-refresh")
    log = folder / f"dbt-{engine}.log"
    started = time.perf_counter()
    with log.open("w") as output:
        process = subprocess.run(
            command,
            cwd=project_dir,
            env=dbt_env(dataset, folder),
            stdout=output,
            stderr=subprocess.STDOUT,
            check=False,
        )
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise BuildError(
            f"dbt build of {dataset.name} on {engine} failed (exit {process.returncode}); "
            f"see {log}:\n{failed_lines(log)}"
        )
    return EngineBuild(dataset, engine, folder, seconds)


def failed_lines(log: Path) -> str:
    """dbt's summary lines of the failed nodes (or the log's tail)."""
    lines = log.read_text(errors="replace").splitlines()
    failed = [line for line in lines if " ERROR " in line or " FAIL " in line]
    return "\n".join(failed[:20]) if failed else "\n".join(lines[-20:])[-OUTPUT_TAIL:]
