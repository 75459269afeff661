"""Row-by-row comparison of the marts of a DuckDB warehouse and a Spark-built one.

Rows are matched on the mart's primary key (its unique / unique_combination data test in the
dbt manifest; a mart without one is matched on all its columns that are not floating point,
plus a row's rank among equal ones). Every column must agree: ids, counts, texts, dates,
timestamps and decimals exactly, floating point to RELATIVE_TOLERANCE of the larger magnitude.
Columns that describe the build rather than the data are not compared: those whose dbt meta says
``build_metadata: true`` (build ids and times, ``_loaded_at``) and ENGINE_COLUMNS.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from funnelhouse import spark_warehouse
from funnelhouse.warehouse_diff import build_metadata_columns

RELATIVE_TOLERANCE = 1e-9
# Per mart: the columns that name the engine's version, not the data.
ENGINE_COLUMNS = {"dq_build_info": {"duckdb_version"}}
FLOAT_TYPES = {"DOUBLE", "FLOAT", "REAL"}
INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT"}
DUCKDB_CATALOG = "duckdb_warehouse"
SHOWN_ROWS = 3


@dataclass
class MartComparison:
    mart: str
    key: list[str]
    duckdb_rows: int = 0
    spark_rows: int = 0
    differing_rows: int = 0
    problems: list[str] = field(default_factory=list)  # column / table mismatches
    examples: list[str] = field(default_factory=list)  # the first differing rows

    @property
    def agrees(self) -> bool:
        return not self.problems and self.differing_rows == 0


def type_family(column_type: str) -> str:
    """What must agree between the engines: INTEGER vs BIGINT is fine, DOUBLE vs DECIMAL not."""
    upper = column_type.upper()
    if upper.endswith("[]"):
        return type_family(upper[:-2]) + "[]"
    if upper in INTEGER_TYPES or (upper.startswith("U") and upper[1:] in INTEGER_TYPES):
        return "integer"
    if upper in FLOAT_TYPES:
        return "float"
    if upper.startswith("DECIMAL"):
        return "decimal"
    return upper


def mart_keys(manifest_path: Path) -> dict[str, list[str]]:
    """mart name -> its primary key columns, from the manifest's uniqueness tests."""
    manifest = json.loads(Path(manifest_path).read_text())
    keys: dict[str, list[str]] = {}
    for node in manifest["nodes"].values():
        metadata = node.get("test_metadata") or {}
        kwargs = metadata.get("kwargs") or {}
        if metadata.get("name") == "unique" and kwargs.get("column_name"):
            columns = [kwargs["column_name"]]
        elif metadata.get("name") == "unique_combination" and kwargs.get("columns"):
            columns = list(kwargs["columns"])
        else:
            continue
        model = (node.get("attached_node") or "").split(".")[-1]
        if model and (model not in keys or len(columns) < len(keys[model])):
            keys[model] = columns
    return keys


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    return {
        name: column_type
        for name, column_type, *_ in con.execute(f"describe select * from {relation}").fetchall()
    }


def _equal(column: str, family: str) -> str:
    d, s = f"d.{_quote(column)}", f"s.{_quote(column)}"
    exact = f"{d} is not distinct from {s}"
    if family != "float":
        return exact
    close = f"abs({d} - {s}) <= {RELATIVE_TOLERANCE} * greatest(abs({d}), abs({s}))"
    return f"coalesce({exact} or (isnan({d}) and isnan({s})) or {close}, false)"


def _row_key(key: list[str], columns: dict[str, str]) -> tuple[list[str], str]:
    """The columns rows are matched on and the rank expression for keyless marts."""
    if key:
        return key, ""
    exact = [c for c, t in columns.items() if type_family(t) != "float"]
    floats = [c for c in columns if c not in exact]
    partition = ", ".join(_quote(c) for c in exact) or "1"
    order = ", ".join(_quote(c) for c in floats) or "1"
    return [*exact, "__rank__"], f", row_number() over (partition by {partition} order by {order})"


def compare_mart(
    con: duckdb.DuckDBPyConnection,
    mart: str,
    key: list[str],
    duckdb_relation: str,
    build_columns: Collection[str] = (),
) -> MartComparison:
    """Compare DUCKDB_CATALOG.marts.<mart> with the attached Spark view marts.<mart>."""
    result = MartComparison(mart=mart, key=key)
    spark_relation = f"memory.marts.{_quote(mart)}"
    d_columns, s_columns = _columns(con, duckdb_relation), _columns(con, spark_relation)
    if list(d_columns) != list(s_columns):
        result.problems.append(f"columns differ: duckdb {list(d_columns)}, spark {list(s_columns)}")
        return result
    for column, column_type in d_columns.items():
        if type_family(column_type) != type_family(s_columns[column]):
            result.problems.append(
                f"column {column}: duckdb {column_type}, spark {s_columns[column]}"
            )
    if result.problems:
        return result
    # a build column (dq_build_info's build_id) can be neither compared nor matched on
    compared = [c for c in d_columns if c not in build_columns]
    data_key = [c for c in key if c not in build_columns]
    match_on, rank = _row_key(data_key, {c: d_columns[c] for c in compared})
    _count_differences(con, result, d_columns, compared, match_on, rank, duckdb_relation)
    return result


def _count_differences(
    con: duckdb.DuckDBPyConnection,
    result: MartComparison,
    columns: dict[str, str],
    compared: list[str],
    match_on: list[str],
    rank: str,
    duckdb_relation: str,
) -> None:
    rank_column = " as __rank__" if rank else ""
    select = f"select *, true as __present__{rank}{rank_column}"
    joined = (
        f"with d as ({select} from {duckdb_relation}), "
        f"s as ({select} from memory.marts.{_quote(result.mart)}) "
        "select {columns} from d full outer join s on "
        + " and ".join(f"d.{_quote(c)} is not distinct from s.{_quote(c)}" for c in match_on)
    )
    differs = {c: f"not ({_equal(c, type_family(columns[c]))})" for c in compared}
    any_diff = " or ".join(differs.values()) or "false"
    missing = "d.__present__ is null or s.__present__ is null"
    counts = con.execute(
        joined.format(
            columns="count(d.__present__), count(s.__present__), "
            f"count(*) filter (where {missing} or {any_diff})"
        )
    ).fetchone()
    result.duckdb_rows, result.spark_rows, result.differing_rows = counts
    if result.differing_rows:
        result.examples = _examples(con, joined, differs, match_on, f"{missing} or {any_diff}")


def _examples(
    con: duckdb.DuckDBPyConnection,
    joined: str,
    differs: dict[str, str],
    match_on: list[str],
    differing: str,
) -> list[str]:
    """The first differing rows: their key, then each differing column on both engines."""
    key_values = ", ".join(
        f"cast(coalesce(d.{_quote(c)}, s.{_quote(c)}) as varchar)" for c in match_on
    )
    flags = ", ".join(differs.values()) or "false"
    values = "".join(f", d.{_quote(c)}, s.{_quote(c)}" for c in differs)
    columns = f"d.__present__ is null, s.__present__ is null, [{key_values}], [{flags}]{values}"
    rows = con.execute(
        joined.format(columns=columns) + f" where {differing} order by 3 limit {SHOWN_ROWS}"
    ).fetchall()
    names = list(differs)
    examples = []
    for row in rows:
        where = ", ".join(f"{c}={v}" for c, v in zip(match_on, row[2], strict=True))
        if row[0] or row[1]:
            examples.append(f"{where}: only in {'spark' if row[0] else 'duckdb'}")
            continue
        parts = [
            f"{name} duckdb={row[4 + 2 * i]!r} spark={row[5 + 2 * i]!r}"
            for i, name in enumerate(names)
            if row[3][i]
        ]
        examples.append(f"{where}: " + "; ".join(parts))
    return examples


def not_compared_columns(manifest_path: Path) -> dict[str, set[str]]:
    """{model: its columns that describe the build or the engine}: build_metadata and
    ENGINE_COLUMNS."""
    columns = build_metadata_columns(manifest_path)
    for mart, engine_columns in ENGINE_COLUMNS.items():
        columns.setdefault(mart, set()).update(engine_columns)
    return columns


def compare_warehouses(
    duckdb_path: Path, spark_dir: Path, manifest_path: Path, marts: list[str] | None = None
) -> list[MartComparison]:
    """Every mart of the DuckDB warehouse (or the given ones) against the Spark warehouse."""
    keys = mart_keys(manifest_path)
    build_columns = not_compared_columns(manifest_path)
    con = spark_warehouse.connect(spark_dir, schemas=("marts",))
    try:
        con.execute(
            f"attach {spark_warehouse.sql_string(str(duckdb_path))} as {DUCKDB_CATALOG} (read_only)"
        )
        duck_marts = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables where table_catalog = ? "
                "and table_schema = 'marts' order by 1",
                [DUCKDB_CATALOG],
            ).fetchall()
        ]
        spark_marts = set(spark_warehouse.table_folders(spark_dir, "marts"))
        results = []
        for mart in marts or duck_marts:
            if mart not in spark_marts:
                missing = MartComparison(mart=mart, key=keys.get(mart, []))
                missing.problems.append("not in the Spark warehouse")
                results.append(missing)
                continue
            relation = f"{DUCKDB_CATALOG}.marts.{_quote(mart)}"
            not_compared = build_columns.get(mart, set())
            results.append(compare_mart(con, mart, keys.get(mart, []), relation, not_compared))
        for mart in [] if marts else sorted(spark_marts - set(duck_marts)):
            extra = MartComparison(mart=mart, key=[])
            extra.problems.append("only in the Spark warehouse")
            results.append(extra)
        return results
    finally:
        con.close()
