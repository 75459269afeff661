"""In-process checks of the analysis layer: design validation errors and decisions that depend
on segments and arms (the statistics themselves are checked in test_analyze_references)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from funnelhouse.analysis import AnalysisError, AnalysisOptions, analyze_warehouse
from funnelhouse.analysis.design import build_design
from funnelhouse.analysis.marts import REQUIRED_COLUMNS, ExperimentData
from funnelhouse.report.json_report import report_json
from funnelhouse.synthetic_marts import (
    ExperimentSpec,
    build_warehouse,
    simulate_users,
    variant_stats,
)


def experiment_data(**changes) -> ExperimentData:
    spec = ExperimentSpec("e", users=600, days=2)
    users = simulate_users(spec, np.random.default_rng(1))
    data = ExperimentData(
        experiment={"experiment_id": "e"},
        variants=pd.DataFrame(
            {"variant": ["control", "treatment"], "variant_index": [0, 1], "weight": [0.5, 0.5],
             "is_control": [True, False]}
        ),
        metrics=pd.DataFrame(
            {"metric_name": ["purchase", "bounce"], "metric_type": ["binomial", "binomial"],
             "metric_role": ["primary", "guardrail"], "higher_is_better": [True, False]}
        ),
        health={"multi_variant_share": 0.0},
        stats=variant_stats(users, spec),
        daily=None,
        aa=None,
    )  # fmt: skip
    for name, value in changes.items():
        setattr(data, name, value)
    return data


def test_a_valid_design_is_indexed():
    design = build_design(experiment_data())
    assert design.control == "control" and design.treatments == ("treatment",)
    assert design.primary.name == "purchase"
    assert list(design.segments) == ["all", "device", "user_type"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"variants": pd.DataFrame({"variant": ["a", "b"], "variant_index": [0, 1],
          "weight": [1, 1], "is_control": [True, True]})}, "exactly one control"),
        ({"variants": pd.DataFrame({"variant": ["control", "treatment"], "variant_index": [0, 1],
          "weight": [1, 0], "is_control": [True, False]})}, "weight"),
        ({"metrics": pd.DataFrame({"metric_name": ["purchase"], "metric_type": ["poisson"],
          "metric_role": ["primary"], "higher_is_better": [True]})}, "metric_type 'poisson'"),
        ({"metrics": pd.DataFrame({"metric_name": ["purchase", "bounce"],
          "metric_type": ["binomial"] * 2, "metric_role": ["primary"] * 2,
          "higher_is_better": [True] * 2})}, "exactly one primary"),
        ({"stats": pd.DataFrame(columns=["experiment_id", "variant", "metric_name",
          "segment_name", "segment_value", "users", "metric_sum", "metric_sum_squares"])},
         "no rows"),
    ],
)  # fmt: skip
def test_bad_designs_are_clear_errors(change, message):
    with pytest.raises(AnalysisError, match=message):
        build_design(experiment_data(**change))


def test_money_comes_from_the_is_revenue_column_not_the_name():
    """dim_experiment_metrics.is_revenue says which metrics are money; no name pattern guesses
    it: 'revenue_share' is not money when the column says so, 'coins' are, and without the
    column (required in the warehouse contract) nothing is money because of its name."""
    metrics = pd.DataFrame(
        {"metric_name": ["purchase", "revenue_share", "coins"], "metric_type": ["binomial"] * 3,
         "metric_role": ["primary", "secondary", "secondary"], "higher_is_better": [True] * 3,
         "is_revenue": [False, False, True]}
    )  # fmt: skip
    design = build_design(experiment_data(metrics=metrics))
    money = {m.name: m.is_revenue for m in design.metrics}
    assert money == {"purchase": False, "revenue_share": False, "coins": True}
    unnamed = build_design(experiment_data(metrics=metrics.drop(columns="is_revenue")))
    assert not any(m.is_revenue for m in unnamed.metrics)
    assert "is_revenue" in REQUIRED_COLUMNS["dim_experiment_metrics"]


def test_duplicate_stats_rows_are_an_error():
    data = experiment_data()
    data.stats = pd.concat([data.stats, data.stats.head(1)], ignore_index=True)
    with pytest.raises(AnalysisError, match="duplicate rows"):
        build_design(data)


@pytest.fixture(scope="module")
def segment_warehouse(tmp_path_factory):
    path = tmp_path_factory.mktemp("segments") / "w.duckdb"
    build_warehouse(
        path,
        [
            ExperimentSpec(
                "one_click",
                users=30_000,
                uplift=(0.6,),
                device_uplift={"desktop": -0.7, "tablet": 0.0, "unknown": 0.0},
                days=5,
                is_simulated=False,
                aa_salts=4,
            ),
        ],
        cohorts=False,
    )
    return path


def test_ship_to_segment_when_a_segment_is_harmed(segment_warehouse):
    result = report_json(analyze_warehouse(segment_warehouse, ["one_click"], AnalysisOptions()))
    decision = result["experiments"][0]["decision"]
    assert decision["decision"] == "ship to segment", decision["reasons"]
    assert "device=mobile" in decision["segments_to_ship"]
    assert "device=desktop" not in decision["segments_to_ship"]
    assert any("harmed in segments: device=desktop" in r for r in decision["reasons"])
    assert any("Cochran's Q" in r for r in decision["reasons"])
