"""What the dashboard shows, read from the marts of a warehouse file (read-only).

Each section is one query; a section whose mart is missing (an older warehouse) is None, and
the page says so instead of failing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

QUERIES: dict[str, str] = {
    "funnel": """
        select step_number, step_name, sum(entries) as entries
        from marts.fct_funnel_daily
        where funnel_name = 'purchase_funnel'
        group by step_number, step_name order by step_number""",
    "retention": """
        select cohort_start, period_number, retention_rate, cohort_size
        from marts.fct_cohort_retention
        where cohort_grain = 'week' and is_complete_period
        order by cohort_start, period_number""",
    "ltv": """
        select acquisition_month, months_since_acquisition, cohort_size,
               cumulative_revenue_per_user, cumulative_buyer_share
        from marts.fct_cohort_ltv order by acquisition_month, months_since_acquisition""",
    "channel_days": """
        select session_date, channel, sum(sessions) as sessions,
               sum(purchasing_sessions) as purchasing_sessions, sum(orders) as orders,
               sum(revenue) as revenue
        from marts.fct_channel_daily group by session_date, channel
        order by channel, session_date""",
    "pairs": """
        select item_id, paired_item_id, orders_with_pair, confidence, lift
        from marts.fct_market_basket where item_id < paired_item_id
        order by orders_with_pair desc, lift desc, item_id limit 10""",
    "cross_sell": """
        select item_id, orders_with_item, orders_with_other_items, cross_sell_rate
        from marts.fct_item_cross_sell where orders_with_other_items > 0
        order by orders_with_other_items desc, item_id limit 10""",
    "rfm": """
        select segment_name, count(*) as buyers, sum(monetary) as revenue
        from marts.dim_user_rfm group by segment_name order by revenue desc""",
    "kpis": """
        select date_day, kpi_name, kpi_value, trailing_mean, is_anomaly
        from marts.fct_kpi_anomalies order by kpi_name, date_day""",
    "attribution": """
        select attribution_model, channel, sum(credited_revenue) as revenue
        from marts.fct_attribution group by attribution_model, channel
        order by attribution_model, channel""",
}


@dataclass(frozen=True)
class DashboardData:
    warehouse: str
    frames: dict[str, pd.DataFrame | None]
    missing: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> pd.DataFrame | None:
        frame = self.frames.get(name)
        return None if frame is None or frame.empty else frame


def load(db: Path) -> DashboardData:
    """Run every section's query on a read-only connection to `db`."""
    if not db.is_file():
        raise FileNotFoundError(f"warehouse {db} not found (build it with `make build`)")
    frames: dict[str, pd.DataFrame | None] = {}
    missing: dict[str, str] = {}
    with duckdb.connect(str(db), read_only=True) as con:
        for name, sql in QUERIES.items():
            try:
                frames[name] = con.sql(sql).df()
            except duckdb.CatalogException as exc:
                frames[name] = None
                missing[name] = str(exc).splitlines()[0]
    return DashboardData(warehouse=db.stem, frames=frames, missing=missing)
