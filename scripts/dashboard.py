"""Write the KPI dashboard of a warehouse: one self-contained HTML page (make dashboard).

python scripts/dashboard.py [--db warehouse.duckdb] [--out reports/dashboard-<warehouse>.html]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from funnelhouse.dashboard.data import load
from funnelhouse.dashboard.page import render


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_db = Path(os.environ.get("DUCKDB_PATH", "warehouse.duckdb"))
    parser.add_argument("--db", type=Path, default=default_db, help="default: $DUCKDB_PATH")
    parser.add_argument("--out", type=Path, help="default: reports/dashboard-<db stem>.html")
    args = parser.parse_args(argv)
    out = args.out or Path("reports") / f"dashboard-{args.db.stem}.html"
    try:
        data = load(args.db)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.write_text(render(data), encoding="utf-8")
    partial.replace(out)
    missing = f" ({len(data.missing)} sections unavailable)" if data.missing else ""
    print(f"dashboard: {out}{missing}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
