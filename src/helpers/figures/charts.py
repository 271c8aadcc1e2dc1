"""Other charts: association scatter with its fitted line, and a force's outcome mix."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers.figures.theme import OKABE_ITO, percent_axis


def scatter_with_fit(
    frame: pd.DataFrame,
    x: str,
    y: str,
    weight: str,
    fit: dict[str, float],
    x_label: str,
    y_label: str,
    title: str = "",
    label: str = "label",
    highlight: str | None = None,
    unit: str = "force_code",
):
    """Scatter of two force rates, points sized by ``weight``, with the weighted least-squares
    line from ``helpers.analysis.statistics.weighted_association`` and its 95% band for the slope."""
    fig, ax = plt.subplots(figsize=(7.5, 5.5))
    sizes = 15 + 185 * (frame[weight] / frame[weight].max())
    ax.scatter(
        frame[x],
        frame[y],
        s=sizes,
        color=OKABE_ITO["blue"],
        alpha=0.6,
        edgecolor="white",
        linewidth=0.5,
    )
    grid = np.linspace(float(frame[x].min()), float(frame[x].max()), 100)
    ax.plot(
        grid,
        fit["intercept"] + fit["slope"] * grid,
        color=OKABE_ITO["orange"],
        lw=2,
        label=f"weighted fit: slope {fit['slope']:.2f} (95% CI {fit['slope_lower']:.2f} to {fit['slope_upper']:.2f}); r = {fit['r']:.2f}",
    )
    centre_x = np.average(frame[x], weights=frame[weight])
    centre_y = fit["intercept"] + fit["slope"] * centre_x
    for slope in (fit["slope_lower"], fit["slope_upper"]):
        ax.plot(
            grid, centre_y + slope * (grid - centre_x), color=OKABE_ITO["orange"], lw=0.8, ls="--"
        )
    for _, row in frame.iterrows():
        if label in frame.columns:
            ax.annotate(
                row[label],
                (row[x], row[y]),
                fontsize=6,
                xytext=(3, 2),
                textcoords="offset points",
                fontweight="bold" if row.get(unit) == highlight else "normal",
            )
    if highlight is not None and highlight in set(frame[unit]):
        row = frame[frame[unit] == highlight].iloc[0]
        ax.scatter([row[x]], [row[y]], s=160, facecolor="none", edgecolor="black", linewidth=1.6)
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    percent_axis(ax, "x", 1)
    percent_axis(ax, "y", 1)
    ax.set_title(title)
    ax.legend(fontsize=7, loc="best")
    return fig


def outcome_mix_plot(mix: pd.DataFrame, force_name: str, title: str = ""):
    """Horizontal bars: each outcome category's share of outcomes for a force beside the nation."""
    fig, ax = plt.subplots(figsize=(8, 4))
    positions = np.arange(len(mix))
    ax.barh(
        positions + 0.2, mix["force_share"], height=0.4, color=OKABE_ITO["blue"], label=force_name
    )
    ax.barh(
        positions - 0.2,
        mix["national_share"],
        height=0.4,
        color="#A6A6A6",
        label="England and Wales",
    )
    ax.set_yticks(positions, mix["outcome"], fontsize=8)
    ax.invert_yaxis()
    percent_axis(ax, "x")
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title(title)
    fig.tight_layout()
    return fig
