"""Per metric x variant x segment effects, multiple-testing families and segment heterogeneity.

Every number comes from ``funnelhouse.stats``; this module only decides what is compared with
what and how the rows are labelled.

Multiple-testing families (adjusted with Holm by default, Benjamini-Hochberg on request):

* ``primary``: the primary metric over all users, one test per treatment arm (one test in a
  two-arm experiment, so its adjusted p-value equals the raw one);
* ``secondary metrics``: every secondary metric x treatment arm over all users;
* ``segments of <metric> (<variant>, <segment_name>)``: the segment values of one breakdown;
* guardrails are not adjusted (a correction would make harm harder to see).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

from funnelhouse.analysis.design import ALL, Design, Metric
from funnelhouse.analysis.options import AnalysisOptions
from funnelhouse.analysis.results import (
    Adjustment,
    BayesianSection,
    CupedSection,
    MetricResult,
    PowerSection,
    SegmentTestResult,
    SequentialSection,
    Unavailable,
)
from funnelhouse.stats import (
    EffectResult,
    HeterogeneityResult,
    PowerResult,
    SequentialResult,
    SufficientStats,
    adjust_p_values,
    bayesian_effect,
    estimate_effect,
    heterogeneity_of_effects,
    power_analysis,
)
from funnelhouse.stats.bayesian import expected_losses

UNADJUSTED_GUARDRAIL = "none (guardrails are not adjusted, so harm is never masked)"


@dataclass
class MetricRow:
    """One comparison while it is being computed; ``effect`` is None when it could not be
    estimated (see ``note``). ``metric_result`` turns it into the report's ``MetricResult``."""

    metric: Metric
    segment_name: str
    segment_value: str
    variant: str
    control: str
    control_stats: SufficientStats
    variant_stats: SufficientStats
    effect: EffectResult | None = None
    note: str | None = None
    family: str | None = None
    p_value_adjusted: float | None = None
    family_size: int = 0
    bayesian: BayesianSection | Unavailable | None = None
    power: PowerSection | Unavailable | None = None
    power_result: PowerResult | None = None
    sequential: SequentialSection | Unavailable | None = None
    sequential_result: SequentialResult | None = None

    @property
    def is_overall(self) -> bool:
        return self.segment_name == ALL

    @property
    def label(self) -> str:
        if self.is_overall:
            return self.metric.name
        return f"{self.metric.name} [{self.segment_name}={self.segment_value}]"


def _family(row: MetricRow) -> str | None:
    if not row.is_overall:
        return f"segments of {row.metric.name} ({row.variant}, {row.segment_name})"
    return {"primary": "primary", "secondary": "secondary metrics"}.get(row.metric.role)


def not_estimable_reason(row: MetricRow, revenue_available: bool) -> str | None:
    """Why the comparison cannot be estimated from these rows, or None."""
    control, variant = row.control_stats, row.variant_stats
    if row.metric.is_revenue and not revenue_available:
        return "revenue unavailable: the dataset has no prices (no effect on zeros reported)"
    if control.n < 2 or variant.n < 2:
        return f"too few users (control {control.n}, variant {variant.n})"
    if row.metric.metric_type == "ratio":
        if not (control.has_denominator and variant.has_denominator):
            return "ratio metric without denominator sums"
        if control.denominator_sum == 0 or variant.denominator_sum == 0:
            return "ratio metric with a zero denominator in an arm"
    return None


def compute_effect(row: MetricRow, options: AnalysisOptions, revenue_available: bool) -> None:
    """Fill ``row.effect`` (or ``row.note``) and the Bayesian summary."""
    reason = not_estimable_reason(row, revenue_available)
    if reason is not None:
        row.note = reason
        return
    try:
        effect = estimate_effect(
            row.control_stats, row.variant_stats, row.metric.metric_type, alpha=options.alpha
        )
    except ValueError as exc:
        row.note = f"not estimable: {exc}"
        return
    if not (math.isfinite(effect.absolute_effect) and math.isfinite(effect.p_value)):
        row.note = "not estimable: degenerate variance"
        return
    if effect.absolute_se == 0 and effect.absolute_effect == 0 and not effect.exact:
        row.note = "the metric is constant (the same value for every user in both arms)"
        return
    row.effect = effect
    row.bayesian = _bayesian(row, effect, options)


def _bayesian(
    row: MetricRow, effect: EffectResult, options: AnalysisOptions
) -> BayesianSection | Unavailable:
    try:
        result = bayesian_effect(
            row.control_stats,
            row.variant_stats,
            row.metric.metric_type,
            alpha=options.alpha,
            n_draws=options.bayes_draws,
            seed=options.seed,
            effect=effect,
        )
    except ValueError as exc:
        return Unavailable(note=str(exc))
    if not math.isfinite(result.chance_to_beat_control):
        return Unavailable(note="posterior undefined (zero variance)")
    higher = row.metric.higher_is_better
    ship_abs, ship_rel, keep_abs, keep_rel = expected_losses(result, higher)
    return BayesianSection(
        method=result.method,
        effect_scale=result.effect_scale,
        effect_mean=result.effect_mean,
        credible_level=result.credible_level,
        credible_interval=(result.effect_ci_lower, result.effect_ci_upper),
        chance_to_beat_control=result.chance_to_beat_control,
        # "win" and "loss" follow the metric's good direction
        chance_to_win=result.chance_to_beat_control
        if higher
        else 1 - result.chance_to_beat_control,
        expected_loss_abs=ship_abs,
        expected_loss_rel=ship_rel,
        expected_loss_of_control_abs=keep_abs,
        expected_loss_of_control_rel=keep_rel,
    )


def build_rows(
    design: Design, options: AnalysisOptions, revenue_available: bool
) -> list[MetricRow]:
    """All comparisons, overall rows first, each with its effect computed."""
    rows = []
    for segment_name, values in design.segments.items():
        for metric in design.metrics:
            for value in values:
                for variant in design.treatments:
                    row = MetricRow(
                        metric=metric,
                        segment_name=segment_name,
                        segment_value=value,
                        variant=variant,
                        control=design.control,
                        control_stats=design.arm(metric.name, segment_name, value, design.control),
                        variant_stats=design.arm(metric.name, segment_name, value, variant),
                    )
                    compute_effect(row, options, revenue_available)
                    rows.append(row)
    return rows


def adjust_families(rows: list[MetricRow], method: str) -> None:
    """Set ``family``, ``family_size`` and ``p_value_adjusted`` on every estimable row."""
    families: dict[str, list[MetricRow]] = {}
    for row in rows:
        if row.effect is None:
            continue
        family = _family(row)
        if family is None:
            row.family = UNADJUSTED_GUARDRAIL
            row.p_value_adjusted = row.effect.p_value
            row.family_size = 1
            continue
        families.setdefault(family, []).append(row)
    for family, members in families.items():
        adjusted = adjust_p_values([m.effect.p_value for m in members], method)  # type: ignore[union-attr]
        for member, p in zip(members, adjusted, strict=True):
            member.family, member.p_value_adjusted, member.family_size = family, p, len(members)


def add_power(rows: list[MetricRow], options: AnalysisOptions, days_elapsed: float | None) -> None:
    """Power for the target MDE, detectable effect and days needed, per estimable row."""
    for row in rows:
        if row.effect is None:
            continue
        try:
            result = power_analysis(
                row.control_stats,
                row.variant_stats,
                row.metric.metric_type,
                options.target_mde,
                alpha=options.alpha,
                target_power=options.target_power,
                days_elapsed=days_elapsed,
            )
        except ValueError as exc:
            row.power = Unavailable(note=str(exc))
            continue
        row.power_result = result
        row.power = PowerSection(**{f.name: getattr(result, f.name) for f in fields(result)})


@dataclass(frozen=True)
class SegmentTest:
    """Cochran's Q across the values of one breakdown (metric x variant x segment_name)."""

    metric: str
    variant: str
    segment_name: str
    scale: str
    segments_used: tuple[str, ...]
    result: HeterogeneityResult
    p_value_adjusted: float | None = None


def heterogeneity_tests(rows: list[MetricRow], method: str) -> list[SegmentTest]:
    """Heterogeneity per breakdown, adjusted over the breakdowns of each metric x variant."""
    groups: dict[tuple[str, str, str], list[MetricRow]] = {}
    for row in rows:
        if row.is_overall or row.effect is None or not row.effect.absolute_se > 0:
            continue
        groups.setdefault((row.metric.name, row.variant, row.segment_name), []).append(row)
    tests: list[SegmentTest] = []
    for (metric, variant, segment_name), members in groups.items():
        if len(members) < 2:
            continue
        effects = [m.effect for m in members]
        relative_ok = all(e.relative_se is not None and e.relative_se > 0 for e in effects)  # type: ignore[union-attr]
        scale = "relative" if relative_ok else "absolute"
        result = heterogeneity_of_effects(effects, scale)  # type: ignore[arg-type]
        tests.append(
            SegmentTest(
                metric=metric,
                variant=variant,
                segment_name=segment_name,
                scale=scale,
                segments_used=tuple(m.segment_value for m in members),
                result=result,
            )
        )
    adjusted: list[SegmentTest] = []
    by_comparison: dict[tuple[str, str], list[SegmentTest]] = {}
    for test in tests:
        by_comparison.setdefault((test.metric, test.variant), []).append(test)
    for members in by_comparison.values():
        p = adjust_p_values([t.result.p_value for t in members], method)
        adjusted += [replace(t, p_value_adjusted=q) for t, q in zip(members, p, strict=True)]
    return adjusted


def _cuped(row: MetricRow) -> CupedSection:
    if row.effect is None:
        return CupedSection(applied=False, reason=row.note)
    cuped = row.effect.cuped
    return CupedSection(
        applied=cuped.applied,
        reason=cuped.reason,
        theta=cuped.theta,
        variance_reduction=cuped.variance_reduction,
    )


def metric_result(row: MetricRow, alpha: float) -> MetricResult:
    """The report's row of one comparison."""
    e = row.effect
    bayes = row.bayesian if row.bayesian is not None else Unavailable(note=row.note or "")
    available = isinstance(bayes, BayesianSection)
    return MetricResult(
        metric_name=row.metric.name,
        metric_type=row.metric.metric_type,
        metric_role=row.metric.role,
        higher_is_better=row.metric.higher_is_better,
        segment_name=row.segment_name,
        segment_value=row.segment_value,
        variant=row.variant,
        control=row.control,
        users=row.variant_stats.n,
        control_users=row.control_stats.n,
        estimable=e is not None,
        note=row.note,
        control_mean=None if e is None else e.control_mean,
        variant_mean=None if e is None else e.variant_mean,
        test=None if e is None else e.test,
        statistic=None if e is None else e.statistic,
        df=None if e is None else e.df,
        abs_effect=None if e is None else e.absolute_effect,
        abs_se=None if e is None else e.absolute_se,
        abs_ci=(None, None) if e is None else (e.absolute_ci_lower, e.absolute_ci_upper),
        rel_effect=None if e is None else e.relative_effect,
        rel_se=None if e is None else e.relative_se,
        rel_ci=(None, None) if e is None else (e.relative_ci_lower, e.relative_ci_upper),
        ci_level=1 - alpha,
        p_value=None if e is None else e.p_value,
        p_value_adjusted=row.p_value_adjusted,
        adjustment=Adjustment(family=row.family, family_size=row.family_size),
        significant=None if row.p_value_adjusted is None else bool(row.p_value_adjusted < alpha),
        exact=False if e is None else e.exact,
        notes=() if e is None else e.notes,
        cuped=_cuped(row),
        chance_to_win=bayes.chance_to_win if available else None,  # type: ignore[union-attr]
        expected_loss_abs=bayes.expected_loss_abs if available else None,  # type: ignore[union-attr]
        expected_loss_rel=bayes.expected_loss_rel if available else None,  # type: ignore[union-attr]
        bayesian=bayes,
        sequential=row.sequential,
        power=row.power,
    )


def segment_test_result(test: SegmentTest) -> SegmentTestResult:
    return SegmentTestResult(
        metric_name=test.metric,
        variant=test.variant,
        segment_name=test.segment_name,
        test="Cochran's Q (fixed-effect inverse-variance weights)",
        scale=test.scale,
        segments=test.segments_used,
        statistic=test.result.statistic,
        df=test.result.df,
        p_value=test.result.p_value,
        p_value_adjusted=test.p_value_adjusted,
        i_squared=test.result.i_squared,
        pooled_effect=test.result.pooled_effect,
        pooled_se=test.result.pooled_se,
    )
