import itertools
import math

import numpy as np
import pytest
from funnelhouse.stats import SufficientStats, sequential_test
from funnelhouse.stats.sequential import (
    always_valid_p_value,
    confidence_sequence_half_width,
    optimal_rho,
)
from scipy import integrate, optimize, stats


def normal_logpdf(x, mean, sd):
    return -0.5 * ((x - mean) / sd) ** 2 - math.log(sd * math.sqrt(2 * math.pi))


def log_mixture_likelihood_ratio(estimate, variance, tau2):
    """log of the normal-mixture likelihood ratio of Johari et al., integrated numerically:
    log integral N(estimate; theta, V) / N(estimate; 0, V) N(theta; 0, tau2) d theta."""
    sd = math.sqrt(variance)

    def log_integrand(theta):
        log_ratio = normal_logpdf(estimate, theta, sd) - normal_logpdf(estimate, 0.0, sd)
        return log_ratio + normal_logpdf(theta, 0.0, math.sqrt(tau2))

    centre = estimate * tau2 / (tau2 + variance)  # the integrand's mode
    spread = math.sqrt(tau2 * variance / (tau2 + variance))
    peak = log_integrand(centre)
    value, _ = integrate.quad(
        lambda t: math.exp(log_integrand(t) - peak),
        centre - 40 * spread,
        centre + 40 * spread,
        limit=200,
    )
    return peak + math.log(value)


@pytest.mark.parametrize(
    ("estimate", "variance", "total_users"),
    [(0.004, 2e-6, 20_000), (0.0, 1e-4, 5_000), (-0.3, 0.01, 800), (0.01, 1e-5, 100_000)],
)
def test_p_value_and_half_width_match_numerical_mixture(estimate, variance, total_users):
    alpha = 0.05
    rho = optimal_rho(50_000, alpha)
    tau2 = variance * total_users * rho**2  # mixing variance implied by rho
    expected_p = min(1.0, math.exp(-log_mixture_likelihood_ratio(estimate, variance, tau2)))
    assert float(always_valid_p_value(estimate, variance, total_users, rho)) == pytest.approx(
        expected_p, rel=1e-6
    )
    # half-width: the distance at which the mixture likelihood ratio reaches 1/alpha
    sd = math.sqrt(variance)
    root = optimize.brentq(
        lambda h: log_mixture_likelihood_ratio(h, variance, tau2) - math.log(1 / alpha),
        0.0,
        200 * sd,
    )
    width = float(confidence_sequence_half_width(variance, total_users, rho, alpha))
    assert width == pytest.approx(root, rel=1e-6)


def test_optimal_rho_nearly_minimises_width_at_tuning_sample():
    """The closed-form rho (an approximation in the paper) is within 0.1% of the best width."""
    alpha, n_star = 0.05, 40_000
    rho = optimal_rho(n_star, alpha)

    def width(r):
        return float(confidence_sequence_half_width(1.0, n_star, r, alpha))

    best = optimize.minimize_scalar(
        width, bounds=(rho / 100, rho * 100), method="bounded", options={"xatol": 1e-12}
    )
    assert rho == pytest.approx(best.x, rel=0.05)
    assert width(rho) == pytest.approx(best.fun, rel=1e-3)
    assert width(rho * 3) > width(rho) * 1.05 and width(rho / 3) > width(rho) * 1.05


def simulate_binomial_looks(rng, days, users_per_day, p_control, p_variant):
    """Daily cumulative SufficientStats for both arms of one simulated experiment."""
    looks = []
    for p in (p_control, p_variant):
        conversions = np.cumsum(rng.binomial(users_per_day, p, days))
        users = users_per_day * np.arange(1, days + 1)
        looks.append(
            [
                SufficientStats(users=int(n), metric_sum=float(s), metric_sum_squares=float(s))
                for n, s in zip(users, conversions, strict=True)
            ]
        )
    return looks


def test_false_positive_rate_under_daily_peeking(rng):
    sims, days, alpha = 300, 14, 0.05
    sequential_rejections = naive_rejections = 0
    for _ in range(sims):
        control, variant = simulate_binomial_looks(rng, days, 400, 0.1, 0.1)
        result = sequential_test(control, variant, "binomial", alpha=alpha)
        sequential_rejections += result.stopped_at_index is not None
        naive_p = [
            2 * stats.norm.sf(abs(look.estimate / look.se)) for look in result.looks
        ]  # fixed-horizon z-test at every look: the peeking problem
        naive_rejections += min(naive_p) < alpha
    sequential_fpr = sequential_rejections / sims
    naive_fpr = naive_rejections / sims
    assert sequential_fpr <= alpha + 2 * math.sqrt(alpha * (1 - alpha) / sims)
    assert naive_fpr > 0.1  # the simulation is sensitive enough to see peeking inflation


def test_time_uniform_coverage_and_stopping_under_an_effect(rng):
    sims, days = 200, 14
    true_diff = 0.02
    covered = stopped = 0
    for _ in range(sims):
        control, variant = simulate_binomial_looks(rng, days, 400, 0.1, 0.1 + true_diff)
        result = sequential_test(control, variant, "binomial")
        covered += all(
            look.look_ci_lower <= true_diff <= look.look_ci_upper for look in result.looks
        )
        stopped += result.stopped_at_index is not None
    assert covered / sims >= 0.93
    assert stopped / sims > 0.5


def test_result_structure_running_min_and_labels(rng):
    control, variant = simulate_binomial_looks(rng, 10, 500, 0.10, 0.16)
    labels = [f"2024-06-{d:02d}" for d in range(1, 11)]
    result = sequential_test(control, variant, "binomial", labels=labels, tuning_total_users=10_000)
    p_values = [look.p_value for look in result.looks]
    assert all(b <= a for a, b in itertools.pairwise(p_values))
    assert "confidence sequence" in result.method
    assert result.stopped_at_look == labels[result.stopped_at_index]
    assert result.looks[result.stopped_at_index].p_value < 0.05
    assert all(look.p_value >= 0.05 for look in result.looks[: result.stopped_at_index])
    for look in result.looks:
        assert look.ci_lower >= look.look_ci_lower - 1e-15
        assert look.ci_upper <= look.look_ci_upper + 1e-15
        # always-valid CI is wider than the fixed-horizon one
        assert look.look_ci_upper - look.estimate > 1.96 * look.se


def test_unestimable_looks_are_reported_without_estimates():
    tiny = SufficientStats(users=1, metric_sum=1.0, metric_sum_squares=1.0)
    zero = SufficientStats(users=50, metric_sum=0.0, metric_sum_squares=0.0)
    result = sequential_test([tiny, zero], [tiny, zero], "binomial")
    assert all(look.estimate is None and look.p_value == 1.0 for look in result.looks)
    assert result.stopped_at_look is None
