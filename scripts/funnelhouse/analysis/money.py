"""ROI inputs from the data plus the business assumptions, and the ROI of one treatment arm.

Money only where the value of one unit of the ROI metric (the primary metric unless
``--roi-metric`` says otherwise) is known, from the metric registry columns of
dim_experiment_metrics, never from the metric's name:

* ``value_per_unit`` given: a binomial metric is worth that per converting user, a mean metric
  that per unit per user;
* ``is_revenue`` (a mean metric: revenue per user): the lift is money itself (needs prices);
* the metric counts orders (``value_kind = 'distinct_orders'``, or ``event_type = 'purchase'``
  counted: purchase conversion, orders per user): each order is worth the order value, the
  control arm's revenue-per-order ratio metric when the experiment has one and the data has
  prices, else the assumed order value.

Anything else (a retention or engagement metric without a value per unit, a ratio metric, a
lower-is-better metric, an A/A test) gets an ``RoiUnavailable`` with the reason. The lift and
its standard error are the relative effect of the metric, CUPED-adjusted when CUPED applied;
traffic is the experiment's users per day, scaled to a month and divided by the coverage.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from funnelhouse.analysis.design import ALL, Design, Metric
from funnelhouse.analysis.effects import MetricRow
from funnelhouse.analysis.errors import AnalysisError
from funnelhouse.analysis.options import AnalysisOptions, RoiAssumptions
from funnelhouse.analysis.results import RoiSection, RoiUnavailable
from funnelhouse.stats import EffectResult, RoiInputs, RoiResult, roi_analysis, users_per_month


@dataclass(frozen=True)
class MoneyModel:
    """How a relative lift of the metric becomes money: ``units_per_user`` at baseline times
    ``value_per_unit`` is the baseline money per user."""

    lift_metric: str
    units_per_user: float
    value_per_unit: float
    source: str


def roi_metric(design: Design, options: AnalysisOptions) -> Metric:
    if options.roi_metric is None:
        return design.primary
    for metric in design.metrics:
        if metric.name == options.roi_metric:
            return metric
    names = ", ".join(m.name for m in design.metrics)
    raise AnalysisError(
        f"--roi-metric {options.roi_metric!r} is not a metric of experiment "
        f"{design.experiment_id!r} (metrics: {names})"
    )


def order_value(
    design: Design, assumptions: RoiAssumptions, revenue_available: bool
) -> tuple[float, str]:
    """Average order value and where it came from."""
    if not revenue_available:
        return (
            assumptions.assumed_order_value,
            "assumed order value (the dataset has no prices)",
        )
    for metric in design.metrics:
        per_order = metric.denominator_value_kind in (None, "distinct_orders")
        if metric.metric_type == "ratio" and metric.is_revenue and per_order:
            control = design.arm(metric.name, ALL, ALL, design.control)
            if control.has_denominator and control.denominator_sum:
                return control.ratio, f"control arm's {metric.name} (revenue per order)"
    return (
        assumptions.assumed_order_value,
        "assumed order value (the experiment has no revenue-per-order metric)",
    )


def counts_orders(metric: Metric) -> bool:
    """The metric counts orders: distinct orders, or purchase events (registry columns)."""
    return metric.value_kind == "distinct_orders" or (
        metric.event_type == "purchase" and metric.value_kind == "count"
    )


def _baseline(effect: EffectResult) -> float:
    """|the control mean the relative effect divides by| (CUPED-adjusted when applied)."""
    adjusted = effect.cuped.control_adjusted_mean
    return abs(adjusted if effect.cuped.applied and adjusted is not None else effect.control_mean)


def money_model(
    metric: Metric,
    effect: EffectResult,
    design: Design,
    assumptions: RoiAssumptions,
    revenue_available: bool,
) -> MoneyModel | str:
    """The money model of the metric, or why there is none (see module docstring)."""
    kind = "conversion_rate" if metric.metric_type == "binomial" else "units_per_user"
    if metric.metric_type == "ratio":
        return f"{metric.name} is a ratio metric: its lift is not money per user"
    if metric.value_per_unit is not None:
        source = f"value_per_unit of {metric.name} in the metric registry"
        return MoneyModel(kind, _baseline(effect), metric.value_per_unit, source)
    if metric.is_revenue:
        if metric.metric_type != "mean":
            return f"{metric.name} is a revenue metric but not revenue per user"
        if not revenue_available:
            return "revenue unavailable: no prices in the data"
        source = f"control arm's {metric.name} (baseline revenue per user)"
        return MoneyModel("revenue_per_user", 1.0, _baseline(effect), source)
    if counts_orders(metric):
        value, source = order_value(design, assumptions, revenue_available)
        return MoneyModel(kind, _baseline(effect), value, f"each order: {source}")
    if metric.value_kind is None:
        return (
            f"no value per unit is known for {metric.name}: marts.dim_experiment_metrics does "
            "not say what it counts (no value_kind / value_per_unit of the metric registry)"
        )
    return (
        f"no value per unit is known for {metric.name}: it is not revenue, does not count "
        "orders and has no value_per_unit in the metric registry (set one, or choose a "
        "metric with --roi-metric)"
    )


def roi_inputs(
    effect: EffectResult, model: MoneyModel, assumptions: RoiAssumptions, monthly_users: float
) -> RoiInputs:
    return RoiInputs(
        lift=effect.relative_effect,  # type: ignore[arg-type]
        lift_se=effect.relative_se,  # type: ignore[arg-type]
        monthly_users=monthly_users,
        conversion_rate=model.units_per_user,
        average_order_value=model.value_per_unit,
        gross_margin=assumptions.gross_margin,
        implementation_cost=assumptions.implementation_cost,
        monthly_running_cost=assumptions.monthly_running_cost,
        horizon_months=assumptions.horizon_months,
        rollout_share=assumptions.rollout_share,
        lift_metric=model.lift_metric,  # type: ignore[arg-type]
    )


def roi_section(
    design: Design,
    row: MetricRow | None,
    options: AnalysisOptions,
    assumptions: RoiAssumptions,
    *,
    revenue_available: bool,
    days: float | None,
    coverage: float,
    is_aa_test: bool = False,
) -> tuple[RoiSection | RoiUnavailable, RoiResult | None]:
    """ROI of shipping ``row.variant`` (``row`` is the overall row of the ROI metric), and the
    library result (None when the ROI is unavailable; the section says why)."""
    metric = roi_metric(design, options)
    variant = row.variant if row is not None else "?"

    def unavailable(note: str) -> tuple[RoiUnavailable, None]:
        return RoiUnavailable(variant=variant, metric_name=metric.name, note=note), None

    if is_aa_test:
        return unavailable("A/A test: the arms are identical, there is no money to estimate")
    if row is None or row.effect is None:
        return unavailable(f"no estimable effect on {metric.name}")
    effect = row.effect
    if not metric.higher_is_better:
        return unavailable(f"{metric.name} is lower-is-better: no money model")
    model = money_model(metric, effect, design, assumptions, revenue_available)
    if isinstance(model, str):
        return unavailable(model)
    if effect.relative_effect is None or effect.relative_se is None:
        return unavailable("relative effect or its standard error undefined")
    if days is None or days <= 0:
        return unavailable("traffic unknown (no days observed)")
    notes: list[str] = []
    if not 0 < coverage <= 1:
        notes.append(f"coverage {coverage!r} is not in (0, 1]: traffic taken as observed")
        coverage = 1.0
    users = sum(design.arm(metric.name, ALL, ALL, v).n for v in design.variants)
    inputs = roi_inputs(effect, model, assumptions, users_per_month(users, days, coverage))
    result = roi_analysis(inputs, alpha=options.alpha, n_draws=options.roi_draws, seed=options.seed)
    section = RoiSection(
        **{f.name: getattr(result, f.name) for f in fields(result)},
        variant=variant,
        metric_name=metric.name,
        currency=assumptions.currency,
        inputs=inputs,
        assumptions=assumptions,
        traffic_source=(
            f"{users} users over {days:g} days, x {365.25 / 12:.2f} days per month"
            + (f", / coverage {coverage:g}" if coverage != 1 else "")
        ),
        value_source=model.source,
        notes=tuple(notes),
    )
    return section, result
