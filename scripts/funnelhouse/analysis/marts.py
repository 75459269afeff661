"""Read the experiment marts from a DuckDB warehouse (read-only, aggregate tables only), or from
a Spark-built one (its Parquet tables read through DuckDB, funnelhouse.spark_warehouse).

The contract (schema ``marts``) is ``REQUIRED_COLUMNS``: a table listed there must have at
least those columns (extra columns are ignored); ``OPTIONAL_TABLES`` may be absent, and the
analysis then says which section is unavailable. Experiment ids are always bound as SQL
parameters. Nothing here reads per-user rows, so the cost does not grow with the user count.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from funnelhouse import spark_warehouse
from funnelhouse.analysis.errors import AnalysisError
from funnelhouse.stats.sufficient import SUM_COLUMNS

SCHEMA = "marts"
STATS_KEY: tuple[str, ...] = ("experiment_id", "variant", "metric_name", "segment_name")
STATS_COLUMNS: tuple[str, ...] = (*STATS_KEY, "segment_value", *SUM_COLUMNS)

REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "dim_experiments": (
        "experiment_id",
        "description",
        "is_simulated",
        "coverage",
        "window_start_at",
        "window_end_at",
        "conversion_window_complete",
        "analysis_plan",
        "planned_users",
        "is_aa_test",
    ),
    "dim_experiment_variants": (
        "experiment_id",
        "variant",
        "variant_index",
        "weight",
        "is_control",
    ),
    "dim_experiment_metrics": (
        "experiment_id",
        "metric_name",
        "metric_type",
        "metric_role",
        "higher_is_better",
        "is_revenue",
    ),
    "fct_experiment_health": ("experiment_id", "multi_variant_users", "multi_variant_share"),
    "fct_experiment_variant_stats": STATS_COLUMNS,
    "fct_experiment_variant_stats_daily": (*STATS_COLUMNS, "look_date"),
    "fct_experiment_aa_stats": (*STATS_COLUMNS, "salt_index"),
}
# Absent optional tables switch a section off (with a note) instead of failing.
OPTIONAL_TABLES: frozenset[str] = frozenset(
    {"fct_experiment_variant_stats_daily", "fct_experiment_aa_stats"}
)
ROI_SEED = ("seeds", "roi_assumptions")
PROFILE_TABLE = "dq_dataset_profile"
BUILD_INFO_TABLE = "dq_build_info"
COHORT_TABLE = "fct_cohort_retention"


@dataclass
class ExperimentData:
    """Everything the analysis of one experiment reads (small aggregate frames)."""

    experiment: dict[str, Any]
    variants: pd.DataFrame
    metrics: pd.DataFrame
    health: dict[str, Any]
    stats: pd.DataFrame
    daily: pd.DataFrame | None
    aa: pd.DataFrame | None
    notes: list[str] = field(default_factory=list)


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _clean(value: Any) -> Any:
    """numpy/pandas scalars -> plain Python, nulls -> None."""
    if _is_missing(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


class Warehouse:
    """A read-only connection to a DuckDB warehouse with the experiment marts (or, with
    `connection`, to the views of a Spark-built one: see ``from_spark``)."""

    def __init__(self, path: str | Path, connection: duckdb.DuckDBPyConnection | None = None):
        self.path = Path(path)
        if connection is not None:
            self.connection = connection
        elif not self.path.is_file():
            raise AnalysisError(f"warehouse file not found: {self.path}")
        else:
            try:
                self.connection = duckdb.connect(str(self.path), read_only=True)
            except duckdb.Error as exc:
                first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
                raise AnalysisError(f"cannot open {self.path} read-only: {first_line}") from exc
        self._columns = self._load_columns()

    @classmethod
    def from_spark(cls, spark_dir: str | Path) -> Warehouse:
        """The marts and seeds of a Spark warehouse folder (dbt target spark)."""
        try:
            return cls(spark_dir, connection=spark_warehouse.connect(Path(spark_dir)))
        except (spark_warehouse.SparkWarehouseError, duckdb.Error) as exc:
            raise AnalysisError(str(exc).strip().splitlines()[0]) from exc

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ catalogue
    def _load_columns(self) -> dict[tuple[str, str], set[str]]:
        rows = self.connection.execute(
            "select table_schema, table_name, column_name from information_schema.columns"
        ).fetchall()
        columns: dict[tuple[str, str], set[str]] = {}
        for schema, table, column in rows:
            columns.setdefault((schema.lower(), table.lower()), set()).add(column.lower())
        return columns

    def has_table(self, table: str, schema: str = SCHEMA) -> bool:
        return (schema, table) in self._columns

    def columns(self, table: str, schema: str = SCHEMA) -> set[str]:
        return self._columns.get((schema, table), set())

    def require(self, table: str, columns: Iterable[str], schema: str = SCHEMA) -> None:
        """Raise a clear error naming the table and the missing columns."""
        if not self.has_table(table, schema):
            raise AnalysisError(
                f"table {schema}.{table} not found in {self.path} "
                "(build the experiment marts with `dbt build` first)"
            )
        missing = [c for c in columns if c not in self.columns(table, schema)]
        if missing:
            raise AnalysisError(
                f"table {schema}.{table} is missing column(s): {', '.join(missing)}"
            )

    def check_contract(self) -> list[str]:
        """Check every contracted table; return notes about absent optional tables."""
        notes = []
        for table, columns in REQUIRED_COLUMNS.items():
            if table in OPTIONAL_TABLES and not self.has_table(table):
                notes.append(f"{SCHEMA}.{table} is not in the warehouse")
                continue
            self.require(table, columns)
        return notes

    # ------------------------------------------------------------------ queries
    def query(self, sql: str, parameters: list[Any] | None = None) -> pd.DataFrame:
        return self.connection.execute(sql, parameters or []).df()

    def _experiment_rows(self, table: str, experiment_id: str, order_by: str) -> pd.DataFrame:
        # table names come from REQUIRED_COLUMNS (never from the user); ids are parameters
        return self.query(
            f"select * from {SCHEMA}.{table} where experiment_id = ? order by {order_by}",
            [experiment_id],
        )

    def experiment_ids(self) -> list[str]:
        frame = self.query(f"select experiment_id from {SCHEMA}.dim_experiments order by 1")
        return [str(v) for v in frame["experiment_id"].tolist()]

    def exposed_users(self, experiment_id: str) -> int | None:
        """Exposed users of an experiment per fct_experiment_health (None without a row)."""
        rows = self._experiment_rows("fct_experiment_health", experiment_id, "experiment_id")
        if rows.empty or _is_missing(rows.iloc[0].get("exposed_users")):
            return None
        return int(rows.iloc[0]["exposed_users"])

    def primary_metric_users(self, experiment_id: str) -> int | None:
        """Users with a known primary-metric value (all arms), None without stats rows."""
        frame = self.query(
            f"select sum(stats.users) as users from {SCHEMA}.fct_experiment_variant_stats as stats "
            f"inner join {SCHEMA}.dim_experiment_metrics as metrics "
            "on stats.experiment_id = metrics.experiment_id "
            "and stats.metric_name = metrics.metric_name "
            "where stats.experiment_id = ? and metrics.metric_role = 'primary' "
            "and stats.segment_name = 'all'",
            [experiment_id],
        )
        value = frame["users"].iloc[0]
        return None if _is_missing(value) else int(value)

    def load_experiment(self, experiment_id: str) -> ExperimentData:
        """Read one experiment's rows from every contracted table."""
        dim = self._experiment_rows("dim_experiments", experiment_id, "experiment_id")
        if dim.empty:
            known = ", ".join(self.experiment_ids()) or "none"
            raise AnalysisError(f"unknown experiment {experiment_id!r} (known: {known})")
        if len(dim) > 1:
            raise AnalysisError(
                f"{SCHEMA}.dim_experiments has {len(dim)} rows for experiment {experiment_id!r}"
            )
        experiment = {k: _clean(v) for k, v in dim.iloc[0].to_dict().items()}
        variants = self._experiment_rows("dim_experiment_variants", experiment_id, "variant_index")
        metrics = self._experiment_rows("dim_experiment_metrics", experiment_id, "metric_name")
        health_rows = self._experiment_rows("fct_experiment_health", experiment_id, "experiment_id")
        health = (
            {k: _clean(v) for k, v in health_rows.iloc[0].to_dict().items()}
            if not health_rows.empty
            else {}
        )
        stats = self._experiment_rows(
            "fct_experiment_variant_stats",
            experiment_id,
            "metric_name, segment_name, segment_value, variant",
        )
        daily = aa = None
        if self.has_table("fct_experiment_variant_stats_daily"):
            daily = self.query(
                f"select * from {SCHEMA}.fct_experiment_variant_stats_daily "
                "where experiment_id = ? and segment_name = 'all' "
                "order by metric_name, look_date, variant",
                [experiment_id],
            )
        if self.has_table("fct_experiment_aa_stats"):
            aa = self.query(
                f"select * from {SCHEMA}.fct_experiment_aa_stats "
                "where experiment_id = ? and segment_name = 'all' "
                "order by metric_name, salt_index, variant",
                [experiment_id],
            )
        return ExperimentData(
            experiment=experiment,
            variants=variants,
            metrics=metrics,
            health=health,
            stats=stats,
            daily=daily,
            aa=aa,
        )

    def dataset_profile(self) -> dict[str, Any] | None:
        """The one row of marts.dq_dataset_profile, or None when the table is absent."""
        if not self.has_table(PROFILE_TABLE):
            return None
        frame = self.query(f"select * from {SCHEMA}.{PROFILE_TABLE} limit 1")
        return None if frame.empty else {k: _clean(v) for k, v in frame.iloc[0].to_dict().items()}

    def build_info(self) -> dict[str, Any] | None:
        """The one row of marts.dq_build_info (timestamps as datetimes), or None when absent."""
        if not self.has_table(BUILD_INFO_TABLE):
            return None
        cursor = self.connection.execute(f"select * from {SCHEMA}.{BUILD_INFO_TABLE} limit 1")
        row = cursor.fetchone()
        names = [column[0] for column in cursor.description]
        return None if row is None else dict(zip(names, row, strict=True))

    def roi_assumption_rows(self) -> pd.DataFrame | None:
        schema, table = ROI_SEED
        if not self.has_table(table, schema):
            return None
        return self.query(f"select * from {schema}.{table}")

    def cohort_retention(self) -> pd.DataFrame | None:
        if not self.has_table(COHORT_TABLE):
            return None
        return self.query(f"select * from {SCHEMA}.{COHORT_TABLE}")
