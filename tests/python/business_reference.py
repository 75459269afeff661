"""An independent pandas computation of the business marts from a raw events file.

Nothing here reads the warehouse: the raw file is read with pandas (or Python's csv module),
cleaned by the documented rules, sessionized by the 30-minute rule, and every mart is
recomputed from that with plain pandas / Python (fractions for attribution credit, numpy's
linear quantile for the churn threshold, an explicit ntile for RFM).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
TIMEOUT = pd.Timedelta(minutes=30)
# the contract's columns (session_id: the source's own, part of what makes a row distinct)
COLUMNS = ["user_id", "event_at", "event_type", "event_id", "session_id", "item_id", "order_id",
           "revenue"]  # fmt: skip
ATTRIBUTES = ["device", "channel"]


# --- reading and cleaning the raw file --------------------------------------------------------
def _type_map() -> dict[str, str]:
    seed = pd.read_csv(SEEDS / "event_type_map.csv")
    return dict(zip(seed["source_event_type"], seed["event_type"], strict=True))


def _csv_frame(path: Path) -> pd.DataFrame:
    """A CSV as text columns; records with a wrong number of fields are dropped."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    header, records = rows[0], [r for r in rows[1:] if len(r) == len(rows[0])]
    return pd.DataFrame(records, columns=header).replace("", None)


def read_canonical(path: Path) -> pd.DataFrame:
    frame = pd.read_parquet(path)
    frame["event_at"] = frame["event_at"].dt.tz_convert("UTC").dt.tz_localize(None)
    return frame


def read_retailrocket(path: Path) -> pd.DataFrame:
    raw = _csv_frame(path)
    return pd.DataFrame(
        {
            "user_id": raw["visitorid"],
            "event_at": pd.to_datetime(raw["timestamp"].astype("int64"), unit="ms"),
            "event_type": raw["event"],
            "event_id": None,
            "item_id": raw["itemid"],
            "order_id": raw["transactionid"],
            "revenue": np.nan,
        }
    )


def read_rees46(path: Path) -> pd.DataFrame:
    raw = _csv_frame(path)
    is_purchase = raw["event_type"] == "purchase"
    return pd.DataFrame(
        {
            "user_id": raw["user_id"],
            "event_at": pd.to_datetime(raw["event_time"].str.replace(" UTC", "")),
            "event_type": raw["event_type"],
            "event_id": None,
            "item_id": raw["product_id"],
            "order_id": None,
            "revenue": raw["price"].astype(float).where(is_purchase),
            "session_id": raw["user_session"],
        }
    )


def clean(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop duplicates of the contract's columns, missing users, unknown types and negative
    revenue; map the event types."""
    frame = frame.reindex(columns=COLUMNS + ATTRIBUTES).drop_duplicates()
    frame["event_type"] = frame["event_type"].str.strip().str.lower().map(_type_map())
    users = frame["user_id"].astype("string").str.strip()
    keep = users.notna() & (users != "") & frame["event_type"].notna()
    keep &= ~(frame["revenue"] < 0)
    frame = frame[keep].copy()
    frame["user_id"] = users[keep].astype(str)
    frame["row_key"] = [f"row{i}" for i in range(len(frame))]
    frame["order_key"] = frame["order_id"].where(frame["order_id"].notna(), frame["event_id"])
    frame["order_key"] = frame["order_key"].where(frame["order_key"].notna(), frame["row_key"])
    return frame


# --- sessions -------------------------------------------------------------------------------
def sessionize(events: pd.DataFrame) -> pd.DataFrame:
    """Order each user's events by (event_at, event_id); a gap > 30 minutes starts a session."""
    events = events.assign(_tie=events["event_id"].fillna(events["row_key"]))
    events = events.sort_values(["user_id", "event_at", "_tie"]).reset_index(drop=True)
    gap = events.groupby("user_id")["event_at"].diff()
    events["session_number"] = (gap.isna() | (gap > TIMEOUT)).groupby(events["user_id"]).cumsum()
    events["position"] = events.groupby("user_id").cumcount()
    events["event_date"] = events["event_at"].dt.normalize()
    return events.drop(columns="_tie")


def sessions_of(events: pd.DataFrame) -> pd.DataFrame:
    grouped = events.groupby(["user_id", "session_number"], sort=False)
    purchases = events[events["event_type"] == "purchase"]
    orders = purchases.groupby(["user_id", "session_number"]).agg(
        orders=("order_key", "nunique"), revenue=("revenue", "sum")
    )
    frame = grouped.agg(
        start=("event_at", "min"),
        event_count=("event_at", "size"),
        device=("device", "first"),  # groupby-first skips nulls: the first known value
        channel=("channel", "first"),
    ).join(orders)
    frame[["orders", "revenue"]] = frame[["orders", "revenue"]].fillna(0)
    frame["session_date"] = frame["start"].dt.normalize()
    frame[ATTRIBUTES] = frame[ATTRIBUTES].astype(object).fillna("unknown")
    return frame.reset_index()


# --- orders and their lines -----------------------------------------------------------------
def orders_of(events: pd.DataFrame) -> pd.DataFrame:
    purchases = events[events["event_type"] == "purchase"]
    first = purchases.drop_duplicates("order_key").set_index("order_key")  # events are ordered
    frame = first[["user_id", "session_number", "event_at", "position"]].rename(
        columns={"event_at": "ordered_at"}
    )
    frame["revenue"] = purchases.groupby("order_key")["revenue"].sum().reindex(frame.index)
    frame["order_date"] = frame["ordered_at"].dt.normalize()
    frame = frame.reset_index().sort_values(["user_id", "ordered_at", "order_key"])
    previous = frame.groupby("user_id")["order_date"].shift()
    frame["days_since_previous_order"] = (frame["order_date"] - previous).dt.days
    return frame


def _cents_split(total_cents: int, count: int) -> list[int]:
    base, leftover = divmod(total_cents, count)
    return [base + (1 if i < leftover else 0) for i in range(count)]


def _cart_at_checkout(session_events: pd.DataFrame, before: int) -> list[str]:
    last: dict[str, str] = {}
    carts = session_events[session_events["position"] < before]
    for event_type, item in zip(carts["event_type"], carts["item_id"], strict=True):
        if event_type in ("add_to_cart", "remove_from_cart") and pd.notna(item):
            last[item] = event_type
    return sorted(item for item, action in last.items() if action == "add_to_cart")


def order_lines(events: pd.DataFrame, orders: pd.DataFrame) -> pd.DataFrame:
    purchases = events[(events["event_type"] == "purchase") & events["item_id"].notna()]
    named = purchases.groupby(["order_key", "item_id"]).agg(
        units=("event_at", "size"), revenue=("revenue", lambda r: r.fillna(0).sum())
    )
    rows = [(key, item, units, revenue) for (key, item), (units, revenue) in named.iterrows()]
    by_session = dict(list(events.groupby(["user_id", "session_number"])))
    for order in orders[~orders["order_key"].isin(purchases["order_key"])].itertuples():
        items = _cart_at_checkout(by_session[(order.user_id, order.session_number)], order.position)
        if items:
            cents = _cents_split(round(order.revenue * 100), len(items))
            rows += [(order.order_key, i, 1, c / 100) for i, c in zip(items, cents, strict=True)]
    lines = pd.DataFrame(rows, columns=["order_key", "item_id", "units", "revenue"])
    return lines.merge(orders[["order_key", "user_id", "order_date"]], on="order_key")


# --- attribution ----------------------------------------------------------------------------
@dataclass(frozen=True)
class AttributionModel:
    name: str
    first: int
    middle: int
    last: int
    shared: bool

    def shares(self, n: int) -> list[Fraction]:
        if n == 1:
            return [Fraction(1)]
        middle = Fraction(self.middle, n - 2) if self.shared and n > 2 else Fraction(self.middle)
        parts = [Fraction(self.first)] + [middle] * (n - 2) + [Fraction(self.last)]
        return [p / sum(parts) for p in parts]


def attribution_models() -> list[AttributionModel]:
    seed = pd.read_csv(SEEDS / "attribution_models.csv")
    return [
        AttributionModel(r.attribution_model, r.first_parts, r.middle_parts, r.last_parts,
                         bool(r.middle_parts_shared))
        for r in seed.itertuples()
    ]  # fmt: skip


def _largest_remainder(total_cents: int, shares: dict[str, Fraction]) -> dict[str, int]:
    exact = {channel: share * total_cents for channel, share in shares.items()}
    cents = {channel: int(value) for channel, value in exact.items()}
    order = sorted(exact, key=lambda c: (-(exact[c] - cents[c]), c))
    for channel in order[: total_cents - sum(cents.values())]:
        cents[channel] += 1
    return cents


def attribution(orders: pd.DataFrame, sessions: pd.DataFrame, lookback_days: int = 30):
    """Rows (user_id, ordered_at, model, channel, credit, credited_revenue)."""
    rows = []
    by_user = dict(list(sessions.sort_values("start").groupby("user_id")))
    for order in orders.itertuples():
        own = by_user[order.user_id]
        window = own[
            (own["start"] <= order.ordered_at)
            & (
                (own["start"] >= order.ordered_at - pd.Timedelta(days=lookback_days))
                | (own["session_number"] == order.session_number)
            )
        ]
        channels = list(window["channel"])
        for model in attribution_models():
            shares: dict[str, Fraction] = {}
            for channel, share in zip(channels, model.shares(len(channels)), strict=True):
                shares[channel] = shares.get(channel, Fraction(0)) + share
            shares = {c: s for c, s in shares.items() if s > 0}
            cents = _largest_remainder(round(order.revenue * 100), shares)
            rows += [
                (order.user_id, order.ordered_at, model.name, c, float(s), cents[c] / 100)
                for c, s in shares.items()
            ]
    columns = ["user_id", "ordered_at", "attribution_model", "channel", "credit", "revenue"]
    return pd.DataFrame(rows, columns=columns)


# --- RFM and churn --------------------------------------------------------------------------
def ntile(n: int, buckets: int = 5) -> np.ndarray:
    """SQL ntile over n ordered rows: the first n mod buckets buckets hold one row more."""
    size, extra = divmod(n, buckets)
    sizes = [size + (1 if b < extra else 0) for b in range(buckets)]
    return np.repeat(np.arange(1, buckets + 1), sizes)


def _score(buyers: pd.DataFrame, column: str, ascending: bool) -> pd.Series:
    ordered = buyers.sort_values([column, "user_id"], ascending=[ascending, True])
    raw = pd.Series(ntile(len(ordered)), index=ordered.index)
    return raw.groupby(ordered[column]).transform("min").reindex(buyers.index)


def rfm(orders: pd.DataFrame, last_day: pd.Timestamp) -> pd.DataFrame:
    buyers = orders.groupby("user_id").agg(
        frequency=("order_key", "size"),
        monetary=("revenue", "sum"),
        last_order=("order_date", "max"),
    )
    buyers = buyers.reset_index()
    buyers["monetary"] = buyers["monetary"].round(2)
    buyers["recency_days"] = (last_day - buyers["last_order"]).dt.days
    buyers["recency_score"] = _score(buyers, "recency_days", ascending=False)
    buyers["frequency_score"] = _score(buyers, "frequency", ascending=True)
    buyers["monetary_score"] = _score(buyers, "monetary", ascending=True)
    segments = pd.read_csv(SEEDS / "rfm_segments.csv")

    def segment(r: int, f: int) -> str:
        hit = segments[
            segments.recency_score_min.le(r) & segments.recency_score_max.ge(r)
            & segments.frequency_score_min.le(f) & segments.frequency_score_max.ge(f)
        ]  # fmt: skip
        assert len(hit) == 1, (r, f)
        return hit["segment_name"].iloc[0]

    buyers["segment_name"] = [
        segment(r, f) for r, f in zip(buyers.recency_score, buyers.frequency_score, strict=True)
    ]
    return buyers


def churn(orders: pd.DataFrame, last_day: pd.Timestamp, multiple: float = 2):
    gaps = orders["days_since_previous_order"].dropna().to_numpy()
    threshold = float(np.quantile(gaps, 0.9)) if len(gaps) else None
    days = (last_day - orders.groupby("user_id")["order_date"].max()).dt.days

    def status(d: int) -> str:
        if threshold is None:
            return "unknown"
        if d > multiple * threshold:
            return "churned"
        return "at_risk" if d > threshold else "active"

    return threshold, pd.DataFrame({"days": days, "status": days.map(status)})


# --- daily series and cohorts ---------------------------------------------------------------
def kpi_anomalies(sessions: pd.DataFrame, days: pd.DatetimeIndex, window: int = 28, z=2.0):
    daily = sessions.groupby("session_date").agg(
        sessions=("start", "size"),
        orders=("orders", "sum"),
        revenue=("revenue", "sum"),
        purchasing=("orders", lambda o: (o > 0).sum()),
    )
    daily = daily.reindex(days).fillna(0)
    daily["conversion_rate"] = (daily["purchasing"] / daily["sessions"]).where(
        daily["sessions"] > 0
    )
    frames = []
    for kpi in ("sessions", "orders", "revenue", "conversion_rate"):
        values = daily[kpi].astype(float)
        trailing = values.shift(1).rolling(window, min_periods=1)
        full = pd.Series(np.arange(len(values)) >= window, index=values.index)
        std = trailing.std()
        score = ((values - trailing.mean()) / std).where(full & (std > 1e-12))
        frames.append(
            pd.DataFrame(
                {
                    "kpi_name": kpi,
                    "kpi_value": values,
                    "z_score": score,
                    "is_anomaly": score.abs() > z,
                }
            )
        )
    return pd.concat(frames).rename_axis("date_day").reset_index()


def cohort_ltv(events: pd.DataFrame, last_day: pd.Timestamp) -> pd.DataFrame:
    first_seen = events.groupby("user_id")["event_at"].min().dt.to_period("M")
    purchases = events[events["event_type"] == "purchase"]
    first_buy = purchases.groupby("user_id")["event_at"].min().dt.to_period("M")
    revenue = purchases.assign(month=purchases["event_at"].dt.to_period("M"))
    revenue = revenue.groupby(["user_id", "month"])["revenue"].sum()
    rows = []
    for cohort, users in first_seen.groupby(first_seen):
        ids = set(users.index)
        for n in range((last_day.to_period("M") - cohort).n + 1):
            month = cohort + n
            cumulative = revenue[
                revenue.index.get_level_values(0).isin(ids)
                & (revenue.index.get_level_values(1) <= month)
            ].sum()
            buyers = first_buy[first_buy.index.isin(ids) & (first_buy <= month)]
            rows.append((cohort.start_time, n, len(ids), cumulative, len(buyers)))
    columns = ["acquisition_month", "months", "cohort_size", "cumulative_revenue", "buyers"]
    return pd.DataFrame(rows, columns=columns)
