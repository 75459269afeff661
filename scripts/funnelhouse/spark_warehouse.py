"""A Spark-built warehouse (the dbt `spark` target) read through DuckDB.

Spark keeps every table of schema S as a folder of Parquet files, <warehouse>/S.db/<table>/
(spark.sql.warehouse.dir, env SPARK_WAREHOUSE_DIR). `attach` makes each such table a DuckDB
view S.<table> on a connection, so that the code that reads a DuckDB warehouse reads the Spark
one unchanged. Spark's timestamps are instants (written with a UTC adjustment); the views show
them as the naive UTC timestamps a DuckDB warehouse has.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

SCHEMAS = ("marts", "seeds")


class SparkWarehouseError(Exception):
    """The folder is not a Spark warehouse with the expected schemas; one-line message."""


def table_folders(warehouse_dir: Path, schema: str) -> dict[str, Path]:
    """table name -> its folder, for every table of `schema` that has Parquet files."""
    schema_dir = Path(warehouse_dir) / f"{schema}.db"
    if not schema_dir.is_dir():
        return {}
    return {
        folder.name.lower(): folder
        for folder in sorted(schema_dir.iterdir())
        if folder.is_dir() and any(folder.glob("*.parquet"))
    }


def sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _normalized_columns(con: duckdb.DuckDBPyConnection, source: str) -> list[str]:
    """The select list of `source` with instants turned into naive UTC timestamps."""
    described = con.execute(f"describe select * from {source}").fetchall()
    columns = []
    for name, column_type, *_ in described:
        quoted = '"' + name.replace('"', '""') + '"'
        if column_type == "TIMESTAMP WITH TIME ZONE":
            columns.append(f"cast({quoted} as timestamp) as {quoted}")
        elif column_type == "TIMESTAMP WITH TIME ZONE[]":
            columns.append(f"cast({quoted} as timestamp[]) as {quoted}")
        else:
            columns.append(quoted)
    return columns


def attach(
    con: duckdb.DuckDBPyConnection, warehouse_dir: Path, schemas: tuple[str, ...] = SCHEMAS
) -> dict[str, list[str]]:
    """Create a view schema.table for every Spark table of `schemas`; returns their names."""
    warehouse_dir = Path(warehouse_dir)
    if not warehouse_dir.is_dir():
        raise SparkWarehouseError(f"Spark warehouse folder not found: {warehouse_dir}")
    con.execute("set TimeZone = 'UTC'")
    attached: dict[str, list[str]] = {}
    for schema in schemas:
        folders = table_folders(warehouse_dir, schema)
        con.execute(f'create schema if not exists "{schema}"')
        for table, folder in folders.items():
            source = f"read_parquet({sql_string(str(folder / '*.parquet'))})"
            columns = ", ".join(_normalized_columns(con, source))
            con.execute(
                f'create or replace view "{schema}"."{table}" as select {columns} from {source}'
            )
        attached[schema] = list(folders)
    if not attached.get("marts"):
        raise SparkWarehouseError(
            f"no marts in {warehouse_dir}: expected Parquet tables in "
            f"{warehouse_dir / 'marts.db'} (build with dbt --target spark first)"
        )
    return attached


def connect(warehouse_dir: Path, schemas: tuple[str, ...] = SCHEMAS) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with the Spark warehouse's tables as views."""
    con = duckdb.connect()
    try:
        attach(con, warehouse_dir, schemas)
    except BaseException:
        con.close()
        raise
    return con
