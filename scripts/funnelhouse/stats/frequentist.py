"""Frequentist effect of a variant against control.

* binomial: two-proportion z-test with the unpooled (Wald) variance for both the p-value and
  the CI, so p < alpha exactly when the CI excludes 0 (``pooled_binomial_test=True`` gives the
  classical pooled-variance p-value of statsmodels ``proportions_ztest`` instead; the analysis
  never uses it because that p-value can disagree with the interval). Below ``exact.MIN_USERS``
  users or ``exact.MIN_EVENTS`` successes or failures in an arm the normal approximation is not
  reliable: the exact unconditional test and its inverted interval are used (``exact``).
* mean: Welch t-test with Welch-Satterthwaite degrees of freedom.
* ratio: z-test on the difference of the per-arm ratios of means, delta-method variances.

With CUPED applied (binomial/mean, covariate available) the test runs on the adjusted means
and variances (z for binomial, Welch t for mean). The relative effect is
(variant - control) / |control|, so its sign is always the sign of the absolute effect (also
for a negative control mean); it is undefined (None) when the control mean is 0. Its variance is
the delta method's, Var ~= v_t/m_c^2 + m_t^2 v_c/m_c^4 (arms independent); its CI uses the same
critical value as the absolute CI. CIs are two-sided at level 1 - alpha.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import special
from scipy import stats as sps

from funnelhouse.stats import exact
from funnelhouse.stats.cuped import CupedResult, cuped_adjust
from funnelhouse.stats.estimates import ArmEstimate, arm_estimate
from funnelhouse.stats.sufficient import SufficientStats, check_metric_type


@dataclass(frozen=True)
class EffectResult:
    """Effect of variant vs control. Relative fields are fractions (0.1 = +10%) of |control
    mean|, None when the control mean is 0. ``df`` is None for z-tests. ``control_mean`` /
    ``variant_mean`` are the unadjusted means (ratio of means for ratio metrics); when CUPED is
    applied the effects are computed from ``cuped.control_adjusted_mean`` /
    ``cuped.variant_adjusted_mean``. ``exact`` says the small-sample exact test was used (then
    the relative interval is None and ``absolute_se`` is the normal approximation's, for
    reference only); ``notes`` say why, or that the normal approximation may be unreliable."""

    metric_type: str
    test: str
    alpha: float
    control_users: int
    variant_users: int
    control_mean: float
    variant_mean: float
    absolute_effect: float
    absolute_se: float
    absolute_ci_lower: float
    absolute_ci_upper: float
    relative_effect: float | None
    relative_se: float | None
    relative_ci_lower: float | None
    relative_ci_upper: float | None
    statistic: float
    df: float | None
    p_value: float
    cuped: CupedResult
    exact: bool = False
    notes: tuple[str, ...] = ()


def absolute_difference(control_mean: float, variant_mean: float) -> float:
    return variant_mean - control_mean


def difference_variance(control_variance_of_mean: float, variant_variance_of_mean: float) -> float:
    """Variance of the difference of two independent means."""
    return control_variance_of_mean + variant_variance_of_mean


def relative_difference(control_mean: float, variant_mean: float) -> float:
    """(variant - control) / |control|: the sign of the absolute difference, for any control."""
    return (variant_mean - control_mean) / abs(control_mean)


def relative_difference_variance(
    control_mean: float,
    variant_mean: float,
    control_variance_of_mean: float,
    variant_variance_of_mean: float,
) -> float:
    """Delta-method variance of (variant - control) / |control| for independent arms (the same
    as for variant/control - 1: the sign of the control mean squares away)."""
    return (
        variant_variance_of_mean / control_mean**2
        + variant_mean**2 * control_variance_of_mean / control_mean**4
    )


def welch_satterthwaite_df(
    control_variance_of_mean: float,
    control_users: int,
    variant_variance_of_mean: float,
    variant_users: int,
) -> float:
    """(v_c + v_t)^2 / (v_c^2/(n_c-1) + v_t^2/(n_t-1)), v = variance of the mean."""
    denominator = control_variance_of_mean**2 / (control_users - 1) + (
        variant_variance_of_mean**2 / (variant_users - 1)
    )
    if denominator <= 0:
        return float(control_users + variant_users - 2)
    return (control_variance_of_mean + variant_variance_of_mean) ** 2 / denominator


def pooled_proportion_standard_error(
    control_successes: float, control_users: int, variant_successes: float, variant_users: int
) -> float:
    """sqrt(p(1-p)(1/n_c + 1/n_t)) with the pooled conversion rate p (null hypothesis)."""
    pooled = (control_successes + variant_successes) / (control_users + variant_users)
    return math.sqrt(pooled * (1.0 - pooled) * (1.0 / control_users + 1.0 / variant_users))


def test_statistic(effect: float, standard_error: float) -> float:
    """effect / se, with 0/0 = 0 (identical degenerate arms) and x/0 = +-inf."""
    if standard_error > 0:
        return effect / standard_error
    return 0.0 if effect == 0 else math.copysign(math.inf, effect)


def two_sided_p_value(statistic: float, df: float | None = None) -> float:
    """2 P(|T| > |statistic|) for a standard normal (df None) or Student t with df."""
    if df is None:
        return float(2.0 * special.ndtr(-abs(statistic)))
    return float(2.0 * sps.t.sf(abs(statistic), df))


def critical_value(alpha: float, df: float | None = None) -> float:
    """Two-sided critical value: z_{1-alpha/2} or t_{df, 1-alpha/2}."""
    if df is None:
        return float(special.ndtri(1.0 - alpha / 2.0))
    return float(sps.t.ppf(1.0 - alpha / 2.0, df))


def _test_name(metric_type: str, cuped_applied: bool, pooled_binomial_test: bool) -> str:
    if metric_type == "ratio":
        return "z-test on ratio of means (delta-method variance)"
    if metric_type == "mean":
        suffix = " on CUPED-adjusted means" if cuped_applied else ""
        return f"Welch t-test (Welch-Satterthwaite df){suffix}"
    if cuped_applied:
        return "z-test on CUPED-adjusted conversion rates (unpooled variance)"
    if pooled_binomial_test:
        return "two-proportion z-test (pooled variance p-value, unpooled Wald CI)"
    return "two-proportion z-test (unpooled variance for the p-value and the CI)"


def effect_from_arms(
    control: ArmEstimate,
    variant: ArmEstimate,
    *,
    alpha: float = 0.05,
    df: float | None = None,
    statistic: float | None = None,
) -> dict[str, float | None]:
    """Absolute and relative effect with CIs from two arm estimates.

    ``df`` None means normal critical values; ``statistic`` overrides effect/se for the p-value.
    """
    effect = absolute_difference(control.mean, variant.mean)
    se = math.sqrt(difference_variance(control.variance_of_mean, variant.variance_of_mean))
    crit = critical_value(alpha, df)
    stat = test_statistic(effect, se) if statistic is None else statistic
    out: dict[str, float | None] = {
        "absolute_effect": effect,
        "absolute_se": se,
        "absolute_ci_lower": effect - crit * se,
        "absolute_ci_upper": effect + crit * se,
        "statistic": stat,
        "p_value": two_sided_p_value(stat, df),
        "relative_effect": None,
        "relative_se": None,
        "relative_ci_lower": None,
        "relative_ci_upper": None,
    }
    if control.mean != 0:
        relative = relative_difference(control.mean, variant.mean)
        relative_se = math.sqrt(
            relative_difference_variance(
                control.mean, variant.mean, control.variance_of_mean, variant.variance_of_mean
            )
        )
        out |= {
            "relative_effect": relative,
            "relative_se": relative_se,
            "relative_ci_lower": relative - crit * relative_se,
            "relative_ci_upper": relative + crit * relative_se,
        }
    return out


def small_sample_note(control: SufficientStats, variant: SufficientStats) -> str | None:
    """For mean and ratio metrics: a warning below ``exact.MIN_USERS`` users in an arm."""
    smallest = min(control.n, variant.n)
    if smallest < exact.MIN_USERS:
        return (
            f"normal approximation may be unreliable: {smallest} users in an arm "
            f"(< {exact.MIN_USERS})"
        )
    return None


def exact_binomial_effect(
    control: SufficientStats, variant: SufficientStats, alpha: float, reason: str
) -> EffectResult:
    """The small-sample effect: exact unconditional test and its inverted interval."""
    result = exact.exact_difference(
        control.metric_sum, control.n, variant.metric_sum, variant.n, alpha=alpha
    )
    p_c, p_v = control.mean, variant.mean
    wald_se = math.sqrt(p_c * (1 - p_c) / control.n + p_v * (1 - p_v) / variant.n)
    statistic = float(
        exact.score_statistic(control.metric_sum, control.n, variant.metric_sum, variant.n, 0.0)
    )
    return EffectResult(
        metric_type="binomial",
        test=f"{result.method} (small sample: {reason})",
        alpha=alpha,
        control_users=control.n,
        variant_users=variant.n,
        control_mean=p_c,
        variant_mean=p_v,
        absolute_effect=result.estimate,
        absolute_se=wald_se,
        absolute_ci_lower=result.ci_lower,
        absolute_ci_upper=result.ci_upper,
        relative_effect=None if p_c == 0 else relative_difference(p_c, p_v),
        relative_se=None,
        relative_ci_lower=None,
        relative_ci_upper=None,
        statistic=statistic,
        df=None,
        p_value=result.p_value,
        cuped=CupedResult(applied=False, reason="exact small-sample test (no CUPED)"),
        exact=True,
        notes=(f"normal approximation not reliable ({reason}): exact test used",),
    )


def estimate_effect(
    control: SufficientStats,
    variant: SufficientStats,
    metric_type: str,
    *,
    alpha: float = 0.05,
    use_cuped: bool = True,
    pooled_binomial_test: bool = False,
    exact_small_samples: bool = True,
) -> EffectResult:
    """Frequentist effect of ``variant`` against ``control`` (see module docstring)."""
    check_metric_type(metric_type)
    if not 0 < alpha < 1:
        raise ValueError("alpha must be in (0, 1)")
    control_arm = arm_estimate(control, metric_type)
    variant_arm = arm_estimate(variant, metric_type)
    if metric_type == "binomial" and exact_small_samples:
        reason = exact.normal_approximation_problem(
            control.metric_sum, control.n, variant.metric_sum, variant.n
        )
        if reason is not None:
            return exact_binomial_effect(control, variant, alpha, reason)
    cuped = CupedResult(applied=False, reason="disabled")
    if use_cuped:
        cuped, adjusted_control, adjusted_variant = cuped_adjust(control, variant, metric_type)
        if cuped.applied:
            control_arm, variant_arm = adjusted_control, adjusted_variant  # type: ignore[assignment]

    df = None
    statistic = None
    if metric_type == "mean":
        df = welch_satterthwaite_df(
            control_arm.variance_of_mean, control.n, variant_arm.variance_of_mean, variant.n
        )
    elif metric_type == "binomial" and pooled_binomial_test and not cuped.applied:
        pooled_se = pooled_proportion_standard_error(
            control.metric_sum, control.n, variant.metric_sum, variant.n
        )
        statistic = test_statistic(variant_arm.mean - control_arm.mean, pooled_se)

    pieces = effect_from_arms(control_arm, variant_arm, alpha=alpha, df=df, statistic=statistic)
    note = None if metric_type == "binomial" else small_sample_note(control, variant)
    return EffectResult(
        metric_type=metric_type,
        test=_test_name(metric_type, cuped.applied, pooled_binomial_test),
        alpha=alpha,
        control_users=control.n,
        variant_users=variant.n,
        control_mean=control.ratio if metric_type == "ratio" else control.mean,
        variant_mean=variant.ratio if metric_type == "ratio" else variant.mean,
        df=df,
        cuped=cuped,
        notes=() if note is None else (note,),
        **pieces,  # type: ignore[arg-type]
    )
