"""Build the generated dataset and the real samples on DuckDB and on Spark (dbt target spark)
and compare every mart row by row (README "Running on Spark"; docs/spark.md):

    .venv/bin/python scripts/compare_engines.py [--datasets generated,retailrocket,rees46]

The last line is `engines agree: N marts, 0 rows differ`, or names the first mart that differs
and its first differing rows (exit code 1).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from funnelhouse.engines.cli import main

if __name__ == "__main__":
    sys.exit(main())
