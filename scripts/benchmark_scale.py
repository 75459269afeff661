"""P5 benchmark (`make bench-scale`; not part of make test; hours on a shared 2-core machine):
100 million events as daily files built end to end within 8 GiB of peak RSS, and the time
against 10 million. See funnelhouse.bench_scale."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from funnelhouse.bench_runs import ROOT
from funnelhouse.bench_scale import Size, compare, measure, prepare


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small-users", type=int, default=960_000, help="~10 M events")
    parser.add_argument("--large-users", type=int, default=9_600_000, help="~100 M events")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--late-share", type=float, default=0.02)
    parser.add_argument("--small-rounds", type=int, default=3, help="builds of the small size")
    parser.add_argument("--large-rounds", type=int, default=1, help="builds of the large size")
    parser.add_argument("--keep", action="store_true", help="keep the large warehouse")
    parser.add_argument("--dir", type=Path, default=ROOT / "bench", help="work directory")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    workdir = args.dir.resolve()
    small = Size(args.small_users, args.seed, args.late_share, workdir)
    large = Size(args.large_users, args.seed, args.late_share, workdir)
    generator_seconds = {"small": prepare(small), "large": prepare(large)}
    results = {
        "cores": os.cpu_count(),
        "memory_limit": os.environ.get("DUCKDB_MEMORY_LIMIT", "6GB (profiles.yml default)"),
        "generator_seconds": {k: round(v, 1) for k, v in generator_seconds.items()},
        "small": measure(small, args.small_rounds),
        "large": measure(large, args.large_rounds),
    }
    results["growth"] = compare(results["small"], results["large"])
    if not args.keep:
        large.database.unlink(missing_ok=True)
    out = workdir / "scale.json"
    out.write_text(json.dumps(results, indent=2))
    for name in ("small", "large"):
        r = results[name]
        print(
            f"{name}: {r['raw_rows']:,} rows in {r['files']} files: {r['seconds']} s "
            f"(median {r['seconds_median']}), peak RSS {r['peak_rss_mb']} MB"
        )
    growth = results["growth"]
    print(
        f"time ratio {growth['time_ratio']} for {growth['rows_ratio']}x the rows "
        f"({'at most linear' if growth['at_most_linear'] else 'MORE than linear'})"
    )
    print(f"json: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
