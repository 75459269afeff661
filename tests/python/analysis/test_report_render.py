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
    assert matrix.available and matrix.periods == (0, 1, 2)
    assert matrix.cohorts == ("2026-01-05", "2026-01-12", "2026-01-19")
    # brute force: retained / size summed over devices
    cell = frame[(frame.cohort_week == dt.date(2026, 1, 5)) & (frame.weeks_since_first_visit == 1)]
    assert matrix.values[0][1] == pytest.approx(cell.retained_users.sum() / cell.cohort_users.sum())
    assert matrix.values[2][1] is None  # not observed yet
    assert matrix.cohort_sizes[0] == 150


def test_cohort_matrix_with_rates_and_unrecognised_columns():
    jan, feb = dt.date(2026, 1, 1), dt.date(2026, 2, 1)
    rates = pd.DataFrame(
        {"cohort_month": [jan, jan, feb], "month_number": [0, 1, 0],
         "retention_rate": [1.0, 0.4, 1.0]}
    )  # fmt: skip
    matrix = cohort_matrix(rates)
    assert matrix.available and matrix.values == ((1.0, 0.4), (1.0, None))
    odd = cohort_matrix(pd.DataFrame({"a": [1], "b": [2]}))
    assert odd.available is False and "not recognised" in odd.note
    assert cohort_matrix(None).note.endswith("not available in this warehouse")


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
    assert matrix.available, matrix
    assert matrix.cohorts == ("2026-01-05", "2026-01-12")  # the week grain
    assert matrix.periods == (0, 1, 2)
    assert matrix.values[0] == pytest.approx([1.0, 40 / 200, None])  # period 2 in progress
    assert matrix.values[1][1] is None  # in progress for the later cohort
    assert "cohort_grain = week" in matrix.source


def test_formatting():
    assert fmt.pct(0.1234, 1, True) == "+12.3%"
    assert fmt.metric_difference(0.0123, "binomial") == "+1.23 pp"
    assert fmt.p_equals(0.00001) == "p < 0.0001" and fmt.p_equals(0.0312) == "p = 0.031"
    assert fmt.money(-1234.4, "EUR") == "-1,234 EUR" and fmt.months(None) == "never"
    assert fmt.pct(None) == fmt.DASH


# ---------------------------------------------------------------------------- issue 10, item 15
def tall_page(path, blocks: int, gap: int = 0):
    """Coloured 300 px blocks, with an empty ``gap`` px after the first half of them."""
    colours = ["#0969da", "#1a7f37", "#cf222e", "#9a6700", "#8250df"]
    parts = [
        f'<div style="height:300px;background:{colours[i % 5]}">section {i}</div>'
        for i in range(blocks)
    ]
    parts.insert(blocks // 2, f'<div style="height:{gap}px"></div>')
    path.write_text(f"<!doctype html><html><body>{''.join(parts)}</body></html>", encoding="utf-8")
    return path


@needs_chromium
def test_the_whole_page_is_captured(tmp_path):
    """make report-check used to capture the top 4,000 px (19% of the report)."""
    from funnelhouse.dashboard.render_check import check_page

    page = tall_page(tmp_path / "tall.html", blocks=36)  # about 10,800 px
    rendered = check_page(page, tmp_path / "tall.png")
    assert rendered.height >= 36 * 300
    assert rendered.page.height == rendered.height and not rendered.broken, rendered


@needs_chromium
def test_an_empty_region_of_the_page_is_detected(tmp_path):
    from funnelhouse.dashboard.render_check import check_page

    page = tall_page(tmp_path / "gap.html", blocks=12, gap=7000)
    check = check_page(page, tmp_path / "gap.png").page
    assert check.ink_share >= 0.01 and check.colours >= 16  # the old check passed it
    assert check.blank and check.blank_bands


@needs_chromium
def test_report_check_checks_the_whole_report(synthetic, tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[3] / "scripts" / "report_check.py"
    path, _ = synthetic
    run = subprocess.run(
        [sys.executable, str(script), "--db", str(path),
         "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    line = run.stdout.strip().splitlines()[-1]
    width, height = (int(v) for v in line.split("the whole page: ")[1].split(" ")[0].split("x"))
    assert f"of {height} px" in line and height > 10_000 and width == 1280


@pytest.fixture(scope="module")
def typed(synthetic):
    from funnelhouse.analysis import AnalysisOptions, analyze_warehouse

    path, _ = synthetic
    return analyze_warehouse(path, ["sim_lift"], AnalysisOptions(bayes_draws=2000))


def test_forest_plot_shows_every_point_even_a_90_percent_segment(typed):
    import dataclasses

    from funnelhouse.report.charts import forest_figure

    experiment = typed.experiments[0]
    rows = list(experiment.metrics)
    index = next(
        i for i, m in enumerate(rows) if m.segment_name == "device" and m.metric_name == "purchase"
    )
    rows[index] = dataclasses.replace(rows[index], rel_effect=0.9, rel_ci=(0.2, 1.6))
    figure = forest_figure(dataclasses.replace(experiment, metrics=tuple(rows)), "treatment")
    low, high = figure.axes[0].get_xlim()
    shown = [m.rel_effect for m in rows if m.variant == "treatment" and m.rel_effect is not None]
    assert low < min(shown) and max(shown) < high  # +90% inside the axis
    markers = [line.get_marker() for line in figure.axes[0].lines]
    assert ">" in markers  # the interval beyond the axis ends in an arrow


def renamed(instance, field: str):
    """``instance`` as the report would see it after ``field`` was renamed in a refactoring:
    the same type and values, but the old name is gone."""
    original = type(instance)

    def getattribute(self, name):
        if name == field:
            raise AttributeError(f"{original.__name__!r} object has no attribute {name!r}")
        return object.__getattribute__(self, name)

    look_alike = type(original.__name__, (original,), {"__getattribute__": getattribute})
    copy = object.__new__(look_alike)
    copy.__dict__.update(instance.__dict__)
    return copy


@pytest.mark.parametrize(
    ("section", "field", "in_text"),
    [
        ("primary", "p_value", True),
        ("primary", "rel_effect", True),
        ("primary", "chance_to_win", False),
        ("primary", "expected_loss_rel", False),
        ("primary", "sequential", True),
        ("primary", "power", True),
        ("decision", "headline", True),
        ("decision", "deciding_p_value", False),
        ("roi", "probability_roi_positive", True),
        ("experiment", "analysis_plan", True),
    ],
)
def test_a_renamed_field_fails_loudly_instead_of_rendering_blank(typed, section, field, in_text):
    """The reports read typed attributes: a renamed result field is an error, not a blank dash."""
    import dataclasses

    from funnelhouse.report import html, text

    experiment = typed.experiments[0]
    if section == "primary":
        rows = tuple(
            renamed(m, field) if (m.is_overall and m.metric_role == "primary") else m
            for m in experiment.metrics
        )
        broken = dataclasses.replace(experiment, metrics=rows)
    elif section == "experiment":
        broken = renamed(experiment, field)
    else:
        broken = dataclasses.replace(
            experiment, **{section: renamed(getattr(experiment, section), field)}
        )
    report = dataclasses.replace(typed, experiments=(broken,))
    with pytest.raises(AttributeError, match=field):
        html.render(report)
    if in_text:
        with pytest.raises(AttributeError, match=field):
            text.summary(report)
