"""Render the analysis report in headless Chromium and fail if the screenshot is missing or blank.

The whole page is captured (its measured height) and checked band by band.

Uses the given warehouse when it has the experiment marts, otherwise a small synthetic
warehouse with the same contract (built under --out), so the check runs on any checkout.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import duckdb
from funnelhouse.dashboard.render_check import check_page
from funnelhouse.report.screenshot import BAND, find_browser
from funnelhouse.synthetic_marts import DEMO_SPECS, build_warehouse

ANALYZE = Path(__file__).resolve().parent / "analyze.py"


def has_experiment_marts(path: Path) -> bool:
    if not path.is_file():
        return False
    with duckdb.connect(str(path), read_only=True) as con:
        return bool(
            con.execute(
                "select count(*) from information_schema.tables where table_schema = 'marts' "
                "and table_name = 'fct_experiment_variant_stats'"
            ).fetchone()[0]
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="warehouse.duckdb", help="warehouse to report on")
    parser.add_argument("--out", default="build/report-check", help="output folder")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if find_browser() is None:
        print("report-check: no chromium (Debian: apt-get install -y chromium)", file=sys.stderr)
        return 1
    db = Path(args.db)
    if not has_experiment_marts(db):
        db = out / "demo.duckdb"
        print(f"report-check: {args.db} has no experiment marts; using a synthetic {db}")
        build_warehouse(db, list(DEMO_SPECS))
    html, png = out / "report.html", out / "report.png"
    analysis = subprocess.run(
        [sys.executable, str(ANALYZE), "--db", str(db), "--all", "--quiet", "--html", str(html)],
        capture_output=True,
        text=True,
    )
    if not html.is_file():
        print(f"report-check: no report written: {analysis.stderr.strip()}", file=sys.stderr)
        return 1
    rendered = check_page(html, png)
    check = rendered.page
    status = "BROKEN" if rendered.broken else "ok"
    problems = [f"images not loaded: {', '.join(rendered.broken_images)}"] * bool(
        rendered.broken_images
    )
    if check.blank_bands:
        problems.append(
            f"nothing drawn in the {BAND} px bands at {', '.join(map(str, check.blank_bands))}"
        )
    print(
        f"report-check: {html} -> {png} (the whole page: {check.width}x{check.height} of "
        f"{rendered.height} px, {rendered.images} images, {check.ink_share:.0%} of the pixels "
        f"drawn, {check.colours} colours, every {BAND} px band checked"
        + "".join(f"; {p}" for p in problems)
        + f"): {status}"
    )
    return 1 if rendered.broken else 0


if __name__ == "__main__":
    sys.exit(main())
