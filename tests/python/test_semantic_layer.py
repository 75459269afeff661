"""The MetricFlow semantic layer (models/marts/semantic) against SQL on the marts.

`mf validate-configs` must pass, and one `mf query` per metric must give the numbers a plain
SQL query on fct_channel_daily / fct_sessions gives (by day, and by day and channel). MetricFlow
reads target/semantic_manifest.json under the project root and opens the warehouse read-write,
so it runs in a copy of the project (after `dbt parse`) on a copy of the test warehouse, with
the network cut off when `unshare` can do so (it must work offline).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MF = BIN / "mf"
NOT_PROJECT = shutil.ignore_patterns(
    ".venv", ".git", "build", "data", "target", "logs", "reports", "bench", "*.duckdb", ".make"
)
# metric -> (group-by, SQL on the marts giving the same columns)
DAILY = "select session_date as metric_time__day, {expr} as value from marts.{table} group by 1"
BY_CHANNEL = (
    "select session_date as metric_time__day, channel as session__channel, {expr} as value "
    "from marts.fct_channel_daily group by 1, 2"
)
METRICS = {
    "sessions": ("metric_time__day", DAILY.format(expr="sum(sessions)", table="fct_channel_daily")),
    "users": (
        "metric_time__day",
        DAILY.format(expr="count(distinct user_id)", table="fct_sessions"),
    ),
    "orders": ("metric_time__day,session__channel", BY_CHANNEL.format(expr="sum(orders)")),
    "revenue": ("metric_time__day,session__channel", BY_CHANNEL.format(expr="sum(revenue)")),
    "conversion_rate": (
        "metric_time__day",
        DAILY.format(expr="sum(purchasing_sessions) / sum(sessions)", table="fct_channel_daily"),
    ),
    "revenue_per_session": (
        "metric_time__day,session__channel",
        BY_CHANNEL.format(expr="sum(revenue) / sum(sessions)"),
    ),
    "average_order_value": (
        "metric_time__day",
        DAILY.format(expr="sum(revenue) / nullif(sum(orders), 0)", table="fct_channel_daily"),
    ),
}


def _offline() -> list[str]:
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True, check=False)
    return ["unshare", "-n"] if probe.returncode == 0 else []


@pytest.fixture(scope="module")
def mf(test_db: Path, test_events: Path, tmp_path_factory: pytest.TempPathFactory):
    workdir = tmp_path_factory.mktemp("semantic")
    project = workdir / "project"
    shutil.copytree(ROOT, project, ignore=NOT_PROJECT)
    copy = workdir / test_db.name
    shutil.copyfile(test_db, copy)
    env = {**os.environ, "DUCKDB_PATH": str(copy), "EVENTS_PATH": str(test_events.resolve()),
           "DBT_PROFILES_DIR": str(project), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}  # fmt: skip
    prefix = _offline()

    def run(executable: Path, *args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([*prefix, str(executable), *args], cwd=project, env=env,
                                capture_output=True, text=True, timeout=600)  # fmt: skip
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        return result

    run(BIN / "dbt", "parse", "--quiet")

    def mf_command(*args: str) -> subprocess.CompletedProcess[str]:
        return run(MF, *args)

    mf_command.db = copy
    return mf_command


def test_validate_configs(mf) -> None:
    out = mf("validate-configs").stdout
    assert "ERRORS: 0" in out and "Successfully validated metrics" in out


@pytest.mark.parametrize("metric", sorted(METRICS))
def test_each_metric_matches_sql_on_the_marts(mf, metric: str, tmp_path: Path) -> None:
    group_by, sql = METRICS[metric]
    csv = tmp_path / f"{metric}.csv"
    mf("query", "--metrics", metric, "--group-by", group_by, "--csv", str(csv), "--quiet")
    keys = group_by.split(",")
    got = pd.read_csv(csv)
    got["metric_time__day"] = pd.to_datetime(got["metric_time__day"])
    with duckdb.connect(str(mf.db), read_only=True) as con:
        want = con.sql(sql).df()
    want["metric_time__day"] = pd.to_datetime(want["metric_time__day"])
    merged = got.merge(want, on=keys, how="outer", indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"].head()
    assert len(merged) > 50
    np.testing.assert_allclose(
        merged[metric].astype(float), merged["value"].astype(float), rtol=1e-9, equal_nan=True
    )


def test_the_readme_query_conversion_by_week_and_channel(mf, tmp_path: Path) -> None:
    csv = tmp_path / "weekly.csv"
    mf("query", "--metrics", "conversion_rate", "--group-by",
       "metric_time__week,session__channel", "--csv", str(csv), "--quiet")  # fmt: skip
    got = pd.read_csv(csv)
    got["metric_time__week"] = pd.to_datetime(got["metric_time__week"])
    with duckdb.connect(str(mf.db), read_only=True) as con:
        want = con.sql(
            "select date_trunc('week', session_date) as metric_time__week, "
            "channel as session__channel, sum(purchasing_sessions) / sum(sessions) as value "
            "from marts.fct_channel_daily group by 1, 2"
        ).df()
    want["metric_time__week"] = pd.to_datetime(want["metric_time__week"])
    merged = got.merge(want, on=["metric_time__week", "session__channel"], how="outer")
    assert len(merged) == len(want) == len(got) > 20
    np.testing.assert_allclose(merged["conversion_rate"], merged["value"], rtol=1e-9)
