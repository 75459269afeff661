import dataclasses

from funnelhouse.stats import (
    CupedResult,
    Decision,
    EffectResult,
    Guardrail,
    HeterogeneityResult,
    PowerResult,
    RoiInputs,
    SegmentEffect,
    decide,
    roi_analysis,
)
from funnelhouse.stats.decision import Evidence, PlanStatus, decide_aa


def effect(relative: float, p_value: float) -> EffectResult:
    return EffectResult(
        metric_type="binomial",
        test="two-proportion z-test",
        alpha=0.05,
        control_users=10_000,
        variant_users=10_000,
        control_mean=0.05,
        variant_mean=0.05 * (1 + relative),
        absolute_effect=0.05 * relative,
        absolute_se=0.002,
        absolute_ci_lower=0.05 * relative - 0.004,
        absolute_ci_upper=0.05 * relative + 0.004,
        relative_effect=relative,
        relative_se=0.04,
        relative_ci_lower=relative - 0.08,
        relative_ci_upper=relative + 0.08,
        statistic=2.0,
        df=None,
        p_value=p_value,
        cuped=CupedResult(applied=False, reason="no pre-exposure covariate statistics"),
    )


def power(power_at_mde: float, extra_days: int | None) -> PowerResult:
    return PowerResult(
        alpha=0.05,
        target_power=0.8,
        relative_mde=0.05,
        absolute_mde_target=0.0025,
        power_at_mde=power_at_mde,
        detectable_absolute_effect=0.003,
        detectable_relative_effect=0.06,
        users_needed_control=15_000,
        users_needed_variant=15_000,
        control_users=10_000,
        variant_users=10_000,
        days_elapsed=10,
        users_per_day=2_000,
        extra_days_needed=extra_days,
        total_days_needed=None if extra_days is None else 10 + extra_days,
        cuped_applied=False,
    )


def heterogeneity(p_value: float) -> HeterogeneityResult:
    return HeterogeneityResult(
        statistic=12.0,
        df=2,
        p_value=p_value,
        i_squared=0.8,
        pooled_effect=0.0,
        pooled_se=0.01,
        segments=3,
    )


WIN, FLAT, LOSS = effect(0.08, 0.001), effect(0.01, 0.6), effect(-0.07, 0.002)


def roi(lift: float, lift_se: float):
    inputs = RoiInputs(
        lift=lift,
        lift_se=lift_se,
        monthly_users=100_000,
        conversion_rate=0.05,
        average_order_value=60,
        gross_margin=0.3,
        implementation_cost=20_000,
        monthly_running_cost=1_000,
        horizon_months=12,
    )
    return roi_analysis(inputs, n_draws=20_000)


def test_invalid_on_srm_fail_or_multi_variant_exposure():
    srm = decide("fail", 0.0, WIN)
    assert srm.decision == "invalid" and "mismatch" in srm.reasons[0]
    multi = decide("ok", 0.03, WIN)
    assert multi.decision == "invalid" and "more than one variant" in multi.reasons[0]
    assert decide("ok", 0.03, WIN, max_multi_variant_share=0.05).decision == "ship"


def test_ship_and_srm_warning_is_reported():
    result = decide("warn", 0.001, WIN, power=power(0.9, 0))
    assert result.decision == "ship"
    assert any("warn" in r for r in result.reasons)


def test_stop_when_primary_or_guardrail_harmed():
    assert decide("ok", 0.0, LOSS).decision == "stop"
    harmed = decide("ok", 0.0, WIN, guardrails=[Guardrail("refund rate", WIN, False)])
    assert harmed.decision == "stop" and "refund rate" in harmed.reasons[-1]
    fine = decide("ok", 0.0, WIN, guardrails=[Guardrail("page speed", FLAT, False)])
    assert fine.decision == "ship"
    # a metric where lower is better: a significant decrease is good
    assert decide("ok", 0.0, LOSS, primary_higher_is_better=False).decision == "ship"


def test_roi_risk_is_stated_on_the_verdict_and_never_flips_it():
    """Item 12 of issue 10 (was: a significant win with P(ROI > 0) < 80% was stopped)."""
    paying = decide("ok", 0.0, WIN, roi=roi(0.08, 0.02))
    assert paying.decision == "ship" and paying.roi_risk is not None and paying.roi_risk < 0.2
    costly_roi = roi(0.004, 0.01)
    costly = decide("ok", 0.0, WIN, roi=costly_roi)
    assert costly.decision == "ship"
    assert costly.roi_risk == 1 - costly_roi.probability_roi_positive
    assert (
        f"{costly.roi_risk:.0%} chance it does not pay back within 12 months" in costly.reasons[-1]
    )
    assert "high" in costly.reasons[-1]
    assert decide("ok", 0.0, WIN).roi_risk is None


def test_ship_to_segment():
    segments = [SegmentEffect("mobile", WIN), SegmentEffect("desktop", FLAT)]
    result = decide("ok", 0.0, FLAT, segments=segments, heterogeneity=heterogeneity(0.001))
    assert result.decision == "ship to segment" and result.segments_to_ship == ("mobile",)
    # without significant heterogeneity segments are ignored
    ignored = decide(
        "ok", 0.0, FLAT, segments=segments, heterogeneity=heterogeneity(0.4), power=power(0.9, 0)
    )
    assert ignored.decision == "stop"
    # overall win but one segment harmed: ship to the others
    mixed = [SegmentEffect("mobile", WIN), SegmentEffect("tablet", LOSS), SegmentEffect("d", FLAT)]
    partial = decide("ok", 0.0, WIN, segments=mixed, heterogeneity=heterogeneity(0.001))
    assert partial.decision == "ship to segment" and partial.segments_to_ship == ("mobile", "d")


def test_segment_significance_is_holm_adjusted():
    borderline = effect(0.05, 0.03)  # significant alone, not after Holm over 3 segments
    segments = [SegmentEffect(name, borderline) for name in ("a", "b", "c")]
    result = decide(
        "ok", 0.0, FLAT, segments=segments, heterogeneity=heterogeneity(0.01), power=power(0.9, 0)
    )
    assert result.decision == "stop"


BEFORE = PlanStatus(
    "fixed_horizon", horizon_reached=False, extra_days=6, detail="(4,000 of 10,000)"
)


def test_fixed_horizon_plan_keeps_running_before_and_never_after_its_horizon():
    """Item 6 of issue 10 (was: 'keep running' whenever underpowered, at any look)."""
    for effect in (WIN, FLAT, LOSS):  # nothing is read before the horizon
        early = decide("ok", 0.0, effect, plan=BEFORE, power=power(0.5, 9))
        assert early.decision == "keep running" and early.extra_days_needed == 6
    assert decide("ok", 0.5, WIN, plan=BEFORE).decision == "invalid"
    at_horizon = decide("ok", 0.0, FLAT, power=power(0.5, 9))  # underpowered, but at horizon
    assert at_horizon.decision == "stop" and "underpowered" in " ".join(at_horizon.reasons)
    futile = decide("ok", 0.0, FLAT, power=power(0.95, 0))
    assert futile.decision == "stop" and "planned horizon" in futile.reasons[-1]
    assert decide("ok", 0.0, FLAT).decision == "stop"


def test_sequential_plan_keeps_running_until_its_planned_sample():
    before = PlanStatus("sequential", horizon_reached=False, extra_days=3, detail="(1 of 2)")
    assert decide("ok", 0.0, WIN, plan=before).decision == "ship"  # decides at any look
    assert decide("ok", 0.0, LOSS, plan=before).decision == "stop"
    waiting = decide("ok", 0.0, FLAT, plan=before)
    assert waiting.decision == "keep running" and waiting.extra_days_needed == 3
    done = PlanStatus("sequential", horizon_reached=True)
    assert decide("ok", 0.0, FLAT, plan=done).decision == "stop"


def test_sequential_plan_without_a_planned_sample_uses_the_power_analysis():
    open_ended = PlanStatus("sequential", horizon_reached=False, planned=False)
    running = decide("ok", 0.0, FLAT, plan=open_ended, power=power(0.5, 9))
    assert running.decision == "keep running" and running.extra_days_needed == 9
    too_long = decide("ok", 0.0, FLAT, plan=open_ended, power=power(0.2, 60))
    assert too_long.decision == "stop" and too_long.extra_days_needed == 60
    longer = decide("ok", 0.0, FLAT, plan=open_ended, power=power(0.2, 60), max_extra_days=90)
    assert longer.decision == "keep running"
    unknown = decide("ok", 0.0, FLAT, plan=open_ended, power=power(0.5, None))
    assert unknown.decision == "keep running"
    futile = decide("ok", 0.0, FLAT, plan=open_ended, power=power(0.95, 0))
    assert futile.decision == "stop" and "futile" in futile.reasons[-1]
    assert decide("ok", 0.0, FLAT, plan=open_ended).decision == "stop"


def test_sequential_plan_ignores_segments():
    segments = [SegmentEffect("mobile", WIN), SegmentEffect("desktop", FLAT)]
    done = PlanStatus("sequential", horizon_reached=True)
    result = decide(
        "ok", 0.0, FLAT, plan=done, segments=segments, heterogeneity=heterogeneity(0.001)
    )
    assert result.decision == "stop"


def test_the_decision_reads_evidence_of_any_test():
    always_valid = Evidence(test="always-valid mSPRT", estimate=0.004, p_value=0.01)
    result = decide("ok", 0.0, always_valid)
    assert result.decision == "ship" and "p=0.01" in result.reasons[-1]
    lower = Evidence(test="t", estimate=0.004, p_value=0.01)
    assert decide("ok", 0.0, lower, primary_higher_is_better=False).decision == "stop"


def test_a_primary_that_cannot_be_estimated_is_invalid():
    """Item 7 of issue 10: no AssertionError, a decision 'invalid' with the reason."""
    result = decide("ok", 0.0, None, primary_note="revenue unavailable: no prices")
    assert result.decision == "invalid" and "revenue unavailable" in result.reasons[0]


def test_aa_verdict():
    assert decide_aa("ok", 0.0, FLAT, salts_verdict="ok").decision == "a/a pass"
    false_positive = decide_aa("ok", 0.0, WIN)
    assert false_positive.decision == "a/a fail" and "false positive" in false_positive.reasons[-1]
    assert decide_aa("fail", 0.0, FLAT).decision == "a/a fail"
    assert decide_aa("ok", 0.05, FLAT).decision == "a/a fail"
    assert decide_aa("ok", 0.0, FLAT, salts_verdict="fail").decision == "a/a fail"
    assert decide_aa("ok", 0.0, WIN, plan=BEFORE).decision == "keep running"
    assert decide_aa("ok", 0.0, None, primary_note="x").decision == "invalid"


def test_decide_is_pure():
    kwargs = {"power": power(0.5, 9), "guardrails": [Guardrail("g", FLAT)]}
    first, second = decide("ok", 0.0, FLAT, **kwargs), decide("ok", 0.0, FLAT, **kwargs)
    assert first == second and isinstance(first, Decision)
    assert dataclasses.is_dataclass(first)
