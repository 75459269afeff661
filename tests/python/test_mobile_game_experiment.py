"""A real logged experiment defined only in seeds, end to end: a mobile game's onboarding test
(tests/python/mobile_game.py) with day-1 / day-7 retention, rounds played, conversion, revenue
per user, capped revenue and average order value. The rows of tests/python/fixtures/mobile_game
are appended to a copy of the project's seeds, `dbt build` runs on the generated events and
assignment log, and `analyze.py` reads the marts. Every number is checked against a pandas /
scipy / statsmodels computation on the raw files, which never touches the warehouse."""

from __future__ import annotations

import json
import subprocess
import sys

import duckdb
import mobile_game as game
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from warehouse_helpers import ROOT, run_dbt

WINDOW_END = game.WINDOW_START + pd.Timedelta(days=game.WINDOW_DAYS)
PRE_PERIOD = pd.Timedelta(days=14)
# metric -> (raw event type, value: count | revenue | orders, window hours, cap percentile)
METRICS = {
    "retained_d1": ("app_open", "binomial", (24, 48), None),
    "retained_d7": ("app_open", "binomial", (168, 192), None),
    "rounds_played": ("round_end", "count", (0, 168), None),
    "purchase": ("iap", "binomial", (0, 168), None),
    "revenue": ("iap", "revenue", (0, 168), None),
    "revenue_capped": ("iap", "revenue", (0, 168), 0.99),
    "revenue_per_order": ("iap", "revenue", (0, 168), None),  # denominator: orders
}
ALPHA = 0.05


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(game data, warehouse path, analysis JSON) of one build of the project copy."""
    work = tmp_path_factory.mktemp("mobile_game")
    data = game.generate(work / "data")
    project = game.project_with_game_registry(ROOT, work / "project")
    database = work / "game.duckdb"
    run_dbt(
        "build",
        data.events,
        database,
        "--exclude",
        "test_type:unit",
        "--quiet",
        project_dir=project,
        env={"ASSIGNMENTS_PATH": str(data.assignments)},
    )
    out = work / "analysis.json"
    done = subprocess.run(
        [
            *(sys.executable, str(ROOT / "scripts" / "analyze.py"), "--db", str(database)),
            *("--experiment", game.EXPERIMENT, "--json", str(out)),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return data, database, json.loads(out.read_text())["experiments"][0]


def _exposures(events: pd.DataFrame, log: pd.DataFrame) -> pd.DataFrame:
    opens = events[
        (events["event_type"] == "app_open")
        & (events["event_at"] >= game.WINDOW_START)
        & (events["event_at"] < WINDOW_END)
    ]
    first = opens.sort_values(["event_at", "event_id"]).drop_duplicates("user_id")
    first = first.rename(columns={"event_at": "exposed_at", "event_id": "exposure_event_id"})
    return first[["user_id", "exposed_at", "exposure_event_id"]].merge(log[["user_id", "variant"]])


def _window_values(
    events: pd.DataFrame, exposures: pd.DataFrame, event_type: str, hours: tuple[int, int]
) -> pd.DataFrame:
    """Per exposed user: events, revenue and orders of `event_type` in the metric window and in
    the pre-exposure window (0 when none)."""
    typed = events[events["event_type"] == event_type].merge(exposures, on="user_id")
    offset = typed["event_at"] - typed["exposed_at"]
    in_window = (offset >= pd.Timedelta(hours=hours[0])) & (offset < pd.Timedelta(hours=hours[1]))
    in_pre = (offset < pd.Timedelta(0)) & (offset >= -PRE_PERIOD)
    parts = {}
    for name, mask in (("window", in_window), ("pre", in_pre)):
        part = typed[mask].groupby("user_id")
        parts[f"{name}_events"] = part.size()
        parts[f"{name}_revenue"] = part["revenue"].sum()
        parts[f"{name}_orders"] = part["order_id"].nunique()
    frame = pd.DataFrame(parts).reindex(exposures["user_id"]).fillna(0.0)
    return frame.reset_index().rename(columns={"index": "user_id"})


def reference_user_metrics(data: game.GameData) -> pd.DataFrame:
    """The per-user metric values the warehouse should have, from the raw files: users whose
    window has closed by the last event, capped at the pooled percentile (numpy's default)."""
    events = pd.read_parquet(data.events)
    events["event_at"] = events["event_at"].dt.tz_convert(None)
    log = pd.read_parquet(data.assignments)
    exposures = _exposures(events, log)
    data_end = events["event_at"].max()
    frames = []
    for metric, (event_type, value, hours, cap) in METRICS.items():
        values = _window_values(events, exposures, event_type, hours).merge(exposures)
        values["complete"] = values["exposed_at"] + pd.Timedelta(hours=hours[1]) <= data_end
        kind = {"binomial": "events", "count": "events", "revenue": "revenue"}[value]
        metric_value = values[f"window_{kind}"]
        covariate = values[f"pre_{kind}"]
        if value == "binomial":
            metric_value, covariate = (metric_value > 0) * 1.0, (covariate > 0) * 1.0
        denominator = values["window_orders"] if metric == "revenue_per_order" else 1.0
        frame = values[["user_id", "variant", "complete"]].assign(
            metric_name=metric,
            uncapped=metric_value,
            denominator=denominator,
            covariate=np.nan if metric == "revenue_per_order" else covariate,
        )
        frame = frame[frame["complete"]].copy()
        frame["cap"] = np.quantile(frame["uncapped"], cap) if cap else np.nan
        frame["value"] = frame["uncapped"].clip(upper=frame["cap"]) if cap else frame["uncapped"]
        if cap:
            frame["covariate"] = frame["covariate"].clip(upper=frame["cap"])
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def reference(built) -> pd.DataFrame:
    return reference_user_metrics(built[0])


@pytest.fixture(scope="module")
def con(built):
    connection = duckdb.connect(str(built[1]), read_only=True)
    yield connection
    connection.close()


def test_per_user_metric_values_equal_the_raw_data(con, reference) -> None:
    """Every metric type, window edges included (app opens planted exactly at 24, 48, 168 and
    192 hours after exposure), incomplete windows left out, capping applied."""
    mart = con.sql(
        f"select * from marts.fct_experiment_user_metrics where experiment_id = '{game.EXPERIMENT}'"
    ).df()
    merged = mart.merge(
        reference, on=["user_id", "metric_name"], how="outer", indicator=True, validate="1:1"
    )
    assert (merged["_merge"] == "both").all(), merged["_merge"].value_counts()
    assert (merged["variant_x"] == merged["variant_y"]).all()
    for mine, theirs in [
        ("metric_value", "value"),
        ("uncapped_metric_value", "uncapped"),
        ("denominator_value", "denominator"),
        ("covariate_value", "covariate"),
        ("observed_metric_value", "value"),
    ]:
        np.testing.assert_allclose(merged[mine], merged[theirs], atol=1e-9, err_msg=mine)
    assert merged.groupby("metric_name").size().min() > 3000


def test_incomplete_windows_are_left_out_and_counted(con, built, reference) -> None:
    data, _, analysis = built
    exposed = len(data.players)
    counted = reference.groupby("metric_name").size()
    left_out = (exposed - counted).to_dict()
    assert left_out["retained_d7"] > 50 and left_out["retained_d1"] == 0  # 48 h windows closed
    health = con.sql(
        f"select * from marts.fct_experiment_health where experiment_id = '{game.EXPERIMENT}'"
    ).df()
    assert json.loads(health["incomplete_window_users_by_metric"].iloc[0]) == left_out
    assert health["incomplete_window_users"].iloc[0] == max(left_out.values())
    assert health["exposed_users"].iloc[0] == exposed
    assert any("left out of metrics whose window had not closed" in w for w in analysis["warnings"])


def test_capped_revenue_is_a_pooled_winsorized_mean(con, built, reference) -> None:
    raw = reference[reference["metric_name"] == "revenue_capped"]
    cap = np.percentile(raw["uncapped"], 99)
    assert (raw["uncapped"] > cap).sum() >= 5  # the cap bites
    dim = con.sql(
        "select cap_value, cap_percentile, is_revenue from marts.dim_experiment_metrics "
        f"where experiment_id = '{game.EXPERIMENT}' and metric_name = 'revenue_capped'"
    ).df()
    assert dim["cap_value"].iloc[0] == pytest.approx(cap, rel=1e-12)
    assert bool(dim["is_revenue"].iloc[0]) and dim["cap_percentile"].iloc[0] == 0.99
    row = _row(built[2], "revenue_capped")
    for arm, key in (("control", "control_mean"), ("new_onboarding", "variant_mean")):
        winsorized = raw.loc[raw["variant"] == arm, "uncapped"].clip(upper=cap).mean()
        assert row[key] == pytest.approx(winsorized, rel=1e-12)


def _row(analysis: dict, metric: str) -> dict:
    rows = [
        m for m in analysis["metrics"] if m["metric_name"] == metric and m["segment_name"] == "all"
    ]
    assert len(rows) == 1
    return rows[0]


def _cuped_effect(frame: pd.DataFrame) -> tuple[float, float]:
    """OLS value ~ 1 + treatment + covariate: the CUPED effect and theta."""
    design = sm.add_constant(
        np.column_stack([(frame["variant"] != "control").astype(float), frame["covariate"]])
    )
    fit = sm.OLS(frame["value"].to_numpy(), design).fit()
    return float(fit.params[1]), float(fit.params[2])


@pytest.mark.parametrize("metric", sorted(METRICS))
def test_analysis_reads_the_right_arms_means_and_effects(built, reference, metric) -> None:
    row = _row(built[2], metric)
    frame = reference[reference["metric_name"] == metric]
    control, variant = (frame[frame["variant"] == arm] for arm in game.VARIANTS)
    assert (row["control_users"], row["users"]) == (len(control), len(variant))
    if metric == "revenue_per_order":
        means = [f["value"].sum() / f["denominator"].sum() for f in (control, variant)]
    else:
        means = [control["value"].mean(), variant["value"].mean()]
    assert [row["control_mean"], row["variant_mean"]] == pytest.approx(means, rel=1e-12)
    if row["cuped"]["applied"]:
        effect, theta = _cuped_effect(frame)
        assert row["cuped"]["theta"] == pytest.approx(theta, rel=1e-8)
    else:
        effect = means[1] - means[0]
    assert row["abs_effect"] == pytest.approx(effect, rel=1e-8)


def test_rounds_played_matches_welch_on_cuped_adjusted_values(built, reference) -> None:
    row = _row(built[2], "rounds_played")
    frame = reference[reference["metric_name"] == "rounds_played"]
    assert row["cuped"]["applied"]  # existing players played before September
    _, theta = _cuped_effect(frame)
    adjusted = frame["value"] - theta * (frame["covariate"] - frame["covariate"].mean())
    control, variant = (adjusted[frame["variant"] == arm] for arm in game.VARIANTS)
    reference_test = stats.ttest_ind(variant, control, equal_var=False)
    ci = reference_test.confidence_interval(confidence_level=1 - ALPHA)
    assert row["p_value"] == pytest.approx(reference_test.pvalue, rel=1e-6, abs=1e-300)
    assert row["abs_ci"] == pytest.approx([ci.low, ci.high], rel=1e-7)


def test_day1_retention_estimate_agrees_with_the_true_effect(built, reference) -> None:
    """The generator's potential outcomes give the true effect on day-1 retention; the
    analysis's estimate agrees within sampling error, and its direction is the right one."""
    data, _, analysis = built
    row = _row(analysis, "retained_d1")
    players = data.players
    potential = players[["potential_d1_control", "potential_d1_treatment"]].astype(float)
    true_effect = (potential["potential_d1_treatment"] - potential["potential_d1_control"]).mean()
    se = (row["abs_ci"][1] - row["abs_ci"][0]) / (2 * stats.norm.ppf(1 - ALPHA / 2))
    assert abs(row["abs_effect"] - true_effect) < 4 * se, (row["abs_effect"], true_effect, se)
    assert row["metric_role"] == "primary" and row["abs_effect"] > 0


def test_dim_metrics_carry_the_registry_and_days_are_exposure_days(con, built) -> None:
    dim = (
        con.sql(
            "select * from marts.dim_experiment_metrics "
            f"where experiment_id = '{game.EXPERIMENT}' order by metric_name"
        )
        .df()
        .set_index("metric_name")
    )
    assert dim.loc["rounds_played", "unit"] == "rounds"
    assert dim.loc["rounds_played", "value_per_unit"] == 0.02
    assert not dim.loc["rounds_played", "is_revenue"] and dim.loc["revenue", "is_revenue"]
    windows = dim[["window_start_hours", "window_end_hours"]].to_dict("index")
    assert windows["retained_d7"] == {"window_start_hours": 168, "window_end_hours": 192}
    assert windows["purchase"] == {"window_start_hours": 0, "window_end_hours": 168}
    exposure_days = pd.to_datetime(built[0].players["exposed_at"]).dt.normalize().nunique()
    assert built[2]["days_observed"] == exposure_days
