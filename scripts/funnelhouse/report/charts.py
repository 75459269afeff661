"""Matplotlib charts of the report, returned as base64 PNG data URIs (the HTML embeds them).

Each function takes the typed result of one experiment (or a section of it) and returns None
when there is nothing to draw, so the HTML can say "not available" instead.
"""

from __future__ import annotations

import base64
import io
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from funnelhouse.analysis.results import (
    AaSection,
    CohortMatrix,
    ExperimentResult,
    MetricResult,
    RoiSection,
    SequentialSection,
)
from funnelhouse.stats import lift_draws
from funnelhouse.stats.roi import net_profit_over_horizon

GOOD, BAD, NEUTRAL, INK = "#1a7f37", "#cf222e", "#8c959f", "#24292f"
PALETTE = ("#57606a", "#0969da", "#bf8700", "#8250df", "#1b7c83")
plt.rcParams.update(
    {
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titleweight": "bold",
        "axes.titlesize": 11,
        "figure.dpi": 100,
    }
)


def to_data_uri(fig: plt.Figure) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _overall(experiment: ExperimentResult) -> list[MetricResult]:
    return [m for m in experiment.metrics if m.is_overall]


# ---------------------------------------------------------------------------- funnel
def funnel_chart(experiment: ExperimentResult) -> str | None:
    """Share of exposed users reaching each binomial funnel step, per variant: the exposure
    (100%) first, then the steps by decreasing control rate."""
    steps: dict[str, dict[str, float]] = {}
    for row in _overall(experiment):
        if row.metric_type != "binomial" or not row.higher_is_better or not row.estimable:
            continue
        step = steps.setdefault(row.metric_name, {})
        step[row.control] = row.control_mean  # type: ignore[assignment]
        step[row.variant] = row.variant_mean  # type: ignore[assignment]
    if not steps:
        return None
    control = experiment.control
    variants = [v.variant for v in experiment.variants]
    exposure = experiment.design.get("exposure_event")
    first = f"exposed ({exposure})" if exposure else "exposed"
    order = [first, *sorted(steps, key=lambda s: -steps[s][control])]
    steps[first] = dict.fromkeys(variants, 1.0)
    fig, ax = plt.subplots(figsize=(8.5, 1.2 + 0.34 * len(order) * len(variants)))
    height = 0.8 / len(variants)
    for i, variant in enumerate(variants):
        y = np.arange(len(order)) + i * height
        values = [steps[s].get(variant, np.nan) for s in order]
        bars = ax.barh(y, values, height=height, color=PALETTE[i % len(PALETTE)], label=variant)
        for bar, value in zip(bars, values, strict=True):
            if np.isfinite(value):
                ax.text(
                    bar.get_width(),
                    bar.get_y() + bar.get_height() / 2,
                    f" {value:.1%}",
                    va="center",
                    fontsize=9,
                )
    ax.set_yticks(np.arange(len(order)) + height * (len(variants) - 1) / 2, order)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlim(0, 1.12)
    ax.set_xlabel("share of exposed users who reached the step")
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.22 if len(order) > 2 else -0.35),
        ncol=len(variants),
        frameon=False,
    )
    return to_data_uri(fig)


# ---------------------------------------------------------------------------- forest
def forest_limit(effects: np.ndarray, lows: np.ndarray, highs: np.ndarray) -> float:
    """Half-width of the x axis: every point estimate inside (with a margin), intervals up to
    their 90th percentile bound; longer intervals end in an arrow at the edge."""
    bounds = np.abs(np.r_[lows, highs])
    bounds = bounds[np.isfinite(bounds)]
    spread = float(np.percentile(bounds, 90)) if bounds.size else 0.0
    largest = float(np.nanmax(np.abs(effects))) if effects.size else 0.0
    return max(0.02, spread * 1.15, largest * 1.15)


def _forest_rows(experiment: ExperimentResult, variant: str) -> list[MetricResult]:
    primary = experiment.primary_metric
    return [
        m
        for m in experiment.metrics
        if m.variant == variant
        and m.estimable
        and m.rel_effect is not None
        and (m.is_overall or m.metric_name == primary)
    ]


def _forest_style(rows: list[MetricResult]) -> tuple[list[str], list[str]]:
    labels, colours = [], []
    for m in rows:
        if m.is_overall:
            labels.append(f"{m.metric_name} ({m.metric_role})")
        else:
            labels.append(f"{m.metric_name}: {m.segment_name} = {m.segment_value}")
        if m.significant:
            good = (m.rel_effect > 0) == bool(m.higher_is_better)  # type: ignore[operator]
            colours.append(GOOD if good else BAD)
        else:
            colours.append(NEUTRAL)
    return labels, colours


def forest_figure(experiment: ExperimentResult, variant: str) -> plt.Figure | None:
    """Relative lift with its CI: every metric over all users, then the primary metric by
    segment (other metrics' segments are in the tables); colour = verdict after adjustment.
    Every point estimate is inside the axis; an interval beyond it ends in an arrow."""
    rows = _forest_rows(experiment, variant)
    if not rows:
        return None
    labels, colours = _forest_style(rows)
    fig, ax = plt.subplots(figsize=(8.5, 1.2 + 0.3 * len(rows)))
    y = np.arange(len(rows))
    effects = np.array([m.rel_effect for m in rows], dtype=float)
    nan = float("nan")
    low = np.array([nan if m.rel_ci[0] is None else m.rel_ci[0] for m in rows], dtype=float)
    high = np.array([nan if m.rel_ci[1] is None else m.rel_ci[1] for m in rows], dtype=float)
    limit = forest_limit(effects, low, high)
    for yi, effect, lo, hi, colour in zip(y, effects, low, high, colours, strict=True):
        if np.isfinite(lo) and np.isfinite(hi):
            ax.plot([max(lo, -limit), min(hi, limit)], [yi, yi], color=colour, lw=2.2)
        ax.plot([effect], [yi], "o", color=colour, ms=6)
        for edge, beyond in ((-limit, lo < -limit), (limit, hi > limit)):
            if beyond:
                ax.plot([edge], [yi], marker="<" if edge < 0 else ">", color=colour, ms=5)
    overall = sum(1 for m in rows if m.is_overall)
    if overall < len(rows):
        ax.axhline(overall - 0.5, color="#d0d7de", lw=1)
    ax.axvline(0, color=INK, lw=0.8)
    ax.set_yticks(y, labels, fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(-limit, limit)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel(
        f"relative lift of {variant!r} vs {experiment.control!r}, {rows[0].ci_level:.0%} CI\n"
        "green = significantly better, red = significantly worse (after adjustment), "
        "grey = not significant; an arrow: the interval goes on"
    )
    ax.set_title(f"{variant}: lift by metric, and {experiment.primary_metric} by segment")
    ax.grid(axis="x", color="#eaeef2")
    return fig


def forest_chart(experiment: ExperimentResult, variant: str) -> str | None:
    fig = forest_figure(experiment, variant)
    return None if fig is None else to_data_uri(fig)


# ---------------------------------------------------------------------------- sequential
def _series(points: list[tuple[int, Any]], key: str, index: int | None = None):
    values = [getattr(s, key) if index is None else getattr(s, key)[index] for _, s in points]
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _sequential_panel(
    ax: Any, row: MetricResult, colour: str, scale: float, binomial: bool
) -> None:
    """One arm's panel: estimate, per-look bounds (dashed), always-valid CI so far (shaded)."""
    seq = row.sequential
    points = [(d, s) for d, s in enumerate(seq.series, 1) if s.estimate is not None]  # type: ignore[union-attr]
    x = np.array([d for d, _ in points])
    look_low = _series(points, "look_ci", 0) * scale
    look_high = _series(points, "look_ci", 1) * scale
    ax.fill_between(
        x,
        _series(points, "ci", 0) * scale,
        _series(points, "ci", 1) * scale,
        color=colour,
        alpha=0.18,
        lw=0,
        label="always-valid CI so far",
    )
    ax.plot(x, look_low, color=colour, lw=0.8, ls="--")
    ax.plot(x, look_high, color=colour, lw=0.8, ls="--", label="bounds at each look")
    ax.plot(x, _series(points, "estimate") * scale, color=colour, lw=2, label="effect so far")
    if seq.stopped_at_day:  # type: ignore[union-attr]
        day = seq.stopped_at_day  # type: ignore[union-attr]
        ax.axvline(day, color=GOOD, lw=1.2, ls=":")
        ax.text(
            day,
            0.98,
            f" could stop: day {day}",
            color=GOOD,
            fontsize=9,
            transform=ax.get_xaxis_transform(),
            va="top",
        )
    ax.axhline(0, color=INK, lw=0.8)
    tail = np.abs(np.r_[look_low[len(x) // 3 :], look_high[len(x) // 3 :]])
    if np.isfinite(tail).any():  # the first looks are very wide: keep the detail visible
        spread = float(np.nanmax(tail)) * 1.3
        ax.set_ylim(-spread, spread)
    unit = "pp" if binomial else "diff."
    ax.set_ylabel(f"{row.variant} vs {row.control} ({unit})")
    ax.legend(frameon=False, fontsize=8, loc="lower right", ncol=3)


def sequential_chart(experiment: ExperimentResult) -> str | None:
    """Cumulative effect of the primary metric per daily look, one panel per treatment arm:
    the estimate, the per-look confidence sequence (dashed) and the always-valid CI so far
    (the running intersection, shaded)."""
    rows = [
        m
        for m in _overall(experiment)
        if m.metric_role == "primary"
        and isinstance(m.sequential, SequentialSection)
        and any(s.estimate is not None for s in m.sequential.series)
    ]
    if not rows:
        return None
    binomial = rows[0].metric_type == "binomial"
    scale = 100.0 if binomial else 1.0
    fig, axes = plt.subplots(
        len(rows), 1, figsize=(8.5, 0.6 + 3.0 * len(rows)), sharex=True, squeeze=False
    )
    for i, (ax, row) in enumerate(zip(axes[:, 0], rows, strict=True)):
        _sequential_panel(ax, row, PALETTE[(i + 1) % len(PALETTE)], scale, binomial)
    metric = rows[0].metric_name
    what = "percentage points" if binomial else "difference in means"
    axes[0, 0].set_title(f"{metric}: cumulative effect in {what}, with always-valid bounds")
    axes[-1, 0].set_xlabel("day of the experiment (all data up to that day)")
    axes[-1, 0].xaxis.set_major_locator(MaxNLocator(integer=True))
    return to_data_uri(fig)


# ---------------------------------------------------------------------------- ROI
def roi_chart(roi: RoiSection) -> str | None:
    """Distribution of the net profit over the horizon from the ROI's own lift draws."""
    inputs = roi.inputs
    draws = net_profit_over_horizon(inputs, lift_draws(inputs, roi.n_draws, roi.seed))
    currency = roi.currency
    fig, ax = plt.subplots(figsize=(8.5, 3.2))
    bins = np.linspace(*np.percentile(draws, [0.5, 99.5]), 60)  # 1% extreme draws not drawn
    _, edges, patches = ax.hist(draws, bins=bins, color=NEUTRAL)
    for patch, left in zip(patches, edges[:-1], strict=True):
        patch.set_facecolor(GOOD if left >= 0 else BAD)
    ax.axvline(0, color=INK, lw=1)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v / 1000:,.0f}k"))
    ax.set_xlabel(f"net profit over {roi.horizon_months:g} months ({currency}), after all costs")
    ax.set_title(
        f"Shipping {roi.variant!r}: {roi.probability_roi_positive:.0%} chance of a profit (green)"
    )
    return to_data_uri(fig)


# ---------------------------------------------------------------------------- A/A
def aa_chart(aa: AaSection) -> str | None:
    """Histogram of the A/A p-values (flat when the randomisation and the test behave)."""
    if not aa.p_values:
        return None
    fig, ax = plt.subplots(figsize=(4.2, 2.4))
    ax.hist(aa.p_values, bins=10, range=(0, 1), color="#0969da", alpha=0.8)
    expected = len(aa.p_values) / 10
    ax.axhline(expected, color=INK, lw=1, ls="--", label="expected if uniform")
    ax.set_xlabel("A/A p-value")
    ax.set_title(f"A/A p-values ({aa.comparisons} tests, {aa.salts} salts)", fontsize=10)
    ax.legend(frameon=False, fontsize=8)
    return to_data_uri(fig)


# ---------------------------------------------------------------------------- cohorts
def cohort_chart(cohorts: CohortMatrix) -> str | None:
    """Retention heatmap: cohorts down, periods across, share retained in each cell."""
    if not cohorts.available:
        return None
    values = np.array(
        [[np.nan if v is None else v for v in row] for row in cohorts.values], dtype=float
    )
    fig, ax = plt.subplots(
        figsize=(min(10, 1.8 + 0.62 * values.shape[1]), 1.0 + 0.36 * values.shape[0])
    )
    shown = np.where(np.isnan(values), np.nan, values)
    later = shown[:, 1:] if shown.shape[1] > 1 else shown
    vmax = np.nanmax(later) if np.isfinite(np.nanmax(later)) else 1.0
    image = ax.imshow(shown, cmap="Blues", vmin=0, vmax=vmax, aspect="auto")
    for (i, j), value in np.ndenumerate(values):
        if np.isfinite(value):
            ax.text(
                j,
                i,
                f"{value:.0%}",
                ha="center",
                va="center",
                fontsize=7.5,
                color="white" if value > 0.6 * vmax else INK,
            )
    ax.set_xticks(range(values.shape[1]), cohorts.periods)
    ax.set_yticks(range(values.shape[0]), cohorts.cohorts, fontsize=8)
    ax.set_xlabel(str(cohorts.period_column).replace("_", " "))
    ax.set_ylabel(str(cohorts.cohort_column).replace("_", " "))
    ax.set_title("Cohort retention")
    ax.spines[:].set_visible(False)
    fig.colorbar(image, ax=ax, format=PercentFormatter(1.0, decimals=0), fraction=0.03)
    return to_data_uri(fig)
