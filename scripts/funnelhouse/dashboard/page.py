"""The dashboard page: inline CSS, charts as base64 PNGs, no script and no external resource."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pandas as pd

from funnelhouse.dashboard import charts
from funnelhouse.dashboard.data import DashboardData
from funnelhouse.report.fmt import DASH
from funnelhouse.report.html import CSS
from funnelhouse.report.html_sections import e
from funnelhouse.report.html_sections import table as _table

EXTRA_CSS = "td img { display: inline; margin: 0; height: 22px; width: auto; }"


def _number(value: float | None, digits: int = 0) -> str:
    return DASH if value is None or pd.isna(value) else f"{value:,.{digits}f}"


def _pct(value: float | None) -> str:
    return DASH if value is None or pd.isna(value) else f"{value:.2%}"


def _section(title: str, body: str) -> str:
    return f'<section class="box"><h2>{e(title)}</h2>{body}</section>'


def _chart(data: DashboardData, name: str, draw: Callable[[pd.DataFrame], str], alt: str) -> str:
    frame = data.get(name)
    if frame is None:
        reason = data.missing.get(name, "no rows in this warehouse")
        return f'<p class="na">{e(alt)}: not available ({e(reason)})</p>'
    return f'<img src="{draw(frame)}" alt="{e(alt)}">'


def channel_table(frame: pd.DataFrame | None) -> str:
    if frame is None:
        return '<p class="na">fct_channel_daily: not available</p>'
    rows = []
    for channel, days in frame.groupby("channel"):
        sessions, orders = days["sessions"].sum(), days["orders"].sum()
        revenue = float(days["revenue"].sum())
        rows.append([
            e(channel), _number(sessions), _number(orders), _number(revenue, 2),
            _pct(days["purchasing_sessions"].sum() / sessions),
            _number(revenue / sessions, 2), _number(revenue / orders if orders else None, 2),
            f'<img src="{charts.sparkline(days["sessions"])}" alt="sessions trend">',
            f'<img src="{charts.sparkline(days["revenue"])}" alt="revenue trend">',
        ])  # fmt: skip
    headers = ["channel", "sessions", "orders", "revenue", "conversion", "revenue / session",
               "AOV", "sessions per day", "revenue per day"]  # fmt: skip
    return _table(headers, rows)


def pairs_table(data: DashboardData) -> str:
    pairs, cross = data.get("pairs"), data.get("cross_sell")
    if pairs is not None:
        rows = [[e(p.item_id), e(p.paired_item_id), _number(p.orders_with_pair),
                 _pct(p.confidence), _number(p.lift, 2)] for p in pairs.itertuples()]  # fmt: skip
        return _table(["item", "bought with", "orders", "confidence", "lift"], rows, left=2)
    if cross is None:
        return '<p class="na">No order with more than one item in this warehouse.</p>'
    rows = [[e(c.item_id), _number(c.orders_with_item), _number(c.orders_with_other_items),
             _pct(c.cross_sell_rate)] for c in cross.itertuples()]  # fmt: skip
    note = '<p class="muted">No pair reaches basket_min_orders; items sold with others:</p>'
    return note + _table(["item", "orders", "with other items", "cross-sell rate"], rows)


def render(data: DashboardData) -> str:
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    sections = [
        _section("Funnel", _chart(data, "funnel", charts.funnel, "purchase funnel")),
        _section(
            "Cohort retention",
            _chart(data, "retention", charts.retention_heatmap, "weekly retention heatmap"),
        ),
        _section("LTV curves", _chart(data, "ltv", charts.ltv_curves, "LTV curves")),
        _section("Channels", channel_table(data.get("channel_days"))),
        _section("Top cross-sell pairs", pairs_table(data)),
        _section("RFM segments", _chart(data, "rfm", charts.rfm_segments, "RFM segments")),
        _section("KPIs and anomalies", _chart(data, "kpis", charts.kpi_series, "KPI series")),
        _section("Attribution", _chart(data, "attribution", charts.attribution, "attribution")),
    ]
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>funnelhouse dashboard: {e(data.warehouse)}</title>"
        f"<style>{CSS}{EXTRA_CSS}</style></head><body><main>"
        f'<header><h1>KPI dashboard</h1><div class="muted">warehouse {e(data.warehouse)} '
        f"&middot; generated {generated}</div></header>{''.join(sections)}</main></body></html>"
    )
