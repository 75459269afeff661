"""Build the warehouse into a private file and publish it atomically when every model and test
passed (see docs/refresh.md). Arguments it does not know go to `dbt build`:

    .venv/bin/python scripts/refresh.py                      # full build of $DUCKDB_PATH
    .venv/bin/python scripts/refresh.py --select fct_sessions+   # partial, from a copy
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from funnelhouse.refresh.cli import main

if __name__ == "__main__":
    sys.exit(main())
