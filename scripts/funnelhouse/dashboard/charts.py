"""Matplotlib charts of the dashboard as base64 PNG data URIs (the page inlines them)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import PercentFormatter

from funnelhouse.report.charts import BAD, INK, PALETTE, to_data_uri

KPI_TITLES = {
    "sessions": "Sessions",
    "orders": "Orders",
    "revenue": "Revenue",
    "conversion_rate": "Conversion rate",
}


def funnel(frame: pd.DataFrame) -> str:
    fig, ax = plt.subplots(figsize=(8, 0.5 + 0.45 * len(frame)))
    shares = frame["entries"] / max(float(frame["entries"].iloc[0]), 1.0)
    labels = [f"{n}. {name}" for n, name in zip(frame.step_number, frame.step_name, strict=True)]
    bars = ax.barh(labels[::-1], shares[::-1], color=PALETTE[1])
    for bar, entries, share in zip(bars, frame["entries"][::-1], shares[::-1], strict=True):
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2,
                f" {int(entries):,} ({share:.1%})", va="center", fontsize=9)  # fmt: skip
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlim(0, 1.25)
    ax.set_title("Purchase funnel: sessions reaching each step")
    return to_data_uri(fig)


def retention_heatmap(frame: pd.DataFrame) -> str:
    matrix = frame.pivot(index="cohort_start", columns="period_number", values="retention_rate")
    fig, ax = plt.subplots(figsize=(8, 0.8 + 0.32 * len(matrix)))
    image = ax.imshow(matrix.to_numpy(dtype=float), cmap="Blues", vmin=0, vmax=1, aspect="auto")
    ax.set_yticks(range(len(matrix)), [d.strftime("%Y-%m-%d") for d in matrix.index])
    ax.set_xticks(range(len(matrix.columns)), [str(c) for c in matrix.columns])
    for (i, j), value in np.ndenumerate(matrix.to_numpy(dtype=float)):
        if np.isfinite(value):
            colour = "white" if value > 0.5 else INK
            ax.text(j, i, f"{value:.0%}", ha="center", va="center", fontsize=7, color=colour)
    ax.set_xlabel("weeks since acquisition")
    ax.set_title("Weekly cohort retention (complete weeks)")
    fig.colorbar(image, ax=ax, format=PercentFormatter(1.0), fraction=0.03)
    return to_data_uri(fig)


def ltv_curves(frame: pd.DataFrame) -> str:
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.4))
    for i, (cohort, group) in enumerate(frame.groupby("acquisition_month")):
        label = f"{pd.Timestamp(cohort):%Y-%m} (n={int(group.cohort_size.iloc[0]):,})"
        colour = PALETTE[i % len(PALETTE)]
        x = group["months_since_acquisition"]
        left.plot(x, group["cumulative_revenue_per_user"], marker="o", color=colour, label=label)
        right.plot(x, group["cumulative_buyer_share"], marker="o", color=colour, label=label)
    left.set_title("LTV: cumulative revenue per acquired user")
    right.set_title("Share of the cohort who have bought")
    right.yaxis.set_major_formatter(PercentFormatter(1.0))
    for ax in (left, right):
        ax.set_xlabel("months since acquisition")
    left.legend(fontsize=8)
    return to_data_uri(fig)


def sparkline(values: pd.Series) -> str:
    fig, ax = plt.subplots(figsize=(1.8, 0.4))
    ax.plot(np.arange(len(values)), values.to_numpy(dtype=float), color=PALETTE[1], lw=1)
    ax.axis("off")
    return to_data_uri(fig)


def kpi_series(frame: pd.DataFrame) -> str:
    fig, axes = plt.subplots(2, 2, figsize=(10, 5.2), sharex=True)
    for ax, (kpi, title) in zip(axes.flat, KPI_TITLES.items(), strict=True):
        series = frame[frame["kpi_name"] == kpi]
        ax.plot(series["date_day"], series["kpi_value"], color=PALETTE[1], lw=1.2, label="value")
        ax.plot(series["date_day"], series["trailing_mean"], color=PALETTE[0], lw=1, ls="--",
                label="trailing mean")  # fmt: skip
        flagged = series[series["is_anomaly"]]
        ax.scatter(flagged["date_day"], flagged["kpi_value"], color=BAD, zorder=3, s=22,
                   label="anomaly")  # fmt: skip
        ax.set_title(f"{title} ({len(flagged)} anomalies)")
        if kpi == "conversion_rate":
            ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.tick_params(axis="x", labelrotation=30, labelsize=8)
    axes.flat[0].legend(fontsize=8)
    return to_data_uri(fig)


def rfm_segments(frame: pd.DataFrame) -> str:
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 0.8 + 0.38 * len(frame)), sharey=True)
    names = frame["segment_name"][::-1]
    left.barh(names, frame["buyers"][::-1], color=PALETTE[1])
    right.barh(names, frame["revenue"][::-1].astype(float), color=PALETTE[2])
    left.set_title("Buyers per RFM segment")
    right.set_title("Revenue per RFM segment")
    return to_data_uri(fig)


def attribution(frame: pd.DataFrame) -> str:
    matrix = frame.pivot(index="channel", columns="attribution_model", values="revenue").fillna(0)
    fig, ax = plt.subplots(figsize=(10, 3.4))
    width = 0.8 / len(matrix.columns)
    for i, model in enumerate(matrix.columns):
        x = np.arange(len(matrix)) + i * width
        ax.bar(x, matrix[model].astype(float), width, label=model, color=PALETTE[i % 5])
    ax.set_xticks(np.arange(len(matrix)) + 0.4 - width / 2, matrix.index)
    ax.set_title("Revenue credited per channel, by attribution model")
    ax.legend(fontsize=8)
    return to_data_uri(fig)
