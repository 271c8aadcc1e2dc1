"""Time series figures: the trend panel (one small chart per force in tile-map layout), national
series and the published pre-2015 points."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers.figures.theme import OKABE_ITO, percent_axis
from helpers.reference import forces


def trend_panel(
    frame: pd.DataFrame,
    unit: str,
    time: str,
    rate: str,
    lower: str,
    upper: str,
    national: pd.DataFrame | None = None,
    title: str = "",
    highlight: str | None = None,
):
    """Small multiples of a rate over years, one panel per force laid out like the tile map,
    with the 95% interval shaded and the national rate (``national``: time, rate) as a grey line.
    """
    grid = forces.force_grid()
    n_rows, n_cols = int(grid["row"].max()) + 1, int(grid["col"].max()) + 1
    fig, axes = plt.subplots(
        n_rows, n_cols, figsize=(n_cols * 1.9, n_rows * 1.35), sharex=True, sharey=True
    )
    # one scale for every panel so forces compare; a force far above the rest would flatten
    # everyone else, so the scale stops at 1.5x the 95th percentile and such panels say so
    ymax = 1.0
    if len(frame):
        highest = float(np.nanmax(frame[upper]))
        ymax = min(highest, float(np.nanquantile(frame[upper], 0.95)) * 1.5) * 1.05
    for ax in axes.flat:
        ax.set_axis_off()
    for _, tile in grid.iterrows():
        ax = axes[int(tile["row"]), int(tile["col"])]
        ax.set_axis_on()
        data = frame[frame[unit] == tile["code"]].sort_values(time)
        if national is not None:
            ax.plot(national[time], national[rate], color="#9A9A9A", lw=1)
        colour = OKABE_ITO["vermillion"] if highlight == tile["code"] else OKABE_ITO["blue"]
        if len(data):
            ax.fill_between(data[time], data[lower], data[upper], color=colour, alpha=0.25, lw=0)
            ax.plot(data[time], data[rate], color=colour, lw=1.3)
        ax.set_title(
            tile["label"],
            fontsize=7,
            pad=2,
            fontweight="bold" if tile["country"] == "Wales" else "normal",
        )
        ax.tick_params(labelsize=5, length=2, pad=1, labelleft=True)
        ax.set_ylim(0, ymax)
        if len(data) and float(data[rate].max()) > ymax:
            ax.text(
                0.03,
                0.95,
                f"off scale: up to {data[rate].max():.1%}",
                transform=ax.transAxes,
                fontsize=5.5,
                color=OKABE_ITO["vermillion"],
                va="top",
            )
        percent_axis(ax, "y")
        if tile["country"] == "Wales":
            for spine in ax.spines.values():
                spine.set_linestyle((0, (2, 1)))
    fig.suptitle(title, fontsize=11, fontweight="bold")
    fig.text(
        0.5,
        0.005,
        "Blue: force rate with 95% interval; grey: national rate. Panels placed roughly as the forces lie on a map; Welsh forces have dashed frames and bold labels.",
        ha="center",
        fontsize=7,
    )
    fig.tight_layout(rect=(0, 0.02, 1, 0.96))
    return fig


def national_series_plot(
    series: pd.DataFrame,
    time: str,
    panels: list[tuple[str, str, bool]],
    title: str = "",
    notes: str = "",
):
    """One row of panels of national series over years. ``panels``: (column, label, is_rate);
    rates show their 95% interval when ``<column>_lower``/``_upper`` (or ci_lower/ci_upper for a
    single rate column) exist."""
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.6), squeeze=False)
    for ax, (column, label, is_rate) in zip(axes[0], panels, strict=True):
        data = series.dropna(subset=[column])
        ax.plot(data[time], data[column], marker="o", color=OKABE_ITO["blue"], lw=1.6)
        lower, upper = f"{column}_lower", f"{column}_upper"
        if lower in data and upper in data:
            ax.fill_between(
                data[time], data[lower], data[upper], color=OKABE_ITO["blue"], alpha=0.2, lw=0
            )
        ax.set_title(label, fontsize=10)
        ax.tick_params(axis="x", labelrotation=45, labelsize=7)
        if is_rate:
            percent_axis(ax, "y", 0)
            ax.set_ylim(
                0, min(1, float(np.nanmax(data[upper] if upper in data else data[column])) * 1.15)
            )
        else:
            ax.set_ylim(0, float(np.nanmax(data[column])) * 1.15)
            ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    fig.suptitle(title, fontsize=11, fontweight="bold")
    if notes:
        fig.text(0.5, -0.02, notes, ha="center", va="top", fontsize=7, wrap=True)
    fig.tight_layout()
    return fig


def published_points_plot(
    table: pd.DataFrame,
    x: str,
    y: str,
    group: str,
    title: str = "",
    y_label: str = "",
    note: str = "",
):
    """Published figures as points joined within each coverage group (groups are not comparable
    with each other, so they are never joined across). ``table`` holds one figure per row."""
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    colours = [OKABE_ITO["blue"], OKABE_ITO["orange"], OKABE_ITO["purple"], OKABE_ITO["sky_blue"]]
    for colour, (name, data) in zip(colours, table.groupby(group, sort=False), strict=False):
        data = data.sort_values(x)
        ax.plot(data[x], data[y], marker="o", color=colour, lw=1.4, label=name)
        for _, row in data.iterrows():
            ax.annotate(
                f"{row[y]:,.0f}",
                (row[x], row[y]),
                xytext=(0, 6),
                textcoords="offset points",
                ha="center",
                fontsize=8,
            )
    ax.set_ylim(0, float(table[y].max()) * 1.25)
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_ylabel(y_label)
    ax.set_title(title)
    ax.legend(fontsize=7, loc="upper left")
    if note:
        fig.text(0.01, -0.02, note, fontsize=7, va="top")
    fig.tight_layout()
    return fig


def profile_trends_plot(
    series: dict[str, pd.DataFrame],
    national: dict[str, pd.DataFrame],
    labels: dict[str, str],
    force_name: str,
    title: str = "",
):
    """One panel per measure: the force's rate with its 95% interval and the national rate."""
    fig, axes = plt.subplots(1, len(series), figsize=(4.3 * len(series), 3.4), squeeze=False)
    for ax, (key, data) in zip(axes[0], series.items(), strict=True):
        nat = national[key]
        ax.plot(
            nat["financial_year"], nat["rate"], color="#8C8C8C", lw=1.4, label="England and Wales"
        )
        ax.fill_between(
            data["financial_year"],
            data["ci_lower"],
            data["ci_upper"],
            color=OKABE_ITO["blue"],
            alpha=0.25,
            lw=0,
        )
        ax.plot(
            data["financial_year"],
            data["rate"],
            color=OKABE_ITO["blue"],
            marker="o",
            ms=3,
            lw=1.6,
            label=force_name,
        )
        ax.set_title(labels[key], fontsize=9)
        ax.tick_params(axis="x", labelrotation=90, labelsize=7)
        ax.set_ylim(0, max(float(data["ci_upper"].max()), float(nat["rate"].max())) * 1.2)
        percent_axis(ax, "y", 1 if float(nat["rate"].max()) < 0.05 else 0)
    axes[0][0].legend(fontsize=7)
    fig.suptitle(title, fontsize=11, fontweight="bold")
    fig.tight_layout()
    return fig
