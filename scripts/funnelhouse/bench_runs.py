"""Running dbt for the benchmarks: measured child processes, generated datasets, artefacts."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Run:
    """A finished command: wall seconds, CPU seconds (user + system) and peak RSS in bytes."""

    seconds: float
    cpu_seconds: float
    peak_rss: int


def run_measured(command: list[str], env: dict[str, str]) -> Run:
    """Run a command; measure it and its children. Exits with a one-line error if it fails."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"error: {' '.join(command)} failed (rerun it to see why)")
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024)


def dbt_env(events: Path, database: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        EVENTS_PATH=str(events),
        EVENTS_FORMAT="canonical",
        DUCKDB_PATH=str(database),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        **extra,
    )
    return env


def dbt_command(*args: str, target: Path | None = None) -> list[str]:
    command = [str(VENV_BIN / "dbt"), *args, "--profiles-dir", ".", "--project-dir", "."]
    return [*command, "--target-path", str(target)] if target else command


def generate(out_args: list[str], users: int, seed: int, *extra: str) -> None:
    command = [sys.executable, "scripts/generate_events.py", "--users", str(users)]
    command += ["--seed", str(seed), *out_args, *extra]
    subprocess.run(command, cwd=ROOT, check=True)


def ensure_daily_dataset(folder: Path, users: int, seed: int, late_share: float) -> list[Path]:
    """The generated daily files (written once, reused), in load order."""
    if not folder.exists():
        folder.parent.mkdir(parents=True, exist_ok=True)
        late = ["--late-share", str(late_share), "--late-days", "3"]
        generate(["--daily-files", str(folder)], users, seed, *late)
    return sorted(folder.glob("*.parquet"))


def link_files(files: list[Path], folder: Path) -> None:
    """Hard-link ``files`` into ``folder`` (no copies: the benchmark's inputs stay small)."""
    folder.mkdir(parents=True, exist_ok=True)
    for file in files:
        target = folder / file.name
        if not target.exists():
            os.link(file, target)


def copy_database(source: Path, target: Path) -> None:
    target.unlink(missing_ok=True)
    Path(f"{target}.wal").unlink(missing_ok=True)
    shutil.copyfile(source, target)


def node_seconds(run_results: Path) -> dict[str, float]:
    """{unique_id: execution seconds} of the nodes of a dbt run."""
    results = json.loads(run_results.read_text())["results"]
    return {r["unique_id"]: r["execution_time"] for r in results}


def model_seconds(run_results: Path, models: tuple[str, ...]) -> float:
    wanted = {f"model.funnelhouse.{name}" for name in models}
    return sum(s for node, s in node_seconds(run_results).items() if node in wanted)
