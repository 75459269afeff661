"""Compile an analysis from analyses/ with dbt and run it against the DuckDB warehouse.

python scripts/run_analysis.py daily_active_users [--db warehouse.duckdb] [--csv out.csv]
python scripts/run_analysis.py --list
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from funnelhouse.dbt_analyses import AnalysisError, analysis_names, compile_analysis, run_sql


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Run an analysis from analyses/ on the warehouse.")
    p.add_argument("name", nargs="?", help="analysis name (file stem under analyses/)")
    p.add_argument(
        "--db",
        type=Path,
        default=Path(os.environ.get("DUCKDB_PATH", "warehouse.duckdb")),
        help="the DuckDB warehouse (default: $DUCKDB_PATH or warehouse.duckdb)",
    )
    p.add_argument("--csv", type=Path, help="write the result to this CSV file")
    p.add_argument("--rows", type=int, default=50, help="rows to print (default %(default)s)")
    p.add_argument("--list", action="store_true", help="list the analyses and exit")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.list or not args.name:
        print("\n".join(analysis_names()))
        return 0 if args.list else 2
    try:
        result = run_sql(args.db, compile_analysis(args.name, args.db.resolve()))
        if args.csv:
            result.write_csv(str(args.csv))
            print(f"wrote {args.csv}")
        else:
            result.show(max_rows=args.rows, max_width=200)
    except AnalysisError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
