"""Multiple-testing adjustment of p-values: Holm (FWER, default) and Benjamini-Hochberg (FDR)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

AdjustMethod = Literal["holm", "bh"]


def _as_p_values(p_values: Sequence[float]) -> np.ndarray:
    p = np.asarray(p_values, dtype=float)
    if p.ndim != 1:
        raise ValueError("p_values must be one-dimensional")
    if np.any((p < 0) | (p > 1)) or np.any(np.isnan(p)):
        raise ValueError("p_values must be in [0, 1]")
    return p


def holm_adjust(p_values: Sequence[float]) -> list[float]:
    """Holm step-down: p_(i) -> max_{j<=i} min(1, (m - j + 1) p_(j)), in input order."""
    p = _as_p_values(p_values)
    m = p.size
    order = np.argsort(p, kind="stable")
    stepped = np.minimum(1.0, (m - np.arange(m)) * p[order])
    adjusted = np.empty(m)
    adjusted[order] = np.maximum.accumulate(stepped)
    return adjusted.tolist()


def benjamini_hochberg_adjust(p_values: Sequence[float]) -> list[float]:
    """BH step-up: p_(i) -> min_{j>=i} min(1, m p_(j) / j), in input order."""
    p = _as_p_values(p_values)
    m = p.size
    order = np.argsort(p, kind="stable")
    scaled = np.minimum(1.0, m * p[order] / np.arange(1, m + 1))
    adjusted = np.empty(m)
    adjusted[order] = np.minimum.accumulate(scaled[::-1])[::-1]
    return adjusted.tolist()


def adjust_p_values(p_values: Sequence[float], method: AdjustMethod = "holm") -> list[float]:
    """Adjusted p-values with 'holm' (default) or 'bh'."""
    if method == "holm":
        return holm_adjust(p_values)
    if method == "bh":
        return benjamini_hochberg_adjust(p_values)
    raise ValueError(f"method must be 'holm' or 'bh', got {method!r}")
