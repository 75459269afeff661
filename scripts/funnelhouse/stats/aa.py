"""A/A summary: are the p-values of K re-randomised salts uniform on (0, 1)?"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import stats as sps

AaVerdict = Literal["ok", "warn", "fail"]


@dataclass(frozen=True)
class AaSummary:
    """``share_significant`` = share of salts with p < alpha (expected: alpha);
    ``binomial_p_value`` tests that share against alpha (two-sided exact binomial);
    ``ks_*`` is the Kolmogorov-Smirnov test against U(0, 1)."""

    salts: int
    alpha: float
    share_significant: float
    binomial_p_value: float
    ks_statistic: float
    ks_p_value: float
    verdict: AaVerdict
    reasons: tuple[str, ...]


def ks_statistic_uniform(p_values: Sequence[float]) -> float:
    """D = sup |F_n(u) - u| for the empirical CDF of the p-values."""
    p = np.sort(np.asarray(p_values, dtype=float))
    n = p.size
    i = np.arange(1, n + 1)
    return float(max(np.max(i / n - p), np.max(p - (i - 1) / n)))


def ks_p_value(statistic: float, n: int) -> float:
    """Exact two-sided one-sample KS p-value (scipy's Kolmogorov distribution ``kstwo``)."""
    return float(sps.kstwo.sf(statistic, n))


def binomial_share_p_value(successes: int, trials: int, p: float) -> float:
    """Two-sided exact binomial test (minimum-likelihood method)."""
    pmf = sps.binom.pmf(np.arange(trials + 1), trials, p)
    observed = pmf[successes]
    return float(min(1.0, pmf[pmf <= observed * (1 + 1e-7)].sum()))


def aa_summary(
    p_values: Sequence[float],
    *,
    alpha: float = 0.05,
    fail_below: float = 0.001,
    warn_below: float = 0.01,
) -> AaSummary:
    """Share of false positives and KS uniformity of A/A p-values with an ok/warn/fail verdict.

    The verdict is the worst of the two tests: 'fail' if a test's p < fail_below, 'warn' if
    p < warn_below. Salts share the same population, so treat the tests as indicative.
    """
    p = np.asarray(p_values, dtype=float)
    if p.size < 2:
        raise ValueError("need at least two A/A p-values")
    significant = int(np.sum(p < alpha))
    binomial_p = binomial_share_p_value(significant, p.size, alpha)
    d = ks_statistic_uniform(p)
    ks_p = ks_p_value(d, p.size)
    reasons: list[str] = []
    verdict: AaVerdict = "ok"
    for name, test_p in (("false-positive share", binomial_p), ("KS uniformity", ks_p)):
        if test_p < fail_below:
            verdict = "fail"
            reasons.append(f"{name} test p={test_p:.2g} < {fail_below}")
        elif test_p < warn_below:
            verdict = "fail" if verdict == "fail" else "warn"
            reasons.append(f"{name} test p={test_p:.2g} < {warn_below}")
    return AaSummary(
        salts=int(p.size),
        alpha=alpha,
        share_significant=significant / p.size,
        binomial_p_value=binomial_p,
        ks_statistic=d,
        ks_p_value=ks_p,
        verdict=verdict,
        reasons=tuple(reasons),
    )
