"""The warehouse built on the real RetailRocket and REES46 samples in ../shared/data.

Every count is checked against the facts published in ../shared/data/README.md, and every row
against the file as read by Python's csv module (an independent parser): nothing is lost,
renamed wrongly or converted wrongly. The session comparison is recomputed by brute force in
pandas. The tests skip when ../shared/data is absent.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from warehouse_helpers import SHARED_DATA, Build, dbt_build, node_status

RETAILROCKET = {
    "csv": SHARED_DATA / "retailrocket" / "events_sample.csv",
    "parquet": SHARED_DATA / "retailrocket" / "events_sample.parquet",
}
REES46 = {
    "csv": SHARED_DATA / "rees46" / "events_2019oct_head.csv",
    "parquet": SHARED_DATA / "rees46" / "events_2019oct_head.parquet",
}
TIMEOUT_SECONDS = 30 * 60


def _require(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"{path} not found: the real datasets live in ../shared/data (optional)")


def _csv_records(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and data records of a CSV file, read with Python's csv module."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def _query(build: Build, sql: str) -> list[tuple]:
    with duckdb.connect(str(build.db_path), read_only=True) as con:
        return con.sql(sql).fetchall()


def _frame(build: Build, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(build.db_path), read_only=True) as con:
        return con.sql(sql).df()


def _outcomes(build: Build) -> dict[tuple[str, str | None], int]:
    rows = _query(
        build,
        "select load_outcome, load_reason, count(*) "
        "from staging.stg_clickstream__validated_events group by all",
    )
    return {(outcome, reason): count for outcome, reason, count in rows}


def _events_per_type(build: Build) -> dict[str, int]:
    """Rows per canonical type among clean rows and removed duplicates (the file's rows)."""
    rows = _query(
        build,
        "select event_type, count(*) from staging.stg_clickstream__validated_events "
        "where load_outcome in ('clean', 'duplicate') group by all",
    )
    return dict(rows)


@pytest.fixture(scope="module", params=sorted(RETAILROCKET))
def retailrocket(request, tmp_path_factory) -> Build:
    path = RETAILROCKET[request.param]
    _require(path)
    return dbt_build(path, "retailrocket", tmp_path_factory.mktemp(f"rr-{request.param}"))


@pytest.fixture(scope="module", params=sorted(REES46))
def rees46(request, tmp_path_factory) -> tuple[str, Build]:
    path = REES46[request.param]
    _require(path)
    return request.param, dbt_build(
        path, "rees46", tmp_path_factory.mktemp(f"rees-{request.param}")
    )


# --- RetailRocket -----------------------------------------------------------------------------


def test_retailrocket_counts_match_the_published_facts(retailrocket: Build) -> None:
    assert node_status(retailrocket, "assert_raw_rows_reconcile") == "pass"
    assert _outcomes(retailrocket) == {("clean", None): 9382, ("duplicate", "duplicate_row"): 3}
    assert _events_per_type(retailrocket) == {
        "product_view": 9076,
        "add_to_cart": 263,
        "purchase": 46,
    }
    users, items, orders, first_at, last_at = _query(
        retailrocket,
        "select count(distinct user_id), count(distinct item_id), count(distinct order_id), "
        "min(event_at), max(event_at) from marts.fct_events",
    )[0]
    assert (users, items, orders) == (5000, 6610, 40)
    assert first_at.strftime("%Y-%m-%d %H:%M") == "2015-05-03 03:02"
    assert last_at.strftime("%Y-%m-%d %H:%M") == "2015-09-18 01:16"


def test_retailrocket_rows_match_the_file(retailrocket: Build) -> None:
    header, records = _csv_records(RETAILROCKET["csv"])
    expected = pd.DataFrame(records, columns=header)
    expected["source_row_number"] = range(1, len(expected) + 1)
    expected["event_at"] = pd.to_datetime(expected["timestamp"].astype("int64"), unit="ms")
    expected["order_id"] = expected["transactionid"].replace("", None)
    actual = _frame(
        retailrocket,
        "select source_row_number, user_id, event_at, source_event_type, item_id, order_id, "
        "revenue from staging.stg_clickstream__validated_events order by source_row_number",
    )
    assert len(actual) == len(expected)
    assert actual["source_row_number"].tolist() == expected["source_row_number"].tolist()
    assert actual["user_id"].tolist() == expected["visitorid"].tolist()
    assert actual["event_at"].tolist() == expected["event_at"].tolist()
    assert actual["source_event_type"].tolist() == expected["event"].tolist()
    assert actual["item_id"].tolist() == expected["itemid"].tolist()
    assert actual["order_id"].tolist() == expected["order_id"].tolist()
    assert actual["revenue"].isna().all()


def test_retailrocket_profile_says_revenue_is_unavailable(retailrocket: Build) -> None:
    profile = _frame(retailrocket, "select * from marts.dq_dataset_profile").iloc[0]
    assert profile["events_format"] == "retailrocket"
    assert (profile["raw_rows"], profile["clean_events"], profile["users"]) == (9385, 9382, 5000)
    assert profile["purchase_events"] == 46
    assert not profile["has_revenue"]
    assert profile["revenue_coverage"] == 0
    assert profile["has_order_ids"]
    assert not (profile["has_device"] or profile["has_channel"] or profile["has_country"])
    assert not profile["has_source_sessions"]
    assert _query(retailrocket, "select count(*) from marts.dq_source_session_agreement") == [(0,)]


# --- REES46 -----------------------------------------------------------------------------------


def test_rees46_counts_match_the_published_facts(rees46: tuple[str, Build]) -> None:
    variant, build = rees46
    assert node_status(build, "assert_raw_rows_reconcile") == "pass"
    expected = {("clean", None): 17429, ("duplicate", "duplicate_row"): 5}
    if variant == "csv":  # the published CSV ends in a truncated line: counted, not lost
        expected[("quarantined", "malformed_row")] = 1
    assert _outcomes(build) == expected
    assert _events_per_type(build) == {"product_view": 17055, "add_to_cart": 165, "purchase": 214}
    users, sessions, items, first_at, last_at = _query(
        build,
        "select count(distinct user_id), count(distinct source_session_id), "
        "count(distinct item_id), min(event_at), max(event_at) from marts.fct_events",
    )[0]
    assert (users, sessions, items) == (4504, 5066, 6493)
    assert (str(first_at), str(last_at)) == ("2019-10-01 00:00:00", "2019-10-01 02:50:00")


def test_rees46_truncated_last_line_is_quarantined_as_malformed(rees46: tuple[str, Build]) -> None:
    variant, build = rees46
    if variant != "csv":
        pytest.skip("only the CSV is truncated")
    header, records = _csv_records(REES46["csv"])
    short = [number for number, record in enumerate(records, 1) if len(record) != len(header)]
    assert short == [len(records)]  # the independent parser agrees: only the last record
    assert _query(
        build,
        "select source_row_number, parse_error, user_id, source_session_id "
        "from staging.stg_clickstream__quarantined_events",
    ) == [(len(records), "missing_fields", records[-1][7], None)]


def test_rees46_rows_match_the_file(rees46: tuple[str, Build]) -> None:
    _, build = rees46
    header, records = _csv_records(REES46["csv"])
    expected = pd.DataFrame([r for r in records if len(r) == len(header)], columns=header)
    expected["event_at"] = pd.to_datetime(expected["event_time"].str.removesuffix(" UTC"))
    is_purchase = expected["event_type"] == "purchase"
    expected["revenue"] = [
        Decimal(price) if buy else None
        for price, buy in zip(expected["price"], is_purchase, strict=True)
    ]
    actual = _frame(
        build,
        "select user_id, event_at, source_event_type, item_id, source_session_id, revenue "
        "from staging.stg_clickstream__validated_events "
        "where load_outcome != 'quarantined' order by source_row_number",
    )
    assert len(actual) == len(expected) == 17434
    assert actual["user_id"].tolist() == expected["user_id"].tolist()
    assert actual["event_at"].tolist() == expected["event_at"].tolist()
    assert actual["source_event_type"].tolist() == expected["event_type"].tolist()
    assert actual["item_id"].tolist() == expected["product_id"].tolist()
    assert actual["source_session_id"].tolist() == expected["user_session"].tolist()
    revenue = [None if pd.isna(value) else Decimal(str(value)) for value in actual["revenue"]]
    assert revenue == expected["revenue"].tolist()


def test_rees46_profile_has_revenue_and_source_sessions(rees46: tuple[str, Build]) -> None:
    _, build = rees46
    profile = _frame(build, "select * from marts.dq_dataset_profile").iloc[0]
    assert profile["events_format"] == "rees46"
    assert profile["has_revenue"] and profile["revenue_coverage"] == 1
    assert profile["has_source_sessions"] and profile["source_sessions"] == 5066
    assert not profile["has_order_ids"]


def _brute_force_agreement(events: pd.DataFrame) -> pd.Series:
    """Source sessions per agreement class, recomputed from the clean events in pandas."""
    events = events.sort_values(["user_id", "event_at"], kind="stable").copy()
    gap = events.groupby("user_id")["event_at"].diff().dt.total_seconds()
    events["our_session"] = (gap.isna() | (gap > TIMEOUT_SECONDS)).cumsum()
    sources_in_ours = events.groupby("our_session")["source_session_id"].nunique()
    classes = {}
    for source_session, group in events.groupby("source_session_id"):
        ours = set(group["our_session"])
        if group["user_id"].nunique() > 1:
            classes[source_session] = "split_across_users"
        elif len(ours) > 1:
            classes[source_session] = "split_by_gap"
        elif sources_in_ours[next(iter(ours))] > 1:
            classes[source_session] = "merged_with_other_source_sessions"
        else:
            classes[source_session] = "one_to_one"
    return pd.Series(classes).value_counts().sort_index()


def test_rees46_session_agreement_matches_a_brute_force_count(rees46: tuple[str, Build]) -> None:
    _, build = rees46
    header, records = _csv_records(REES46["csv"])
    raw = pd.DataFrame([r for r in records if len(r) == len(header)], columns=header)
    raw = raw.drop_duplicates()  # the 5 exact duplicate rows
    events = pd.DataFrame(
        {
            "user_id": raw["user_id"],
            "event_at": pd.to_datetime(raw["event_time"].str.removesuffix(" UTC")),
            "source_session_id": raw["user_session"],
        }
    )
    expected = _brute_force_agreement(events)
    actual = _frame(
        build,
        "select agreement, count(*) as source_sessions, "
        "count(*) filter (where maps_to_one_session) as mapped "
        "from marts.dq_source_session_agreement group by agreement order by agreement",
    ).set_index("agreement")
    assert actual["source_sessions"].to_dict() == expected.to_dict()
    assert actual["source_sessions"].sum() == 5066
    # Only the split classes fail to map onto exactly one of our sessions.
    one = expected.drop(["split_by_gap", "split_across_users"], errors="ignore").sum()
    assert actual["mapped"].sum() == one


def test_profile_time_span_is_utc(rees46: tuple[str, Build]) -> None:
    _, build = rees46
    first_at, last_at = _query(
        build, "select first_event_at, last_event_at from marts.dq_dataset_profile"
    )[0]
    assert first_at.replace(tzinfo=UTC) == datetime(2019, 10, 1, tzinfo=UTC)
    assert last_at.replace(tzinfo=UTC) == datetime(2019, 10, 1, 2, 50, tzinfo=UTC)
