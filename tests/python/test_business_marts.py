"""The business marts against an independent pandas computation from the raw events.

business_reference reads the raw file itself (the generated test data, and the RetailRocket and
REES46 samples in ../shared/data, skipped when absent), cleans and sessionizes it and recomputes
every mart; nothing is taken from the warehouse. The real samples are built here (business marts
and their ancestors only) with basket_min_orders 1, since their baskets are small; on the
generated data the mart keeps the default 5 and the compiled model is also run at 1.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import business_reference as ref
import duckdb
import numpy as np
import pandas as pd
import pytest
from warehouse_helpers import SHARED_DATA, dbt_build, run_dbt, target_path

REAL = {
    "retailrocket": (SHARED_DATA / "retailrocket" / "events_sample.csv", ref.read_retailrocket),
    "rees46": (SHARED_DATA / "rees46" / "events_2019oct_head.csv", ref.read_rees46),
}
BUSINESS_MARTS = ("+path:models/marts/commerce", "+path:models/marts/users")


@dataclass
class Reference:
    events: pd.DataFrame
    sessions: pd.DataFrame
    orders: pd.DataFrame
    lines: pd.DataFrame
    days: pd.DatetimeIndex

    @property
    def last_day(self) -> pd.Timestamp:
        return self.days[-1]


def build_reference(raw: pd.DataFrame) -> Reference:
    events = ref.sessionize(ref.clean(raw))
    orders = ref.orders_of(events)
    days = pd.date_range(events["event_date"].min(), events["event_date"].max(), freq="D")
    return Reference(events, ref.sessions_of(events), orders, ref.order_lines(events, orders), days)


@dataclass
class Case:
    name: str
    events: Path
    db: Path
    reference: Reference
    basket_min_orders: int

    def frame(self, sql: str) -> pd.DataFrame:
        with duckdb.connect(str(self.db), read_only=True) as con:
            return con.sql(sql).df()


@pytest.fixture(scope="module", params=["generated", *REAL])
def case(request, test_db: Path, test_events: Path, tmp_path_factory) -> Case:
    if request.param == "generated":
        reference = build_reference(ref.read_canonical(test_events))
        return Case("generated", test_events, test_db, reference, 5)
    path, reader = REAL[request.param]
    if not path.exists():
        pytest.skip(f"{path} not found: the real datasets live in ../shared/data (optional)")
    build = dbt_build(
        path,
        request.param,
        tmp_path_factory.mktemp(f"business-{request.param}"),
        select=BUSINESS_MARTS,
        args=("--vars", "{basket_min_orders: 1}"),
    )
    return Case(request.param, path, build.db_path, build_reference(reader(path)), 1)


def _dates(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for column in columns:
        frame[column] = pd.to_datetime(frame[column])
    return frame


def assert_same(actual: pd.DataFrame, expected: pd.DataFrame, keys: list[str]) -> None:
    """Same keys, and every column of `expected` equal (floats to 1e-9 relative)."""
    merged = actual.merge(expected, on=keys, how="outer", suffixes=("", "_ref"), indicator=True)
    one_sided = merged[merged["_merge"] != "both"]
    assert one_sided.empty, one_sided[[*keys, "_merge"]].head(10)
    for column in expected.columns.difference(keys):
        got, want = merged[column], merged[f"{column}_ref"]
        if pd.api.types.is_numeric_dtype(want) and not pd.api.types.is_bool_dtype(want):
            close = np.isclose(got.astype(float), want.astype(float), rtol=1e-9, equal_nan=True)
        else:
            close = (got == want) | (got.isna() & want.isna())
        assert close.all(), merged.loc[~close, [*keys, column, f"{column}_ref"]].head(10)


# --- channels and products -------------------------------------------------------------------
def test_channel_daily_matches_reference(case: Case) -> None:
    s = case.reference.sessions
    s = s.assign(bounce=s["event_count"] == 1, new=s["session_number"] == 1, bought=s["orders"] > 0)
    expected = s.groupby(["session_date", "channel", "device"]).agg(
        sessions=("start", "size"),
        users=("user_id", "nunique"),
        new_users=("new", "sum"),
        bounce_sessions=("bounce", "sum"),
        purchasing_sessions=("bought", "sum"),
        orders=("orders", "sum"),
        revenue=("revenue", "sum"),
    )
    expected["conversion_rate"] = expected["purchasing_sessions"] / expected["sessions"]
    expected["revenue_per_session"] = expected["revenue"] / expected["sessions"]
    expected["average_order_value"] = expected["revenue"] / expected["orders"].replace(0, np.nan)
    actual = _dates(case.frame("select * from marts.fct_channel_daily"), "session_date")
    assert_same(actual, expected.reset_index(), ["session_date", "channel", "device"])


def test_product_daily_matches_reference(case: Case) -> None:
    e = case.reference.events
    e = e[e["item_id"].notna() & e["event_type"].isin(["product_view", "add_to_cart"])]
    views = pd.crosstab([e["event_date"], e["item_id"]], e["event_type"])
    views = views.reindex(columns=["product_view", "add_to_cart"], fill_value=0)
    views.columns = ["views", "carts"]
    bought = case.reference.lines.groupby(["order_date", "item_id"]).agg(
        purchases=("order_key", "size"), units=("units", "sum"), revenue=("revenue", "sum")
    )
    bought.index = bought.index.set_names(["event_date", "item_id"])
    expected = views.join(bought, how="outer").fillna(0)
    expected["view_to_cart_rate"] = expected["carts"] / expected["views"].replace(0, np.nan)
    expected["cart_to_purchase_rate"] = expected["purchases"] / expected["carts"].replace(0, np.nan)
    expected = expected.rename_axis(["activity_date", "item_id"]).reset_index()
    actual = _dates(case.frame("select * from marts.fct_product_daily"), "activity_date")
    assert_same(actual, expected, ["activity_date", "item_id"])


# --- market basket ---------------------------------------------------------------------------
def expected_basket(lines: pd.DataFrame, min_orders: int) -> pd.DataFrame:
    orders = lines["order_key"].nunique()
    per_item = lines.groupby("item_id")["order_key"].nunique()
    pairs = lines.merge(lines, on="order_key", suffixes=("", "_paired"))
    pairs = pairs[pairs["item_id"] != pairs["item_id_paired"]]
    counts = pairs.groupby(["item_id", "item_id_paired"]).size().rename("orders_with_pair")
    frame = counts[counts >= min_orders].astype("int64").reset_index()
    frame = frame.rename(columns={"item_id_paired": "paired_item_id"})
    frame["orders_with_item"] = frame["item_id"].map(per_item).astype("int64")
    frame["orders_with_paired_item"] = frame["paired_item_id"].map(per_item).astype("int64")
    frame["support"] = frame["orders_with_pair"] / orders
    frame["confidence"] = frame["orders_with_pair"] / frame["orders_with_item"]
    frame["lift"] = frame["confidence"] / (frame["orders_with_paired_item"] / orders)
    return frame


def test_market_basket_and_cross_sell_match_reference(case: Case) -> None:
    lines = case.reference.lines
    actual = case.frame("select * from marts.fct_market_basket")
    assert_same(
        actual, expected_basket(lines, case.basket_min_orders), ["item_id", "paired_item_id"]
    )
    sizes = lines.groupby("order_key")["item_id"].transform("size")
    cross = lines.assign(multi=sizes > 1).groupby("item_id")["multi"].agg(["size", "sum", "mean"])
    cross.columns = ["orders_with_item", "orders_with_other_items", "cross_sell_rate"]
    actual = case.frame("select * from marts.fct_item_cross_sell")
    assert_same(actual, cross.reset_index(), ["item_id"])


def test_market_basket_sql_at_one_order_matches_reference(
    case: Case, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The generated data have few repeated pairs: run the compiled model with the var at 1."""
    if case.name != "generated":
        pytest.skip("the real samples are built with basket_min_orders 1 already")
    copy = tmp_path_factory.mktemp("basket") / case.db.name
    shutil.copyfile(case.db, copy)
    run_dbt("compile", case.events, copy, "--select", "fct_market_basket", "--vars",
            "{basket_min_orders: 1}")  # fmt: skip
    compiled = target_path(copy) / "compiled" / "funnelhouse"
    sql = next(compiled.rglob("fct_market_basket.sql")).read_text()
    with duckdb.connect(str(copy), read_only=True) as con:
        actual = con.sql(sql).df()
    expected = expected_basket(case.reference.lines, 1)
    assert len(expected) > 10  # the data exercise pairs at this threshold
    assert_same(actual, expected, ["item_id", "paired_item_id"])


# --- attribution ----------------------------------------------------------------------------
def test_attribution_matches_reference(case: Case) -> None:
    expected = ref.attribution(case.reference.orders, case.reference.sessions)
    keys = ["user_id", "ordered_at", "attribution_model", "channel"]
    expected = expected.groupby(keys, as_index=False)[["credit", "revenue"]].sum()
    actual = case.frame(
        "select user_id, ordered_at, attribution_model, channel, sum(credit) as credit, "
        "sum(credited_revenue) as revenue from marts.fct_attribution group by all"
    )
    actual["ordered_at"] = pd.to_datetime(actual["ordered_at"])
    assert_same(actual, expected, keys)
    # exact cents: every order and model adds up to the order's revenue
    per_model = expected.groupby(["user_id", "ordered_at", "attribution_model"])["revenue"].sum()
    order_revenue = case.reference.orders.groupby(["user_id", "ordered_at"])["revenue"].sum()
    joined = per_model.reset_index().merge(order_revenue.rename("order").reset_index())
    assert np.allclose(joined["revenue"], joined["order"], atol=1e-9)


# --- KPI anomalies --------------------------------------------------------------------------
def test_kpi_anomalies_match_reference(case: Case) -> None:
    expected = ref.kpi_anomalies(case.reference.sessions, case.reference.days)
    actual = _dates(
        case.frame("select date_day, kpi_name, kpi_value, z_score, is_anomaly "
                   "from marts.fct_kpi_anomalies"), "date_day")  # fmt: skip
    assert_same(actual, expected, ["date_day", "kpi_name"])
    if case.name == "generated":
        assert expected["is_anomaly"].any() and expected["z_score"].notna().sum() > 100


# --- RFM, churn, LTV ------------------------------------------------------------------------
def test_rfm_matches_reference(case: Case) -> None:
    expected = ref.rfm(case.reference.orders, case.reference.last_day)
    columns = ["user_id", "recency_days", "frequency", "monetary", "recency_score",
               "frequency_score", "monetary_score", "segment_name"]  # fmt: skip
    actual = case.frame(f"select {', '.join(columns)} from marts.dim_user_rfm")
    assert_same(actual, expected[columns], ["user_id"])


def test_churn_risk_matches_reference(case: Case) -> None:
    threshold, expected = ref.churn(case.reference.orders, case.reference.last_day)
    actual = case.frame(
        "select user_id, days_since_last_order as days, churn_status as status, threshold_days "
        "from marts.dim_user_churn_risk"
    )
    if threshold is None:
        assert actual["threshold_days"].isna().all()
    else:
        assert actual["threshold_days"].to_numpy() == pytest.approx(threshold)
    assert_same(actual.drop(columns="threshold_days"), expected.reset_index(), ["user_id"])


def test_cohort_ltv_matches_reference(case: Case) -> None:
    expected = ref.cohort_ltv(case.reference.events, case.reference.last_day)
    expected["cumulative_revenue_per_user"] = (
        expected["cumulative_revenue"] / expected["cohort_size"]
    )
    expected["cumulative_buyer_share"] = expected["buyers"] / expected["cohort_size"]
    actual = _dates(
        case.frame(
            "select acquisition_month, months_since_acquisition as months, cohort_size, "
            "cumulative_revenue, cumulative_buyers as buyers, cumulative_revenue_per_user, "
            "cumulative_buyer_share from marts.fct_cohort_ltv"
        ),
        "acquisition_month",
    )
    assert_same(actual, expected, ["acquisition_month", "months"])


def test_the_generated_data_exercise_every_mart(case: Case) -> None:
    """Guards against checks that pass on empty tables."""
    if case.name != "generated":
        pytest.skip("the real samples lack channels, repeat buyers or baskets")
    counts = case.frame(
        "select (select count(*) from marts.fct_channel_daily) as channel_rows, "
        "(select count(distinct channel) from marts.fct_channel_daily) as channels, "
        "(select count(*) from marts.fct_attribution where touchpoints > 2) as long_paths, "
        "(select count(distinct churn_status) from marts.dim_user_churn_risk) as statuses, "
        "(select count(distinct segment_name) from marts.dim_user_rfm) as segments, "
        "(select count(*) from marts.fct_item_cross_sell where cross_sell_rate > 0) as cross"
    ).iloc[0]
    assert counts["channels"] >= 5 and counts["long_paths"] > 0 and counts["statuses"] == 3
    assert counts["segments"] >= 5 and counts["cross"] > 0 and counts["channel_rows"] > 100
