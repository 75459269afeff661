"""The metric registry (seeds/metrics.csv): bad rows fail the build, each named with its problem
(tests/dbt/assert_metric_registry_is_valid.sql, checked on a copy of the project with bad rows
appended), and the README's "Define a metric" examples are registry rows that the mobile-game
test builds and analyses."""

from __future__ import annotations

import csv
import io
import re

import duckdb
import mobile_game as game
import pandas as pd
import pytest
from warehouse_helpers import ROOT, run_dbt

TEST = "assert_metric_registry_is_valid"
COLUMNS = (
    "metric_name,description,metric_type,event_type,value,denominator_event_type,"
    "denominator_value,window_start_hours,window_end_hours,cap_percentile,higher_is_better,"
    "value_per_unit,unit"
)
BAD_METRICS = f"""{COLUMNS}
bad_type,,poisson,purchase,count,,,0,,,true,,
bad_event,,binomial,level_up,count,,,0,,,true,,
no_denominator,,ratio,purchase,revenue,,,0,,,true,,
backwards_window,,binomial,page_view,count,,,48,24,,true,,
empty_window,,binomial,page_view,count,,,24,24,,true,,
negative_start,,binomial,page_view,count,,,-1,24,,true,,
late_start,,binomial,page_view,count,,,200,,,true,,
cap_above_one,,mean,purchase,revenue,,,0,,1.5,true,,
cap_zero,,mean,purchase,revenue,,,0,,0,true,,
capped_binomial,,binomial,purchase,count,,,0,,0.9,true,,
binomial_revenue,,binomial,purchase,revenue,,,0,,,true,,
bad_value,,mean,purchase,price,,,0,,,true,,
counted_money,,mean,purchase,count,,,0,,,true,,currency
no_direction,,mean,purchase,count,,,0,,,,,
negative_value_per_unit,,mean,product_view,count,,,0,,,true,-1,
money_value_per_unit,,mean,purchase,revenue,,,0,,,true,2,
stray_denominator,,mean,purchase,count,purchase,count,0,,,true,,
purchase,a second definition,binomial,purchase,count,,,0,,,true,,share
"""
BAD_EXPERIMENT_METRICS = """experiment_id,metric_name,metric_role
new_user_checkout,no_such_metric,secondary
new_user_checkout,late_start,secondary
bad_uplift,revenue,primary
"""
BAD_EXPERIMENTS = """experiment_id,hash_method,coverage,exposure_event,assignment_source,conversion_window_hours,is_simulated,simulated_uplift,uplift_metric
bad_uplift,md5,1,add_to_cart,hash,168,true,0.1,revenue
"""  # noqa: E501
# (metric, experiment or None, words the problem must contain)
EXPECTED = [
    ("bad_type", None, "metric_type must be binomial, mean or ratio (got 'poisson')"),
    ("bad_event", None, "event_type 'level_up' is not a canonical event type"),
    ("no_denominator", None, "needs denominator_event_type and denominator_value"),
    (
        "backwards_window",
        None,
        "window_end_hours (24) must be greater than window_start_hours (48)",
    ),
    ("empty_window", None, "window_end_hours (24) must be greater than window_start_hours (24)"),
    ("negative_start", None, "window_start_hours must be >= 0"),
    ("late_start", "new_user_checkout", "conversion window of new_user_checkout (168 h)"),
    ("cap_above_one", None, "cap_percentile must be in (0, 1)"),
    ("cap_zero", None, "cap_percentile must be in (0, 1)"),
    ("capped_binomial", None, "cap_percentile applies to mean and ratio metrics"),
    ("binomial_revenue", None, "value must be count or empty"),
    ("bad_value", None, "value must be count, distinct_orders or revenue (got 'price')"),
    ("counted_money", None, "unit currency needs value revenue"),
    ("no_direction", None, "higher_is_better must be true or false"),
    ("negative_value_per_unit", None, "value_per_unit must be positive"),
    ("money_value_per_unit", None, "a currency metric is money already"),
    ("stray_denominator", None, "only ratio metrics have a denominator"),
    ("purchase", None, "metric_name is defined 2 times"),
    ("no_such_metric", "new_user_checkout", "is not defined in seeds/metrics.csv"),
    ("revenue", "bad_uplift", "uplift_metric revenue must be a binomial metric"),
]


@pytest.fixture(scope="module")
def bad_build(tmp_path_factory):
    """(dbt output, problem rows) of the registry test on a project copy with bad rows."""
    work = tmp_path_factory.mktemp("bad_registry")
    fixtures = work / "fixtures"
    fixtures.mkdir()
    for name, text in (
        ("metrics.csv", BAD_METRICS),
        ("experiment_metrics.csv", BAD_EXPERIMENT_METRICS),
        ("experiments.csv", BAD_EXPERIMENTS),
    ):
        (fixtures / name).write_text(text)
    project = game.project_with_game_registry(ROOT, work / "project", fixtures=fixtures)
    database = work / "registry.duckdb"
    result = run_dbt(
        "build",
        ROOT / "build" / "missing-events.parquet",  # seeds and their tests read no events
        database,
        "--select",
        f"+{TEST}",
        "--indirect-selection",
        "cautious",
        "--exclude",
        "test_type:unit",
        project_dir=project,
        check=False,
    )
    assert result.returncode != 0  # a bad registry fails the build
    with duckdb.connect(str(database), read_only=True) as con:
        problems = con.sql(f"select * from dbt_test__audit.{TEST}").df()
    return result.stdout, problems


@pytest.mark.parametrize(("metric", "experiment", "words"), EXPECTED)
def test_each_bad_row_is_named_with_its_problem(bad_build, metric, experiment, words) -> None:
    _, problems = bad_build
    mine = problems[problems["metric_name"] == metric]
    if experiment is not None:
        mine = mine[mine["experiment_id"] == experiment]
    assert mine["problem"].str.contains(words, regex=False).any(), mine.to_dict("records")


def test_only_bad_rows_fail_and_dbt_says_where_to_look(bad_build) -> None:
    stdout, problems = bad_build
    assert set(problems["metric_name"]) == {metric for metric, _, _ in EXPECTED}
    assert f"Failure in test {TEST}" in stdout
    assert f'select * from "registry"."dbt_test__audit"."{TEST}"' in stdout


def _readme_examples() -> list[dict[str, str]]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Define a metric", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    blocks = re.findall(r"```csv\n(.*?)```", section, flags=re.DOTALL)
    assert blocks, "README 'Define a metric' has no csv block"
    rows = [row for block in blocks for row in csv.DictReader(io.StringIO(block))]
    assert all(list(row) == COLUMNS.split(",") for row in rows), "header differs from the seed"
    return rows


def test_readme_examples_are_registry_rows_built_by_the_game_test() -> None:
    """The five examples work as written: each is a row of seeds/metrics.csv, and the mobile-game
    experiment (test_mobile_game_experiment) reports every one of them."""
    examples = _readme_examples()
    assert len(examples) == 5
    registry = pd.read_csv(ROOT / "seeds" / "metrics.csv", dtype=str, keep_default_na=False)
    rows = {tuple(r) for r in registry.to_numpy().tolist()}
    for example in examples:
        assert tuple(example.values()) in rows, example["metric_name"]
    reported = pd.read_csv(game.FIXTURES / "experiment_metrics.csv")["metric_name"]
    assert {e["metric_name"] for e in examples} <= set(reported)
