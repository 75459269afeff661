"""ROI inputs from the data plus the business assumptions, and the ROI of one treatment arm.

* lift and its standard error: the relative effect of the ROI metric (the primary metric unless
  ``--roi-metric`` says otherwise), CUPED-adjusted when CUPED applied;
* traffic: the experiment's users per day, scaled to a month and divided by the coverage
  (the experiment saw ``coverage`` of the eligible traffic);
* a binomial ROI metric is valued per conversion at the order value: the control arm's
  revenue-per-order ratio metric when the experiment has one and the data has prices, else
  the assumed order value;
* a revenue mean metric (revenue per user) is used directly (needs prices).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from funnelhouse.analysis.design import ALL, Design, Metric
from funnelhouse.analysis.effects import MetricRow
from funnelhouse.analysis.errors import AnalysisError
from funnelhouse.analysis.options import AnalysisOptions, RoiAssumptions
from funnelhouse.stats import RoiInputs, RoiResult, roi_analysis, to_jsonable, users_per_month


def _unavailable(variant: str, metric: str, note: str) -> tuple[dict[str, Any], None]:
    return {"available": False, "variant": variant, "metric_name": metric, "note": note}, None


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
        if metric.metric_type == "ratio" and metric.is_revenue:
            control = design.arm(metric.name, ALL, ALL, design.control)
            if control.has_denominator and control.denominator_sum:
                return control.ratio, f"control arm's {metric.name} (revenue per order)"
    return (
        assumptions.assumed_order_value,
        "assumed order value (the experiment has no revenue-per-order metric)",
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
) -> tuple[dict[str, Any], RoiResult | None]:
    """ROI of shipping ``row.variant`` (``row`` is the overall row of the ROI metric) as JSON,
    and the library result (None when the ROI is unavailable; the JSON says why)."""
    metric = roi_metric(design, options)
    variant = row.variant if row is not None else "?"
    if row is None or row.effect is None:
        return _unavailable(variant, metric.name, f"no estimable effect on {metric.name}")
    effect = row.effect
    notes: list[str] = []
    if not metric.higher_is_better:
        return _unavailable(variant, metric.name, f"{metric.name} is lower-is-better: no revenue")
    if metric.metric_type == "binomial":
        lift_metric = "conversion_rate"
        conversion_rate = effect.control_mean
        value, value_source = order_value(design, assumptions, revenue_available)
        notes.append(f"each {metric.name} conversion is valued at the order value")
    elif metric.metric_type == "mean" and metric.is_revenue:
        if not revenue_available:
            return _unavailable(variant, metric.name, "revenue unavailable: no prices in the data")
        lift_metric = "revenue_per_user"
        conversion_rate, value = 1.0, effect.control_mean
        value_source = f"control arm's {metric.name} (baseline revenue per user)"
    else:
        return _unavailable(
            variant,
            metric.name,
            f"{metric.name} is not a conversion or revenue metric (choose one with --roi-metric)",
        )
    if effect.relative_effect is None or effect.relative_se is None:
        return _unavailable(variant, metric.name, "relative effect undefined (control mean is 0)")
    if days is None or days <= 0:
        return _unavailable(variant, metric.name, "traffic unknown (no days observed)")
    if not 0 < coverage <= 1:
        notes.append(f"coverage {coverage!r} is not in (0, 1]: traffic taken as observed")
        coverage = 1.0
    users = sum(design.arm(metric.name, ALL, ALL, v).n for v in design.variants)
    monthly = users_per_month(users, days, coverage)
    inputs = RoiInputs(
        lift=effect.relative_effect,
        lift_se=effect.relative_se,
        monthly_users=monthly,
        conversion_rate=conversion_rate,
        average_order_value=value,
        gross_margin=assumptions.gross_margin,
        implementation_cost=assumptions.implementation_cost,
        monthly_running_cost=assumptions.monthly_running_cost,
        horizon_months=assumptions.horizon_months,
        rollout_share=assumptions.rollout_share,
        lift_metric=lift_metric,  # type: ignore[arg-type]
    )
    result = roi_analysis(inputs, alpha=options.alpha, n_draws=options.roi_draws, seed=options.seed)
    section = to_jsonable(
        {
            "available": True,
            "variant": variant,
            "metric_name": metric.name,
            "currency": assumptions.currency,
            "inputs": dataclasses.asdict(inputs),
            "assumptions": dataclasses.asdict(assumptions),
            "traffic_source": (
                f"{users} users over {days:g} days, x {365.25 / 12:.2f} days per month"
                + (f", / coverage {coverage:g}" if coverage != 1 else "")
            ),
            "order_value_source": value_source,
            "notes": notes,
            **dataclasses.asdict(result),
        }
    )
    return section, result
