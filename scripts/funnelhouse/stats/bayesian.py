"""Bayesian summaries of variant vs control, and Thompson-sampling allocation weights.

* binomial: independent Beta(1, 1) priors, posteriors Beta(1 + conversions, 1 + non-conversions).
  The effect is the ABSOLUTE difference of conversion rates p_variant - p_control.
  P(variant > control) uses Evan Miller's exact closed form; expected losses use the identity
  E[max(p_a - p_b, 0)] = E[p_a] P(A+ > B) - E[p_b] P(A > B+) with A+ ~ Beta(a+1, b); the
  credible interval comes from seeded Monte Carlo draws. The exact sum costs O(conversions), so
  above ``EXACT_MAX_SUCCESSES`` conversions in the smaller arm the difference of the two Betas is
  approximated by a normal with the Beta means and variances (skewness < 0.01 there), which
  keeps the cost independent of the sample size.
* mean / ratio, and binomial metrics with CUPED applied: GrowthBook-style normal approximation
  on the RELATIVE effect ((variant - control) / |control|) with a flat prior: effect ~
  N(relative estimate, relative se^2), from exactly the estimate the frequentist test uses
  (CUPED-adjusted when applied), so the chance to beat control and the p-value agree; when the
  relative effect is undefined (control mean 0) the same on the absolute effect.

Risk (expected loss) of shipping an arm is E[max(other - shipped, 0)] on the effect scale;
``expected_losses`` states it on both scales (absolute in the metric's unit, relative as a
fraction of |control mean| = ``reference_mean``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import special
from scipy import stats as sps

from funnelhouse.stats.estimates import arm_estimate
from funnelhouse.stats.frequentist import EffectResult, estimate_effect
from funnelhouse.stats.sufficient import SufficientStats, check_metric_type

PRIOR_ALPHA = 1.0
PRIOR_BETA = 1.0
EXACT_MAX_SUCCESSES = 50_000


@dataclass(frozen=True)
class BayesianResult:
    """Posterior summary; ``effect_scale`` is 'absolute' (metric unit) or 'relative' (fraction of
    |``reference_mean``|, the control mean the relative effect divides by)."""

    metric_type: str
    method: str
    effect_scale: str
    effect_mean: float
    credible_level: float
    effect_ci_lower: float
    effect_ci_upper: float
    chance_to_beat_control: float
    risk_control: float
    risk_variant: float
    reference_mean: float = math.nan


@dataclass(frozen=True)
class ThompsonWeights:
    """P(arm is best) per arm, in input order, from ``n_draws`` posterior draws."""

    weights: tuple[float, ...]
    method: str
    n_draws: int
    seed: int


def beta_posterior(successes: float, users: int) -> tuple[float, float]:
    """Beta(1 + s, 1 + n - s) parameters for s conversions among n users."""
    return PRIOR_ALPHA + successes, PRIOR_BETA + users - successes


def _prob_beta_exceeds_sum(a_x: int, b_x: float, a_y: float, b_y: float) -> float:
    """Evan Miller: P(X > Y) = sum_{i<a_x} B(a_y+i, b_y+b_x) / ((b_x+i) B(1+i, b_x) B(a_y, b_y))."""
    i = np.arange(a_x, dtype=float)
    log_terms = (
        special.betaln(a_y + i, b_y + b_x)
        - np.log(b_x + i)
        - special.betaln(1.0 + i, b_x)
        - special.betaln(a_y, b_y)
    )
    return float(np.exp(special.logsumexp(log_terms)))


def prob_beta_exceeds(a_x: float, b_x: float, a_y: float, b_y: float) -> float:
    """Exact P(X > Y) for independent X ~ Beta(a_x, b_x), Y ~ Beta(a_y, b_y).

    Needs an integer first shape on one side (true for Beta(1,1) priors with integer counts);
    sums over the smaller one.
    """
    if a_x <= a_y and float(a_x).is_integer():
        return min(1.0, max(0.0, _prob_beta_exceeds_sum(int(a_x), b_x, a_y, b_y)))
    if float(a_y).is_integer():
        return min(1.0, max(0.0, 1.0 - _prob_beta_exceeds_sum(int(a_y), b_y, a_x, b_x)))
    raise ValueError("prob_beta_exceeds needs an integer first shape parameter")


def beta_expected_shortfall(a_x: float, b_x: float, a_y: float, b_y: float) -> float:
    """E[max(X - Y, 0)] = E[X] P(X+ > Y) - E[Y] P(X > Y+), X+ ~ Beta(a_x+1, b_x)."""
    mean_x = a_x / (a_x + b_x)
    mean_y = a_y / (a_y + b_y)
    value = mean_x * prob_beta_exceeds(a_x + 1, b_x, a_y, b_y) - mean_y * prob_beta_exceeds(
        a_x, b_x, a_y + 1, b_y
    )
    return max(0.0, value)


def normal_chance_to_beat(mean: float, sd: float) -> float:
    """P(effect > 0) for effect ~ N(mean, sd^2)."""
    return float(sps.norm.sf(0.0, loc=mean, scale=sd))


def normal_expected_positive_part(mean: float, sd: float) -> float:
    """E[max(effect, 0)] = mean Phi(mean/sd) + sd phi(mean/sd)."""
    if sd <= 0:
        return max(mean, 0.0)
    z = mean / sd
    return float(mean * sps.norm.cdf(z) + sd * sps.norm.pdf(z))


def beta_mean_variance(a: float, b: float) -> tuple[float, float]:
    """Mean a/(a+b) and variance ab/((a+b)^2 (a+b+1)) of Beta(a, b)."""
    total = a + b
    return a / total, a * b / (total * total * (total + 1.0))


def normal_beta_difference(a_x: float, b_x: float, a_y: float, b_y: float) -> tuple[float, float]:
    """Mean and sd of X - Y for independent Betas (moment-matched normal approximation)."""
    mean_x, var_x = beta_mean_variance(a_x, b_x)
    mean_y, var_y = beta_mean_variance(a_y, b_y)
    return mean_x - mean_y, math.sqrt(var_x + var_y)


def beta_binomial_effect(
    control: SufficientStats,
    variant: SufficientStats,
    *,
    alpha: float = 0.05,
    n_draws: int = 200_000,
    seed: int = 0,
    exact_max_successes: int = EXACT_MAX_SUCCESSES,
) -> BayesianResult:
    """Beta-Binomial posterior comparison on the absolute difference of conversion rates."""
    a_c, b_c = beta_posterior(round(control.metric_sum), control.n)
    a_v, b_v = beta_posterior(round(variant.metric_sum), variant.n)
    rng = np.random.default_rng(seed)
    diff = rng.beta(a_v, b_v, n_draws) - rng.beta(a_c, b_c, n_draws)
    lower, upper = np.quantile(diff, [alpha / 2.0, 1.0 - alpha / 2.0])
    if min(a_c, a_v) <= exact_max_successes:
        method = "beta-binomial, Beta(1,1) prior, exact chance to beat and risk"
        chance = prob_beta_exceeds(a_v, b_v, a_c, b_c)
        risk_control = beta_expected_shortfall(a_v, b_v, a_c, b_c)
        risk_variant = beta_expected_shortfall(a_c, b_c, a_v, b_v)
    else:
        method = "beta-binomial, Beta(1,1) prior, normal approximation of the Beta difference"
        mean, sd = normal_beta_difference(a_v, b_v, a_c, b_c)
        chance = normal_chance_to_beat(mean, sd)
        risk_control = normal_expected_positive_part(mean, sd)
        risk_variant = normal_expected_positive_part(-mean, sd)
    return BayesianResult(
        metric_type="binomial",
        method=method,
        effect_scale="absolute",
        effect_mean=a_v / (a_v + b_v) - a_c / (a_c + b_c),
        credible_level=1.0 - alpha,
        effect_ci_lower=float(lower),
        effect_ci_upper=float(upper),
        chance_to_beat_control=chance,
        risk_control=risk_control,
        risk_variant=risk_variant,
        reference_mean=control.mean,
    )


def normal_effect(
    estimate: float,
    se: float,
    metric_type: str,
    *,
    scale: str,
    reference_mean: float,
    method: str,
    alpha: float = 0.05,
) -> BayesianResult:
    """Flat-prior normal posterior N(estimate, se^2) of the effect on ``scale``."""
    z = float(sps.norm.ppf(1.0 - alpha / 2.0))
    return BayesianResult(
        metric_type=metric_type,
        method=method,
        effect_scale=scale,
        effect_mean=estimate,
        credible_level=1.0 - alpha,
        effect_ci_lower=estimate - z * se,
        effect_ci_upper=estimate + z * se,
        chance_to_beat_control=normal_chance_to_beat(estimate, se),
        risk_control=normal_expected_positive_part(estimate, se),
        risk_variant=normal_expected_positive_part(-estimate, se),
        reference_mean=reference_mean,
    )


def normal_relative_effect(
    relative_effect: float,
    relative_se: float,
    metric_type: str,
    *,
    alpha: float = 0.05,
    reference_mean: float = math.nan,
) -> BayesianResult:
    """Flat-prior normal posterior on the relative effect."""
    return normal_effect(
        relative_effect,
        relative_se,
        metric_type,
        scale="relative",
        reference_mean=reference_mean,
        method="normal approximation on the relative effect, flat prior",
        alpha=alpha,
    )


def gaussian_from_effect(effect: EffectResult, alpha: float = 0.05) -> BayesianResult:
    """GrowthBook's Gaussian posterior on the test's own (CUPED-adjusted) estimate: relative,
    or absolute when the relative effect is undefined (control mean 0)."""
    cuped = " (CUPED-adjusted)" if effect.cuped.applied else ""
    reference = (
        effect.cuped.control_adjusted_mean
        if effect.cuped.applied and effect.cuped.control_adjusted_mean is not None
        else effect.control_mean
    )
    if effect.relative_effect is not None and effect.relative_se is not None:
        estimate, se, scale, why = effect.relative_effect, effect.relative_se, "relative", ""
    else:
        estimate, se, scale = effect.absolute_effect, effect.absolute_se, "absolute"
        why = " (relative effect undefined: control mean 0)"
    if not se > 0:
        raise ValueError("posterior undefined: the effect has no variance")
    return normal_effect(
        estimate,
        se,
        effect.metric_type,
        scale=scale,
        reference_mean=reference,
        method=f"normal approximation on the {scale} effect{cuped}, flat prior{why}",
        alpha=alpha,
    )


def bayesian_effect(
    control: SufficientStats,
    variant: SufficientStats,
    metric_type: str,
    *,
    alpha: float = 0.05,
    use_cuped: bool = True,
    n_draws: int = 200_000,
    seed: int = 0,
    effect: EffectResult | None = None,
) -> BayesianResult:
    """Chance to beat control, risks and credible interval (see module docstring).

    ``effect`` is the frequentist result of the same comparison (computed when None): the
    Gaussian posterior is built from its estimate, and a binomial comparison uses the exact
    Beta posteriors unless that estimate is CUPED-adjusted."""
    check_metric_type(metric_type)
    if effect is None:
        effect = estimate_effect(control, variant, metric_type, alpha=alpha, use_cuped=use_cuped)
    if metric_type == "binomial" and not effect.cuped.applied:
        return beta_binomial_effect(control, variant, alpha=alpha, n_draws=n_draws, seed=seed)
    return gaussian_from_effect(effect, alpha)


def expected_losses(
    result: BayesianResult, higher_is_better: bool
) -> tuple[float, float | None, float, float | None]:
    """(loss of shipping the variant, abs; relative; loss of keeping control, abs; relative).

    "Loss" follows the metric's good direction; absolute values are in the metric's unit,
    relative ones are fractions of |reference_mean| (None when it is 0 or unknown)."""
    ship, keep = (
        (result.risk_variant, result.risk_control)
        if higher_is_better
        else (result.risk_control, result.risk_variant)
    )
    scale = abs(result.reference_mean)
    usable = math.isfinite(scale) and scale > 0
    if result.effect_scale == "relative":
        to_abs = scale if usable else math.nan
        return ship * to_abs, ship, keep * to_abs, keep
    return (
        ship,
        ship / scale if usable else None,
        keep,
        keep / scale if usable else None,
    )


def thompson_weights(
    arms: Sequence[SufficientStats],
    metric_type: str,
    *,
    n_draws: int = 100_000,
    seed: int = 0,
    higher_is_better: bool = True,
) -> ThompsonWeights:
    """Thompson-sampling allocation: P(arm has the best metric) under the posteriors.

    binomial: Beta(1,1)-Binomial posteriors; mean/ratio: N(arm mean, variance of the mean)
    on the absolute scale (no CUPED). Monte Carlo with a seeded generator.
    """
    check_metric_type(metric_type)
    if len(arms) < 2:
        raise ValueError("need at least two arms")
    rng = np.random.default_rng(seed)
    if metric_type == "binomial":
        params = [beta_posterior(round(a.metric_sum), a.n) for a in arms]
        draws = np.column_stack([rng.beta(a, b, n_draws) for a, b in params])
        method = "Thompson sampling, Beta(1,1)-Binomial posteriors"
    else:
        estimates = [arm_estimate(a, metric_type) for a in arms]
        draws = np.column_stack(
            [rng.normal(e.mean, math.sqrt(e.variance_of_mean), n_draws) for e in estimates]
        )
        method = "Thompson sampling, normal posteriors on arm means"
    best = np.argmax(draws if higher_is_better else -draws, axis=1)
    counts = np.bincount(best, minlength=len(arms))
    return ThompsonWeights(
        weights=tuple(float(c) / n_draws for c in counts),
        method=method,
        n_draws=n_draws,
        seed=seed,
    )
