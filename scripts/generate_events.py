"""Generate the default synthetic clickstream and its truth file.

    python scripts/generate_events.py [--users N] [--days D] [--seed S] [--start YYYY-MM-DD]
        [--out data/events.parquet] [--format parquet|csv] [--uplift 0.08]
        [--dirty-rate 0.001] [--daily-files DIR [--late-share 0.02] [--late-days 3]] [--quiet]

With --daily-files DIR the events are written as one file per day (DIR/2026-01-01.parquet, ...;
funnelhouse.generation.daily_files), the truth and the assignment log next to the folder
(DIR.truth.json, DIR.assignments.parquet); --late-share makes that share of the rows arrive
in a later day's file (1 to --late-days days late).

See funnelhouse.generation.generator for the data contract and the definition of the truth.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

from funnelhouse.generation import generator as g


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Generate a synthetic e-commerce clickstream with a ground-truth file."
    )
    p.add_argument("--users", type=int, default=g.DEFAULT_USERS, help="number of users")
    p.add_argument("--days", type=int, default=g.DEFAULT_DAYS, help="length of the period")
    p.add_argument("--seed", type=int, default=g.DEFAULT_SEED, help="random seed")
    p.add_argument(
        "--start",
        type=date.fromisoformat,
        default=g.DEFAULT_START,
        help="first day of the period (UTC), default %(default)s",
    )
    p.add_argument("--out", type=Path, default=g.DEFAULT_OUT, help="output file")
    p.add_argument("--format", choices=("parquet", "csv"), default=None, help="default: from --out")
    p.add_argument(
        "--uplift",
        type=float,
        default=g.DEFAULT_UPLIFT,
        help="true relative uplift of P(purchase | begin_checkout) in the treatment arm",
    )
    p.add_argument(
        "--dirty-rate",
        type=float,
        default=g.DEFAULT_DIRTY_RATE,
        help="rate of injected data-quality noise (0 = clean)",
    )
    p.add_argument(
        "--daily-files",
        type=Path,
        default=None,
        metavar="DIR",
        help="write one file per day into DIR instead of --out",
    )
    p.add_argument(
        "--late-share",
        type=float,
        default=0.0,
        help="with --daily-files: share of rows that arrive in a later day's file",
    )
    p.add_argument(
        "--late-days", type=int, default=3, help="with --late-share: at most this many days late"
    )
    p.add_argument("--quiet", action="store_true", help="no progress or summary output")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    config = g.GeneratorConfig(
        users=args.users,
        days=args.days,
        seed=args.seed,
        start=args.start,
        out=args.out,
        fmt=args.format,
        uplift=args.uplift,
        dirty_rate=args.dirty_rate,
        daily_dir=args.daily_files,
        late_share=args.late_share,
        late_days=args.late_days,
    )
    try:
        config.validate()
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    started = time.monotonic()
    large = config.users > config.chunk_users
    progress = g.ProgressBar(sys.stderr) if large and not args.quiet else None
    truth = g.generate(config, progress=progress)
    if not args.quiet:
        exp = truth["experiment"]
        summary = {
            "out": str(config.output),
            "truth": str(g.truth_path(config.output)),
            "rows": truth["dirty"]["rows_total"],
            "events_clean": truth["realised"]["events_clean"],
            "exposed_users": exp["truth"]["exposed_users"],
            "true_relative_lift": exp["truth"]["relative_lift"],
            "seconds": round(time.monotonic() - started, 1),
        }
        print(json.dumps(summary), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
