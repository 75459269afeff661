"""Row-by-row comparison of two warehouses: every table of a schema, every column but the build
bookkeeping (columns whose dbt meta says ``build_metadata: true``, e.g. ``_loaded_at``).

Used by the incremental == full-refresh test and by ``make bench-incremental``. Two tables are
equal when they hold the same multiset of rows: exact for every column type but floating point,
which must agree to a relative 1e-9 (a sum over the same numbers in another order may differ in
the last bits). The fast path is an exact ``except all`` both ways; only a table that differs
there is compared in sorted order with the tolerance.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

FLOAT_TYPES = ("DOUBLE", "FLOAT", "REAL")
RELATIVE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class TableDiff:
    """How two copies of a table differ: rows only on one side, and rows that differ."""

    table: str
    left_rows: int
    right_rows: int
    differing_rows: int
    compared_columns: tuple[str, ...] = field(default=())

    @property
    def equal(self) -> bool:
        return self.differing_rows == 0 and self.left_rows == self.right_rows


def build_metadata_columns(manifest: Path) -> dict[str, set[str]]:
    """{model name: its columns marked ``meta: {build_metadata: true}``} from dbt's manifest."""
    nodes = json.loads(manifest.read_text())["nodes"].values()
    marked: dict[str, set[str]] = {}
    for node in nodes:
        for name, column in node.get("columns", {}).items():
            meta = {**column.get("meta", {}), **column.get("config", {}).get("meta", {})}
            if meta.get("build_metadata"):
                marked.setdefault(node["name"], set()).add(name)
    return marked


def _columns(con: duckdb.DuckDBPyConnection, table: str, ignore: set[str]) -> list[tuple[str, str]]:
    database, schema, name = table.split(".")
    rows = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? and table_name = ? order by ordinal_position",
        [database, schema, name],
    ).fetchall()
    return [(column, kind) for column, kind in rows if column not in ignore]


def _sorted_differences(
    con: duckdb.DuckDBPyConnection, left: str, right: str, columns: list[tuple[str, str]]
) -> int:
    """Rows that differ when both sides are sorted by every column (floats rounded to sort)."""
    keys = [f'round("{c}", 6)' if t in FLOAT_TYPES else f'"{c}"' for c, t in columns]
    order = ", ".join(f"{key} nulls first" for key in keys)
    names = ", ".join(f'"{c}"' for c, _ in columns)
    checks = []
    for column, kind in columns:
        a, b = f'l."{column}"', f'r."{column}"'
        if kind in FLOAT_TYPES:
            checks.append(
                f"not (({a} is null and {b} is null) or (isnan({a}) and isnan({b})) "
                f"or abs({a} - {b}) <= {RELATIVE_TOLERANCE} * (1 + abs({a})))"
            )
        else:
            checks.append(f"{a} is distinct from {b}")
    query = f"""
        with l as (select row_number() over (order by {order}) as n, {names} from {left}),
             r as (select row_number() over (order by {order}) as n, {names} from {right})
        select count(*) from l full join r on l.n = r.n
        where l.n is null or r.n is null or {" or ".join(checks) or "false"}
    """
    return con.execute(query).fetchone()[0]


def compare_table(
    con: duckdb.DuckDBPyConnection, left: str, right: str, ignore: set[str]
) -> TableDiff:
    """Compare ``left`` and ``right`` (database.schema.table names in ``con``)."""
    columns = _columns(con, left, ignore)
    names = ", ".join(f'"{c}"' for c, _ in columns)
    counts = [con.execute(f"select count(*) from {t}").fetchone()[0] for t in (left, right)]
    exact = con.execute(
        f"""select count(*) from (
            (select {names} from {left} except all select {names} from {right})
            union all
            (select {names} from {right} except all select {names} from {left})
        )"""
    ).fetchone()[0]
    differing = exact and _sorted_differences(con, left, right, columns)
    return TableDiff(
        left.split(".")[-1], counts[0], counts[1], differing, tuple(c for c, _ in columns)
    )


def compare_schema(
    left_db: Path, right_db: Path, schema: str, ignore: dict[str, set[str]]
) -> list[TableDiff]:
    """Every table of ``schema`` in either warehouse, compared (a table missing on one side
    counts all its rows as differing)."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{left_db}' as l (read_only)")
        con.execute(f"attach '{right_db}' as r (read_only)")
        tables = {
            side: {
                row[0]
                for row in con.execute(
                    "select table_name from information_schema.tables "
                    "where table_catalog = ? and table_schema = ? and table_type = 'BASE TABLE'",
                    [side, schema],
                ).fetchall()
            }
            for side in ("l", "r")
        }
        diffs = []
        for table in sorted(tables["l"] | tables["r"]):
            if table not in tables["l"] or table not in tables["r"]:
                side = "l" if table in tables["l"] else "r"
                rows = con.execute(f"select count(*) from {side}.{schema}.{table}").fetchone()[0]
                diffs.append(TableDiff(table, rows * (side == "l"), rows * (side == "r"), rows))
                continue
            diffs.append(
                compare_table(
                    con, f"l.{schema}.{table}", f"r.{schema}.{table}", ignore.get(table, set())
                )
            )
        return diffs
    finally:
        con.close()
