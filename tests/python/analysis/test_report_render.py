"""The HTML report renders in headless Chromium (skipped when no chromium is installed), and the
pieces of the report that do not need a browser."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from funnelhouse.analysis.cohorts import cohort_matrix
from funnelhouse.report import fmt
from funnelhouse.report.screenshot import check_screenshot, find_browser, screenshot

needs_chromium = pytest.mark.skipif(find_browser() is None, reason="chromium is not installed")


@needs_chromium
def test_report_renders_to_a_non_blank_screenshot(cli_run, tmp_path):
    png = screenshot(cli_run.html, tmp_path / "report.png", height=3000)
    check = check_screenshot(png)
    assert (check.width, check.height) == (1280, 3000)
    assert not check.blank, check


@needs_chromium
def test_a_blank_page_is_detected(tmp_path):
    page = tmp_path / "blank.html"
    page.write_text("<!doctype html><html><body></body></html>", encoding="utf-8")
    assert check_screenshot(screenshot(page, tmp_path / "blank.png", height=600)).blank


def cohorts_frame() -> pd.DataFrame:
    start = dt.date(2026, 1, 5)
    rows = []
    for c in range(3):
        for since in range(3 - c):
            rows.append(
                {
                    "cohort_week": start + dt.timedelta(weeks=c),
                    "weeks_since_first_visit": since,
                    "device": "mobile",
                    "cohort_users": 100 + c,
                    "retained_users": [100 + c, 30, 20][since] if since else 100 + c,
                }
            )
            rows.append({**rows[-1], "device": "desktop", "cohort_users": 50, "retained_users": 10})
    return pd.DataFrame(rows)


def test_cohort_matrix_sums_counts_over_breakdowns():
    frame = cohorts_frame()
    matrix = cohort_matrix(frame)
    assert matrix["available"] and matrix["periods"] == [0, 1, 2]
    assert matrix["cohorts"] == ["2026-01-05", "2026-01-12", "2026-01-19"]
    # brute force: retained / size summed over devices
    cell = frame[(frame.cohort_week == dt.date(2026, 1, 5)) & (frame.weeks_since_first_visit == 1)]
    assert matrix["values"][0][1] == pytest.approx(
        cell.retained_users.sum() / cell.cohort_users.sum()
    )
    assert matrix["values"][2][1] is None  # not observed yet
    assert matrix["cohort_sizes"][0] == 150


def test_cohort_matrix_with_rates_and_unrecognised_columns():
    jan, feb = dt.date(2026, 1, 1), dt.date(2026, 2, 1)
    rates = pd.DataFrame(
        {"cohort_month": [jan, jan, feb], "month_number": [0, 1, 0],
         "retention_rate": [1.0, 0.4, 1.0]}
    )  # fmt: skip
    matrix = cohort_matrix(rates)
    assert matrix["available"] and matrix["values"] == [[1.0, 0.4], [1.0, None]]
    odd = cohort_matrix(pd.DataFrame({"a": [1], "b": [2]}))
    assert odd["available"] is False and "not recognised" in odd["note"]
    assert cohort_matrix(None)["note"].endswith("not available in this warehouse")


def test_cohort_matrix_of_the_funnel_marts_shape():
    """The shape of the users mart: week and month grains, active users over cohort size,
    and a flag for the period still in progress."""
    rows = []
    for grain, starts in (("week", [dt.date(2026, 1, 5), dt.date(2026, 1, 12)]),
                          ("month", [dt.date(2026, 1, 1)])):  # fmt: skip
        for i, start in enumerate(starts):
            for period in range(3 - i):
                rows.append(
                    {
                        "cohort_grain": grain,
                        "cohort_start": start,
                        "period_number": period,
                        "is_complete_period": period < 2 - i,
                        "cohort_size": 200,
                        "active_users": 200 if period == 0 else 50 - 10 * period,
                        "retention_rate": 1.0 if period == 0 else (50 - 10 * period) / 200,
                    }
                )
    matrix = cohort_matrix(pd.DataFrame(rows))
    assert matrix["available"], matrix
    assert matrix["cohorts"] == ["2026-01-05", "2026-01-12"]  # the week grain
    assert matrix["periods"] == [0, 1, 2]
    assert matrix["values"][0] == pytest.approx([1.0, 40 / 200, None])  # period 2 in progress
    assert matrix["values"][1][1] is None  # in progress for the later cohort
    assert "cohort_grain = week" in matrix["source"]


def test_formatting():
    assert fmt.pct(0.1234, 1, True) == "+12.3%"
    assert fmt.metric_difference(0.0123, "binomial") == "+1.23 pp"
    assert fmt.p_equals(0.00001) == "p < 0.0001" and fmt.p_equals(0.0312) == "p = 0.031"
    assert fmt.money(-1234.4, "EUR") == "-1,234 EUR" and fmt.months(None) == "never"
    assert fmt.pct(None) == fmt.DASH
