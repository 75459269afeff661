"""The generator's assignment log (<stem>.assignments.parquet) of checkout_button_test."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest
from funnelhouse.assignment import assign_md5_many, md5_buckets
from funnelhouse.generation.assignment_log import SCHEMA, assignments_path
from funnelhouse.generation.generator import GeneratorConfig, generate, truth_path


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> tuple[Path, dict[str, Any]]:
    path = tmp_path_factory.mktemp("log") / "events.parquet"
    return path, generate(GeneratorConfig(out=path, users=3000, days=60, seed=3))


def test_log_file_schema_and_truth(run) -> None:
    path, truth = run
    log_path = assignments_path(path)
    assert log_path == path.with_name("events.assignments.parquet") and log_path.exists()
    assert pq.read_schema(log_path) == SCHEMA
    log = truth["experiment"]["assignment_log"]
    assert json.loads(truth_path(path).read_text())["experiment"]["assignment_log"] == log
    con = duckdb.connect()
    rows, users, multi = con.execute(
        f"""
        select count(*), count(distinct user_id),
               count(*) filter (where n > 1)
        from (select user_id, count(distinct variant) over (partition by user_id) as n
              from '{log_path}')
        """
    ).fetchone()
    multi_users = con.execute(
        f"select count(*) from (select user_id from '{log_path}' group by 1 having count(*) > 1)"
    ).fetchone()[0]
    assert (rows, users, multi_users) == (
        log["rows"],
        log["assigned_users"],
        log["multi_variant_users"],
    )
    assert multi == 2 * multi_users  # every repeated user is in two different variants
    assert 0.001 < log["multi_variant_share"] < 0.006  # about 0.3 % (the "invalid" limit is 1 %)


def test_log_follows_the_hash_contract_and_the_window(run) -> None:
    path, truth = run
    exp = truth["experiment"]
    con = duckdb.connect()
    first = con.execute(
        f"""
        select user_id, arg_min(variant, assigned_at), min(assigned_at), max(assigned_at)
        from '{assignments_path(path)}' group by 1 order by 1
        """
    ).fetchall()
    ids = [r[0] for r in first]
    arms = assign_md5_many(exp["salt"], ids, exp["weights"], exp["coverage"])
    assert [r[1] for r in first] == [exp["variants"][a] for a in arms]
    dual = md5_buckets(f"{exp['salt']}:dual", ids) < 30
    assert sum(dual) == exp["assignment_log"]["multi_variant_users"]
    lo, hi = exp["window_start"], exp["window_end"]
    inside = con.execute(
        f"""
        select bool_and(assigned_at >= '{lo}'::timestamptz and assigned_at < '{hi}'::timestamptz)
        from '{assignments_path(path)}'
        """
    ).fetchone()[0]
    assert inside


def test_every_exposed_user_is_logged_at_or_before_exposure(run) -> None:
    """Users with an add_to_cart in the window (the exposed) are in the log, assigned at their
    first event in the window; users without any event in the window are not."""
    path, truth = run
    exp = truth["experiment"]
    con = duckdb.connect()
    con.execute(
        f"""
        create view clean as select * from '{path}'
        where user_id is not null and user_id <> ''
          and event_at >= '{exp["window_start"]}'::timestamptz
          and event_at < '{exp["window_end"]}'::timestamptz
        """
    )
    missing, late, unexpected = con.execute(
        f"""
        with log as (
            select user_id, min(assigned_at) as assigned_at
            from '{assignments_path(path)}' group by 1
        ),
        exposed as (
            select user_id, min(event_at) as exposed_at from clean
            where event_type = 'add_to_cart' group by 1
        ),
        seen as (select user_id, min(event_at) as first_at from clean group by 1)
        select
            (select count(*) from exposed anti join log using (user_id)),
            (select count(*) from exposed join log using (user_id)
             where log.assigned_at > exposed.exposed_at),
            (select count(*) from log anti join seen using (user_id))
        """
    ).fetchone()
    assert (missing, late, unexpected) == (0, 0, 0)
    single = exp["assignment_log"]["realised_excluding_multi_variant"]
    multi_exposed = exp["assignment_log"]["multi_variant_exposed_users"]
    assert (
        sum(v["exposed_users"] for v in single.values()) + multi_exposed
        == (exp["truth"]["exposed_users"])
    )
