import math

import numpy as np
import pytest
from funnelhouse.stats import RoiInputs, roi_analysis
from scipy import stats

BASE = {
    "lift": 0.04,
    "lift_se": 0.015,
    "monthly_users": 200_000,
    "conversion_rate": 0.03,
    "average_order_value": 80.0,
    "gross_margin": 0.4,
    "implementation_cost": 15_000.0,
    "monthly_running_cost": 500.0,
    "horizon_months": 12,
    "rollout_share": 0.9,
}


def analytic(inputs, lift):
    """Closed-form money quantities for one lift value (written independently of the module)."""
    users = inputs.monthly_users * inputs.rollout_share
    conversions = users * inputs.conversion_rate * lift
    revenue = conversions * inputs.average_order_value
    gross = revenue * inputs.gross_margin
    cost = inputs.implementation_cost + inputs.monthly_running_cost * inputs.horizon_months
    net = gross * inputs.horizon_months - cost
    monthly_net = gross - inputs.monthly_running_cost
    payback = inputs.implementation_cost / monthly_net if monthly_net > 0 else math.inf
    return {
        "conv": conversions,
        "rev": revenue,
        "gross": gross,
        "net": net,
        "roi": net / cost,
        "cost": cost,
        "payback": payback,
    }


def test_point_estimates_intervals_and_probability():
    inputs = RoiInputs(**BASE)
    result = roi_analysis(inputs, n_draws=200_000, seed=1)
    point = analytic(inputs, inputs.lift)
    # money is increasing-linear in the lift, so its quantiles are those of the lift
    q_low, q_high = stats.norm.ppf([0.025, 0.975], inputs.lift, inputs.lift_se)
    low, high = analytic(inputs, q_low), analytic(inputs, q_high)
    for field, key in [
        ("incremental_conversions_per_month", "conv"),
        ("incremental_revenue_per_month", "rev"),
        ("incremental_gross_profit_per_month", "gross"),
        ("net_profit_over_horizon", "net"),
        ("roi", "roi"),
    ]:
        interval = getattr(result, field)
        assert interval.estimate == pytest.approx(point[key], rel=1e-12)
        scale = abs(high[key] - low[key])
        assert interval.lower == pytest.approx(low[key], abs=0.01 * scale)
        assert interval.upper == pytest.approx(high[key], abs=0.01 * scale)
    assert result.total_cost == point["cost"]
    assert result.payback_months.estimate == pytest.approx(point["payback"], rel=1e-12)
    # ROI > 0  <=>  lift > break-even lift
    break_even = point["cost"] / (analytic(inputs, 1.0)["gross"] * inputs.horizon_months)
    assert result.break_even_lift == pytest.approx(break_even, rel=1e-12)
    expected_prob = stats.norm.sf(break_even, inputs.lift, inputs.lift_se)
    assert result.probability_roi_positive == pytest.approx(expected_prob, abs=0.004)


def test_payback_never_when_not_profitable():
    inputs = RoiInputs(**{**BASE, "lift": -0.01, "lift_se": 0.001})
    result = roi_analysis(inputs, n_draws=5_000)
    assert result.payback_months.estimate is None and result.payback_months.upper is None
    assert result.probability_roi_positive == 0.0
    assert result.roi.estimate < -1


def test_payback_interval_with_some_never_draws():
    inputs = RoiInputs(**{**BASE, "lift": 0.01, "lift_se": 0.01})
    result = roi_analysis(inputs, n_draws=50_000, seed=3)
    lifts = np.random.default_rng(99).normal(inputs.lift, inputs.lift_se, 400_000)
    paybacks = np.array([analytic(inputs, x)["payback"] for x in lifts[:50_000]])
    assert result.payback_months.upper is None  # > 2.5% of draws never pay back
    assert result.payback_months.lower == pytest.approx(np.quantile(paybacks, 0.025), rel=0.03)


def test_revenue_per_user_lift_has_no_conversion_count():
    result = roi_analysis(RoiInputs(**{**BASE, "lift_metric": "revenue_per_user"}), n_draws=1000)
    assert result.incremental_conversions_per_month is None
    assert result.incremental_revenue_per_month.estimate == pytest.approx(
        analytic(RoiInputs(**BASE), BASE["lift"])["rev"]
    )


def test_zero_cost_has_no_roi_ratio():
    inputs = RoiInputs(**{**BASE, "implementation_cost": 0.0, "monthly_running_cost": 0.0})
    result = roi_analysis(inputs, n_draws=1000)
    assert result.roi is None and result.payback_months.estimate == 0.0


def test_invalid_inputs():
    with pytest.raises(ValueError):
        RoiInputs(**{**BASE, "rollout_share": 1.5})
    with pytest.raises(ValueError):
        RoiInputs(**{**BASE, "lift_se": -1.0})
    with pytest.raises(ValueError):
        RoiInputs(**{**BASE, "lift_metric": "orders"})


def test_users_per_month_scales_days_and_coverage():
    from funnelhouse.stats.roi import users_per_month

    # 1,000 users a day is 365,250 a year, i.e. 30,437.5 a month; 25% coverage -> 4x traffic.
    assert users_per_month(35_000, 35) == pytest.approx(1000 * 365.25 / 12)
    assert users_per_month(35_000, 35, coverage=0.25) == pytest.approx(4000 * 365.25 / 12)
    with pytest.raises(ValueError, match="days"):
        users_per_month(10, 0)
    with pytest.raises(ValueError, match="coverage"):
        users_per_month(10, 1, coverage=0)


def test_lift_draws_are_the_draws_behind_the_probability():
    from funnelhouse.stats.roi import lift_draws

    inputs = RoiInputs(**BASE)
    result = roi_analysis(inputs, n_draws=5_000, seed=11)
    lifts = lift_draws(inputs, n_draws=5_000, seed=11)
    # P(ROI > 0) recomputed from the draws with the closed form of the test's `analytic`
    expected = np.mean([analytic(inputs, lift)["net"] > 0 for lift in lifts])
    assert result.probability_roi_positive == pytest.approx(expected, abs=1e-12)
    assert lifts.mean() == pytest.approx(BASE["lift"], abs=4 * BASE["lift_se"] / np.sqrt(5_000))
