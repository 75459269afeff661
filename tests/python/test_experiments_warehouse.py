"""The experiment marts of the test warehouse (conftest's test_warehouse: the one `make dbt-test`
built, or one built here) against independent pandas / Python computations."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest
from funnelhouse.assignment import assign_growthbook_many, assign_md5_many
from funnelhouse.generation.assignment_log import assignments_path
from funnelhouse.stats.sufficient import SUM_COLUMNS
from warehouse_helpers import ROOT, run_dbt

STAT_COLUMNS = list(SUM_COLUMNS)
STAT_KEYS = ["experiment_id", "variant", "metric_name", "segment_name", "segment_value"]
HASH = {"md5": assign_md5_many, "growthbook": assign_growthbook_many}
# Fixed paths (shared with test_experiment_assignment_sql) so that dbt parses only partially.
DBT_WORKDIR = ROOT / "build" / "test" / "pytest-dbt"


@pytest.fixture(scope="module")
def con(test_db: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(test_db), read_only=True)


@pytest.fixture(scope="module")
def events_path(test_events: Path) -> Path:
    return test_events


@pytest.fixture(scope="module")
def truth(events_path: Path) -> dict[str, Any]:
    return json.loads(events_path.with_name(f"{events_path.stem}.truth.json").read_text())


@pytest.fixture(scope="module")
def user_metrics(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    df = con.sql("select * from marts.fct_experiment_user_metrics").df()
    assert len(df) > 1000
    # Shuffled on purpose: a test that relies on the mart's row order must fail here every time,
    # not once in a while when DuckDB's parallel scan returns rows in another order.
    return df.sample(frac=1.0, random_state=7).reset_index(drop=True)


def _df(con: duckdb.DuckDBPyConnection, query: str) -> pd.DataFrame:
    return con.sql(query).df()


def _sufficient_statistics(
    frame: pd.DataFrame, keys: list[str], metric: str, denominator: str
) -> pd.DataFrame:
    """Brute-force sums over the per-user rows; the ratio product only for ratio metrics and
    the covariate sums only where there is a covariate (else NaN)."""
    m, d, c = frame[metric], frame[denominator], frame["covariate_value"]
    ratio = frame["metric_type"] == "ratio"
    terms = pd.DataFrame(
        {
            "users": 1,
            "metric_sum": m,
            "metric_sum_squares": m * m,
            "denominator_sum": d,
            "denominator_sum_squares": d * d,
            "metric_denominator_sum_product": (m * d).where(ratio),
            "covariate_sum": c,
            "covariate_sum_squares": c * c,
            "metric_covariate_sum_product": m * c,
        }
    )
    terms[keys] = frame[keys]
    return terms.groupby(keys, as_index=False).sum(min_count=1)


def _segmented(user_metrics: pd.DataFrame) -> pd.DataFrame:
    parts = [user_metrics.assign(segment_name="all", segment_value="all")]
    for name in ("user_type", "device"):
        parts.append(user_metrics.assign(segment_name=name, segment_value=user_metrics[name]))
    return pd.concat(parts, ignore_index=True)


def _assert_stats_equal(actual: pd.DataFrame, expected: pd.DataFrame, keys: list[str]) -> None:
    merged = actual.merge(expected, on=keys, how="outer", suffixes=("", "_bf"), indicator=True)
    only_mart = merged[merged["_merge"] == "left_only"]
    assert (merged["_merge"] != "right_only").all(), "brute force has rows the mart lacks"
    # rows only in the mart are empty arms: zero users and zero sums
    assert (only_mart["users"] == 0).all()
    assert (only_mart[["metric_sum", "metric_sum_squares", "denominator_sum"]] == 0).all().all()
    both = merged[merged["_merge"] == "both"]
    for column in STAT_COLUMNS:
        a, b = both[column].astype(float), both[f"{column}_bf"].astype(float)
        assert (a.isna() == b.isna()).all(), column
        np.testing.assert_allclose(a[a.notna()], b[b.notna()], rtol=1e-9, atol=1e-6, err_msg=column)


def test_variant_stats_equal_brute_force_aggregation(con, user_metrics) -> None:
    mart = _df(con, "select * from marts.fct_experiment_variant_stats")
    expected = _sufficient_statistics(
        _segmented(user_metrics), [*STAT_KEYS, "metric_type"], "metric_value", "denominator_value"
    )
    _assert_stats_equal(mart, expected, [*STAT_KEYS, "metric_type"])
    # completeness: every variant x metric x segment value present in the experiment
    exposures = _df(con, "select * from marts.fct_experiment_exposures")
    variants = _df(con, "select experiment_id, variant from marts.dim_experiment_variants")
    metrics = _df(con, "select experiment_id, metric_name from marts.dim_experiment_metrics")
    segments = [
        variants[["experiment_id"]]
        .drop_duplicates()
        .assign(segment_name="all", segment_value="all")
    ]
    for name in ("user_type", "device"):
        present = exposures[["experiment_id", name]].drop_duplicates()
        segments.append(present.rename(columns={name: "segment_value"}).assign(segment_name=name))
    spine = pd.concat(segments).merge(variants).merge(metrics)
    assert sorted(map(tuple, spine[STAT_KEYS].to_numpy())) == sorted(
        map(tuple, mart[STAT_KEYS].to_numpy())
    )


def _known_dates(con: duckdb.DuckDBPyConnection, user_metrics: pd.DataFrame) -> pd.DataFrame:
    """The day each user's metric value becomes known, computed here from the exposure time and
    the metric's window end: the last day inside [exposed_at, exposed_at + window_end_hours).
    (Without a window_end_hours column -- before the metric registry -- every metric's window
    was the experiment's conversion window.)"""
    metrics = _df(con, "select * from marts.dim_experiment_metrics")
    if "window_end_hours" not in metrics:
        dims = _df(con, "select experiment_id, conversion_window_hours from marts.dim_experiments")
        metrics = metrics.merge(dims).rename(
            columns={"conversion_window_hours": "window_end_hours"}
        )
    hours = user_metrics.merge(
        metrics[["experiment_id", "metric_name", "window_end_hours"]],
        on=["experiment_id", "metric_name"],
        how="left",
        validate="many_to_one",
    )["window_end_hours"].to_numpy()
    window_end = pd.to_datetime(user_metrics["exposed_at"]) + pd.to_timedelta(hours, unit="h")
    known = (window_end - pd.Timedelta(microseconds=1)).dt.normalize()
    return pd.DataFrame({"known": known, "window_end_hours": hours}, index=user_metrics.index)


def test_daily_looks_count_only_users_whose_metric_window_has_closed(con, user_metrics) -> None:
    """Issue 10 item 5: on a look date a user's outcome counts only if the user's metric window
    has closed by the end of that day (a 7-day metric has nobody at look day 6). Every row of the
    daily mart equals a brute-force cumulative aggregation by that day, and the looks run from
    the first exposure date until the last window closed (so the last look is everyone)."""
    daily = _df(con, "select * from marts.fct_experiment_variant_stats_daily")
    daily["look_date"] = pd.to_datetime(daily["look_date"])
    segmented = _segmented(pd.concat([user_metrics, _known_dates(con, user_metrics)], axis=1))
    segmented["exposure_date"] = pd.to_datetime(segmented["exposure_date"])
    keys = [*STAT_KEYS, "metric_type"]
    for experiment_id, days in daily.groupby("experiment_id"):
        exp_rows = segmented[segmented["experiment_id"] == experiment_id]
        first_look = exp_rows["exposure_date"].min()
        # nobody is counted before their window has closed: a 7-day metric has nobody until the
        # seventh day after the first exposure date
        week_long = exp_rows.loc[exp_rows["window_end_hours"] >= 7 * 24, "metric_name"].unique()
        early = days[
            days["metric_name"].isin(week_long)
            & (days["look_date"] < first_look + pd.Timedelta(days=6))
        ]
        assert len(week_long) == 0 or len(early) > 0
        assert (early["users"] == 0).all(), f"{experiment_id}: users counted before day 7"
        expected_days = list(pd.date_range(first_look, exp_rows["known"].max(), freq="D"))
        assert sorted(days["look_date"].unique()) == expected_days, experiment_id
        # about six looks per experiment, always the first and the last
        looks = [*expected_days[:: max(1, len(expected_days) // 6)], expected_days[-1]]
        for look_date in looks:
            known = exp_rows[exp_rows["known"] <= look_date]
            expected = _sufficient_statistics(known, keys, "metric_value", "denominator_value")
            actual = days[days["look_date"] == look_date].drop(columns="look_date")
            _assert_stats_equal(actual, expected, keys)


# The shipped metrics as they were defined before the registry (README "Metrics" of that time):
# metric -> (base aggregate, per-user transform, denominator aggregate for ratios)
SHIPPED_METRICS = {
    "purchase": ("orders", "any", None),
    "orders": ("orders", "value", None),
    "revenue": ("revenue", "value", None),
    "revenue_per_order": ("revenue", "value", "orders"),
    "reached_checkout": ("checkouts", "any", None),
    "removed_from_cart": ("cart_removals", "any", None),
}


def _base_aggregates(frame: pd.DataFrame) -> pd.DataFrame:
    """orders (distinct order ids of purchases, one per purchase without one), revenue,
    checkouts and cart removals per experiment and user."""
    purchases = frame[frame["event_type"] == "purchase"]
    keys = ["experiment_id", "user_id"]
    order_key = purchases["order_id"].fillna(purchases["event_id"])
    return pd.DataFrame(
        {
            "orders": purchases.assign(k=order_key).groupby(keys)["k"].nunique(),
            "revenue": purchases.groupby(keys)["revenue"].sum().astype(float),
            "checkouts": frame[frame["event_type"] == "begin_checkout"].groupby(keys).size(),
            "cart_removals": frame[frame["event_type"] == "remove_from_cart"].groupby(keys).size(),
        }
    )


def test_shipped_metrics_keep_their_definitions(con, user_metrics) -> None:
    """The registry rows of the six shipped metrics reproduce their old definitions, computed
    here from fct_events: the conversion window from the exposure event on (by position) until
    exposed_at + conversion_window_hours, the pre-exposure window back to pre_period_days."""
    events = _df(
        con,
        "select user_id, event_id, event_type, event_at, user_event_number, order_id, revenue "
        "from marts.fct_events "
        "where event_type in ('purchase', 'begin_checkout', 'remove_from_cart')",
    )
    exposures = _df(
        con,
        "select e.experiment_id, e.user_id, e.exposed_at, e.exposure_user_event_number, "
        "d.conversion_window_hours, d.pre_period_days from marts.fct_experiment_exposures e "
        "join marts.dim_experiments d using (experiment_id)",
    )
    joined = events.merge(exposures, on="user_id")
    after = joined["user_event_number"] >= joined["exposure_user_event_number"]
    hours = pd.to_timedelta(joined["conversion_window_hours"], unit="h")
    days = pd.to_timedelta(joined["pre_period_days"], unit="D")
    windows = {
        "observed": _base_aggregates(
            joined[after & (joined["event_at"] < joined["exposed_at"] + hours)]
        ),
        "pre": _base_aggregates(
            joined[~after & (joined["event_at"] >= joined["exposed_at"] - days)]
        ),
    }
    index = pd.MultiIndex.from_frame(exposures[["experiment_id", "user_id"]])
    windows = {name: frame.reindex(index).fillna(0.0) for name, frame in windows.items()}
    mart = user_metrics.set_index(["experiment_id", "user_id", "metric_name"]).sort_index()
    for metric, (aggregate, transform, denominator) in SHIPPED_METRICS.items():
        rows = mart.xs(metric, level="metric_name")
        expected = {name: frame.loc[rows.index] for name, frame in windows.items()}
        values = {
            name: (frame[aggregate] > 0).astype(float) if transform == "any" else frame[aggregate]
            for name, frame in expected.items()
        }
        np.testing.assert_allclose(
            rows["observed_metric_value"], values["observed"], err_msg=metric
        )
        if denominator is None:
            np.testing.assert_allclose(rows["covariate_value"], values["pre"], err_msg=metric)
            assert (rows["observed_denominator_value"] == 1).all()
        else:
            assert rows["covariate_value"].isna().all()
            np.testing.assert_allclose(
                rows["observed_denominator_value"], expected["observed"][denominator]
            )
    # every exposed user has every metric of the experiment (all windows closed in this data)
    metrics = _df(con, "select experiment_id, metric_name from marts.dim_experiment_metrics")
    assert len(user_metrics) == len(exposures.merge(metrics, on="experiment_id"))


def test_aa_stats_equal_python_reassignment(con, user_metrics) -> None:
    aa = _df(con, "select * from marts.fct_experiment_aa_stats")
    dims = _df(con, "select experiment_id, salt from marts.dim_experiments")
    variants = _df(con, "select * from marts.dim_experiment_variants order by variant_index")
    salts = sorted(aa["salt_index"].unique())
    assert salts == list(range(1, 21))
    keys = ["experiment_id", "salt_index", "variant", "metric_name", "metric_type"]
    for row in dims.itertuples():
        arms = variants[variants["experiment_id"] == row.experiment_id]
        um = user_metrics[user_metrics["experiment_id"] == row.experiment_id]
        if um.empty:
            continue
        users = sorted(um["user_id"].unique())
        frames = []
        for k in salts:
            index = assign_md5_many(f"{row.salt}:aa:{k}", users, list(arms["weight"]), 1.0)
            names = dict(zip(users, arms["variant"].to_numpy()[index], strict=True))
            frames.append(um.assign(salt_index=k, variant=um["user_id"].map(names)))
        expected = _sufficient_statistics(
            pd.concat(frames), keys, "observed_metric_value", "observed_denominator_value"
        )
        actual = aa[aa["experiment_id"] == row.experiment_id]
        _assert_stats_equal(actual, expected, keys)


def test_exposures_match_an_independent_pandas_computation(con, events_path) -> None:
    events = _df(
        con,
        "select user_id, event_id, event_at, event_type, session_id from marts.fct_events "
        "where event_type in (select distinct exposure_event from marts.dim_experiments)",
    )
    sessions = _df(
        con, "select session_id, session_number, device, channel from marts.fct_sessions"
    )
    all_users = sorted(_df(con, "select distinct user_id from marts.fct_events")["user_id"])
    data_range = _df(con, "select min(event_at) as lo, max(event_at) as hi from marts.fct_events")
    dims = _df(con, "select * from marts.dim_experiments")
    variants = _df(con, "select * from marts.dim_experiment_variants order by variant_index")
    exposures = _df(con, "select * from marts.fct_experiment_exposures")
    assignments = _df(con, "select * from marts.fct_experiment_assignments")
    log = pd.read_parquet(assignments_path(events_path))
    for exp in dims.itertuples():
        # the resolved window, checked against the data
        if exp.window_rule == "data":
            assert exp.window_start_at == data_range["lo"][0]
            hours = pd.Timedelta(hours=int(exp.conversion_window_hours))
            assert exp.window_end_at == data_range["hi"][0] - hours
        arms = variants[variants["experiment_id"] == exp.experiment_id]
        cand = events[
            (events["event_type"] == exp.exposure_event)
            & (events["event_at"] >= exp.window_start_at)
            & (events["event_at"] < exp.window_end_at)
        ].merge(sessions, on="session_id")
        cand["user_type"] = np.where(cand["session_number"] == 1, "new", "returning")
        if isinstance(exp.target_segment, str):
            name, value = exp.target_segment.split("=")
            cand = cand[cand[name] == value]
        first = cand.sort_values(["user_id", "event_at", "event_id"]).drop_duplicates("user_id")
        if exp.assignment_source == "hash":
            index = HASH[exp.hash_method](
                exp.salt, all_users, list(arms["weight"]), float(exp.coverage)
            )
            assigned = pd.Series(
                np.where(index >= 0, arms["variant"].to_numpy()[np.maximum(index, 0)], None),
                index=all_users,
            ).dropna()
            mart_assigned = assignments[assignments["experiment_id"] == exp.experiment_id]
            assert dict(zip(mart_assigned["user_id"], mart_assigned["variant"], strict=True)) == (
                assigned.to_dict()
            )
        else:
            logged = log[log["experiment_id"] == exp.experiment_id]
            n_variants = logged.groupby("user_id")["variant"].nunique()
            single = logged[logged["user_id"].isin(n_variants[n_variants == 1].index)]
            assigned = single.drop_duplicates("user_id").set_index("user_id")["variant"]
        first = first[first["user_id"].isin(assigned.index)]
        expected = first.assign(variant=first["user_id"].map(assigned)).set_index("user_id")
        actual = exposures[exposures["experiment_id"] == exp.experiment_id].set_index("user_id")
        assert len(actual) > 50, exp.experiment_id
        assert sorted(actual.index) == sorted(expected.index), exp.experiment_id
        expected = expected.loc[actual.index]
        for column, mine in [
            ("event_id", "exposure_event_id"),
            ("event_at", "exposed_at"),
            ("variant", "variant"),
            ("user_type", "user_type"),
            ("device", "device"),
            ("channel", "channel"),
        ]:
            assert (actual[mine] == expected[column]).all(), (exp.experiment_id, column)


def test_the_generators_true_effect_is_visible(con, truth) -> None:
    """checkout_button_test, the experiment the generator ran: the warehouse finds exactly the
    generator's exposed users and converters (multi-variant users excluded), and its estimate
    agrees with the true (potential-outcome) effect within sampling error."""
    exp = truth["experiment"]
    stats = _df(
        con,
        "select variant, users, metric_sum, metric_sum_squares from "
        "marts.fct_experiment_variant_stats where experiment_id = 'checkout_button_test' "
        "and metric_name = 'purchase' and segment_name = 'all'",
    ).set_index("variant")
    realised = exp["assignment_log"]["realised_excluding_multi_variant"]
    for variant, arm in realised.items():
        assert stats.loc[variant, "users"] == arm["exposed_users"]
        assert stats.loc[variant, "metric_sum"] == arm["converters"]
    health = _df(
        con,
        "select * from marts.fct_experiment_health where experiment_id = 'checkout_button_test'",
    ).iloc[0]
    log = exp["assignment_log"]
    assert health["assigned_users"] == log["assigned_users"]
    assert health["multi_variant_users"] == log["multi_variant_users"]
    assert health["excluded_multi_variant_users"] == log["multi_variant_exposed_users"]
    assert health["logged_hash_mismatch_users"] == 0
    # z-test of the estimated difference against the true one
    n = stats["users"].astype(float)
    p = stats["metric_sum"] / n
    se = float(np.sqrt((p * (1 - p) / n).sum()))
    observed = p["treatment"] - p["control"]
    true = exp["truth"]["treatment_rate"] - exp["truth"]["control_rate"]
    assert abs(observed - true) < 4 * se, (observed, true, se)


def _uniform(key: str) -> float:
    return int(hashlib.md5(key.encode()).hexdigest()[:8], 16) / 2**32


@pytest.mark.parametrize("experiment_id", ["new_user_checkout", "shipping_threshold"])
def test_simulation_reproduces_the_hypothesised_uplift(con, user_metrics, experiment_id) -> None:
    """The documented simulation, re-implemented with hashlib, flips exactly the users the
    warehouse flipped; the simulated arms' rates are what the scheme expects; the resulting
    relative lift agrees with the hypothesis within sampling error."""
    exp = _df(con, f"select * from marts.dim_experiments where experiment_id = '{experiment_id}'")
    exp = exp.iloc[0]
    variants = _df(
        con, f"select * from marts.dim_experiment_variants where experiment_id = '{experiment_id}'"
    ).set_index("variant")
    um = user_metrics[user_metrics["experiment_id"] == experiment_id]
    # Align every metric's rows on the same user order: DuckDB does not promise a row order.
    wide = {m: g.set_index("user_id").sort_index() for m, g in um.groupby("metric_name")}
    purchase, revenue = wide["purchase"], wide["revenue"]
    assert revenue.index.equals(purchase.index)
    in_segment = pd.Series(True, index=purchase.index)
    if isinstance(exp["uplift_segment"], str):
        name, value = exp["uplift_segment"].split("=")
        in_segment = purchase[name] == value
    r = purchase.loc[in_segment, "observed_metric_value"].mean()
    seg_orders = wide["orders"].loc[in_segment, "observed_metric_value"].sum()
    order_value = round(revenue.loc[in_segment, "observed_metric_value"].sum() / seg_orders, 2)
    uplift = purchase["variant"].map(variants["simulated_uplift"])
    q = uplift * r / (1 - r)
    u = pd.Series([_uniform(f"{exp['salt']}:simulate:{x}") for x in purchase.index], purchase.index)
    flips = in_segment & (uplift > 0) & (purchase["observed_metric_value"] == 0) & (u < q)
    assert flips.sum() > 0
    assert (purchase["is_simulated_outcome"] == flips).all()
    assert (
        purchase["metric_value"] == np.where(flips, 1.0, purchase["observed_metric_value"])
    ).all()
    expected_revenue = np.where(flips, order_value, revenue["observed_metric_value"])
    np.testing.assert_allclose(revenue["metric_value"], expected_revenue, atol=1e-9)
    assert not wide["reached_checkout" if "reached_checkout" in wide else "removed_from_cart"][
        "is_simulated_outcome"
    ].any()
    control = purchase[purchase["variant"] == variants.index[variants["is_control"]][0]]
    p_c = control["metric_value"].mean()
    var_c = p_c * (1 - p_c) / len(control)
    for variant, arm_uplift in variants["simulated_uplift"].items():
        if arm_uplift <= 0:
            continue
        arm = purchase[(purchase["variant"] == variant) & in_segment]
        q_arm = arm_uplift * r / (1 - r)
        p_obs = arm["observed_metric_value"].mean()
        n0 = (arm["observed_metric_value"] == 0).sum()
        # conditional on the observed outcomes, only the hash draws vary
        expected_rate = p_obs + (1 - p_obs) * q_arm
        se_sim = np.sqrt(n0 * q_arm * (1 - q_arm)) / len(arm)
        assert abs(arm["metric_value"].mean() - expected_rate) < 4 * se_sim + 1e-12
        # unconditionally, the lift against control is the hypothesis up to sampling error
        p_t = arm["metric_value"].mean()
        var_t = p_t * (1 - p_t) / len(arm)
        se_lift = np.sqrt(var_t / p_c**2 + p_t**2 * var_c / p_c**4)
        assert abs(p_t / p_c - 1 - arm_uplift) < 4 * se_lift, (variant, p_t / p_c - 1, se_lift)


def test_assignments_are_stable_when_data_are_appended(con, events_path) -> None:
    """Build the assignments on the first half of the events and compare them with the full
    build: users common to both keep their variant and bucket."""
    DBT_WORKDIR.mkdir(parents=True, exist_ok=True)
    prefix, db = DBT_WORKDIR / "prefix_events.parquet", DBT_WORKDIR / "prefix.duckdb"
    db.unlink(missing_ok=True)
    duckdb.execute(
        f"copy (select * from '{events_path}' where event_at < '2026-01-31') to '{prefix}'"
    )
    run_dbt(
        "build",
        prefix,
        db,
        "--select",
        "+fct_experiment_assignments",
        "--exclude-resource-type",
        "test",
        "--exclude-resource-type",
        "unit_test",
        "--quiet",
        env={"ASSIGNMENTS_PATH": ""},
    )
    query = (
        "select experiment_id, user_id, variant, bucket from marts.fct_experiment_assignments "
        "where assignment_source = 'hash'"
    )
    part = duckdb.connect(str(db), read_only=True).sql(query).df()
    full = con.sql(query).df()
    merged = part.merge(full, on=["experiment_id", "user_id"], suffixes=("_part", "_full"))
    assert len(part) > 1000 and len(full) > len(part)
    assert len(merged) == len(part)  # every user of the prefix is assigned in the full build
    assert (merged["variant_part"] == merged["variant_full"]).all()
    assert (merged["bucket_part"] == merged["bucket_full"]).all()
    # the prefix has no assignment log next to it: logged experiments are empty, not an error
    logged = duckdb.connect(str(db), read_only=True).execute(
        "select count(*) from marts.fct_experiment_assignments where assignment_source = 'logged'"
    )
    assert logged.fetchone()[0] == 0


@pytest.mark.parametrize(
    "mart",
    [
        "fct_experiment_variant_stats",
        "fct_experiment_variant_stats_daily",
        "fct_experiment_aa_stats",
    ],
)
def test_stats_marts_carry_exactly_the_python_sufficient_statistics(warehouse, mart) -> None:
    """The SQL statement of the contract (macro experiment_statistics_spec) and the Python one
    (SUM_COLUMNS, which the marts reader and the synthetic marts use) name the same columns in
    the same order, and the marts have no other summable column."""
    columns = [
        row[0]
        for row in warehouse.execute(
            "select column_name from information_schema.columns"
            " where table_schema = 'marts' and table_name = ? order by ordinal_position",
            [mart],
        ).fetchall()
    ]
    summable = [c for c in columns if c == "users" or c.endswith(("_sum", "_squares", "_product"))]
    assert summable == list(SUM_COLUMNS)
