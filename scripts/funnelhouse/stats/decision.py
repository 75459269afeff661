"""Ship / no-ship decision from already computed results, under the experiment's analysis plan.

A pure function: same inputs, same output; every threshold is a parameter. Every input effect
is ``Evidence``: the estimate, interval and p-value of exactly the test the plan prescribes
(fixed-horizon: the z / t / exact test, the primary's p-value adjusted over the treatment arms;
sequential: the always-valid test over the daily looks). An ``EffectResult`` is accepted and
read as fixed-horizon evidence.

Rules, in order (alpha = significance level, default 0.05):

1. ``invalid`` (no decision) when the SRM flag is 'fail' (this includes users in arms the
   design does not expect), the share of users exposed to more than one variant exceeds
   ``max_multi_variant_share`` (default 1%), or the primary effect cannot be estimated.
   An SRM 'warn' is reported as a reason but does not block.
2. ``keep running`` while a fixed-horizon plan has not reached its horizon (planned users or
   end date): its test is read once, at the horizon, and nothing is decided before.
3. ``stop`` when the primary metric moved significantly in its harmful direction.
4. ``stop`` when any guardrail moved significantly in its harmful direction (unadjusted).
5. Primary significantly better: ``ship``, or ``ship to segment`` (all but the losing
   segments) when segments differ (Cochran's Q p < heterogeneity_alpha) and some segment is
   significantly harmed (Holm-adjusted). The ROI never changes the verdict: with an ROI
   analysis the decision carries its risk, P(net profit over the horizon <= 0), and flags it
   when P(ROI > 0) is below ``min_probability_roi_positive``.
6. Primary not significant:
   * fixed-horizon plan (at its horizon): ``ship to segment`` for significantly winning
     segments when none loses and segments differ, else ``stop`` (no effect at the planned
     horizon; the power for the target MDE says whether the test could have found one);
   * sequential plan: ``keep running`` until its planned sample, then ``stop``; without a
     planned sample ``keep running`` while the power analysis needs at most
     ``max_extra_days`` (default 28) more days, else ``stop`` (futile). Segments are not
     used: they have no always-valid test.

A/A tests (identical arms) get ``decide_aa`` instead: 'a/a pass' or 'a/a fail'.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from funnelhouse.stats.frequentist import EffectResult
from funnelhouse.stats.heterogeneity import HeterogeneityResult
from funnelhouse.stats.multiple_testing import holm_adjust
from funnelhouse.stats.power import PowerResult
from funnelhouse.stats.roi import RoiResult

Outcome = Literal[
    "invalid", "ship", "ship to segment", "keep running", "stop", "a/a pass", "a/a fail"
]
Plan = Literal["fixed_horizon", "sequential"]
PLANS: tuple[str, ...] = ("fixed_horizon", "sequential")


@dataclass(frozen=True)
class Evidence:
    """The plan's test of one comparison: absolute estimate (variant - control), interval and
    p-value (adjusted when its family has several tests)."""

    test: str
    estimate: float
    p_value: float
    ci_lower: float | None = None
    ci_upper: float | None = None
    relative_effect: float | None = None


def as_evidence(effect: Evidence | EffectResult) -> Evidence:
    """An ``EffectResult`` read as fixed-horizon evidence."""
    if isinstance(effect, Evidence):
        return effect
    return Evidence(
        test=effect.test,
        estimate=effect.absolute_effect,
        p_value=effect.p_value,
        ci_lower=effect.absolute_ci_lower,
        ci_upper=effect.absolute_ci_upper,
        relative_effect=effect.relative_effect,
    )


@dataclass(frozen=True)
class PlanStatus:
    """Where the experiment is in its analysis plan. ``extra_days`` = days still needed to the
    horizon (None when unknown); ``planned`` = whether the plan has a horizon (a sequential
    plan may have none); ``detail`` describes it in words."""

    plan: Plan = "fixed_horizon"
    horizon_reached: bool = True
    extra_days: int | None = None
    planned: bool = True
    detail: str = ""


AT_HORIZON = PlanStatus()


@dataclass(frozen=True)
class Guardrail:
    name: str
    effect: Evidence | EffectResult
    higher_is_better: bool = True


@dataclass(frozen=True)
class SegmentEffect:
    name: str
    effect: Evidence | EffectResult


Rule = Literal[
    "health",
    "not estimable",
    "before horizon",
    "primary harmed",
    "guardrail harmed",
    "primary improved",
    "segments",
    "no effect",
    "waiting",
    "futile",
    "aa",
]


@dataclass(frozen=True)
class Decision:
    """The verdict; ``rule`` names the rule that decided (module docstring); ``roi_risk`` =
    P(the change does not pay back within the ROI horizon)."""

    decision: Outcome
    reasons: tuple[str, ...]
    extra_days_needed: int | None = None
    segments_to_ship: tuple[str, ...] = ()
    roi_risk: float | None = None
    rule: Rule = "health"


def is_significant(effect: Evidence | EffectResult, alpha: float) -> bool:
    return as_evidence(effect).p_value < alpha


def is_good_direction(effect: Evidence | EffectResult, higher_is_better: bool) -> bool:
    estimate = as_evidence(effect).estimate
    return estimate > 0 if higher_is_better else estimate < 0


def describe(effect: Evidence | EffectResult) -> str:
    e = as_evidence(effect)
    size = f"{e.relative_effect:+.2%}" if e.relative_effect is not None else f"{e.estimate:+.4g}"
    p = "p<0.0001" if e.p_value < 1e-4 else f"p={e.p_value:.3g}"
    return f"{size} ({p})"


def classify_segments(
    segments: Sequence[SegmentEffect], alpha: float, higher_is_better: bool
) -> tuple[list[str], list[str]]:
    """(winning, losing) segment names using Holm-adjusted segment p-values."""
    if not segments:
        return [], []
    adjusted = holm_adjust([as_evidence(s.effect).p_value for s in segments])
    winners, losers = [], []
    for segment, p in zip(segments, adjusted, strict=True):
        if p < alpha:
            good = is_good_direction(segment.effect, higher_is_better)
            (winners if good else losers).append(segment.name)
    return winners, losers


def health_problems(
    srm_flag: str, multi_variant_share: float, max_multi_variant_share: float
) -> tuple[list[str], list[str]]:
    """(blocking problems, warnings) of the health checks."""
    blocking, warnings = [], []
    if srm_flag == "fail":
        blocking.append("sample ratio mismatch (SRM flag 'fail'): assignment is broken")
    elif srm_flag == "warn":
        warnings.append("SRM flag 'warn': check the assignment before trusting the result")
    if multi_variant_share > max_multi_variant_share:
        blocking.append(
            f"{multi_variant_share:.2%} of users saw more than one variant "
            f"(limit {max_multi_variant_share:.2%})"
        )
    return blocking, warnings


def harmed_guardrails(guardrails: Sequence[Guardrail], alpha: float) -> list[Guardrail]:
    return [
        g
        for g in guardrails
        if is_significant(g.effect, alpha) and not is_good_direction(g.effect, g.higher_is_better)
    ]


def segment_verdicts(
    plan: PlanStatus,
    segments: Sequence[SegmentEffect],
    heterogeneity: HeterogeneityResult | None,
    alpha: float,
    heterogeneity_alpha: float,
    higher_is_better: bool,
    reasons: list[str],
) -> tuple[list[str], list[str]]:
    """(winning, losing) segments when the fixed-horizon plan's segments differ (rule 6)."""
    if plan.plan != "fixed_horizon" or not segments or heterogeneity is None:
        return [], []
    if not heterogeneity.p_value < heterogeneity_alpha:
        return [], []
    reasons.append(
        f"effect differs across segments (Cochran's Q p={heterogeneity.p_value:.3g}, "
        f"I^2={heterogeneity.i_squared:.0%})"
    )
    return classify_segments(segments, alpha, higher_is_better)


def roi_risk_reason(roi: RoiResult, min_probability_roi_positive: float) -> tuple[float, str]:
    """P(no pay-back within the horizon) and the sentence that states it on the verdict."""
    risk = 1.0 - roi.probability_roi_positive
    text = f"ROI risk: {risk:.0%} chance it does not pay back within {roi.horizon_months:g} months"
    if roi.probability_roi_positive < min_probability_roi_positive:
        text += f" (high: P(ROI > 0) is below {min_probability_roi_positive:.0%})"
    return risk, text


def _not_significant(
    plan: PlanStatus,
    power: PowerResult | None,
    winners: list[str],
    losers: list[str],
    reasons: list[str],
    max_extra_days: int,
) -> Decision:
    """Rule 6: the primary metric is not significant under the plan's test."""
    if plan.plan == "fixed_horizon":
        if winners and not losers:
            reasons.append(
                f"significant improvement in segments: {', '.join(winners)} "
                "(Holm-adjusted; ROI not evaluated per segment)"
            )
            return Decision(
                "ship to segment", tuple(reasons), segments_to_ship=tuple(winners), rule="segments"
            )
        if power is not None:
            reasons.append(
                f"the test had {power.power_at_mde:.0%} power for a {power.relative_mde:.1%} "
                "effect" + (" (underpowered)" if power.power_at_mde < power.target_power else "")
            )
        reasons.append("no significant effect at the planned horizon: keep the control")
        return Decision("stop", tuple(reasons), rule="no effect")
    if plan.planned:
        if not plan.horizon_reached:
            reasons.append(f"sequential plan: keep looking until the planned sample {plan.detail}")
            return Decision(
                "keep running", tuple(reasons), extra_days_needed=plan.extra_days, rule="waiting"
            )
        reasons.append("no significant effect by the planned sample: keep the control")
        return Decision("stop", tuple(reasons), rule="no effect")
    if power is None:
        reasons.append("no planned sample and no power analysis: inconclusive")
        return Decision("stop", tuple(reasons), rule="futile")
    extra = power.extra_days_needed
    if power.power_at_mde >= power.target_power:
        reasons.append(f"futile: {power.power_at_mde:.0%} power and no significant effect")
        return Decision("stop", tuple(reasons), rule="futile")
    if extra is None or extra <= max_extra_days:
        reasons.append(
            f"underpowered: {'an unknown number of' if extra is None else extra} more days "
            f"for {power.target_power:.0%} power (the always-valid test may keep looking)"
        )
        return Decision("keep running", tuple(reasons), extra_days_needed=extra, rule="waiting")
    reasons.append(f"futile: needs {extra} more days (limit {max_extra_days})")
    return Decision("stop", tuple(reasons), extra_days_needed=extra, rule="futile")


def decide(
    srm_flag: str,
    multi_variant_share: float,
    primary: Evidence | EffectResult | None,
    *,
    plan: PlanStatus = AT_HORIZON,
    guardrails: Sequence[Guardrail] = (),
    power: PowerResult | None = None,
    segments: Sequence[SegmentEffect] = (),
    heterogeneity: HeterogeneityResult | None = None,
    roi: RoiResult | None = None,
    primary_higher_is_better: bool = True,
    primary_note: str | None = None,
    alpha: float = 0.05,
    max_multi_variant_share: float = 0.01,
    heterogeneity_alpha: float = 0.05,
    min_probability_roi_positive: float = 0.8,
    max_extra_days: int = 28,
) -> Decision:
    """Apply the rules of the module docstring (``primary`` None: not estimable, with
    ``primary_note`` saying why)."""
    invalid, reasons = health_problems(srm_flag, multi_variant_share, max_multi_variant_share)
    if invalid:
        return Decision("invalid", tuple(invalid + reasons))
    if primary is None:
        note = f"the primary effect cannot be estimated: {primary_note or 'unknown'}"
        return Decision("invalid", (note, *reasons), rule="not estimable")
    if plan.plan == "fixed_horizon" and not plan.horizon_reached:
        reasons.append(f"fixed-horizon plan: the test is read at the horizon {plan.detail}")
        return Decision(
            "keep running", tuple(reasons), extra_days_needed=plan.extra_days, rule="before horizon"
        )
    if is_significant(primary, alpha) and not is_good_direction(primary, primary_higher_is_better):
        reasons.append(f"primary metric harmed: {describe(primary)}")
        return Decision("stop", tuple(reasons), rule="primary harmed")
    harmed = harmed_guardrails(guardrails, alpha)
    if harmed:
        reasons += [f"guardrail '{g.name}' harmed: {describe(g.effect)}" for g in harmed]
        return Decision("stop", tuple(reasons), rule="guardrail harmed")
    winners, losers = segment_verdicts(
        plan, segments, heterogeneity, alpha, heterogeneity_alpha, primary_higher_is_better, reasons
    )
    if not is_significant(primary, alpha):
        reasons.append(f"primary metric not significant: {describe(primary)}")
        return _not_significant(plan, power, winners, losers, reasons, max_extra_days)
    reasons.append(f"primary metric improved: {describe(primary)}")
    return _ship(segments, losers, roi, min_probability_roi_positive, reasons)


def _ship(
    segments: Sequence[SegmentEffect],
    losers: Sequence[str],
    roi: RoiResult | None,
    min_probability_roi_positive: float,
    reasons: list[str],
) -> Decision:
    """Ship (to the segments not harmed), with the ROI as a risk on the verdict."""
    risk = None
    if roi is not None:
        risk, text = roi_risk_reason(roi, min_probability_roi_positive)
        reasons.append(text)
    if losers:
        keep = tuple(s.name for s in segments if s.name not in losers)
        reasons.append(f"harmed in segments: {', '.join(losers)}")
        return Decision(
            "ship to segment",
            tuple(reasons),
            segments_to_ship=keep,
            roi_risk=risk,
            rule="primary improved",
        )
    return Decision("ship", tuple(reasons), roi_risk=risk, rule="primary improved")


def decide_aa(
    srm_flag: str,
    multi_variant_share: float,
    primary: Evidence | EffectResult | None,
    *,
    plan: PlanStatus = AT_HORIZON,
    salts_verdict: str | None = None,
    primary_note: str | None = None,
    alpha: float = 0.05,
    max_multi_variant_share: float = 0.01,
) -> Decision:
    """A/A verdict: 'a/a fail' when a health check fails, the re-randomised salts say the test
    is miscalibrated ('fail'), or the identical arms differ significantly on the primary
    metric under the plan's test (a false positive; expected in alpha of healthy A/A tests);
    'keep running' before a fixed-horizon plan's horizon; else 'a/a pass'. No money."""
    failures, reasons = health_problems(srm_flag, multi_variant_share, max_multi_variant_share)
    if salts_verdict == "fail":
        failures.append("the re-randomised A/A salts are miscalibrated (verdict 'fail')")
    if failures:
        return Decision("a/a fail", tuple(failures + reasons))
    if primary is None:
        note = primary_note or "unknown"
        return Decision(
            "invalid", (f"the primary effect cannot be estimated: {note}",), rule="not estimable"
        )
    if plan.plan == "fixed_horizon" and not plan.horizon_reached:
        reasons.append(f"fixed-horizon plan: the test is read at the horizon {plan.detail}")
        return Decision(
            "keep running", tuple(reasons), extra_days_needed=plan.extra_days, rule="before horizon"
        )
    if is_significant(primary, alpha):
        reasons.append(
            f"the identical arms differ on the primary metric: {describe(primary)}; a false "
            f"positive (expected in {alpha:.0%} of healthy A/A tests): check the assignment"
        )
        return Decision("a/a fail", tuple(reasons), rule="aa")
    reasons.append(f"no difference between the identical arms: {describe(primary)}")
    if salts_verdict is not None:
        reasons.append(f"re-randomised salts: {salts_verdict}")
    return Decision("a/a pass", tuple(reasons), rule="aa")
