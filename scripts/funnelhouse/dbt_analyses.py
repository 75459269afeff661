"""Compile a dbt analysis (analyses/<name>.sql) and run it against a DuckDB warehouse.

dbt writes the warehouse's database name (the file's stem) into the compiled SQL, so an analysis
is compiled for the same DUCKDB_PATH it is run against.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import duckdb

PROJECT_DIR = Path(__file__).resolve().parents[2]
_NAME = re.compile(r"^[a-z0-9_]+$")


class AnalysisError(RuntimeError):
    """An analysis that does not exist, does not compile or cannot run."""


def analysis_names(project_dir: Path = PROJECT_DIR) -> list[str]:
    """The analyses of the project (file stems under analyses/), sorted."""
    return sorted(path.stem for path in (project_dir / "analyses").glob("*.sql"))


def _dbt_executable() -> str:
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def compile_analyses(
    names: Sequence[str],
    db: Path,
    *,
    project_dir: Path = PROJECT_DIR,
    target_path: Path | None = None,
) -> dict[str, str]:
    """Compile analyses/<name>.sql for each name (one `dbt compile`) for the warehouse `db`.

    Returns the compiled SQL by name.
    """
    _require_warehouse(db)
    known = analysis_names(project_dir)
    unknown = [name for name in names if not _NAME.match(name) or name not in known]
    if unknown or not names:
        raise AnalysisError(
            f"unknown analysis {', '.join(map(repr, unknown)) or '(none given)'} "
            f"(known: {', '.join(known)})"
        )
    target = target_path or project_dir / "target"
    env = {**os.environ, "DUCKDB_PATH": str(db)}
    command = [
        _dbt_executable(),
        "compile",
        "--quiet",
        "--profiles-dir",
        str(project_dir),
        "--project-dir",
        str(project_dir),
        "--target-path",
        str(target),
        "--select",
        *names,
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        details = (result.stdout + result.stderr).strip()
        raise AnalysisError(f"dbt compile failed for {', '.join(names)}:\n{details}")
    compiled: dict[str, str] = {}
    for name in names:
        path = target / "compiled" / "funnelhouse" / "analyses" / f"{name}.sql"
        if not path.is_file():
            raise AnalysisError(f"dbt compile did not write {path}")
        compiled[name] = path.read_text()
    return compiled


def compile_analysis(
    name: str,
    db: Path,
    *,
    project_dir: Path = PROJECT_DIR,
    target_path: Path | None = None,
) -> str:
    """Compile analyses/<name>.sql with `dbt compile` for the warehouse `db`; return its SQL."""
    return compile_analyses([name], db, project_dir=project_dir, target_path=target_path)[name]


def _require_warehouse(db: Path) -> None:
    # dbt would create an empty file at a wrong path; say what is missing instead.
    if not db.is_file():
        raise AnalysisError(f"warehouse {db} not found (build it with `make run` or `dbt build`)")


def run_sql(db: Path, sql: str) -> duckdb.DuckDBPyRelation:
    """Run `sql` on a read-only connection to the warehouse file `db`."""
    _require_warehouse(db)
    connection = duckdb.connect(str(db), read_only=True)
    try:
        return connection.sql(sql)
    except duckdb.Error as exc:
        raise AnalysisError(f"the analysis failed on {db}: {exc}") from exc
