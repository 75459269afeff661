import numpy as np
import pytest
from funnelhouse.stats import SufficientStats, bayesian_effect, estimate_effect, thompson_weights
from funnelhouse.stats.bayesian import (
    beta_expected_shortfall,
    normal_expected_positive_part,
    prob_beta_exceeds,
)
from scipy import integrate, stats


def integrate_on_support(func, dists, points=20_001):
    """Trapezoid integration of func over the union of the posteriors' 1e-12..1-1e-12 ranges."""
    lo = min(d.ppf(1e-12) for d in dists)
    hi = max(d.isf(1e-12) for d in dists)
    grid = np.linspace(lo, hi, points)
    return integrate.trapezoid(func(grid), grid)


def exact_prob_greater(a_x, b_x, a_y, b_y):
    """P(X > Y) = integral of f_X(t) F_Y(t) dt, by numerical integration."""
    x, y = stats.beta(a_x, b_x), stats.beta(a_y, b_y)
    return integrate_on_support(lambda t: x.pdf(t) * y.cdf(t), [x, y])


PARAMS = [(51, 951, 61, 941), (5001, 95001, 5101, 94901), (3, 10, 2, 40), (130, 870, 120, 880)]


@pytest.mark.parametrize("params", PARAMS)
def test_prob_beta_exceeds_matches_integration(params):
    assert prob_beta_exceeds(*params) == pytest.approx(exact_prob_greater(*params), abs=1e-7)


@pytest.mark.parametrize("params", PARAMS)
def test_expected_shortfall_matches_monte_carlo(rng, params):
    a_x, b_x, a_y, b_y = params
    draws = 1_000_000
    diff = rng.beta(a_x, b_x, draws) - rng.beta(a_y, b_y, draws)
    loss = np.maximum(diff, 0.0)
    mc_se = loss.std() / np.sqrt(draws)
    assert beta_expected_shortfall(*params) == pytest.approx(loss.mean(), abs=5 * mc_se)


def test_binomial_posterior_summary_matches_monte_carlo(rng):
    control = SufficientStats(users=4000, metric_sum=200, metric_sum_squares=200)
    variant = SufficientStats(users=4100, metric_sum=236, metric_sum_squares=236)
    result = bayesian_effect(control, variant, "binomial", seed=7)
    p_c = rng.beta(1 + 200, 1 + 3800, 1_000_000)
    p_v = rng.beta(1 + 236, 1 + 4100 - 236, 1_000_000)
    diff = p_v - p_c
    assert result.effect_scale == "absolute"
    assert result.chance_to_beat_control == pytest.approx(np.mean(diff > 0), abs=0.002)
    assert result.risk_control == pytest.approx(np.mean(np.maximum(diff, 0)), rel=0.01)
    assert result.risk_variant == pytest.approx(np.mean(np.maximum(-diff, 0)), rel=0.03)
    assert result.effect_mean == pytest.approx(diff.mean(), abs=2e-5)
    low, high = np.quantile(diff, [0.025, 0.975])
    assert result.effect_ci_lower == pytest.approx(low, abs=3e-4)
    assert result.effect_ci_upper == pytest.approx(high, abs=3e-4)


def test_normal_expected_positive_part_matches_quadrature():
    for mean, sd in [(0.02, 0.01), (-0.03, 0.02), (0.0, 0.5)]:
        expected, _ = integrate.quad(
            lambda t, m=mean, s=sd: max(t, 0.0) * stats.norm.pdf(t, m, s),
            mean - 12 * sd,
            mean + 12 * sd,
            points=[0.0] if abs(mean) < 12 * sd else None,
        )
        assert normal_expected_positive_part(mean, sd) == pytest.approx(expected, rel=1e-6)


def test_mean_metric_uses_normal_relative_posterior(rng):
    y_c, y_t = rng.lognormal(3.0, 1.0, 3000), rng.lognormal(3.03, 1.0, 3000)
    control, variant = SufficientStats.from_samples(y_c), SufficientStats.from_samples(y_t)
    result = bayesian_effect(control, variant, "mean")
    freq = estimate_effect(control, variant, "mean")
    assert result.effect_scale == "relative"
    assert result.effect_mean == pytest.approx(freq.relative_effect)
    # posterior N(rel, se^2): compare with Monte Carlo of that posterior
    draws = rng.normal(freq.relative_effect, freq.relative_se, 1_000_000)
    assert result.chance_to_beat_control == pytest.approx(np.mean(draws > 0), abs=0.002)
    assert result.risk_control == pytest.approx(np.mean(np.maximum(draws, 0)), rel=0.01)
    assert result.risk_variant == pytest.approx(np.mean(np.maximum(-draws, 0)), rel=0.01)
    low, high = np.quantile(draws, [0.025, 0.975])
    assert result.effect_ci_lower == pytest.approx(low, abs=2e-3)
    assert result.effect_ci_upper == pytest.approx(high, abs=2e-3)


def prob_best_by_integration(dists):
    """P(arm i is best) = integral f_i(t) prod_{j != i} F_j(t) dt."""
    out = []
    for i, d in enumerate(dists):
        others = [o for j, o in enumerate(dists) if j != i]
        out.append(
            integrate_on_support(
                lambda t, d=d, others=others: d.pdf(t) * np.prod([o.cdf(t) for o in others], 0),
                dists,
            )
        )
    return np.array(out)


def test_thompson_weights_binomial_match_integration():
    counts = [(5000, 250), (5000, 270), (5000, 262)]
    arms = [SufficientStats(users=n, metric_sum=s, metric_sum_squares=s) for n, s in counts]
    result = thompson_weights(arms, "binomial", n_draws=200_000, seed=3)
    expected = prob_best_by_integration([stats.beta(1 + s, 1 + n - s) for n, s in counts])
    assert sum(result.weights) == pytest.approx(1.0)
    assert np.allclose(result.weights, expected, atol=0.006)


def test_thompson_weights_normal_match_integration(rng):
    samples = [rng.normal(10 + shift, 5, 800) for shift in (0.0, 0.4, 0.2, -0.3)]
    arms = [SufficientStats.from_samples(s) for s in samples]
    result = thompson_weights(arms, "mean", n_draws=200_000, seed=11)
    dists = [stats.norm(s.mean(), s.std(ddof=1) / np.sqrt(s.size)) for s in samples]
    assert np.allclose(result.weights, prob_best_by_integration(dists), atol=0.006)
    lower_is_better = thompson_weights(arms, "mean", n_draws=200_000, higher_is_better=False)
    assert np.argmax(lower_is_better.weights) == 3


def test_large_counts_use_normal_approximation_close_to_exact_and_monte_carlo(rng):
    # 60k vs 61k conversions: above the exact-sum threshold, so the normal approximation runs.
    control = SufficientStats(users=2_000_000, metric_sum=60_000, metric_sum_squares=60_000)
    variant = SufficientStats(users=2_000_000, metric_sum=60_500, metric_sum_squares=60_500)
    result = bayesian_effect(control, variant, "binomial", n_draws=20_000, seed=3)
    assert "normal approximation" in result.method
    a_c, b_c, a_v, b_v = 60_001, 1_940_001, 60_501, 1_939_501
    # the exact closed forms (validated above against integration) as the reference
    assert result.chance_to_beat_control == pytest.approx(
        prob_beta_exceeds(a_v, b_v, a_c, b_c), abs=2e-3
    )
    exact_risk_variant = beta_expected_shortfall(a_c, b_c, a_v, b_v)
    exact_risk_control = beta_expected_shortfall(a_v, b_v, a_c, b_c)
    assert result.risk_variant == pytest.approx(exact_risk_variant, rel=0.02)
    assert result.risk_control == pytest.approx(exact_risk_control, rel=0.01)
    # and an independent Monte Carlo check of the chance to beat
    draws = rng.beta(a_v, b_v, 400_000) > rng.beta(a_c, b_c, 400_000)
    assert result.chance_to_beat_control == pytest.approx(draws.mean(), abs=4e-3)


def test_small_counts_keep_the_exact_method():
    control = SufficientStats(users=4000, metric_sum=200, metric_sum_squares=200)
    variant = SufficientStats(users=4100, metric_sum=236, metric_sum_squares=236)
    assert "exact" in bayesian_effect(control, variant, "binomial", n_draws=1000).method


def test_binomial_with_cuped_uses_the_gaussian_posterior_of_the_adjusted_estimate(rng):
    """Item 4 of issue 10: the chance to win is built from the same CUPED-adjusted estimate
    as the p-value (GrowthBook's Gaussian posterior), not from the raw Beta posteriors."""
    from funnelhouse.stats.bayesian import expected_losses

    n = 4000
    x_c = (rng.random(n) < 0.5).astype(float)
    x_v = (rng.random(n) < 0.4).astype(float)  # fewer pre-period buyers in the variant
    y_c = (rng.random(n) < 0.05 + 0.3 * x_c).astype(float)
    y_v = (rng.random(n) < 0.07 + 0.3 * x_v).astype(float)
    control = SufficientStats.from_samples(y_c, covariates=x_c)
    variant = SufficientStats.from_samples(y_v, covariates=x_v)
    freq = estimate_effect(control, variant, "binomial")
    result = bayesian_effect(control, variant, "binomial")
    assert freq.cuped.applied and "CUPED-adjusted" in result.method
    assert result.effect_mean == pytest.approx(freq.relative_effect)
    draws = rng.normal(freq.relative_effect, freq.relative_se, 1_000_000)
    assert result.chance_to_beat_control == pytest.approx(np.mean(draws > 0), abs=0.002)
    # raw rates favour control, the adjusted estimate favours the variant: the chance follows
    # the adjusted estimate the p-value is computed from
    raw = bayesian_effect(control, variant, "binomial", use_cuped=False, n_draws=1000)
    assert raw.chance_to_beat_control < 0.5 < result.chance_to_beat_control
    assert freq.absolute_effect > 0
    ship_abs, ship_rel, _, keep_rel = expected_losses(result, higher_is_better=True)
    assert ship_rel == pytest.approx(result.risk_variant)
    assert ship_abs == pytest.approx(ship_rel * abs(freq.cuped.control_adjusted_mean))
    assert keep_rel == pytest.approx(result.risk_control)


def test_expected_losses_name_their_scale():
    control = SufficientStats(users=4000, metric_sum=200, metric_sum_squares=200)
    variant = SufficientStats(users=4100, metric_sum=236, metric_sum_squares=236)
    from funnelhouse.stats.bayesian import expected_losses

    result = bayesian_effect(control, variant, "binomial", n_draws=1000)
    ship_abs, ship_rel, _, _ = expected_losses(result, higher_is_better=True)
    assert result.effect_scale == "absolute" and ship_abs == result.risk_variant
    assert ship_rel == pytest.approx(ship_abs / (200 / 4000))
    lower = expected_losses(result, higher_is_better=False)
    assert lower[0] == result.risk_control and lower[2] == result.risk_variant
