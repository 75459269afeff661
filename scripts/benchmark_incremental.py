"""P3 benchmark (`make bench-incremental`; not part of make test): the incremental refresh of
one new day against a full build at 10 million events, their equality, and the (a)/(b)/(c)
ratios of `make bench` on the same warehouse. See funnelhouse.bench_incremental."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from benchmark import print_sessionization, sessionization_ratios
from funnelhouse.bench_incremental import Layout, compare_warehouses, prepare_base, run_rounds
from funnelhouse.bench_runs import ROOT, ensure_daily_dataset


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=960_000, help="generator users (~10.4 each)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--late-share", type=float, default=0.02, help="late-arriving rows")
    parser.add_argument("--rounds", type=int, default=3, help="incremental/full pairs timed")
    parser.add_argument("--repeat", type=int, default=3, help="runs of (a) and (b)")
    parser.add_argument("--dir", type=Path, default=ROOT / "bench", help="work directory")
    return parser.parse_args(argv)


def report(results: dict) -> None:
    p3 = results["p3"]
    print(f"\nP3 on {results['days']} daily files, {results['raw_rows']:,} raw rows")
    print(f"incremental build (last day): {p3['incremental_seconds']} s")
    print(f"full build (all days):        {p3['full_seconds']} s")
    rounds = ", ".join(f"{r:.3f}" for r in p3["ratio_per_round"])
    print(f"ratio = {p3['ratio_median']:.3f} median (target <= 0.10; rounds: {rounds})")
    print(f"incremental split: {p3['incremental_split']}")
    for node in p3["incremental_slowest_nodes"][:6]:
        print(f"  {node['seconds']:>7.2f} s  {node['node']}")
    equal = results["equality"]
    verdict = "equal" if not equal["tables_differing"] else f"DIFFER: {equal['tables_differing']}"
    print(f"incremental vs full: {equal['tables_compared']} tables, {verdict}")
    print_sessionization(results["sessionization"])


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    workdir = args.dir.resolve()
    name = f"daily_{args.users}u_{args.seed}"
    files = ensure_daily_dataset(workdir / name, args.users, args.seed, args.late_share)
    layout = Layout(workdir / "incremental", workdir / f"{name}.assignments.parquet")
    base = prepare_base(layout, files)
    results = {
        "days": len(files),
        "raw_rows": json.loads((workdir / f"{name}.truth.json").read_text())["dirty"]["rows_total"],
        "cores": os.cpu_count(),
        "base_build_seconds": round(base.seconds, 1),
        "p3": run_rounds(layout, args.rounds),
    }
    results["equality"] = compare_warehouses(layout)
    results["sessionization"] = sessionization_ratios(
        layout.full, layout.env(layout.full), layout.workdir, args.repeat
    )
    out = workdir / "incremental.json"
    out.write_text(json.dumps(results, indent=2))
    report(results)
    print(f"json: {out}")
    return 0 if not results["equality"]["tables_differing"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
