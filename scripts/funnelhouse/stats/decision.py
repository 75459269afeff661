"""Ship / no-ship decision from already computed results. A pure function: same inputs, same
output; every threshold is a parameter.

Rules, applied in order (alpha = significance level of the primary metric, default 0.05):

1. ``invalid`` (no decision) when the SRM flag is 'fail' or the share of users exposed to more
   than one variant exceeds ``max_multi_variant_share`` (default 1%). An SRM 'warn' is reported
   as a reason but does not block.
2. ``stop`` when the primary metric moved significantly (p < alpha) in the harmful direction.
3. ``stop`` when any guardrail moved significantly (p < alpha) in its harmful direction.
4. Segments count only when heterogeneity is significant (Cochran's Q p < heterogeneity_alpha);
   segment p-values are Holm-adjusted; a segment "wins"/"loses" when its adjusted p < alpha
   and its effect is in the good/harmful direction.
5. Primary significantly positive:
   a. ``stop`` when an ROI analysis is given and P(ROI > 0) < min_probability_roi_positive
      (default 0.8): the uplift is real but does not pay for itself;
   b. ``ship to segment`` (all segments except the losing ones) when some segments lose;
   c. otherwise ``ship``.
6. Primary not significant:
   a. ``ship to segment`` (the winning segments) when some segments win and none lose
      (ROI is not evaluated per segment);
   b. with a power analysis whose power at the target MDE is below its target power:
      ``keep running`` when the extra days needed are unknown or <= max_extra_days (default 28),
      otherwise ``stop`` (futile: it would take too long);
   c. with an adequately powered test: ``stop`` (futile: no effect of the target size);
   d. without a power analysis: ``stop`` (inconclusive).
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

Outcome = Literal["invalid", "ship", "ship to segment", "keep running", "stop"]


@dataclass(frozen=True)
class Guardrail:
    name: str
    effect: EffectResult
    higher_is_better: bool = True


@dataclass(frozen=True)
class SegmentEffect:
    name: str
    effect: EffectResult


@dataclass(frozen=True)
class Decision:
    decision: Outcome
    reasons: tuple[str, ...]
    extra_days_needed: int | None = None
    segments_to_ship: tuple[str, ...] = ()


def is_significant(effect: EffectResult, alpha: float) -> bool:
    return effect.p_value < alpha


def is_good_direction(effect: EffectResult, higher_is_better: bool) -> bool:
    return effect.absolute_effect > 0 if higher_is_better else effect.absolute_effect < 0


def _describe(effect: EffectResult) -> str:
    if effect.relative_effect is not None:
        return f"{effect.relative_effect:+.2%} (p={effect.p_value:.3g})"
    return f"{effect.absolute_effect:+.4g} (p={effect.p_value:.3g})"


def classify_segments(
    segments: Sequence[SegmentEffect], alpha: float, higher_is_better: bool
) -> tuple[list[str], list[str]]:
    """(winning, losing) segment names using Holm-adjusted segment p-values."""
    if not segments:
        return [], []
    adjusted = holm_adjust([s.effect.p_value for s in segments])
    winners, losers = [], []
    for segment, p in zip(segments, adjusted, strict=True):
        if p < alpha:
            good = is_good_direction(segment.effect, higher_is_better)
            (winners if good else losers).append(segment.name)
    return winners, losers


def decide(
    srm_flag: str,
    multi_variant_share: float,
    primary: EffectResult,
    *,
    guardrails: Sequence[Guardrail] = (),
    power: PowerResult | None = None,
    segments: Sequence[SegmentEffect] = (),
    heterogeneity: HeterogeneityResult | None = None,
    roi: RoiResult | None = None,
    primary_higher_is_better: bool = True,
    alpha: float = 0.05,
    max_multi_variant_share: float = 0.01,
    heterogeneity_alpha: float = 0.05,
    min_probability_roi_positive: float = 0.8,
    max_extra_days: int = 28,
) -> Decision:
    """Apply the rules of the module docstring."""
    reasons: list[str] = []
    invalid = []
    if srm_flag == "fail":
        invalid.append("sample ratio mismatch (SRM flag 'fail'): assignment is broken")
    elif srm_flag == "warn":
        reasons.append("SRM flag 'warn': check the assignment before trusting the result")
    if multi_variant_share > max_multi_variant_share:
        invalid.append(
            f"{multi_variant_share:.2%} of users saw more than one variant "
            f"(limit {max_multi_variant_share:.2%})"
        )
    if invalid:
        return Decision("invalid", tuple(invalid + reasons))

    significant = is_significant(primary, alpha)
    good = is_good_direction(primary, primary_higher_is_better)
    if significant and not good:
        return Decision("stop", (*reasons, f"primary metric harmed: {_describe(primary)}"))

    harmed = [
        g
        for g in guardrails
        if is_significant(g.effect, alpha) and not is_good_direction(g.effect, g.higher_is_better)
    ]
    if harmed:
        reasons += [f"guardrail '{g.name}' harmed: {_describe(g.effect)}" for g in harmed]
        return Decision("stop", tuple(reasons))

    winners: list[str] = []
    losers: list[str] = []
    if segments and heterogeneity is not None and heterogeneity.p_value < heterogeneity_alpha:
        winners, losers = classify_segments(segments, alpha, primary_higher_is_better)
        reasons.append(
            f"effect differs across segments (Cochran's Q p={heterogeneity.p_value:.3g}, "
            f"I^2={heterogeneity.i_squared:.0%})"
        )

    if significant:
        reasons.append(f"primary metric improved: {_describe(primary)}")
        if roi is not None and roi.probability_roi_positive < min_probability_roi_positive:
            reasons.append(
                f"P(ROI > 0) = {roi.probability_roi_positive:.0%} is below "
                f"{min_probability_roi_positive:.0%}: the uplift does not pay for itself"
            )
            return Decision("stop", tuple(reasons))
        if roi is not None:
            reasons.append(f"P(ROI > 0) = {roi.probability_roi_positive:.0%}")
        if losers:
            keep = tuple(s.name for s in segments if s.name not in losers)
            reasons.append(f"harmed in segments: {', '.join(losers)}")
            return Decision("ship to segment", tuple(reasons), segments_to_ship=keep)
        return Decision("ship", tuple(reasons))

    reasons.append(f"primary metric not significant: {_describe(primary)}")
    if winners and not losers:
        reasons.append(
            f"significant improvement in segments: {', '.join(winners)} "
            "(Holm-adjusted; ROI not evaluated per segment)"
        )
        return Decision("ship to segment", tuple(reasons), segments_to_ship=tuple(winners))
    if power is None:
        reasons.append("no power analysis: inconclusive")
        return Decision("stop", tuple(reasons))
    if power.power_at_mde < power.target_power:
        extra = power.extra_days_needed
        reasons.append(
            f"underpowered: {power.power_at_mde:.0%} power for a {power.relative_mde:.1%} "
            f"effect (target {power.target_power:.0%})"
        )
        if extra is None or extra <= max_extra_days:
            reasons.append(
                "extra days needed unknown" if extra is None else f"needs {extra} more days"
            )
            return Decision("keep running", tuple(reasons), extra_days_needed=extra)
        reasons.append(f"futile: needs {extra} more days (limit {max_extra_days})")
        return Decision("stop", tuple(reasons), extra_days_needed=extra)
    reasons.append(
        f"futile: {power.power_at_mde:.0%} power for a {power.relative_mde:.1%} effect "
        "and no significant effect"
    )
    return Decision("stop", tuple(reasons))
