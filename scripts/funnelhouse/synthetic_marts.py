"""A small DuckDB warehouse with the experiment-mart contract, built from simulated users.

Used by the analysis tests (which keep the per-user frame as the truth and compute reference
statistics from it with scipy / statsmodels) and by ``make report-check`` when the warehouse
has no experiment marts yet. Per-user outcomes are simulated with numpy and aggregated with
pandas into exactly the tables ``funnelhouse.analysis.marts`` reads.

Metrics of every experiment (name, type, role, higher is better):

    purchase           binomial  primary    yes   covariate: purchased in the pre-period
    reached_checkout   binomial  secondary  yes
    revenue            mean      secondary  yes   covariate: pre-period revenue (CUPED)
    items_viewed       mean      secondary  yes   no covariate (plain Welch t-test)
    revenue_per_order  ratio     secondary  yes   revenue / orders
    bounce             binomial  guardrail  no

``dim_experiment_metrics`` also carries the optional metric-registry columns the ROI reads
(``METRIC_ATTRIBUTES``: event_type, value_kind, unit, value_per_unit, is_revenue), and
``dim_experiments`` the analysis plan (``analysis_plan``, ``planned_users``) and the A/A marking
(``is_aa_test``). ``build_arms_warehouse`` writes the same tables from per-arm sufficient
statistics given directly (``ArmsExperiment``), for edge cases that are easier to state as sums.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from funnelhouse.project import experiment_segments
from funnelhouse.stats.sufficient import SUM_COLUMNS, SufficientStats

METRICS: tuple[tuple[str, str, str, bool], ...] = (
    ("purchase", "binomial", "primary", True),
    ("reached_checkout", "binomial", "secondary", True),
    ("revenue", "mean", "secondary", True),
    ("items_viewed", "mean", "secondary", True),
    ("revenue_per_order", "ratio", "secondary", True),
    ("bounce", "binomial", "guardrail", False),
)
# metric -> (value column, denominator column or None, covariate column or None)
METRIC_COLUMNS: dict[str, tuple[str, str | None, str | None]] = {
    "purchase": ("purchase", None, "pre_purchase"),
    "reached_checkout": ("reached_checkout", None, None),
    "revenue": ("revenue", None, "pre_revenue"),
    "items_viewed": ("items_viewed", None, None),
    "revenue_per_order": ("revenue", "orders", None),
    "bounce": ("bounce", None, None),
}
METRIC_TYPE = {name: metric_type for name, metric_type, _, _ in METRICS}
# The optional columns of the metric registry (dim_experiment_metrics) per metric.
METRIC_ATTRIBUTES: dict[str, dict[str, object]] = {
    "purchase": {"event_type": "purchase", "value_kind": "count", "unit": "share"},
    "reached_checkout": {"event_type": "begin_checkout", "value_kind": "count", "unit": "share"},
    "revenue": {"event_type": "purchase", "value_kind": "revenue", "unit": "currency"},
    "items_viewed": {"event_type": "product_view", "value_kind": "count", "unit": "count"},
    "revenue_per_order": {"event_type": "purchase", "value_kind": "revenue", "unit": "currency"},
    "bounce": {"event_type": "page_view", "value_kind": "count", "unit": "share"},
}
MONEY_METRICS = frozenset({"revenue", "revenue_per_order"})
# the breakdowns of the stats marts, as dbt builds them (var experiment_segments); the simulated
# users have a user_type and a device
SEGMENTS: tuple[str, ...] = experiment_segments()
DEVICES = ("mobile", "desktop", "tablet", "unknown")
DEVICE_MIX = (0.55, 0.35, 0.08, 0.02)
START = dt.datetime(2026, 1, 11)


@dataclass(frozen=True)
class ExperimentSpec:
    experiment_id: str
    users: int = 8_000
    variants: tuple[str, ...] = ("control", "treatment")
    weights: tuple[float, ...] = (0.5, 0.5)
    # relative uplift of P(purchase) per treatment variant (same order as variants[1:])
    uplift: tuple[float, ...] = (0.0,)
    # optional per-device multiplier of the uplift, e.g. {"desktop": -1.0}
    device_uplift: dict[str, float] = field(default_factory=dict)
    days: int = 21
    is_simulated: bool = True
    drop_share: float = 0.0  # share of the last variant's users lost (breaks the SRM)
    multi_variant_share: float = 0.0
    empty_variant: str | None = None  # a variant with nobody in it
    aa_salts: int = 40
    description: str = "synthetic experiment"
    analysis_plan: str = "fixed_horizon"
    planned_users: int | None = None
    is_aa_test: bool = False


def simulate_users(spec: ExperimentSpec, rng: np.random.Generator) -> pd.DataFrame:
    """One row per exposed user with every metric's value, covariates and segments."""
    n = spec.users
    weights = np.asarray(spec.weights) / np.sum(spec.weights)
    arm = rng.choice(len(spec.variants), size=n, p=weights)
    latent = rng.normal(size=n)
    returning = rng.random(n) < 0.4
    device = rng.choice(len(DEVICES), size=n, p=DEVICE_MIX)
    # pre-period activity follows the same latent propensity as the outcomes (CUPED has signal)
    pre_active = returning & (rng.random(n) < np.clip(0.35 * np.exp(0.9 * latent), 0, 0.98))
    pre_revenue = np.where(pre_active, rng.lognormal(3.4 + 0.5 * latent, 0.5), 0.0)
    pre_purchase = (pre_revenue > 0).astype(float)

    lift = np.zeros(n)
    for index, uplift in enumerate(spec.uplift, start=1):
        lift[arm == index] = uplift
    for name, multiplier in spec.device_uplift.items():
        lift[device == DEVICES.index(name)] *= multiplier

    reached = rng.random(n) < np.clip(0.2 * np.exp(0.5 * latent) * (1 + pre_purchase), 0, 0.95)
    p_buy = np.clip(0.45 * np.exp(0.3 * latent) * (1 + 0.2 * returning), 0, 0.95)
    purchase = reached & (rng.random(n) < np.clip(p_buy * (1 + lift), 0, 1))
    orders = np.where(purchase, 1 + rng.poisson(0.25, n), 0).astype(float)
    order_value = rng.gamma(2.0, 30.0 * np.exp(0.2 * latent), n)
    revenue = orders * order_value
    items = rng.poisson(np.exp(1.2 + 0.25 * latent)).astype(float)
    bounce = rng.random(n) < 0.35

    frame = pd.DataFrame(
        {
            "variant": np.asarray(spec.variants)[arm],
            "user_type": np.where(returning, "returning", "new"),
            "device": np.asarray(DEVICES)[device],
            "day": rng.integers(0, spec.days, n),
            "purchase": purchase.astype(float),
            "pre_purchase": pre_purchase,
            "reached_checkout": reached.astype(float),
            "revenue": revenue,
            "pre_revenue": pre_revenue,
            "items_viewed": items,
            "orders": orders,
            "bounce": bounce.astype(float),
        }
    )
    if spec.drop_share > 0:
        last = spec.variants[-1]
        drop = (frame["variant"] == last) & (rng.random(n) < spec.drop_share)
        frame = frame[~drop]
    if spec.empty_variant is not None:
        frame = frame[frame["variant"] != spec.empty_variant]
    return frame.reset_index(drop=True)


def _sums(frame: pd.DataFrame, keys: list[str], metric: str) -> pd.DataFrame:
    """The summable columns of one metric, grouped by ``keys``."""
    value, denominator, covariate = METRIC_COLUMNS[metric]
    work = pd.DataFrame({k: frame[k] for k in keys})
    y = frame[value]
    work["users"] = 1
    work["metric_sum"] = y
    work["metric_sum_squares"] = y * y
    for name in SUM_COLUMNS:  # the denominator, ratio-product and covariate sums
        if name.startswith(("users", "metric_sum")):
            continue
        work[name] = 0.0
    if denominator is not None:
        d = frame[denominator]
        work["denominator_sum"], work["denominator_sum_squares"] = d, d * d
        work["metric_denominator_sum_product"] = y * d
    if covariate is not None:
        x = frame[covariate]
        work["covariate_sum"], work["covariate_sum_squares"] = x, x * x
        work["metric_covariate_sum_product"] = y * x
    out = work.groupby(keys, as_index=False).sum()
    if denominator is None:  # as the experiment marts do: D = 1 per user, no product
        out["denominator_sum"] = out["users"].astype(float)
        out["denominator_sum_squares"] = out["users"].astype(float)
        out["metric_denominator_sum_product"] = np.nan
    if covariate is None:
        out[["covariate_sum", "covariate_sum_squares", "metric_covariate_sum_product"]] = np.nan
    out.insert(0, "metric_name", metric)
    out.insert(1, "metric_type", METRIC_TYPE[metric])
    return out


def variant_stats(frame: pd.DataFrame, spec: ExperimentSpec) -> pd.DataFrame:
    """fct_experiment_variant_stats rows: segment 'all' and every segment value."""
    parts = []
    for metric, *_ in METRICS:
        overall = _sums(frame, ["variant"], metric)
        overall["segment_name"], overall["segment_value"] = "all", "all"
        parts.append(overall)
        for segment in SEGMENTS:
            by_segment = _sums(frame, ["variant", segment], metric).rename(
                columns={segment: "segment_value"}
            )
            by_segment["segment_name"] = segment
            parts.append(by_segment)
    stats = pd.concat(parts, ignore_index=True)
    if spec.empty_variant is not None:  # the empty arm appears with users = 0
        empty = stats[stats["variant"] == spec.variants[0]].copy()
        empty["variant"] = spec.empty_variant
        sums = [c for c in empty.columns if c.endswith(("sum", "squares", "product"))]
        empty[sums] = empty[sums].where(empty[sums].isna(), 0.0)
        empty["users"] = 0
        stats = pd.concat([stats, empty], ignore_index=True)
    stats.insert(0, "experiment_id", spec.experiment_id)
    return stats


def daily_stats(frame: pd.DataFrame, spec: ExperimentSpec) -> pd.DataFrame:
    """Cumulative segment-'all' stats up to each day (per-day sums, then a running total)."""
    parts = []
    grid = pd.MultiIndex.from_product(
        [sorted(frame["variant"].unique()), range(spec.days)], names=["variant", "day"]
    )
    for metric, *_ in METRICS:
        per_day = _sums(frame, ["variant", "day"], metric).set_index(["variant", "day"])
        sums = per_day.drop(columns=["metric_name", "metric_type"])
        absent = [c for c in sums.columns if sums[c].isna().all()]
        cumulative = sums.reindex(grid, fill_value=0).groupby(level="variant").cumsum()
        cumulative[absent] = np.nan
        cumulative = cumulative.reset_index()
        cumulative.insert(0, "metric_name", metric)
        cumulative.insert(1, "metric_type", METRIC_TYPE[metric])
        cumulative["segment_name"], cumulative["segment_value"] = "all", "all"
        cumulative["look_date"] = [
            (START + dt.timedelta(days=int(d))).date() for d in cumulative["day"]
        ]
        parts.append(cumulative.drop(columns="day"))
    daily = pd.concat(parts, ignore_index=True)
    daily.insert(0, "experiment_id", spec.experiment_id)
    return daily


def aa_stats(
    frame: pd.DataFrame, spec: ExperimentSpec, rng: np.random.Generator
) -> tuple[pd.DataFrame, np.ndarray]:
    """K re-randomised splits of all users with the design weights (primary metric only).

    Returns the mart rows and the per-salt assignments (salts x users) for reference tests.
    """
    weights = np.asarray(spec.weights) / np.sum(spec.weights)
    parts, assignments = [], []
    for salt in range(spec.aa_salts):
        arm = rng.choice(len(spec.variants), size=len(frame), p=weights)
        assignments.append(arm)
        resplit = frame.assign(variant=np.asarray(spec.variants)[arm])
        sums = _sums(resplit, ["variant"], "purchase")
        sums["segment_name"], sums["segment_value"], sums["salt_index"] = "all", "all", salt
        parts.append(sums)
    aa = pd.concat(parts, ignore_index=True)
    aa.insert(0, "experiment_id", spec.experiment_id)
    return aa, np.asarray(assignments)


@dataclass
class SyntheticExperiment:
    spec: ExperimentSpec
    users: pd.DataFrame
    aa_assignments: np.ndarray


def metric_row(
    experiment_id: str, name: str, metric_type: str, role: str, higher: bool, **extra: object
) -> dict[str, object]:
    """One dim_experiment_metrics row, with the optional registry columns of the metric."""
    return {
        "experiment_id": experiment_id,
        "metric_name": name,
        "metric_type": metric_type,
        "metric_role": role,
        "is_primary": role == "primary",
        "is_guardrail": role == "guardrail",
        "higher_is_better": higher,
        "event_type": None,
        "value_kind": None,
        "unit": None,
        "value_per_unit": None,
        "is_revenue": name in MONEY_METRICS,
        **METRIC_ATTRIBUTES.get(name, {}),
        **extra,
    }


def experiment_row(
    experiment_id: str,
    *,
    description: str,
    days: int,
    is_simulated: bool,
    uplift: float | None,
    analysis_plan: str,
    planned_users: int | None,
    is_aa_test: bool,
) -> dict[str, object]:
    """One dim_experiments row."""
    return {
        "experiment_id": experiment_id,
        "description": description,
        "hash_method": "md5",
        "assignment_source": "simulated" if is_simulated else "logged",
        "is_simulated": is_simulated,
        "is_aa_test": is_aa_test,
        "analysis_plan": analysis_plan,
        "planned_users": planned_users,
        "coverage": 1.0,
        "window_start_at": START,
        "window_end_at": START + dt.timedelta(days=days),
        "exposure_event": "add_to_cart",
        "target_segment": "all",
        "conversion_window_hours": 168,
        "pre_period_days": 28,
        "simulated_uplift": uplift if is_simulated else None,
        "uplift_segment": "all" if is_simulated else None,
        "uplift_metric": "purchase" if is_simulated else None,
        "conversion_window_complete": True,
        "some_extra_column": "ignored",
    }


def health_row(
    experiment_id: str, users_by_variant: dict[str, int], multi_variant_share: float = 0.0
) -> dict[str, object]:
    """One fct_experiment_health row."""
    exposed = int(sum(users_by_variant.values()))
    multi = round(multi_variant_share * exposed)
    return {
        "experiment_id": experiment_id,
        "assigned_users": exposed + multi,
        "exposed_users": exposed,
        "multi_variant_users": multi,
        "multi_variant_share": multi / (exposed + multi) if exposed + multi else 0.0,
        "exposed_users_by_variant": json.dumps(users_by_variant),
        "assigned_never_exposed_users": 0,
    }


def _design_tables(spec: ExperimentSpec, users: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """One experiment's rows of the registry dims, health and statistics marts."""
    row = experiment_row(
        spec.experiment_id,
        description=spec.description,
        days=spec.days,
        is_simulated=spec.is_simulated,
        uplift=spec.uplift[0],
        analysis_plan=spec.analysis_plan,
        planned_users=spec.planned_users,
        is_aa_test=spec.is_aa_test,
    )
    variants = pd.DataFrame(
        {
            "experiment_id": spec.experiment_id,
            "variant": list(spec.variants),
            "variant_index": list(range(len(spec.variants))),
            "weight": list(spec.weights),
            "is_control": [i == 0 for i in range(len(spec.variants))],
            "simulated_uplift": [None, *spec.uplift]
            if spec.is_simulated
            else [None] * len(spec.variants),
        }
    )
    counts = {str(k): int(v) for k, v in users["variant"].value_counts().items()}
    health = health_row(spec.experiment_id, counts, spec.multi_variant_share)
    return {
        "dim_experiments": pd.DataFrame([row]),
        "dim_experiment_variants": variants,
        "dim_experiment_metrics": pd.DataFrame(
            [metric_row(spec.experiment_id, *metric) for metric in METRICS]
        ),
        "fct_experiment_health": pd.DataFrame([health]),
        "fct_experiment_variant_stats": variant_stats(users, spec),
        "fct_experiment_variant_stats_daily": daily_stats(users, spec),
    }


def build_warehouse(
    path: str | Path,
    specs: list[ExperimentSpec],
    *,
    seed: int = 7,
    has_revenue: bool | None = True,
    roi_seed: bool = True,
    cohorts: bool = True,
    skip_tables: tuple[str, ...] = (),
    drop_columns: dict[str, tuple[str, ...]] | None = None,
) -> dict[str, SyntheticExperiment]:
    """Write the marts (and optionally the ROI seed, profile, cohorts) to a new DuckDB file."""
    rng = np.random.default_rng(seed)
    tables: dict[str, list[pd.DataFrame]] = {}
    truth: dict[str, SyntheticExperiment] = {}

    for spec in specs:
        users = simulate_users(spec, rng)
        for name, frame in _design_tables(spec, users).items():
            tables.setdefault(name, []).append(frame)
        aa, assignments = aa_stats(users, spec, rng)
        tables.setdefault("fct_experiment_aa_stats", []).append(aa)
        truth[spec.experiment_id] = SyntheticExperiment(spec, users, assignments)

    write_marts(
        path,
        tables,
        rng=rng,
        has_revenue=has_revenue,
        roi_seed=roi_seed,
        cohorts=cohorts,
        skip_tables=skip_tables,
        drop_columns=drop_columns,
    )
    return truth


def write_marts(
    path: str | Path,
    tables: dict[str, list[pd.DataFrame]],
    *,
    rng: np.random.Generator,
    has_revenue: bool | None = True,
    roi_seed: bool = True,
    cohorts: bool = True,
    skip_tables: tuple[str, ...] = (),
    drop_columns: dict[str, tuple[str, ...]] | None = None,
) -> None:
    """Write the mart frames (schema marts), the profile, the ROI seed and cohorts to a new file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        for name, frames in tables.items():
            if name in skip_tables:
                continue
            frame = pd.concat(frames, ignore_index=True)
            for column in (drop_columns or {}).get(name, ()):
                frame = frame.drop(columns=column)
            con.register("frame", frame)
            con.execute(f"create table marts.{name} as select * from frame")
            con.unregister("frame")
        if has_revenue is not None:
            con.execute(
                "create table marts.dq_dataset_profile as select ? as has_revenue, "
                "'synthetic' as source",
                [has_revenue],
            )
        if roi_seed:
            con.execute("create schema seeds")
            con.execute(
                "create table seeds.roi_assumptions as select 'default' as assumption_set, "
                "0.4 as gross_margin, 5000.0 as implementation_cost, "
                "100.0 as monthly_running_cost, 12.0 as horizon_months, 1.0 as rollout_share, "
                "45.0 as assumed_order_value, 'EUR' as currency"
            )
        if cohorts:
            con.register("cohorts", cohort_retention(rng))
            con.execute("create table marts.fct_cohort_retention as select * from cohorts")
            con.unregister("cohorts")


# ---------------------------------------------------------------------------- explicit sums
@dataclass(frozen=True)
class ArmsMetric:
    """A metric of an ``ArmsExperiment``; ``extra`` overrides dim_experiment_metrics columns."""

    name: str
    metric_type: str
    role: str = "primary"
    higher_is_better: bool = True
    extra: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class ArmsExperiment:
    """An experiment given by its per-arm sufficient statistics (segment 'all' only).

    ``arms`` maps variant -> metric name -> SufficientStats, control first. ``weights`` are
    the design weights of ``registered`` (default: every arm, equal weights); arms missing
    from ``registered`` still get stats rows (a variant outside the design). ``looks`` are
    cumulative daily looks (each an ``arms``-shaped dict); by default one per day, look k
    holding the share k / days of every sum (``scaled``), the last one equal to ``arms``.
    """

    experiment_id: str
    metrics: tuple[ArmsMetric, ...]
    arms: dict[str, dict[str, SufficientStats]]
    weights: tuple[float, ...] | None = None
    registered: tuple[str, ...] | None = None
    looks: tuple[dict[str, dict[str, SufficientStats]], ...] | None = None
    days: int = 14
    is_simulated: bool = False
    analysis_plan: str = "fixed_horizon"
    planned_users: int | None = None
    is_aa_test: bool = False
    description: str = "synthetic experiment from explicit sums"


def scaled(stats: SufficientStats, share: float, binomial: bool) -> SufficientStats:
    """The sums of a share of the users (successes rounded for a binomial metric)."""
    values = {k: None if v is None else v * share for k, v in stats.to_dict().items()}
    values["users"] = round(stats.users * share)
    if binomial:
        values["metric_sum"] = values["metric_sum_squares"] = float(round(values["metric_sum"]))
    return SufficientStats(**values)  # type: ignore[arg-type]


def _default_looks(x: ArmsExperiment) -> tuple[dict[str, dict[str, SufficientStats]], ...]:
    binomial = {m.name for m in x.metrics if m.metric_type == "binomial"}
    return tuple(
        {
            v: {m: scaled(s, (day + 1) / x.days, m in binomial) for m, s in by_metric.items()}
            for v, by_metric in x.arms.items()
        }
        for day in range(x.days)
    )


def _arms_rows(
    experiment: ArmsExperiment, arms: dict[str, dict[str, SufficientStats]]
) -> list[dict[str, object]]:
    types = {m.name: m.metric_type for m in experiment.metrics}
    return [
        {
            "experiment_id": experiment.experiment_id,
            "variant": variant,
            "metric_name": metric,
            "metric_type": types[metric],
            "segment_name": "all",
            "segment_value": "all",
            **stats.to_dict(),
        }
        for variant, by_metric in arms.items()
        for metric, stats in by_metric.items()
    ]


def build_arms_warehouse(
    path: str | Path, experiments: list[ArmsExperiment], **options: object
) -> None:
    """Write the marts of experiments given as sums (``options`` as for ``write_marts``)."""
    tables: dict[str, list[pd.DataFrame]] = {}
    for x in experiments:
        registered = x.registered or tuple(x.arms)
        weights = x.weights or tuple(1.0 for _ in registered)
        row = experiment_row(
            x.experiment_id,
            description=x.description,
            days=x.days,
            is_simulated=x.is_simulated,
            uplift=0.0,
            analysis_plan=x.analysis_plan,
            planned_users=x.planned_users,
            is_aa_test=x.is_aa_test,
        )
        variants = {
            "experiment_id": x.experiment_id,
            "variant": list(registered),
            "variant_index": list(range(len(registered))),
            "weight": list(weights),
            "is_control": [i == 0 for i in range(len(registered))],
            "simulated_uplift": [None] * len(registered),
        }
        metrics = [
            metric_row(
                x.experiment_id, m.name, m.metric_type, m.role, m.higher_is_better, **m.extra
            )
            for m in x.metrics
        ]
        primary = next(m.name for m in x.metrics if m.role == "primary")
        counts = {v: by_metric[primary].users for v, by_metric in x.arms.items()}
        looks = x.looks or _default_looks(x)
        daily = []
        for index, look in enumerate(looks):
            date = (START + dt.timedelta(days=x.days - len(looks) + index)).date()
            daily += [r | {"look_date": date} for r in _arms_rows(x, look)]
        for name, rows in (
            ("dim_experiments", [row]),
            ("dim_experiment_variants", variants),
            ("dim_experiment_metrics", metrics),
            ("fct_experiment_health", [health_row(x.experiment_id, counts)]),
            ("fct_experiment_variant_stats", _arms_rows(x, x.arms)),
            ("fct_experiment_variant_stats_daily", daily),
        ):
            tables.setdefault(name, []).append(pd.DataFrame(rows))
    options.setdefault("cohorts", False)
    write_marts(path, tables, rng=np.random.default_rng(0), **options)  # type: ignore[arg-type]


def cohort_retention(rng: np.random.Generator, weeks: int = 8) -> pd.DataFrame:
    """Weekly cohorts with geometric-ish retention (for the report's heatmap)."""
    rows = []
    for cohort in range(weeks):
        size = int(rng.integers(800, 1200))
        for since in range(weeks - cohort):
            retained = size if since == 0 else int(size * 0.32 * 0.8 ** (since - 1))
            rows.append(
                {
                    "cohort_week": (START + dt.timedelta(weeks=cohort)).date(),
                    "weeks_since_first_visit": since,
                    "cohort_users": size,
                    "retained_users": retained,
                }
            )
    return pd.DataFrame(rows)


DEMO_SPECS: tuple[ExperimentSpec, ...] = (
    ExperimentSpec(
        "checkout_button_sim",
        users=20_000,
        uplift=(0.10,),
        description="Offline simulation: a bigger checkout button (+10% purchase injected)",
    ),
    ExperimentSpec(
        "free_shipping_banner",
        users=12_000,
        variants=("control", "banner_a", "banner_b"),
        weights=(0.34, 0.33, 0.33),
        uplift=(0.0, 0.02),
        is_simulated=False,
        description="Real test: two free-shipping banners",
    ),
    ExperimentSpec(
        "mobile_one_click",
        users=20_000,
        uplift=(0.25,),
        device_uplift={"desktop": -0.6, "tablet": 0.0, "unknown": 0.0},
        is_simulated=False,
        description="Real test: one-click buy, helps mobile and hurts desktop",
    ),
    ExperimentSpec(
        "aa_sanity",
        users=8_000,
        uplift=(0.0,),
        is_aa_test=True,
        description="Offline A/A test: two identical arms (health and false-positive checks)",
    ),
    ExperimentSpec(
        "broken_assignment",
        users=6_000,
        uplift=(0.05,),
        drop_share=0.1,
        description="Offline simulation with a broken split (SRM)",
    ),
)
