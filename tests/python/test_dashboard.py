"""The KPI dashboard: written from the test warehouse, rendered in headless Chromium at full
height (skipped without chromium), and failing on blank, cut or broken pages."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from dashboard import main
from funnelhouse.dashboard.data import QUERIES, load
from funnelhouse.dashboard.page import render
from funnelhouse.dashboard.render_check import check_page
from funnelhouse.report.screenshot import find_browser

needs_chromium = pytest.mark.skipif(find_browser() is None, reason="chromium is not installed")


@pytest.fixture(scope="module")
def page(test_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dashboard") / "dashboard.html"
    assert main(["--db", str(test_db), "--out", str(out)]) == 0
    return out


def test_the_page_is_self_contained_and_has_every_section(page: Path) -> None:
    html = page.read_text(encoding="utf-8")
    for title in ("Funnel", "Cohort retention", "LTV curves", "Channels", "Top cross-sell pairs",
                  "RFM segments", "KPIs and anomalies", "Attribution"):  # fmt: skip
        assert f"<h2>{title}</h2>" in html
    assert "not available" not in html
    assert "http://" not in html and "https://" not in html and "<script" not in html
    assert html.count('src="data:image/png;base64,') >= 7


@needs_chromium
def test_the_page_renders_at_full_height_without_broken_images(page: Path, tmp_path) -> None:
    check = check_page(page, tmp_path / "dashboard.png")
    assert check.images >= 7 and not check.broken_images
    assert check.page.height == check.height > 2500  # the whole page, not a window of it
    assert not check.broken, check


@needs_chromium
def test_blank_cut_and_broken_pages_are_detected(tmp_path) -> None:
    blank = tmp_path / "blank.html"
    blank.write_text("<!doctype html><html><body></body></html>", encoding="utf-8")
    assert check_page(blank, tmp_path / "blank.png").broken
    broken = tmp_path / "broken.html"
    broken.write_text(
        '<!doctype html><html><body><h1>x</h1><img src="missing.png" alt="chart"></body></html>',
        encoding="utf-8",
    )
    assert check_page(broken, tmp_path / "broken.png").broken_images == ["chart"]


def test_a_warehouse_without_the_marts_gives_a_page_that_says_so(tmp_path) -> None:
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    data = load(empty)
    assert set(data.missing) == set(QUERIES)
    html = render(data)
    assert html.count("not available") >= 6 and "<h2>Attribution</h2>" in html


def test_a_missing_warehouse_is_one_clear_error(tmp_path, capsys) -> None:
    assert main(["--db", str(tmp_path / "nope.duckdb")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: warehouse") and err.count("\n") == 1
