"""Does the analysis recover the generator's known effect? (part of ``make validate``)

Runs the analysis of the generated warehouse and checks, for the generator's experiment, that
the analysed users plus the users the warehouse excluded (seen in several variants) are the
truth file's exposed users, and that the true absolute and relative
lift (mean potential outcomes over all exposed users) lie inside the reported confidence
intervals of the primary metric. Says NOT CHECKED, and exits 0, when the warehouse has no
experiment marts or there is no truth file (e.g. real-world data).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from funnelhouse.analysis import AnalysisError, AnalysisOptions, analyze_warehouse
from funnelhouse.report.json_report import report_json


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="warehouse.duckdb")
    parser.add_argument("--truth", default="data/events.truth.json")
    args = parser.parse_args(argv)
    truth_path = Path(args.truth)
    if not truth_path.is_file():
        print(f"generator truth: NOT CHECKED ({truth_path} not found: not generated data?)")
        return 0
    experiment = json.loads(truth_path.read_text(encoding="utf-8"))["experiment"]
    try:
        report = analyze_warehouse(args.db, [experiment["experiment_id"]], AnalysisOptions())
    except AnalysisError as exc:
        print(f"generator truth: NOT CHECKED ({exc})")
        return 0
    analysed = report_json(report)["experiments"][0]
    primary = next(
        m
        for m in analysed["metrics"]
        if m["metric_role"] == "primary" and m["segment_name"] == "all"
    )
    truth = experiment["truth"]
    users = {v["variant"]: v["users"] for v in analysed["srm"]["variants"]}
    excluded = analysed["multi_variant"]["health"].get("excluded_multi_variant_users") or 0
    generated = truth["exposed_users"]
    checks = [
        (
            "analysed users + excluded multi-variant users = the generator's exposed users",
            sum(users.values()) + excluded == generated,
            f"{sum(users.values())} {users} + {excluded} vs {generated}",
        ),
        (
            "true absolute lift inside abs_ci",
            primary["abs_ci"][0] <= truth["absolute_lift"] <= primary["abs_ci"][1],
            f"{truth['absolute_lift']:+.5f} in [{primary['abs_ci'][0]:+.5f}, "
            f"{primary['abs_ci'][1]:+.5f}]",
        ),
        (
            "true relative lift inside rel_ci",
            primary["rel_ci"][0] <= truth["relative_lift"] <= primary["rel_ci"][1],
            f"{truth['relative_lift']:+.2%} in [{primary['rel_ci'][0]:+.2%}, "
            f"{primary['rel_ci'][1]:+.2%}] (estimate {primary['rel_effect']:+.2%})",
        ),
    ]
    print(f"generator truth of {experiment['experiment_id']} ({primary['metric_name']}):")
    for name, ok, detail in checks:
        print(f"  {'yes' if ok else 'NO ':<4} {name}: {detail}")
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
