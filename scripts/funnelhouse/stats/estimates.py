"""Per-arm point estimate and per-user variance for each metric type."""

from __future__ import annotations

from dataclasses import dataclass

from funnelhouse.stats import moments
from funnelhouse.stats.sufficient import SufficientStats, check_metric_type


@dataclass(frozen=True)
class ArmEstimate:
    """Estimate of one arm's metric: ``mean`` with variance of the mean ``per_user_variance/n``.

    For ratio metrics ``mean`` is the ratio of means and ``per_user_variance`` is the variance
    of the delta-method linearisation, so ``variance_of_mean`` is the delta-method variance.
    """

    mean: float
    per_user_variance: float
    users: int

    @property
    def variance_of_mean(self) -> float:
        return self.per_user_variance / self.users if self.users > 0 else float("nan")


def binomial_arm_estimate(stats: SufficientStats) -> ArmEstimate:
    """Conversion rate p and Bernoulli variance p(1-p); successes must lie in [0, users]."""
    if not 0 <= stats.metric_sum <= stats.n:
        raise ValueError(
            f"a binomial arm has {stats.metric_sum:g} successes among {stats.n} users "
            "(must be between 0 and the users)"
        )
    p = stats.mean
    variance = float(moments.bernoulli_variance(p))
    return ArmEstimate(mean=p, per_user_variance=variance, users=stats.n)


def mean_arm_estimate(stats: SufficientStats) -> ArmEstimate:
    """Sample mean and unbiased sample variance."""
    return ArmEstimate(mean=stats.mean, per_user_variance=stats.variance, users=stats.n)


def ratio_arm_estimate(stats: SufficientStats) -> ArmEstimate:
    """Ratio of means with the delta-method variance (expressed per user)."""
    variance_of_mean = float(
        moments.ratio_delta_method_variance(
            stats.mean,
            stats.denominator_mean,
            stats.variance,
            stats.denominator_variance,
            stats.metric_denominator_covariance,
            stats.n,
        )
    )
    per_user_variance = variance_of_mean * stats.n
    return ArmEstimate(mean=stats.ratio, per_user_variance=per_user_variance, users=stats.n)


def arm_estimate(stats: SufficientStats, metric_type: str) -> ArmEstimate:
    """Dispatch on metric type ('binomial', 'mean' or 'ratio')."""
    check_metric_type(metric_type)
    if stats.n < 2:
        raise ValueError(f"need at least 2 users per arm, got {stats.n}")
    if metric_type == "binomial":
        return binomial_arm_estimate(stats)
    if metric_type == "mean":
        return mean_arm_estimate(stats)
    return ratio_arm_estimate(stats)
