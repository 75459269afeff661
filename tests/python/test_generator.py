"""Tests for the synthetic clickstream generator (small sizes, a few seconds in total)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from funnelhouse.assignment import assign_md5_many
from funnelhouse.generation.generator import (
    SCHEMA,
    GeneratorConfig,
    experiment_window,
    generate,
    truth_path,
)
from funnelhouse.generation.simparams import CHANNELS, DEVICES, EVENT_TYPES

SMALL = {"users": 3000, "days": 60}
CANONICAL = str(tuple(EVENT_TYPES))  # SQL list of the canonical event types
VISIT_SPLIT_US = int(22.5 * 60e6)  # visits: inner gaps <= 20 min, gaps between >= 25 min


def _run(path: Path, **kwargs: Any) -> dict[str, Any]:
    options = {**SMALL, **kwargs}
    return generate(GeneratorConfig(out=path, **options))


@pytest.fixture(scope="module")
def dirty_run(tmp_path_factory) -> tuple[Path, dict[str, Any]]:
    path = tmp_path_factory.mktemp("dirty") / "events.parquet"
    return path, _run(path, seed=11)


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory) -> tuple[Path, dict[str, Any]]:
    path = tmp_path_factory.mktemp("clean") / "events.parquet"
    return path, _run(path, seed=5, dirty_rate=0.0)


def _clean_view(con: duckdb.DuckDBPyConnection, source: str) -> None:
    """Events minus the injected noise: the cleaning the warehouse is expected to do."""
    con.execute(
        f"""
        create or replace view clean as
        select distinct * from {source}
        where user_id is not null and user_id <> ''
          and event_type in {CANONICAL}
          and (revenue is null or revenue >= 0)
        """
    )


def _visits(con: duckdb.DuckDBPyConnection) -> None:
    """Reconstruct generator visits from the clean events (exact by construction)."""
    con.execute(
        f"""
        create or replace table ev as
        with t as (
            select *, epoch_us(event_at) as t_us from clean
        ), g as (
            select *, t_us - lag(t_us) over (partition by user_id order by t_us) as gap_us
            from t
        )
        select *,
            sum(case when gap_us is null or gap_us > {VISIT_SPLIT_US} then 1 else 0 end)
                over (partition by user_id order by t_us) as visit_no
        from g
        """
    )
    con.execute(
        """
        create or replace table visits as
        select user_id, visit_no,
            count(distinct device) as n_devices,
            any_value(device) as device,
            arg_min(event_type, t_us) as first_type,
            arg_max(event_type, t_us) as last_type,
            min(t_us) filter (where event_type = 'page_view') as t_pv,
            min(t_us) filter (where event_type = 'product_view') as t_prod,
            min(t_us) filter (where event_type = 'add_to_cart') as t_cart,
            min(t_us) filter (where event_type = 'remove_from_cart') as t_remove,
            min(t_us) filter (where event_type = 'begin_checkout') as t_checkout,
            min(t_us) filter (where event_type = 'purchase') as t_buy,
            count(*) filter (where event_type = 'purchase') as n_buy,
            max(gap_us) filter (where gap_us <= 22.5 * 60e6) as max_inner_gap
        from ev group by all
        """
    )


def test_same_seed_same_bytes_and_different_seed_differs(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.parquet", tmp_path / "b.parquet", tmp_path / "c.parquet"
    _run(a, seed=3, users=800)
    _run(b, seed=3, users=800)
    _run(c, seed=4, users=800)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()
    truth_a = json.loads(truth_path(a).read_text())
    truth_b = json.loads(truth_path(b).read_text())
    truth_a["parameters"].pop("file")
    truth_b["parameters"].pop("file")
    assert truth_a == truth_b


def test_schema_and_types(dirty_run) -> None:
    path, _ = dirty_run
    assert truth_path(path).exists()
    pf = pq.ParquetFile(path)
    assert pf.schema_arrow == SCHEMA
    assert pf.schema_arrow.names == [
        "user_id", "event_at", "event_type", "event_id", "session_id", "item_id",
        "order_id", "revenue", "device", "channel", "country",
    ]  # fmt: skip
    ts = json.loads(pf.schema.column(1).logical_type.to_json())
    assert ts["Type"] == "Timestamp" and ts["isAdjustedToUTC"] is True
    assert ts["timeUnit"] == "microseconds"
    con = duckdb.connect()
    row = con.execute(
        f"""
        select count(*) filter (where revenue is not null and event_type <> 'purchase'),
               count(*) filter (where order_id is not null and event_type <> 'purchase'),
               count(*) filter (where event_type = 'purchase' and
                                (revenue is null or order_id is null)),
               count(*) filter (where device not in {tuple(DEVICES)}),
               count(*) filter (where channel not in {tuple(CHANNELS)}),
               count(*) filter (where not regexp_full_match(country, '[A-Z]{{2}}')),
               count(*) filter (where session_id is null and event_type <> 'purchase'),
               min(event_at) >= '2026-01-01 00:00:00+00'::timestamptz,
               max(event_at) < '2026-03-02 00:00:00+00'::timestamptz,
               count(*) filter (where microsecond(event_at) % 1000 <> 0)
        from '{path}'
        """
    ).fetchone()
    assert row[:7] == (0, 0, 0, 0, 0, 0, 0)
    assert row[7] and row[8]
    assert row[9] > 0  # genuine microsecond precision
    types = {r[0] for r in con.execute(f"select distinct event_type from '{path}'").fetchall()}
    assert types == {*EVENT_TYPES, "wishlist_add"}


def test_clean_data_has_unique_ids_and_no_noise(clean_run) -> None:
    path, truth = clean_run
    con = duckdb.connect()
    row = con.execute(
        f"""
        select count(*), count(event_id), count(distinct event_id),
               count(*) filter (where user_id is null or user_id = ''),
               count(*) filter (where event_type not in {CANONICAL}),
               count(*) filter (where revenue < 0),
               count(order_id), count(distinct order_id)
        from '{path}'
        """
    ).fetchone()
    n = truth["realised"]["events_clean"]
    assert row == (n, n, n, 0, 0, 0, row[6], row[6])
    assert truth["dirty"]["extra_rows_total"] == 0
    assert truth["dirty"]["rows_total"] == n
    assert row[6] == truth["realised"]["purchases"]


def test_dirty_counts_match_truth(dirty_run) -> None:
    path, truth = dirty_run
    d = truth["dirty"]
    con = duckdb.connect()
    row = con.execute(
        f"""
        with grouped as (
            select *, count(*) as copies from '{path}' group by all
        )
        select sum(copies),
               sum(copies - 1) filter (where event_id is not null),
               sum(copies) filter (where event_id is null),
               count(*) filter (where event_id is null and copies <> 2),
               sum(copies) filter (where user_id = ''),
               sum(copies) filter (where user_id is null),
               sum(copies) filter (where event_type = 'wishlist_add'),
               sum(copies) filter (where revenue < 0)
        from grouped
        """
    ).fetchone()
    assert row == (
        d["rows_total"],
        d["exact_duplicate_rows"],
        d["null_event_id_rows"],
        0,
        d["blank_user_id_rows"],
        d["null_user_id_rows"],
        d["unknown_event_type_rows"],
        d["negative_revenue_rows"],
    )
    assert all(d[k] >= 1 for k in ("exact_duplicate_rows", "negative_revenue_rows"))
    assert d["null_event_id_rows"] == 2 * d["null_event_id_duplicate_rows"]
    _clean_view(con, f"'{path}'")
    clean = con.execute(
        "select count(*), count(distinct event_id), sum(revenue) from clean"
    ).fetchone()
    assert clean[0] == truth["realised"]["events_clean"] == d["rows_total"] - d["extra_rows_total"]
    assert clean[1] == clean[0] - d["null_event_id_duplicate_rows"]
    assert clean[2] == pytest.approx(truth["realised"]["revenue"], abs=0.01)


def test_funnel_order_within_visits(clean_run) -> None:
    path, truth = clean_run
    con = duckdb.connect()
    _clean_view(con, f"'{path}'")
    _visits(con)
    row = con.execute(
        """
        select count(*),
               count(*) filter (where first_type <> 'page_view'),
               count(*) filter (where n_devices <> 1),
               count(*) filter (where t_prod < t_pv),
               count(*) filter (where t_cart is not null and not (t_cart > t_prod)),
               count(*) filter (where t_remove is not null and not (t_remove > t_cart)),
               count(*) filter (where t_checkout is not null and not (t_checkout > t_cart)),
               count(*) filter (where t_buy is not null and not (t_buy > t_checkout)),
               count(*) filter (where n_buy > 0 and last_type <> 'purchase'),
               count(*) filter (where n_buy > 1),
               max(max_inner_gap) <= 20 * 60e6
        from visits
        """
    ).fetchone()
    assert row[0] == truth["realised"]["visits"]
    assert row[1:10] == (0,) * 9
    assert row[10]


def test_source_sessions_follow_their_own_rule(clean_run) -> None:
    path, truth = clean_run
    con = duckdb.connect()
    row = con.execute(
        f"""
        with t as (
            select user_id, session_id, epoch_us(event_at) as t_us from '{path}'
            where session_id is not null
        ), g as (
            select *, t_us - lag(t_us) over w as gap_us, lag(session_id) over w as prev_sid
            from t window w as (partition by user_id order by t_us)
        )
        select count(*) filter (where gap_us < 40 * 60e6 and session_id <> prev_sid),
               count(*) filter (where gap_us >= 40 * 60e6 and session_id = prev_sid),
               (select count(*) from (select session_id from t group by 1
                                      having count(distinct user_id) > 1)),
               count(distinct session_id)
        from g
        """
    ).fetchone()
    assert row[:3] == (0, 0, 0)
    assert row[3] <= truth["realised"]["source_sessions"]
    assert row[3] < truth["realised"]["visits"]  # some visits share a tracker session
    null_rows = con.execute(f"select count(*) from '{path}' where session_id is null").fetchone()
    assert null_rows[0] == truth["realised"]["purchases_without_session_id"] > 0


def test_realised_rates_match_data_and_baked_in_rates(clean_run) -> None:
    path, truth = clean_run
    con = duckdb.connect()
    _clean_view(con, f"'{path}'")
    _visits(con)
    rows = con.execute(
        """
        select device, visit_no = 1 as new, count(*), count(t_cart), count(t_buy)
        from visits group by all
        """
    ).fetchall()
    realised, baked = truth["realised"], truth["baked_in"]
    for device, new, n, carts, buys in rows:
        cell = realised["by_device_segment"][device]["new" if new else "returning"]
        assert (cell["visits"], cell["cart_visits"], cell["purchase_visits"]) == (n, carts, buys)
        # realised session conversion within 4 standard errors of the baked-in rate
        p = baked["session_conversion_by_device"][device]["new" if new else "returning"]
        assert abs(buys / n - p) < 4 * math.sqrt(p * (1 - p) / n) + 0.005
    assert 0.6 < realised["cart_abandonment"] < 0.8
    assert 0.02 < realised["session_conversion"] < 0.045
    seg = realised["cart_to_purchase_by_segment"]
    assert seg["new"] < seg["returning"]
    for name in ("new", "returning"):
        p = baked["cart_to_purchase"][name]
        carts = sum(realised["by_device_segment"][d][name]["cart_visits"] for d in DEVICES)
        assert abs(seg[name] - p) < 4 * math.sqrt(p * (1 - p) / carts) + 0.01
    assert baked["cart_to_purchase"]["new"] < baked["cart_to_purchase"]["returning"]
    assert 0.65 < 1 - (0.5 * sum(baked["cart_to_purchase"].values())) < 0.75
    # device is fixed per user for most users, channel varies per visit
    multi = con.execute(
        "select avg((n > 1)::int) "
        "from (select count(distinct device) as n from clean group by user_id)"
    ).fetchone()[0]
    assert 0 < multi < 0.15


def test_gap_distribution_has_boundary_cases(clean_run) -> None:
    path, truth = clean_run
    con = duckdb.connect()
    row = con.execute(
        f"""
        with t as (
            select epoch_us(event_at) - lag(epoch_us(event_at))
                   over (partition by user_id order by event_at) as gap_us
            from '{path}'
        )
        select count(*) filter (where gap_us between 25 * 60e6 and 35 * 60e6),
               count(*) filter (where gap_us = 30 * 60e6),
               count(*) filter (where gap_us > 20 * 60e6 and gap_us < 25 * 60e6),
               count(*) filter (where gap_us > 86400e6)
        from t
        """
    ).fetchone()
    gaps = truth["realised"]["inter_visit_gaps"]
    assert row[0] == gaps["within_5_min_of_30_min"] > 10
    assert row[1] == gaps["exactly_30_min"] > 0
    assert row[2] == 0
    assert row[3] > 0
    assert truth["realised"]["visits_crossing_midnight_utc"] > 0
    crossing = con.execute(
        f"""
        select count(*) from (
            select user_id, session_id from '{path}' where session_id is not null
            group by all having count(distinct event_at::date) > 1
        )
        """
    ).fetchone()[0]
    assert crossing > 0


def _experiment_from_data(con: duckdb.DuckDBPyConnection, truth: dict[str, Any]) -> dict:
    exp = truth["experiment"]
    exposures = con.execute(
        f"""
        select user_id, min(epoch_us(event_at)) as exposed_us
        from clean
        where event_type = 'add_to_cart'
          and event_at >= '{exp["window_start"]}'::timestamptz
          and event_at < '{exp["window_end"]}'::timestamptz
        group by user_id order by user_id
        """
    ).fetchall()
    ids = [u for u, _ in exposures]
    arms = assign_md5_many(exp["salt"], ids, exp["weights"], exp["coverage"])
    con.register(
        "exposed",
        pa.table({"user_id": ids, "exposed_us": [t for _, t in exposures], "arm": arms.tolist()}),
    )
    rows = con.execute(
        """
        select e.arm, count(*) as users, count(*) filter (where b.n > 0) as converters
        from exposed e
        left join (
            select x.user_id, count(*) as n from exposed x join clean c using (user_id)
            where c.event_type = 'purchase'
              and epoch_us(c.event_at) >= x.exposed_us
              and epoch_us(c.event_at) < x.exposed_us + 7 * 86400e6
            group by 1
        ) b using (user_id)
        group by 1 order by 1
        """
    ).fetchall()
    return {arm: (users, conv) for arm, users, conv in rows}


def test_experiment_in_data_is_consistent_with_assignment_and_truth(dirty_run) -> None:
    path, truth = dirty_run
    con = duckdb.connect()
    _clean_view(con, f"'{path}'")
    found = _experiment_from_data(con, truth)
    exp = truth["experiment"]
    for i, name in enumerate(exp["variants"]):
        arm = exp["realised"][name]
        assert found[i] == (arm["exposed_users"], arm["converters"])
    t = exp["truth"]
    assert t["exposed_users"] == sum(u for u, _ in found.values()) >= 300
    assert t["exposed_users"] == sum(exp["realised"][v]["exposed_users"] for v in exp["variants"])
    assert t["treatment_rate"] >= t["control_rate"] > 0
    assert exp["window_start"] == "2026-01-11T00:00:00Z"
    assert exp["window_end"] == "2026-02-15T00:00:00Z"
    assert exp["primary_metric"]["conversion_window_complete"] is True
    # treatment arm realised outcomes are the treatment potential outcomes and vice versa
    assert exp["realised"]["control"]["converters"] <= t["control_converters"]


def test_zero_uplift_gives_zero_true_lift_and_big_uplift_shows(tmp_path: Path) -> None:
    none = _run(tmp_path / "a.parquet", seed=2, uplift=0.0, users=2000)
    assert none["experiment"]["truth"]["relative_lift"] == 0.0
    big = _run(tmp_path / "b.parquet", seed=2, uplift=0.5, users=2000)
    truth = big["experiment"]["truth"]
    assert truth["control_rate"] == none["experiment"]["truth"]["control_rate"]
    assert 0.2 < truth["relative_lift"] < 0.7  # ~0.5 up to sampling noise of the CRN draws


def test_csv_output_parses_with_duckdb_and_matches_parquet(dirty_run, tmp_path: Path) -> None:
    path, truth = dirty_run
    csv_path = tmp_path / "events.csv"
    csv_truth = _run(csv_path, seed=11)
    assert csv_truth["experiment"] == truth["experiment"]
    assert csv_truth["dirty"] == truth["dirty"]
    assert csv_path.read_text().splitlines()[0].replace('"', "").split(",") == SCHEMA.names
    con = duckdb.connect()
    # allow_quoted_nulls=false keeps '' (quoted) apart from null (empty field)
    con.execute(
        f"create view csv as select * from read_csv('{csv_path}', allow_quoted_nulls=false)"
    )
    types = dict(con.execute("select column_name, column_type from (describe csv)").fetchall())
    assert types["event_at"] == "TIMESTAMP" and types["revenue"] == "DOUBLE"
    query = """
        select count(*), count(event_id), count(distinct event_id), sum(revenue),
               sum(epoch_us(event_at) % 1000003), count(distinct user_id),
               count(*) filter (where user_id = ''), count(*) filter (where user_id is null)
        from {}
    """
    parquet_row = con.execute(query.format(f"'{path}'")).fetchone()
    csv_row = con.execute(query.format("csv")).fetchone()
    assert csv_row[:3] == parquet_row[:3]
    assert csv_row[3] == pytest.approx(parquet_row[3])
    assert csv_row[4:] == parquet_row[4:]
    # the experiment is recoverable from the CSV just as from Parquet
    _clean_view(con, "csv")
    found = _experiment_from_data(con, truth)
    assert found[1] == (
        truth["experiment"]["realised"]["treatment"]["exposed_users"],
        truth["experiment"]["realised"]["treatment"]["converters"],
    )


def test_truth_structure(dirty_run) -> None:
    _, truth = dirty_run
    assert list(truth) == [
        "generator", "parameters", "schema", "baked_in", "realised", "dirty", "experiment",
    ]  # fmt: skip
    params = truth["parameters"]
    assert (params["users"], params["days"], params["seed"]) == (3000, 60, 11)
    assert params["start"] == "2026-01-01"
    assert set(truth["realised"]["events_by_type"]) == set(EVENT_TYPES)
    assert {"truth", "realised", "primary_metric", "treatment_effect"} <= set(truth["experiment"])
    assert truth["experiment"]["treatment_effect"]["true_relative_uplift_step"] == 0.08


def test_experiment_window_rule() -> None:
    from datetime import date

    start = date(2026, 1, 1)
    assert experiment_window(start, 60) == (date(2026, 1, 11), date(2026, 2, 15))
    lo, hi = experiment_window(start, 7)
    assert start <= lo < hi <= date(2026, 1, 8)


def test_cli_writes_file_and_truth(tmp_path: Path) -> None:
    import generate_events

    out = tmp_path / "cli" / "ev.csv"
    argv = ["--users", "300", "--days", "20", "--seed", "1", "--out", str(out), "--quiet"]
    assert generate_events.main(argv) == 0
    truth = json.loads(truth_path(out).read_text())
    assert truth["parameters"]["format"] == "csv" and truth["parameters"]["days"] == 20
    assert out.exists() and not out.with_name(out.name + ".tmp").exists()
    assert generate_events.main(["--users", "0", "--out", str(out), "--quiet"]) == 2


def test_chunking_is_consistent(tmp_path: Path) -> None:
    """Multi-chunk runs keep ids unique and totals additive."""
    path = tmp_path / "chunked.parquet"
    truth = generate(GeneratorConfig(out=path, users=2500, days=30, chunk_users=1000, seed=9))
    table = pq.read_table(path, columns=["event_id", "user_id", "order_id"])
    ids = table.column("event_id").drop_null().to_numpy(zero_copy_only=False)
    assert np.unique(ids).size == ids.size - truth["dirty"]["exact_duplicate_rows"]
    assert table.num_rows == truth["dirty"]["rows_total"]
    users = {u for u in table.column("user_id").to_pylist() if u}
    assert len(users) == truth["realised"]["users"] == 2500
