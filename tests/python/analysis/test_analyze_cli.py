"""scripts/analyze.py as a user meets it: contract of the JSON, wording of the outputs, bad input
(one error line, non-zero exit, no traceback), read-only access, ROI assumptions sources."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import duckdb
import pytest
from conftest import REPO, SPECS, metric_row, run_cli
from funnelhouse.analysis import AnalysisOptions, analyze_warehouse
from funnelhouse.report import html
from funnelhouse.report.json_report import report_json
from funnelhouse.synthetic_marts import ExperimentSpec, build_warehouse

METRIC_KEYS = {
    "metric_name", "segment_name", "segment_value", "variant", "control", "users",
    "control_users", "control_mean", "variant_mean", "abs_effect", "abs_ci", "rel_effect",
    "rel_ci", "p_value", "p_value_adjusted", "cuped", "chance_to_win", "expected_loss_abs",
    "expected_loss_rel", "sequential", "power", "test",
}  # fmt: skip


def test_json_contract_names(cli_run):
    result = cli_run.result
    assert set(result) >= {"experiments", "alpha", "correction", "errors"}
    for experiment in result["experiments"]:
        assert set(experiment) >= {
            "experiment_id", "is_simulated", "srm", "aa", "metrics", "roi", "decision",
        }  # fmt: skip
        assert set(experiment["srm"]) >= {"p_value", "flag"}
        assert set(experiment["decision"]) >= {"decision", "reasons"}
        assert experiment["decision"]["decision"] in {
            "invalid", "ship", "ship to segment", "keep running", "stop",
        }  # fmt: skip
        for row in experiment["metrics"]:
            assert set(row) >= METRIC_KEYS
            assert set(row["cuped"]) >= {"applied", "theta", "variance_reduction"}
            assert len(row["abs_ci"]) == 2 and len(row["rel_ci"]) == 2
            if row["estimable"]:
                assert row["abs_ci"][0] <= row["abs_effect"] <= row["abs_ci"][1]
                # small segments use the exact test (item 9 of issue 10)
                assert any(word in row["test"] for word in ("Welch t", "z-test", "exact"))
            if row["segment_name"] == "all" and row["estimable"]:
                assert row["sequential"]["available"] is True


def test_simulated_and_real_are_labelled_everywhere(cli_run, experiments):
    assert experiments["sim_lift"]["is_simulated"] is True
    assert experiments["three_arms"]["is_simulated"] is False
    assert "OFFLINE SIMULATION" in experiments["sim_lift"]["framing"]
    assert "REAL LOGGED TEST" in experiments["three_arms"]["framing"]
    assert experiments["sim_lift"]["decision"]["go_no_go"] in ("go", "no-go")
    assert experiments["three_arms"]["decision"]["go_no_go"] is None
    for text in (cli_run.stdout, cli_run.html.read_text(encoding="utf-8")):
        assert text.count("OFFLINE SIMULATION") >= 2  # sim_lift and srm_broken
        assert "REAL LOGGED TEST" in text


def test_decisions_follow_the_data(experiments):
    # +12% injected on purchase with 12k users: a clear, significant win -> go
    sim = experiments["sim_lift"]
    assert sim["decision"]["decision"] == "ship"
    assert sim["decision"]["headline"].startswith("GO")
    assert sim["simulation"]["injected_uplift_in_rel_ci"] is True
    assert any("primary metric improved" in r for r in sim["decision"]["reasons"])
    # no effect anywhere: not a ship
    assert experiments["three_arms"]["decision"]["decision"] in ("stop", "keep running")
    # broken split: invalid, whatever the effects
    broken = experiments["srm_broken"]["decision"]
    assert broken["decision"] == "invalid" and broken["go_no_go"] == "no-go"
    assert any("sample ratio mismatch" in r for r in broken["reasons"])


def test_html_is_self_contained(cli_run):
    html = cli_run.html.read_text(encoding="utf-8")
    assert html.lstrip().startswith("<!doctype html>")
    assert "http://" not in html and "https://" not in html
    assert html.count('src="data:image/png;base64,') >= 3 * 4  # funnel, forest, time, ROI...
    for section in ("Funnel by variant", "Lift by metric", "Effect over time", "ROI",
                    "Is the test healthy?", "Cohort retention"):  # fmt: skip
        assert section in html


def test_the_warehouse_is_opened_read_only(tmp_path):
    path = tmp_path / "w.duckdb"
    build_warehouse(path, [ExperimentSpec("e", users=2_000, days=3, aa_salts=3)], cohorts=False)
    before = hashlib.md5(path.read_bytes()).hexdigest()
    with duckdb.connect(str(path), read_only=True):  # another reader holds the file
        run = run_cli("--db", str(path), "--quiet", json_path=tmp_path / "a.json")
    assert run.returncode == 0, run.stderr
    assert hashlib.md5(path.read_bytes()).hexdigest() == before


# ---------------------------------------------------------------------------- bad input
def assert_one_error_line(run, *fragments: str) -> None:
    assert run.returncode != 0
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in run.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--alpha", "1.5"], ["--alpha", "(0, 1)"]),
        (["--alpha", "0"], ["--alpha"]),
        (["--alpha", "abc"], ["--alpha", "number"]),
        (["--correction", "bonferroni"], ["--correction"]),
        (["--experiment", "x", "--all"], ["not allowed with"]),
        (["--rollout-share", "0"], ["--rollout-share"]),
        (["--gross-margin", "1.5"], ["--gross-margin"]),
        (["--horizon-months", "-3"], ["--horizon-months"]),
        (["--max-extra-days", "-1"], ["--max-extra-days"]),
    ],
)
def test_bad_options(synthetic, args, fragments):
    path, _ = synthetic
    assert_one_error_line(run_cli("--db", str(path), *args), *fragments)


def test_missing_database_file(tmp_path):
    assert_one_error_line(run_cli("--db", str(tmp_path / "nope.duckdb")), "not found")


def test_unknown_experiment_and_ids_are_parameters(synthetic):
    path, _ = synthetic
    assert_one_error_line(
        run_cli("--db", str(path), "--experiment", "nope"), "unknown experiment 'nope'", "sim_lift"
    )
    # an injection attempt is just an unknown id (bound as a parameter, never pasted into SQL)
    assert_one_error_line(
        run_cli("--db", str(path), "--experiment", "x' or '1'='1"), "unknown experiment"
    )


def test_unknown_roi_metric(synthetic):
    path, _ = synthetic
    assert_one_error_line(
        run_cli("--db", str(path), "--experiment", "sim_lift", "--roi-metric", "nope"),
        "--roi-metric",
        "purchase",
    )


@pytest.fixture(scope="module")
def empty_arm_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("empty") / "w.duckdb"
    build_warehouse(
        path,
        [
            ExperimentSpec("fine", users=3_000, days=4, aa_salts=3),
            ExperimentSpec("hollow", users=3_000, days=4, aa_salts=3, empty_variant="treatment"),
        ],
        cohorts=False,
    )
    return path


def test_empty_arm_is_a_clear_error(empty_arm_db):
    run = run_cli("--db", str(empty_arm_db), "--experiment", "hollow")
    assert_one_error_line(run, "hollow", "'treatment'", "empty arm")


def test_all_reports_the_others_and_exits_non_zero(empty_arm_db, tmp_path):
    run = run_cli("--db", str(empty_arm_db), "--all", "--quiet", json_path=tmp_path / "a.json")
    assert run.returncode == 1
    assert [x["experiment_id"] for x in run.result["experiments"]] == ["fine"]
    assert run.result["errors"][0]["experiment_id"] == "hollow"
    assert_one_error_line(run, "hollow", "empty arm")


def test_missing_table_and_missing_column(tmp_path):
    spec = [ExperimentSpec("e", users=1_000, days=2, aa_salts=2)]
    no_table = tmp_path / "no_table.duckdb"
    build_warehouse(no_table, spec, skip_tables=("fct_experiment_variant_stats",), cohorts=False)
    assert_one_error_line(
        run_cli("--db", str(no_table)), "marts.fct_experiment_variant_stats", "not found"
    )
    no_column = tmp_path / "no_column.duckdb"
    build_warehouse(
        no_column, spec, drop_columns={"dim_experiment_metrics": ("metric_type",)}, cohorts=False
    )
    assert_one_error_line(
        run_cli("--db", str(no_column)), "marts.dim_experiment_metrics", "metric_type"
    )


def test_optional_marts_missing_switch_sections_off(tmp_path):
    path = tmp_path / "lean.duckdb"
    build_warehouse(
        path,
        [ExperimentSpec("e", users=3_000, days=4, aa_salts=3)],
        skip_tables=("fct_experiment_variant_stats_daily", "fct_experiment_aa_stats"),
        cohorts=False,
    )
    report = analyze_warehouse(path, None, AnalysisOptions())
    result = report_json(report)
    experiment = result["experiments"][0]
    assert experiment["aa"]["available"] is False
    assert metric_row(experiment, "purchase")["sequential"]["available"] is False
    assert experiment["days_observed"] == pytest.approx(4.0)  # from the window
    assert result["cohort_retention"]["available"] is False
    assert "not available in this warehouse" in html.render(report)


# ---------------------------------------------------------------------------- revenue, ROI
def test_no_prices_means_revenue_unavailable_and_assumed_order_value(tmp_path):
    path = tmp_path / "retailrocket_like.duckdb"
    build_warehouse(path, [SPECS[0]], has_revenue=False, cohorts=False)
    options = AnalysisOptions(roi_overrides={"assumed_order_value": 30.0, "gross_margin": 0.5})
    experiment = report_json(analyze_warehouse(path, None, options))["experiments"][0]
    for name in ("revenue", "revenue_per_order"):
        row = metric_row(experiment, name)
        assert row["estimable"] is False and row["abs_effect"] is None
        assert row["note"].startswith("revenue unavailable")
    assert any("revenue unavailable" in w for w in experiment["warnings"])
    roi = experiment["roi"]
    assert roi["inputs"]["average_order_value"] == 30.0
    assert roi["inputs"]["gross_margin"] == 0.5
    assert "no prices" in roi["value_source"]  # was order_value_source (issue 10, item 14)
    assert "overridden on the command line" in roi["assumptions"]["source"]


def test_roi_assumptions_fall_back_to_the_seed_csv(tmp_path):
    path = tmp_path / "no_seed.duckdb"
    build_warehouse(
        path, [ExperimentSpec("e", users=3_000, days=4, aa_salts=3)], roi_seed=False, cohorts=False
    )
    result = report_json(analyze_warehouse(path, None, AnalysisOptions()))
    with (REPO / "seeds" / "roi_assumptions.csv").open(newline="", encoding="utf-8") as handle:
        seed = next(r for r in csv.DictReader(handle) if r["assumption_set"] == "default")
    used = result["roi_assumptions"]
    for name in ("gross_margin", "implementation_cost", "monthly_running_cost",
                 "horizon_months", "rollout_share", "assumed_order_value"):  # fmt: skip
        assert used[name] == float(seed[name])
    assert used["currency"] == seed["currency"]
    assert any("roi_assumptions.csv" in n for n in result["notes"])


def test_seed_in_the_dbt_test_warehouse_matches_the_csv(test_warehouse_path):
    from funnelhouse.analysis.marts import Warehouse
    from funnelhouse.analysis.options import load_roi_assumptions

    with Warehouse(test_warehouse_path) as warehouse:
        rows = warehouse.roi_assumption_rows()
    assert rows is not None, "dbt did not load seeds.roi_assumptions"
    from_db, notes = load_roi_assumptions(rows)
    with (REPO / "seeds" / "roi_assumptions.csv").open(newline="", encoding="utf-8") as handle:
        seed = next(r for r in csv.DictReader(handle) if r["assumption_set"] == "default")
    assert notes == []
    assert from_db.gross_margin == float(seed["gross_margin"])
    assert from_db.implementation_cost == float(seed["implementation_cost"])
    assert from_db.currency == seed["currency"]


def test_analysis_of_the_dbt_test_warehouse(test_warehouse_path, tmp_path):
    """Before the experiment marts exist the CLI must say so clearly; once they exist it must
    analyse the generator's experiment and account for exactly the generator's exposed users
    (analysed + excluded because they were logged in several variants)."""
    with duckdb.connect(str(test_warehouse_path), read_only=True) as con:
        has_marts = bool(
            con.execute(
                "select count(*) from information_schema.tables "
                "where table_schema = 'marts' and table_name = 'fct_experiment_variant_stats'"
            ).fetchone()[0]
        )
    run = run_cli("--db", str(test_warehouse_path), "--all", "--quiet",
                  json_path=tmp_path / "a.json")  # fmt: skip
    if not has_marts:
        assert_one_error_line(run, "not found", "dbt build")
        return
    assert run.returncode == 0, run.stderr
    truth_path = Path(str(test_warehouse_path)).with_name("events.truth.json")
    truth = json.loads(truth_path.read_text(encoding="utf-8"))["experiment"]
    experiment = next(
        x for x in run.result["experiments"] if x["experiment_id"] == truth["experiment_id"]
    )
    users = sum(v["users"] for v in experiment["srm"]["variants"])
    excluded = experiment["multi_variant"].get("excluded_multi_variant_users") or 0
    assert users + excluded == truth["truth"]["exposed_users"]
    primary = metric_row(experiment, experiment["primary_metric"])
    assert primary["estimable"] and primary["sequential"]["available"]


def _fine_and(tmp_path, other: str):
    """A small synthetic warehouse with the experiments 'fine' and `other`."""
    path = tmp_path / "w.duckdb"
    specs = [ExperimentSpec(name, users=3_000, days=4, aa_salts=3) for name in ("fine", other)]
    build_warehouse(path, specs, cohorts=False)
    return path


def test_all_skips_an_experiment_nobody_was_exposed_to(tmp_path):
    """A logged test whose assignment log belongs to another dataset has no exposures here:
    --all reports it as skipped (exit 0); naming it explicitly is still a clear error."""
    path = _fine_and(tmp_path, "elsewhere")
    with duckdb.connect(str(path)) as con:
        con.execute(
            "update marts.fct_experiment_health set exposed_users = 0 "
            "where experiment_id = 'elsewhere'"
        )
        for table in ("fct_experiment_variant_stats", "fct_experiment_variant_stats_daily"):
            con.execute(
                f"update marts.{table} set users = 0, metric_sum = 0, metric_sum_squares = 0 "
                "where experiment_id = 'elsewhere'"
            )
    run = run_cli("--db", str(path), "--all", json_path=tmp_path / "a.json")
    assert run.returncode == 0, run.stderr
    assert [x["experiment_id"] for x in run.result["experiments"]] == ["fine"]
    assert run.result["errors"] == []
    assert [x["experiment_id"] for x in run.result["skipped"]] == ["elsewhere"]
    assert "SKIPPED elsewhere: no exposed users" in run.stdout
    explicit = run_cli("--db", str(path), "--experiment", "elsewhere")
    assert explicit.returncode != 0
    assert len(explicit.stderr.strip().splitlines()) == 1


def test_all_skips_an_experiment_whose_primary_windows_have_not_closed(tmp_path):
    """Users are exposed, but no primary-metric window has closed by the end of the data (a
    7-day metric on three hours of data): those users are never counted, so --all skips the
    experiment with the reason instead of failing on empty arms."""
    path = _fine_and(tmp_path, "too_early")
    with duckdb.connect(str(path)) as con:
        con.execute(
            "update marts.fct_experiment_variant_stats set users = 0, metric_sum = 0, "
            "metric_sum_squares = 0 where experiment_id = 'too_early' and metric_name = 'purchase'"
        )
    run = run_cli("--db", str(path), "--all", json_path=tmp_path / "a.json")
    assert run.returncode == 0, run.stderr
    assert [x["experiment_id"] for x in run.result["experiments"]] == ["fine"]
    skipped = run.result["skipped"]
    assert [x["experiment_id"] for x in skipped] == ["too_early"]
    assert "primary-metric window has closed" in skipped[0]["reason"]
