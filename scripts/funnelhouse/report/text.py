"""The plain-text summary printed by scripts/analyze.py (reads the typed ``AnalysisReport``)."""

from __future__ import annotations

from funnelhouse.analysis import provenance
from funnelhouse.analysis.results import (
    AaSection,
    AnalysisReport,
    BayesianSection,
    ExperimentResult,
    MetricResult,
    PowerSection,
    RoiSection,
    RoiUnavailable,
    SequentialSection,
)
from funnelhouse.report import fmt


def _overall(experiment: ExperimentResult) -> list[MetricResult]:
    return [m for m in experiment.metrics if m.is_overall]


def _effect_line(row: MetricResult) -> str:
    t = row.metric_type
    if not row.estimable:
        return f"{row.metric_name:<20} {row.variant:<12} {row.note}"
    star = "*" if row.significant else " "
    return (
        f"{row.metric_name:<20} {row.variant:<12} "
        f"{fmt.metric_value(row.control_mean, t):>10} -> "
        f"{fmt.metric_value(row.variant_mean, t):<10} "
        f"{fmt.pct(row.rel_effect, 1, True):>7} "
        f"{fmt.interval(row.rel_ci, lambda v: fmt.pct(v, 1, True)):<18} "
        f"p={fmt.p_value(row.p_value):<7} adj={fmt.p_value(row.p_value_adjusted):<7}{star} "
        f"{row.metric_role}"
    )


def _health_line(experiment: ExperimentResult, alpha: float) -> str:
    srm, multi, aa = experiment.srm, experiment.multi_variant, experiment.aa
    aa_text = (
        f"A/A {fmt.pct(aa.share_significant)} of {aa.comparisons} tests "
        f"({aa.salts} salts) at p<{alpha:g}, KS {fmt.p_equals(aa.ks_p_value)} ({aa.verdict})"
        if isinstance(aa, AaSection)
        else f"A/A unavailable ({aa.note})"
    )
    outside = "".join(
        f"; {fmt.count(o.users)} users in {o.variant!r}, which {o.reason}"
        for o in srm.outside_design
    )
    return (
        f"  health: SRM {fmt.p_equals(srm.p_value)} ({srm.flag}); users "
        + ", ".join(f"{v.variant} {fmt.count(v.users)}" for v in srm.variants)
        + f"{outside}; multi-variant users {fmt.pct(multi.multi_variant_share, 2)}; {aa_text}"
    )


def experiment_summary(experiment: ExperimentResult, alpha: float) -> list[str]:
    decision, plan = experiment.decision, experiment.analysis_plan
    lines = [
        "=" * 100,
        f"{experiment.experiment_id}: {experiment.description or ''}",
        f"  {experiment.framing}",
        f"  DECISION: {decision.decision.upper()}"
        + (f"  ({decision.go_no_go.upper()})" if decision.go_no_go else ""),
        f"  {decision.headline}",
        f"  plan: {plan.plan} ({plan.deciding_test}; horizon: {plan.horizon})",
    ]
    lines += [f"    - {reason}" for reason in decision.reasons]
    lines.append(_health_line(experiment, alpha))
    lines.append(f"  effects ({1 - alpha:.0%} CIs; * = significant after adjustment):")
    for row in _overall(experiment):
        lines.append("    " + _effect_line(row))
    for row in _overall(experiment):
        if row.metric_role == "primary" and row.estimable:
            lines += _primary_details(row)
    for test in experiment.heterogeneity:
        if test.metric_name == experiment.primary_metric:
            lines.append(
                f"  segments by {test.segment_name} ({test.variant}): Cochran's Q "
                f"{fmt.p_equals(test.p_value)}, adjusted {fmt.p_value(test.p_value_adjusted)}, "
                f"I^2={fmt.pct(test.i_squared, 0)}"
            )
    for row in experiment.metrics:
        if not row.is_overall and row.significant and row.metric_role == "primary":
            lines.append("    " + _effect_line(row) + f" [{row.segment_name}={row.segment_value}]")
    lines += _roi_lines(experiment.roi)
    lines += [f"  note: {note}" for note in experiment.notes]
    return lines


def _bayesian_line(row: MetricResult) -> str:
    bayes = row.bayesian
    if not isinstance(bayes, BayesianSection):
        return f"    Bayesian: unavailable ({bayes.note})"
    return (
        f"    Bayesian ({bayes.method}): chance to win {fmt.pct(bayes.chance_to_win)}, expected "
        f"loss {fmt.metric_difference(bayes.expected_loss_abs, row.metric_type)} "
        f"({fmt.pct(bayes.expected_loss_rel, 2)} of the control mean)"
    )


def _sequential_line(seq: SequentialSection) -> str:
    when = (
        f"could have stopped on {seq.stopped_at_look} (day {seq.stopped_at_day} of {seq.looks})"
        if seq.could_stop_early
        else ("significant at the last look" if seq.significant else "not significant")
    )
    return (
        f"    sequential (always valid, {seq.looks} daily looks): "
        f"{fmt.p_equals(seq.always_valid_p_value)}, {when}"
    )


def _power_line(power: PowerSection) -> str:
    extra = power.extra_days_needed
    return (
        f"    power: {fmt.pct(power.power_at_mde, 0)} for a {fmt.pct(power.relative_mde)} "
        f"lift; detectable now {fmt.pct(power.detectable_relative_effect)}; needs "
        f"{fmt.count(power.users_needed_control)} + {fmt.count(power.users_needed_variant)} "
        "users" + (f" ({extra} more days)" if extra else "")
    )


def _primary_details(row: MetricResult) -> list[str]:
    t = row.metric_type
    out = [
        f"  primary {row.metric_name} ({row.variant}): {row.test}; absolute "
        f"{fmt.metric_difference(row.abs_effect, t)} "
        f"{fmt.interval(row.abs_ci, lambda v: fmt.metric_difference(v, t))}"
    ]
    out += [f"    {note}" for note in row.notes]
    if row.cuped.applied:
        out.append(
            f"    CUPED: theta={fmt.num(row.cuped.theta, 3)}, variance reduction "
            f"{fmt.pct(row.cuped.variance_reduction)}"
        )
    out.append(_bayesian_line(row))
    if isinstance(row.sequential, SequentialSection):
        out.append(_sequential_line(row.sequential))
    if isinstance(row.power, PowerSection):
        out.append(_power_line(row.power))
    elif row.power is not None:
        out.append(f"    power: unavailable ({row.power.note})")
    return out


def _roi_lines(roi: RoiSection | RoiUnavailable) -> list[str]:
    if not isinstance(roi, RoiSection):
        return [f"  ROI: unavailable ({roi.note})"]
    c, net = roi.currency, roi.net_profit_over_horizon
    return [
        f"  ROI ({roi.variant}, {roi.horizon_months:g} months, {roi.metric_name}): net profit "
        f"{fmt.money(net.estimate, c)} [{fmt.money(net.lower, c)}, {fmt.money(net.upper, c)}], "
        f"ROI {fmt.pct(None if roi.roi is None else roi.roi.estimate, 0)}, payback "
        f"{fmt.months(roi.payback_months.estimate)}, P(ROI > 0) "
        f"{fmt.pct(roi.probability_roi_positive, 0)}"
    ]


def summary(report: AnalysisReport) -> str:
    """The whole printed summary."""
    lines = [
        f"funnelhouse experiment analysis of {report.warehouse} "
        f"(alpha {report.alpha:g}, {report.correction} correction)",
        provenance.describe(report.build),
    ]
    lines += [f"WARNING: {warning}" for warning in report.build.warnings]
    for experiment in report.experiments:
        lines += experiment_summary(experiment, report.alpha)
    for error in report.errors:
        label = "INVALID" if error.analysed else "NOT ANALYSED"
        lines.append(f"{label} {error.experiment_id}: {error.error}")
    for skipped in report.skipped:
        lines.append(f"SKIPPED {skipped.experiment_id}: {skipped.reason}")
    lines += [f"note: {note}" for note in report.notes]
    return "\n".join(lines)
