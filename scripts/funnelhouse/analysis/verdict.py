"""The decision: ``funnelhouse.stats.decide`` per treatment arm, combined over arms, in words.

The evidence handed to ``decide`` is exactly the analysis plan's test (``plan_evidence``):
fixed-horizon, the overall effect with the primary's p-value Holm/BH-adjusted over the arms;
sequential, the always-valid p-value (adjusted the same way) and confidence sequence. Besides:
the SRM flag, the multi-variant share, the guardrails' evidence, the primary's power analysis,
the segments of the primary's most heterogeneous breakdown (fixed-horizon only) and the ROI,
which is stated as a risk on the verdict. With several arms the best outcome wins (ship > ship
to segment > keep running > stop), ties broken by the larger absolute effect in the metric's
good direction (never by a relative lift). A/A tests get ``decide_aa`` (any failing arm fails).

For an offline simulation the decision is read as go / no-go for running the real test:
``ship``/``ship to segment`` = go, ``keep running`` = go with the duration the plan asks for,
``stop``/``invalid`` = no-go. A/A tests have no go / no-go.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from funnelhouse.analysis.design import Design
from funnelhouse.analysis.effects import MetricRow, SegmentTest
from funnelhouse.analysis.options import AnalysisOptions
from funnelhouse.analysis.results import (
    DecisionSection,
    SequentialSection,
    VariantDecision,
)
from funnelhouse.stats import Decision, Guardrail, RoiResult, SegmentEffect, decide
from funnelhouse.stats.decision import Evidence, PlanStatus, decide_aa

RANK = {"ship": 4, "ship to segment": 3, "keep running": 2, "stop": 1, "invalid": 0}
AA_RANK = {"a/a pass": 3, "keep running": 2, "a/a fail": 1, "invalid": 0}
SIMULATION_BANNER = (
    "OFFLINE SIMULATION: every number below is simulated from logged data; the decision is a "
    "go / no-go for running the real A/B test, not for shipping."
)
REAL_BANNER = "REAL LOGGED TEST: users were really assigned and exposed to the variants."
AA_BANNER = (
    "A/A TEST: both arms get the same experience; the verdict says whether the assignment, "
    "the data and the test behave (pass / fail), there is nothing to ship."
)


def framing(is_simulated: bool, is_aa_test: bool) -> str:
    """The banner every output carries: simulated or real, and A/A."""
    if is_aa_test:
        kind = "OFFLINE SIMULATION" if is_simulated else "REAL LOGGED TEST"
        return f"{kind}, {AA_BANNER}"
    return SIMULATION_BANNER if is_simulated else REAL_BANNER


def _adjusted(row: MetricRow, correction: str | None) -> str:
    """How the p-value was adjusted over the treatment arms ('' for a single test)."""
    if correction is None or row.family_size < 2:
        return ""
    method = "BH" if correction == "bh" else "Holm"
    return f", p {method}-adjusted over {row.family_size} arms"


def plan_evidence(
    row: MetricRow, plan: str, correction: str | None
) -> tuple[Evidence | None, str | None]:
    """The plan's test of one overall comparison (None and why when there is none); the
    p-value is adjusted within its family unless ``correction`` is None (guardrails)."""
    effect = row.effect
    adjusted = correction is not None
    if effect is None:
        return None, row.note
    if plan == "fixed_horizon":
        p = row.p_value_adjusted if adjusted and row.p_value_adjusted is not None else None
        return Evidence(
            test=f"fixed-horizon {effect.test}{_adjusted(row, correction)}",
            estimate=effect.absolute_effect,
            p_value=effect.p_value if p is None else p,
            ci_lower=effect.absolute_ci_lower,
            ci_upper=effect.absolute_ci_upper,
            relative_effect=effect.relative_effect,
        ), None
    seq = row.sequential
    if not isinstance(seq, SequentialSection) or seq.series[-1].estimate is None:
        note = getattr(seq, "note", "no estimable daily look")
        return None, f"the sequential plan needs the always-valid test: {note}"
    estimate = float(seq.series[-1].estimate)
    control = abs(effect.control_mean)
    return Evidence(
        test="always-valid sequential test (mSPRT over the daily looks)"
        + _adjusted(row, correction),
        estimate=estimate,
        p_value=seq.p_value_adjusted if adjusted else seq.always_valid_p_value,
        ci_lower=seq.ci[0],
        ci_upper=seq.ci[1],
        relative_effect=estimate / control if control > 0 else None,
    ), None


def _segment_inputs(
    rows: list[MetricRow], tests: list[SegmentTest], design: Design, variant: str
) -> tuple[list[SegmentEffect], Any]:
    """Segments of the primary metric's most heterogeneous breakdown (adjusted Q p-value)."""
    candidates = [
        t
        for t in tests
        if t.metric == design.primary.name
        and t.variant == variant
        and t.p_value_adjusted is not None
    ]
    if not candidates:
        return [], None
    best = min(candidates, key=lambda t: t.p_value_adjusted)  # type: ignore[arg-type,return-value]
    segments = [
        SegmentEffect(name=f"{r.segment_name}={r.segment_value}", effect=r.effect)
        for r in rows
        if r.metric.name == design.primary.name
        and r.variant == variant
        and r.segment_name == best.segment_name
        and r.segment_value in best.segments_used
        and r.effect is not None
    ]
    heterogeneity = dataclasses.replace(best.result, p_value=best.p_value_adjusted)
    return segments, heterogeneity


@dataclass(frozen=True)
class Verdict:
    """One arm's decision, its primary row and the plan's evidence of it."""

    decision: Decision
    row: MetricRow
    evidence: Evidence | None


def decide_variant(
    design: Design,
    rows: list[MetricRow],
    tests: list[SegmentTest],
    variant: str,
    *,
    plan: PlanStatus,
    srm_flag: str,
    multi_variant_share: float,
    roi: RoiResult | None,
    is_aa_test: bool,
    salts_verdict: str | None,
    options: AnalysisOptions,
) -> Verdict:
    overall = {(r.metric.name, r.variant): r for r in rows if r.is_overall}
    primary_row = overall[(design.primary.name, variant)]
    primary, note = plan_evidence(primary_row, plan.plan, options.correction)
    if is_aa_test:
        decision = decide_aa(
            srm_flag,
            multi_variant_share,
            primary,
            plan=plan,
            salts_verdict=salts_verdict,
            primary_note=note,
            alpha=options.alpha,
            max_multi_variant_share=options.max_multi_variant_share,
        )
        return Verdict(decision, primary_row, primary)
    guardrails = []
    for m in design.metrics:
        if m.role == "guardrail" and (r := overall.get((m.name, variant))) is not None:
            evidence, _ = plan_evidence(r, plan.plan, None)
            if evidence is not None:
                guardrails.append(Guardrail(m.name, evidence, m.higher_is_better))
    segments, heterogeneity = _segment_inputs(rows, tests, design, variant)
    decision = decide(
        srm_flag,
        multi_variant_share,
        primary,
        plan=plan,
        guardrails=guardrails,
        power=primary_row.power_result,
        segments=segments,
        heterogeneity=heterogeneity,
        roi=roi,
        primary_higher_is_better=design.primary.higher_is_better,
        primary_note=note,
        alpha=options.alpha,
        max_multi_variant_share=options.max_multi_variant_share,
        min_probability_roi_positive=options.min_probability_roi_positive,
        max_extra_days=options.max_extra_days,
    )
    return Verdict(decision, primary_row, primary)


def good_effect(verdict: Verdict) -> float:
    """The absolute effect in the metric's good direction (the tie-break between arms)."""
    if verdict.evidence is None:
        return -math.inf
    estimate = verdict.evidence.estimate
    return estimate if verdict.row.metric.higher_is_better else -estimate


def _difference(value: float | None, row: MetricRow) -> str:
    """Absolute differences: percentage points for rates, plain numbers otherwise."""
    if value is None or not math.isfinite(value):
        return "unbounded"
    if row.metric.metric_type == "binomial":
        return f"{100 * value:+.2f} pp"
    return f"{value:+.4g}"


def lift_text(verdict: Verdict, alpha: float, decisive: bool) -> str:
    """The primary's effect under the plan's test, with its interval and only its p-value."""
    e, metric = verdict.evidence, verdict.row.metric.name
    if e is None:
        return f"{metric} (not estimable: {verdict.row.note})"
    relative = "" if e.relative_effect is None else f"{e.relative_effect:+.1%}, "
    if not decisive:
        return f"{metric} {relative}{_difference(e.estimate, verdict.row)} so far (not decisive)"
    p = "p < 0.0001" if e.p_value < 1e-4 else f"p = {e.p_value:.2g}"
    return (
        f"{metric} {relative}{_difference(e.estimate, verdict.row)} ({1 - alpha:.0%} CI "
        f"{_difference(e.ci_lower, verdict.row)} to {_difference(e.ci_upper, verdict.row)}; "
        f"{p}, {e.test})"
    )


def _risk(decision: Decision, horizon_months: float | None) -> str:
    if decision.roi_risk is None or horizon_months is None:
        return ""
    return (
        f" Risk: {decision.roi_risk:.0%} chance it does not pay back within "
        f"{horizon_months:g} months."
    )


def headline(
    verdict: Verdict,
    is_simulated: bool,
    is_aa_test: bool,
    alpha: float,
    horizon_months: float | None,
) -> str:
    """One plain-language sentence for the top of the report."""
    decision, row = verdict.decision, verdict.row
    outcome, variant = decision.decision, row.variant
    lift = lift_text(verdict, alpha, decisive=outcome != "keep running")
    why = decision.reasons[-1] if decision.reasons else ""
    more = (
        f"about {decision.extra_days_needed} more days"
        if decision.extra_days_needed is not None
        else "more data"
    )
    if is_aa_test:
        return {
            "a/a pass": f"A/A PASS: the identical arms do not differ ({lift}).",
            "a/a fail": f"A/A FAIL: {why}.",
            "keep running": f"A/A: keep running ({why}); so far {lift}.",
            "invalid": f"A/A not evaluable: {why}.",
        }[outcome]
    risk = _risk(decision, horizon_months)
    segments = ", ".join(decision.segments_to_ship)
    if is_simulated:
        texts = {
            "ship": f"GO: run the real A/B test of {variant!r}. In the simulation {lift}.{risk}",
            "ship to segment": f"GO for segments {segments}: run the real test of {variant!r} "
            f"there. In the simulation {lift}.{risk}",
            "keep running": f"GO, but plan a longer real test: {variant!r} needs {more} "
            f"({why}). In the simulation {lift}.",
            "stop": f"NO-GO for a real test of {variant!r} ({why}). In the simulation {lift}.",
            "invalid": f"NO-GO: the simulation is broken or not evaluable ({why}).",
        }
    else:
        texts = {
            "ship": f"Ship {variant!r}: {lift}.{risk}",
            "ship to segment": f"Ship {variant!r} to {segments} only: {lift}.{risk}",
            "keep running": f"Keep running: {variant!r} needs {more} ({why}); so far {lift}.",
            "stop": f"Stop and keep {row.control!r} ({why}): {lift}.",
            "invalid": f"No decision: the experiment is invalid ({why}).",
        }
    return texts[outcome]


def best_verdict(verdicts: list[Verdict], is_aa_test: bool) -> Verdict:
    """The reported arm: the best outcome, ties broken by the absolute effect in the good
    direction; for an A/A test the worst arm (any failing arm fails it)."""
    if is_aa_test:
        return min(verdicts, key=lambda v: AA_RANK[v.decision.decision])
    return max(verdicts, key=lambda v: (RANK[v.decision.decision], good_effect(v)))


def variant_decision(verdict: Verdict) -> VariantDecision:
    d = verdict.decision
    return VariantDecision(
        variant=verdict.row.variant,
        decision=d.decision,
        reasons=d.reasons,
        extra_days_needed=d.extra_days_needed,
        segments_to_ship=d.segments_to_ship,
        roi_risk=d.roi_risk,
        rule=d.rule,
    )


def decision_section(
    design: Design,
    rows: list[MetricRow],
    tests: list[SegmentTest],
    *,
    plan: PlanStatus,
    srm_flag: str,
    multi_variant_share: float,
    rois: dict[str, RoiResult | None],
    is_simulated: bool,
    is_aa_test: bool,
    salts_verdict: str | None,
    warnings: list[str],
    options: AnalysisOptions,
) -> DecisionSection:
    """The combined decision with reasons, headline and (for simulations) go / no-go."""
    verdicts = [
        decide_variant(
            design,
            rows,
            tests,
            variant,
            plan=plan,
            srm_flag=srm_flag,
            multi_variant_share=multi_variant_share,
            roi=rois.get(variant),
            is_aa_test=is_aa_test,
            salts_verdict=salts_verdict,
            options=options,
        )
        for variant in design.treatments
    ]
    best = best_verdict(verdicts, is_aa_test)
    decision, row = best.decision, best.row
    roi = rois.get(row.variant)
    go = None
    if is_simulated and not is_aa_test:
        go = "go" if decision.decision in ("ship", "ship to segment", "keep running") else "no-go"
    decisive = best.evidence is not None and decision.decision not in ("keep running", "invalid")
    return DecisionSection(
        decision=decision.decision,
        rule=decision.rule,
        reasons=(*decision.reasons, *warnings),
        variant=row.variant,
        control=row.control,
        headline=headline(
            best, is_simulated, is_aa_test, options.alpha, roi.horizon_months if roi else None
        ),
        plan=plan.plan,
        deciding_test=best.evidence.test if decisive else None,  # type: ignore[union-attr]
        deciding_p_value=best.evidence.p_value if decisive else None,  # type: ignore[union-attr]
        roi_risk=decision.roi_risk,
        extra_days_needed=decision.extra_days_needed,
        segments_to_ship=decision.segments_to_ship,
        is_simulated=is_simulated,
        is_aa_test=is_aa_test,
        go_no_go=go,
        framing=framing(is_simulated, is_aa_test),
        by_variant=tuple(variant_decision(v) for v in verdicts),
    )
