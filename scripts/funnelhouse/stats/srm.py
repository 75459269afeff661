"""Sample ratio mismatch (SRM): chi-square goodness of fit of users per variant.

A variant with weight 0 expects nobody: when it has users the split is broken whatever the
other arms look like (statistic infinite, p-value 0, flag 'fail'); without users it is left
out of the test (it takes no degree of freedom).
"""

from __future__ import annotations

import math
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
    """total * w_i / sum(w) (weights >= 0 with a positive sum)."""
    w = np.asarray(weights, dtype=float)
    if np.any(w < 0) or not w.sum() > 0:
        raise ValueError("weights must be non-negative with a positive sum")
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
    """Chi-square test of ``users`` per variant against expected ``weights`` (equal if None);
    zero weights as in the module docstring."""
    observed = np.asarray(users, dtype=float)
    if observed.size < 2:
        raise ValueError("SRM needs at least two variants")
    if weights is None:
        weights = [1.0] * observed.size
    if len(weights) != observed.size:
        raise ValueError("weights and users must have the same length")
    expected = expected_counts(observed.sum(), weights)
    tested = expected > 0
    if tested.sum() < 2:
        raise ValueError("SRM needs at least two variants with a positive weight")
    if np.any(observed[~tested] > 0):  # users where nobody is expected
        statistic, p_value = math.inf, 0.0
    else:
        statistic = chi_square_statistic(observed[tested], expected[tested])
        p_value = float(sps.chi2.sf(statistic, int(tested.sum()) - 1))
    return SrmResult(
        statistic=statistic,
        df=int(tested.sum()) - 1,
        p_value=p_value,
        flag=srm_flag(p_value, fail_below, warn_below),
        observed=tuple(int(u) for u in users),
        expected=tuple(float(e) for e in expected),
    )
