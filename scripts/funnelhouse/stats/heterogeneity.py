"""Heterogeneity of an effect across segments: Cochran's Q and I^2 (fixed-effect weights)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import stats as sps

from funnelhouse.stats.frequentist import EffectResult


@dataclass(frozen=True)
class HeterogeneityResult:
    """Q statistic, df = k - 1, p-value (chi-square), I^2 (fraction, truncated at 0), and the
    inverse-variance pooled effect with its standard error."""

    statistic: float
    df: int
    p_value: float
    i_squared: float
    pooled_effect: float
    pooled_se: float
    segments: int


def inverse_variance_weights(variances: Sequence[float]) -> np.ndarray:
    v = np.asarray(variances, dtype=float)
    if np.any(v <= 0):
        raise ValueError("segment variances must be positive")
    return 1.0 / v


def inverse_variance_mean(effects: Sequence[float], weights: np.ndarray) -> float:
    """sum(w * effect) / sum(w)."""
    return float(np.sum(weights * np.asarray(effects, dtype=float)) / np.sum(weights))


def cochrans_q(effects: Sequence[float], weights: np.ndarray, pooled: float) -> float:
    """Q = sum w_i (effect_i - pooled)^2."""
    return float(np.sum(weights * (np.asarray(effects, dtype=float) - pooled) ** 2))


def i_squared(q: float, df: int) -> float:
    """Higgins' I^2 = max(0, (Q - df) / Q)."""
    return max(0.0, (q - df) / q) if q > 0 else 0.0


def heterogeneity_test(effects: Sequence[float], variances: Sequence[float]) -> HeterogeneityResult:
    """Cochran's Q test that per-segment effects (with variances = se^2) are equal."""
    if len(effects) != len(variances):
        raise ValueError("effects and variances must have the same length")
    if len(effects) < 2:
        raise ValueError("heterogeneity needs at least two segments")
    weights = inverse_variance_weights(variances)
    pooled = inverse_variance_mean(effects, weights)
    q = cochrans_q(effects, weights, pooled)
    df = len(effects) - 1
    return HeterogeneityResult(
        statistic=q,
        df=df,
        p_value=float(sps.chi2.sf(q, df)),
        i_squared=i_squared(q, df),
        pooled_effect=pooled,
        pooled_se=float(np.sqrt(1.0 / np.sum(weights))),
        segments=len(effects),
    )


def heterogeneity_of_effects(
    effects: Sequence[EffectResult], scale: Literal["relative", "absolute"] = "relative"
) -> HeterogeneityResult:
    """Cochran's Q over per-segment ``EffectResult``s on the relative (default) or absolute
    scale (estimate and se of that scale)."""
    if scale == "relative":
        if any(e.relative_effect is None or e.relative_se is None for e in effects):
            raise ValueError("relative effect undefined in a segment (control mean 0)")
        estimates = [float(e.relative_effect) for e in effects]  # type: ignore[arg-type]
        variances = [float(e.relative_se) ** 2 for e in effects]  # type: ignore[arg-type]
    elif scale == "absolute":
        estimates = [e.absolute_effect for e in effects]
        variances = [e.absolute_se**2 for e in effects]
    else:
        raise ValueError("scale must be 'relative' or 'absolute'")
    return heterogeneity_test(estimates, variances)
