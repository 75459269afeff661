"""Exact test and confidence interval for a difference of two proportions (small samples).

The normal approximation of the two-proportion z-test is not reliable below
``MIN_USERS`` users or ``MIN_EVENTS`` successes or failures in an arm (a Wald interval of
+119 pp for 2 users per arm). There the effect uses an **exact unconditional score test**:

* statistic: the score statistic of H0: p_v - p_c = delta (Farrington-Manning; the restricted
  MLE of Miettinen-Nurminen, without their n/(n-1) factor); at delta = 0 it is the pooled
  z statistic, so the test of "no effect" is Barnard's exact test (scipy ``barnard_exact``);
* p-value: P(|T| >= |t_obs|) maximised over the nuisance p_c, restricted (Berger & Boos 1994)
  to a 1 - ``BERGER_BOOS_BETA`` Clopper-Pearson interval of the control rate, plus that beta;
  outcomes with probability below ``TAIL_MASS`` at every allowed nuisance are not enumerated
  (their mass is added to the p-value), so an arm of 10,000 users with 3 successes is cheap;
* interval: the deltas the test does not reject at alpha (Agresti & Min 2001), found by
  bisection from the estimate; it excludes 0 exactly when the p-value of delta = 0 is below
  alpha (the p-value and the interval come from the same test).

All results are conservative (the supremum over a grid of nuisance values, Berger-Boos and the
tail mass only increase the p-value).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

MIN_USERS = 30
MIN_EVENTS = 5
BERGER_BOOS_BETA = 1e-4
TAIL_MASS = 1e-10
NUISANCE_POINTS = 101
BISECTION_STEPS = 24


def normal_approximation_problem(
    control_successes: float, control_users: int, variant_successes: float, variant_users: int
) -> str | None:
    """Why the normal approximation of a difference of proportions is unreliable, or None."""
    for name, successes, users in (
        ("control", control_successes, control_users),
        ("variant", variant_successes, variant_users),
    ):
        if users < MIN_USERS:
            return f"{name} has {users} users (< {MIN_USERS})"
        if min(successes, users - successes) < MIN_EVENTS:
            return (
                f"{name} has {successes:g} successes and {users - successes:g} failures "
                f"(< {MIN_EVENTS} of one)"
            )
    return None


@dataclass(frozen=True)
class ExactDifference:
    """Exact test of p_v - p_c = 0 and the interval inverting the same test."""

    estimate: float
    p_value: float
    ci_lower: float
    ci_upper: float
    method: str


def restricted_rates(
    x_c: np.ndarray, n_c: int, x_v: np.ndarray, n_v: int, delta: float
) -> tuple[np.ndarray, np.ndarray]:
    """Restricted MLE (p_c, p_v = p_c + delta) under H0 (Miettinen-Nurminen cubic)."""
    x_c, x_v = np.asarray(x_c, dtype=float), np.asarray(x_v, dtype=float)
    total, successes = n_c + n_v, x_c + x_v
    if delta == 0:
        pooled = successes / total
        return pooled, pooled
    b = (n_v + 2 * n_c) * delta - total - successes
    c = (x_c * delta - total - 2 * x_c) * delta + successes
    d = x_c * delta * (1 - delta)
    q = (b / (3 * total)) ** 3 - b * c / (6 * total**2) + d / (2 * total)
    p = np.sign(q) * np.sqrt(np.maximum((b / (3 * total)) ** 2 - c / (3 * total), 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(p != 0, q / p**3, 0.0)
    angle = (math.pi + np.arccos(np.clip(ratio, -1.0, 1.0))) / 3
    p_c = np.clip(2 * p * np.cos(angle) - b / (3 * total), 0.0, 1.0)
    return p_c, np.clip(p_c + delta, 0.0, 1.0)


def score_statistic(
    x_c: np.ndarray, n_c: int, x_v: np.ndarray, n_v: int, delta: float
) -> np.ndarray:
    """(p̂_v - p̂_c - delta) / sqrt(var under H0); 0 where the variance is 0 and so is the
    numerator, +-inf where only the variance is 0."""
    x_c, x_v = np.asarray(x_c, dtype=float), np.asarray(x_v, dtype=float)
    r_c, r_v = restricted_rates(x_c, n_c, x_v, n_v, delta)
    numerator = x_v / n_v - x_c / n_c - delta
    variance = r_v * (1 - r_v) / n_v + r_c * (1 - r_c) / n_c
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = numerator / np.sqrt(variance)
        unbounded = np.sign(numerator) * np.inf
    flat = np.abs(numerator) < 1e-12
    return np.where(flat, 0.0, np.where(variance > 0, statistic, unbounded))


def _support(n: int, low: float, high: float) -> np.ndarray:
    """Outcomes 0..n with probability >= TAIL_MASS for some rate in [low, high]."""
    first = int(sps.binom.ppf(TAIL_MASS, n, low)) if low > 0 else 0
    last = int(sps.binom.isf(TAIL_MASS, n, high)) if high < 1 else n
    return np.arange(max(0, first - 1), min(n, last + 1) + 1)


@functools.lru_cache(maxsize=256)
def _control_rate_interval(x_c: int, n_c: int) -> tuple[float, float]:
    """Clopper-Pearson 1 - beta interval of the control rate (Berger-Boos nuisance set)."""
    ci = sps.binomtest(x_c, n_c).proportion_ci(1 - BERGER_BOOS_BETA, method="exact")
    return float(ci.low), float(ci.high)


def _nuisance_range(x_c: int, n_c: int, delta: float) -> tuple[float, float]:
    """The Berger-Boos interval of p_c, intersected with p_c + delta in [0, 1]."""
    low, high = _control_rate_interval(x_c, n_c)
    return max(low, -delta, 0.0), min(high, 1.0 - delta, 1.0)


def exact_p_value(x_c: int, n_c: int, x_v: int, n_v: int, delta: float = 0.0) -> float:
    """Two-sided exact unconditional p-value of H0: p_v - p_c = delta (see module docstring)."""
    low, high = _nuisance_range(x_c, n_c, delta)
    if low > high:
        return 0.0
    observed = abs(float(score_statistic(x_c, n_c, x_v, n_v, delta)))
    grid = np.linspace(low, high, NUISANCE_POINTS)
    support_c = _support(n_c, low, high)
    support_v = _support(n_v, low + delta, high + delta)
    extreme = (
        np.abs(score_statistic(support_c[:, None], n_c, support_v[None, :], n_v, delta))
        >= observed * (1 - 1e-9) - 1e-12
    ).astype(float)
    pmf_c = sps.binom.pmf(support_c[None, :], n_c, grid[:, None])
    pmf_v = sps.binom.pmf(support_v[None, :], n_v, np.clip(grid + delta, 0, 1)[:, None])
    tail = np.einsum("gi,ij,gj->g", pmf_c, extreme, pmf_v)
    left_out = 1.0 - pmf_c.sum(axis=1) * pmf_v.sum(axis=1)
    return float(min(1.0, np.max(tail + np.maximum(left_out, 0.0)) + BERGER_BOOS_BETA))


def _bound(x_c: int, n_c: int, x_v: int, n_v: int, inside: float, outside: float, alpha: float):
    """Bisection between an accepted delta (``inside``) and a rejected one (``outside``)."""
    for _ in range(BISECTION_STEPS):
        middle = (inside + outside) / 2
        if exact_p_value(x_c, n_c, x_v, n_v, middle) >= alpha:
            inside = middle
        else:
            outside = middle
    return inside


def exact_difference(
    control_successes: float,
    control_users: int,
    variant_successes: float,
    variant_users: int,
    alpha: float = 0.05,
) -> ExactDifference:
    """Exact test of no difference and the (1 - alpha) interval of p_v - p_c."""
    x_c, x_v = round(control_successes), round(variant_successes)
    n_c, n_v = int(control_users), int(variant_users)
    estimate = x_v / n_v - x_c / n_c
    p_zero = exact_p_value(x_c, n_c, x_v, n_v, 0.0)
    lower = _bound(x_c, n_c, x_v, n_v, estimate, -1.0, alpha)
    upper = _bound(x_c, n_c, x_v, n_v, estimate, 1.0, alpha)
    if p_zero < alpha:  # the bound on the side of 0 lies between the estimate and 0
        if estimate > 0:
            lower = _bound(x_c, n_c, x_v, n_v, estimate, 0.0, alpha)
        else:
            upper = _bound(x_c, n_c, x_v, n_v, estimate, 0.0, alpha)
    else:  # 0 is not rejected, so it is inside the interval
        lower, upper = min(lower, 0.0), max(upper, 0.0)
    return ExactDifference(
        estimate=estimate,
        p_value=p_zero,
        ci_lower=lower,
        ci_upper=upper,
        method="exact unconditional score test (Barnard) with its inverted interval",
    )
