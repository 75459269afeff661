"""Sample ratio mismatch (SRM): chi-square goodness of fit of users per variant."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import stats as sps

SrmFlag = Literal["ok", "warn", "fail"]


@dataclass(frozen=True)
class SrmResult:
    statistic: float
    df: int
    p_value: float
    flag: SrmFlag
    observed: tuple[int, ...]
    expected: tuple[float, ...]


def expected_counts(total_users: float, weights: Sequence[float]) -> np.ndarray:
    """total * w_i / sum(w)."""
    w = np.asarray(weights, dtype=float)
    if np.any(w <= 0):
        raise ValueError("weights must be positive")
    return total_users * w / w.sum()


def chi_square_statistic(observed: Sequence[float], expected: Sequence[float]) -> float:
    """sum (O - E)^2 / E."""
    o = np.asarray(observed, dtype=float)
    e = np.asarray(expected, dtype=float)
    return float(np.sum((o - e) ** 2 / e))


def srm_flag(p_value: float, fail_below: float = 0.001, warn_below: float = 0.01) -> SrmFlag:
    """'fail' if p < fail_below, 'warn' if p < warn_below, else 'ok'."""
    if p_value < fail_below:
        return "fail"
    if p_value < warn_below:
        return "warn"
    return "ok"


def srm_test(
    users: Sequence[int],
    weights: Sequence[float] | None = None,
    *,
    fail_below: float = 0.001,
    warn_below: float = 0.01,
) -> SrmResult:
    """Chi-square test of ``users`` per variant against expected ``weights`` (equal if None)."""
    observed = np.asarray(users, dtype=float)
    if observed.size < 2:
        raise ValueError("SRM needs at least two variants")
    if weights is None:
        weights = [1.0] * observed.size
    if len(weights) != observed.size:
        raise ValueError("weights and users must have the same length")
    expected = expected_counts(observed.sum(), weights)
    statistic = chi_square_statistic(observed, expected)
    df = observed.size - 1
    p_value = float(sps.chi2.sf(statistic, df))
    return SrmResult(
        statistic=statistic,
        df=df,
        p_value=p_value,
        flag=srm_flag(p_value, fail_below, warn_below),
        observed=tuple(int(u) for u in users),
        expected=tuple(float(e) for e in expected),
    )
