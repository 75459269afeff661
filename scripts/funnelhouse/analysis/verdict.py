"""The decision: ``funnelhouse.stats.decide`` per treatment arm, combined over arms, in words.

Inputs handed to ``decide`` for one arm: the SRM flag, the multi-variant share, the primary
metric's overall effect (its p-value Holm/BH-adjusted over the arms when there are several),
the guardrails' overall effects, the primary's power analysis, the primary's segment effects of
the breakdown with the strongest heterogeneity (its Cochran's Q p-value adjusted over the
breakdowns), and the ROI. With several arms the best outcome wins (ship > ship to segment >
keep running > stop), ties broken by the larger primary lift.

For an offline simulation the decision is read as go / no-go for running the real test:
``ship``/``ship to segment`` = go, ``keep running`` = go with the duration the power analysis
asks for, ``stop``/``invalid`` = no-go.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from funnelhouse.analysis.design import Design
from funnelhouse.analysis.effects import MetricRow, SegmentTest
from funnelhouse.analysis.options import AnalysisOptions
from funnelhouse.stats import (
    Decision,
    Guardrail,
    PowerResult,
    RoiResult,
    SegmentEffect,
    decide,
)

RANK = {"ship": 4, "ship to segment": 3, "keep running": 2, "stop": 1, "invalid": 0}
SIMULATION_BANNER = (
    "OFFLINE SIMULATION: every number below is simulated from logged data; the decision is a "
    "go / no-go for running the real A/B test, not for shipping."
)
REAL_BANNER = "REAL LOGGED TEST: users were really assigned and exposed to the variants."


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


def decide_variant(
    design: Design,
    rows: list[MetricRow],
    tests: list[SegmentTest],
    variant: str,
    *,
    srm_flag: str,
    multi_variant_share: float,
    roi: RoiResult | None,
    options: AnalysisOptions,
) -> tuple[Decision, MetricRow]:
    overall = {(r.metric.name, r.variant): r for r in rows if r.is_overall}
    primary_row = overall[(design.primary.name, variant)]
    primary = primary_row.effect
    assert primary is not None  # build_design guarantees a non-empty primary comparison
    if primary_row.p_value_adjusted is not None:
        primary = dataclasses.replace(primary, p_value=primary_row.p_value_adjusted)
    guardrails = [
        Guardrail(name=m.name, effect=r.effect, higher_is_better=m.higher_is_better)
        for m in design.metrics
        if m.role == "guardrail"
        and (r := overall.get((m.name, variant))) is not None
        and r.effect is not None
    ]
    power: PowerResult | None = primary_row.extra.get("power_result")
    segments, heterogeneity = _segment_inputs(rows, tests, design, variant)
    decision = decide(
        srm_flag,
        multi_variant_share,
        primary,
        guardrails=guardrails,
        power=power,
        segments=segments,
        heterogeneity=heterogeneity,
        roi=roi,
        primary_higher_is_better=design.primary.higher_is_better,
        alpha=options.alpha,
        max_multi_variant_share=options.max_multi_variant_share,
        min_probability_roi_positive=options.min_probability_roi_positive,
        max_extra_days=options.max_extra_days,
    )
    return decision, primary_row


def _good_lift(row: MetricRow) -> float:
    effect = row.effect
    if effect is None:
        return -math.inf
    lift = effect.relative_effect if effect.relative_effect is not None else effect.absolute_effect
    return lift if row.metric.higher_is_better else -lift


def _pct(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:+.{digits}%}"


def _difference(value: float, row: MetricRow) -> str:
    """Absolute differences: percentage points for rates, plain numbers otherwise."""
    if row.metric.metric_type == "binomial":
        return f"{100 * value:+.2f} pp"
    return f"{value:+.4g}"


def headline(
    decision: Decision, row: MetricRow, is_simulated: bool, alpha: float, correction: str
) -> str:
    """One plain-language sentence for the top of the report."""
    effect = row.effect
    metric = row.metric.name
    if effect is not None:
        # the absolute CI goes with the p-value (the delta-method relative CI can differ at the
        # margin); the relative effect is the intuitive number; p is the one decided on
        level = f"{1 - alpha:.0%}"
        relative = "" if effect.relative_effect is None else f"{_pct(effect.relative_effect)}, "
        p = effect.p_value if row.p_value_adjusted is None else row.p_value_adjusted
        adjusted = (
            f" {'Holm' if correction == 'holm' else 'BH'}-adjusted over {row.family_size} arms"
            if row.family_size > 1
            else ""
        )
        lift = (
            f"{metric} {relative}{_difference(effect.absolute_effect, row)} ({level} CI "
            f"{_difference(effect.absolute_ci_lower, row)} to "
            f"{_difference(effect.absolute_ci_upper, row)}; p = {p:.2g}{adjusted})"
        )
    else:
        lift = f"{metric} (not estimable)"
    variant = row.variant
    why = decision.reasons[-1] if decision.reasons else ""
    extra = decision.extra_days_needed
    more = f"{extra}" if extra is not None else "an unknown number of"
    if is_simulated:
        texts = {
            "ship": f"GO: run the real A/B test of {variant!r}. In the simulation {lift}.",
            "ship to segment": (
                f"GO for segments {', '.join(decision.segments_to_ship)}: run the real test of "
                f"{variant!r} there. In the simulation {lift}."
            ),
            "keep running": (
                f"GO, but plan a longer real test: {variant!r} needs "
                f"{more} more days than simulated to be powered. In the simulation {lift}."
            ),
            "stop": f"NO-GO for a real test of {variant!r} ({why}). In the simulation {lift}.",
            "invalid": "NO-GO: the simulation itself is broken (see the health checks).",
        }
    else:
        texts = {
            "ship": f"Ship {variant!r}: {lift}.",
            "ship to segment": (
                f"Ship {variant!r} to {', '.join(decision.segments_to_ship)} only: {lift}."
            ),
            "keep running": (
                f"Keep running: {variant!r} needs {more} more days to be conclusive; so far {lift}."
            ),
            "stop": f"Stop and keep {row.control!r} ({why}): {lift}.",
            "invalid": "No decision: the experiment is invalid (see the health checks).",
        }
    return texts[decision.decision]


def decision_section(
    design: Design,
    rows: list[MetricRow],
    tests: list[SegmentTest],
    *,
    srm_flag: str,
    multi_variant_share: float,
    rois: dict[str, RoiResult | None],
    is_simulated: bool,
    warnings: list[str],
    options: AnalysisOptions,
) -> dict[str, Any]:
    """The combined decision with reasons, headline and (for simulations) go / no-go."""
    per_variant = []
    for variant in design.treatments:
        decision, row = decide_variant(
            design,
            rows,
            tests,
            variant,
            srm_flag=srm_flag,
            multi_variant_share=multi_variant_share,
            roi=rois.get(variant),
            options=options,
        )
        per_variant.append((decision, row))
    decision, row = max(per_variant, key=lambda dr: (RANK[dr[0].decision], _good_lift(dr[1])))
    outcome = decision.decision
    go = None
    if is_simulated:
        go = "go" if outcome in ("ship", "ship to segment", "keep running") else "no-go"
    return {
        "decision": outcome,
        "reasons": [*decision.reasons, *warnings],
        "variant": row.variant,
        "control": row.control,
        "headline": headline(decision, row, is_simulated, options.alpha, options.correction),
        "extra_days_needed": decision.extra_days_needed,
        "segments_to_ship": list(decision.segments_to_ship),
        "is_simulated": is_simulated,
        "go_no_go": go,
        "framing": SIMULATION_BANNER if is_simulated else REAL_BANNER,
        "by_variant": [
            {
                "variant": r.variant,
                "decision": d.decision,
                "reasons": list(d.reasons),
                "extra_days_needed": d.extra_days_needed,
                "segments_to_ship": list(d.segments_to_ship),
            }
            for d, r in per_variant
        ],
    }
