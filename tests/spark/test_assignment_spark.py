"""The Spark assignment SQL (spark__experiment_bucket / spark__experiment_variant_index, compiled
by dbt for the spark target) equals funnelhouse.assignment, the public contract, user for user,
for both hash methods and weight sets whose sums round differently in other orders; run in a
local SparkSession on 30,000 user ids (the DuckDB side:
tests/python/test_experiment_assignment_sql.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pytest
from funnelhouse.assignment import assign_growthbook_many, assign_md5_many

ROOT = Path(__file__).resolve().parents[2]
DBT = Path(sys.executable).parent / "dbt"
USER_IDS = [
    *(f"user_{i}" for i in range(30_000)),
    *("a", "b", "ab", "def"),  # GrowthBook test-vector ids
    "ünïcødé",
    "",
    "a:b",
    " spaced ",
    "😀",
]
CONFIGS = [
    ([0.5, 0.5], 1.0),
    ([0.5, 0.3, 0.2], 0.7),
    ([0.1, 0.2, 0.3, 0.4], 0.37),
    ([1.0, 0.0, 3.0], 0.25),
    ([0.2, 0.8], 0.5),
]
PYTHON = {"md5": assign_md5_many, "growthbook": assign_growthbook_many}
INLINE = (
    "select config_id, user_id, "
    "{{ experiment_variant_index('hash_method', experiment_bucket('hash_method', 'salt', "
    "'user_id'), 'weights', 'coverage') }} as variant_index from input_rows"
)


def _compiled_sql(tmp_path: Path) -> str:
    env = dict(os.environ, DBT_SEND_ANONYMOUS_USAGE_STATS="false", EVENTS_PATH="unused.parquet")
    result = subprocess.run(
        [
            str(DBT),
            "compile",
            "--profiles-dir",
            ".",
            "--project-dir",
            ".",
            "--target",
            "spark",
            "--target-path",
            str(tmp_path / "target"),
            "--log-path",
            str(tmp_path / "logs"),
            "--quiet",
            "--inline",
            INLINE,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout.strip()


@pytest.fixture(scope="module")
def spark_assignments(engines_dir: Path, tmp_path_factory) -> duckdb.DuckDBPyConnection:
    """(config_id, user_id, variant_index) of every config and method, computed by Spark."""
    from pyspark.sql import SparkSession

    tmp_path = tmp_path_factory.mktemp("assignment")
    sql = _compiled_sql(tmp_path)
    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    configs = [
        (f"{method}-{i}", method, "checkout_button_test", weights, coverage)
        for method in PYTHON
        for i, (weights, coverage) in enumerate(CONFIGS)
    ]
    spark.createDataFrame(
        configs,
        "config_id string, hash_method string, salt string, weights array<double>, coverage double",
    ).createOrReplaceTempView("configs")
    spark.createDataFrame([(u,) for u in USER_IDS], "user_id string").createOrReplaceTempView("ids")
    spark.sql("select * from ids cross join configs").createOrReplaceTempView("input_rows")
    out = tmp_path / "assigned"
    spark.sql(sql).write.parquet(str(out))
    con = duckdb.connect()
    con.execute(f"create table assigned as select * from read_parquet('{out}/*.parquet')")
    return con


@pytest.mark.parametrize("method", sorted(PYTHON))
@pytest.mark.parametrize("config", range(len(CONFIGS)))
def test_spark_assigns_like_python(spark_assignments, method: str, config: int) -> None:
    weights, coverage = CONFIGS[config]
    rows = dict(
        spark_assignments.execute(
            "select user_id, variant_index from assigned where config_id = ?",
            [f"{method}-{config}"],
        ).fetchall()
    )
    sql = np.array([-1 if rows[u] is None else rows[u] for u in USER_IDS], dtype=np.int64)
    python = PYTHON[method]("checkout_button_test", USER_IDS, weights, coverage)
    bad = np.flatnonzero(sql != python)
    assert bad.size == 0, [(USER_IDS[i], sql[i], python[i]) for i in bad[:5]]
    assert len(set(sql.tolist())) == sum(w > 0 for w in weights) + (coverage < 1)
