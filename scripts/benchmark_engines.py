"""Benchmark (report only, no make target): the session models on Spark (local session) vs
DuckDB, on generated events (default 1 M and 10 M), to document where each engine fits.

For each size and engine: the staging models are built once (dbt run --select
+stg_clickstream__events), then `dbt run --select fct_events fct_sessions` runs --repeat times.
Reported per engine: the two models' execution time as dbt records it (median of the runs)
and the wall time of the whole dbt invocation (Spark's includes starting its JVM), plus the
row counts, which must agree between the engines.

    .venv/bin/python scripts/benchmark_engines.py [--sizes 1000000,10000000] [--repeat 3]

Needs the Spark requirements (make setup-spark). Results: bench/engines/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
SESSION_MODELS = ("fct_events", "fct_sessions")
EVENTS_PER_USER = 10.4  # the generator's average (scripts/benchmark.py)


def dbt(engine: str, workdir: Path, events: Path, *args: str) -> tuple[float, dict[str, float]]:
    """Run dbt on `engine`; its wall seconds and each node's execution seconds."""
    target = workdir / f"target-{engine}"
    env = dict(os.environ)
    env.update(
        EVENTS_PATH=str(events),
        EVENTS_FORMAT="canonical",
        ASSIGNMENTS_PATH="",
        DUCKDB_PATH=str(workdir / "warehouse.duckdb"),
        SPARK_WAREHOUSE_DIR=str(workdir / "spark"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    command = [str(VENV_BIN / "dbt"), *args, "--profiles-dir", ".", "--project-dir", "."]
    command += ["--target", "spark" if engine == "spark" else "dev", "--target-path", str(target)]
    command += ["--log-path", str(workdir / f"logs-{engine}")]
    started = time.perf_counter()
    with (workdir / f"dbt-{engine}.log").open("a") as log:
        result = subprocess.run(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"error: dbt {' '.join(args)} on {engine} failed (see {log.name})")
    run_results = json.loads((target / "run_results.json").read_text())["results"]
    return seconds, {r["unique_id"].split(".")[-1]: r["execution_time"] for r in run_results}


def row_counts(engine: str, workdir: Path) -> dict[str, int]:
    if engine == "duckdb":
        con = duckdb.connect(str(workdir / "warehouse.duckdb"), read_only=True)
        source = "marts.{}"
    else:
        con = duckdb.connect()
        source = "read_parquet('" + str(workdir / "spark" / "marts.db") + "/{}/*.parquet')"
    with con:
        return {
            m: con.execute(f"select count(*) from {source.format(m)}").fetchone()[0]
            for m in SESSION_MODELS
        }


def measure(engine: str, workdir: Path, events: Path, repeat: int) -> dict:
    dbt(engine, workdir, events, "seed", "--full-refresh")  # seeds may have gained columns
    dbt(engine, workdir, events, "run", "--select", "+stg_clickstream__events")
    walls, models = [], {m: [] for m in SESSION_MODELS}
    for _ in range(repeat):
        wall, nodes = dbt(engine, workdir, events, "run", "--select", *SESSION_MODELS)
        walls.append(wall)
        for model in SESSION_MODELS:
            models[model].append(nodes[model])
    medians = {m: statistics.median(v) for m, v in models.items()}
    return {
        "engine": engine,
        "model_seconds": medians,
        "models_total_seconds": sum(medians.values()),
        "wall_seconds": statistics.median(walls),
        "runs": {"wall": walls, **models},
        "rows": row_counts(engine, workdir),
    }


def generated(workdir: Path, events: int, seed: int) -> Path:
    users = round(events / EVENTS_PER_USER)
    path = workdir / f"events_{users}u_{seed}.parquet"
    if not path.exists():
        workdir.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "scripts/generate_events.py", "--users", str(users)]
        subprocess.run(
            [*command, "--seed", str(seed), "--out", str(path), "--quiet"], cwd=ROOT, check=True
        )
    return path


def print_table(results: list[dict]) -> None:
    print(
        f"\n{'events':>12} {'engine':<8}{'fct_events':>12}{'fct_sessions':>14}{'models':>9}"
        f"{'dbt wall':>10}{'sessions':>12}"
    )
    for r in results:
        m, sessions = r["model_seconds"], r["rows"]["fct_sessions"]
        print(
            f"{r['raw_rows']:>12,} {r['engine']:<8}{m['fct_events']:>11.1f}s"
            f"{m['fct_sessions']:>13.1f}s{r['models_total_seconds']:>8.1f}s"
            f"{r['wall_seconds']:>9.1f}s{sessions:>12,}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,10000000", help="approximate event counts")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the session models")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--dir", type=Path, default=ROOT / "bench" / "engines")
    args = parser.parse_args(argv)
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        events = generated(args.dir.resolve(), size, args.seed)
        with duckdb.connect() as con:
            raw_rows = con.execute(f"select count(*) from read_parquet('{events}')").fetchone()[0]
        for engine in ("duckdb", "spark"):
            workdir = args.dir.resolve() / f"{size}" / engine
            workdir.mkdir(parents=True, exist_ok=True)
            results.append({"raw_rows": raw_rows, **measure(engine, workdir, events, args.repeat)})
            print(f"{raw_rows:,} events on {engine}: {results[-1]['model_seconds']}", flush=True)
        duck, spark = results[-2]["rows"], results[-1]["rows"]
        if duck != spark:
            raise SystemExit(f"error: the engines' row counts differ: duckdb {duck}, spark {spark}")
    print_table(results)
    out = args.dir / "results.json"
    out.write_text(json.dumps({"cores": os.cpu_count(), "results": results}, indent=2) + "\n")
    print(f"json: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
