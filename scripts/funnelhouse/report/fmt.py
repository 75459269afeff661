"""Number formatting shared by the text and HTML reports (None prints as an en dash)."""

from __future__ import annotations

import math
from typing import Any

DASH = "\u2013"  # en dash


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def pct(value: float | None, digits: int = 1, signed: bool = False) -> str:
    if _missing(value):
        return DASH
    return f"{value:+.{digits}%}" if signed else f"{value:.{digits}%}"


def num(value: float | None, digits: int = 2, signed: bool = False) -> str:
    if _missing(value):
        return DASH
    magnitude = abs(value)
    if magnitude >= 1e6:
        text = f"{value / 1e6:{'+' if signed else ''}.{digits}f}M"
    elif magnitude >= 1e4:
        text = f"{value:{'+' if signed else ''},.0f}"
    else:
        text = f"{value:{'+' if signed else ''},.{digits}f}"
    return text


def count(value: float | None) -> str:
    return DASH if _missing(value) else f"{round(value):,}"


def p_value(value: float | None) -> str:
    if _missing(value):
        return DASH
    if value < 0.0001:
        return "<0.0001"
    return f"{value:.4f}" if value < 0.01 else f"{value:.3f}"


def p_equals(value: float | None) -> str:
    """'p = 0.012' or 'p < 0.0001' for sentences."""
    text = p_value(value)
    return f"p {text[0]} {text[1:]}" if text.startswith("<") else f"p = {text}"


def money(value: float | None, currency: str) -> str:
    if _missing(value):
        return DASH
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    if magnitude >= 1e6:
        return f"{sign}{magnitude / 1e6:,.2f}M {currency}"
    return f"{sign}{magnitude:,.0f} {currency}"


def metric_value(value: float | None, metric_type: str) -> str:
    """A metric's level: conversion rates as %, means and ratios as numbers."""
    return pct(value, 2) if metric_type == "binomial" else num(value)


def metric_difference(value: float | None, metric_type: str) -> str:
    """An absolute difference: percentage points for rates, numbers otherwise."""
    if _missing(value):
        return DASH
    if metric_type == "binomial":
        return f"{100 * value:+.2f} pp"
    return num(value, signed=True)


def interval(values: list[float | None] | None, formatter: Any) -> str:
    if not values or any(_missing(v) for v in values):
        return DASH
    return f"[{formatter(values[0])}, {formatter(values[1])}]"


def months(value: float | None) -> str:
    return "never" if _missing(value) else f"{value:.1f} months"
