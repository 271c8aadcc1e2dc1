"""Funnel plots of a ``helpers.analysis.statistics.Comparison``."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers.analysis.statistics import Comparison, level_label
from helpers.figures.saving import attach_data
from helpers.figures.theme import (
    MIN_TICK_SIZE,
    OKABE_ITO,
    POSITION_COLOURS,
    count_axis,
    percent_axis,
    place_labels,
    short_names,
)
from helpers.reference import forces

#: default x axis label: the funnel's trials in words
FUNNEL_X_LABEL = "domestic abuse-related crimes with an outcome (force size, log scale)"


def _limits_words(comparison: Comparison, level: float) -> str:
    adjusted = comparison.adjusted and comparison.overdispersion.tau2 > 0
    return f"the {'overdispersion-adjusted ' if adjusted else ''}{level * 100:g}% limits"


def funnel_plot(
    comparison: Comparison,
    unit: str = "force_code",
    title: str = "",
    rate_label: str = "rate",
    highlight: str | None = None,
    label_level: float = 0.998,
    ax=None,
    x_label: str = FUNNEL_X_LABEL,
):
    """Funnel plot of a ``helpers.analysis.statistics.Comparison``.

    Points: one per unit with data at (trials, rate), coloured by position against the
    ``label_level`` limits (the adjusted limits when the comparison is adjusted; the legend names
    which): orange above, blue below, grey within. Lines: the target (solid black), 95% (dashed)
    and 99.8% (solid) limits, unadjusted in grey and overdispersion-adjusted in purple. Units
    outside the limits are labelled with their readable short name (``short_name`` of
    ``data/reference/force_grid.csv``); ``highlight`` (a unit value) is ringed and labelled. Units
    with position 'no data' are not drawn and are named in a note under the chart. The legend
    sits outside the axes, right of the chart. ``x_label``: the x axis in words.

    The figure carries the numbers drawn (``figures.drawn_data(fig)``): per unit code, name,
    successes, trials, rate, position and the limits at its trials. A notebook calls
    ``fig = figures.funnel_plot(result.comparison, title=..., rate_label=..., highlight=code,
    label_level=result.level)`` then ``figures.save_figure(fig, name, None, mode, notebook,
    section)``.
    """
    table = comparison.table
    own_figure = ax is None
    if own_figure:
        fig, ax = plt.subplots(figsize=(10.5, 5.6))
    else:
        fig = ax.figure
    trials = table[comparison.trials].astype(float)
    drawn = table[table["rate"].notna() & (trials > 0)]
    n_max = float(np.nanmax(drawn[comparison.trials])) * 1.08
    n_min = max(1.0, float(np.nanmin(drawn[comparison.trials])) * 0.5)
    # whole numbers of trials: binomial limits are defined only there
    grid = np.unique(
        np.round(np.concatenate([np.geomspace(n_min, n_max, 300), np.linspace(n_min, n_max, 300)]))
    )
    styles = {comparison.levels[0]: "--", comparison.levels[-1]: "-"}
    versions = [(False, "#6F6F6F", "unadjusted")]
    if comparison.adjusted and comparison.overdispersion.tau2 > 0:
        versions.append((True, OKABE_ITO["purple"], "adjusted for overdispersion"))
    for adjusted, colour, name in versions:
        limits = comparison.limits(grid, adjusted)
        for level in comparison.levels:
            label = level_label(level)
            for side in ("lower", "upper"):
                ax.plot(
                    grid,
                    limits[f"{side}_{label}"],
                    styles.get(level, ":"),
                    color=colour,
                    lw=1.1 if level == comparison.levels[-1] else 0.9,
                    label=f"{level * 100:g}% limits, {name}" if side == "lower" else None,
                )
    ax.axhline(
        comparison.target,
        color=OKABE_ITO["black"],
        lw=1.3,
        label=f"target: {comparison.target:.2%} ({'pooled rate' if comparison.target_kind == 'pooled' else 'external standard'})",
    )
    suffix = "_adjusted" if comparison.adjusted else ""
    position_column = f"position_{level_label(label_level)}{suffix}"
    ax.scatter(
        drawn[comparison.trials],
        drawn["rate"],
        s=28,
        c=[POSITION_COLOURS[p] for p in drawn[position_column]],
        edgecolor="white",
        linewidth=0.5,
        zorder=3,
    )
    if highlight is not None and highlight in set(drawn[unit]):
        row = drawn[drawn[unit] == highlight].iloc[0]
        ax.scatter(
            [row[comparison.trials]],
            [row["rate"]],
            s=140,
            facecolor="none",
            edgecolor=OKABE_ITO["black"],
            linewidth=1.6,
            zorder=4,
            label="this force",
        )
    ax.set_xscale("log")
    count_axis(ax, "x")
    ax.set_xlabel(x_label)
    ax.set_ylabel(rate_label)
    percent_axis(ax, "y", decimals=1 if comparison.target < 0.05 else 0)
    ax.tick_params(labelsize=max(MIN_TICK_SIZE, 8))
    upper_view = max(float(np.nanmax(drawn["rate"])) * 1.15, comparison.target * 1.5 + 0.002)
    ax.set_ylim(0, min(1, upper_view))
    ax.set_xlim(n_min, n_max)
    ax.set_title(title)
    words = _limits_words(comparison, label_level)
    handles = [
        plt.Line2D(
            [], [], marker="o", ls="", color=POSITION_COLOURS[k], label=f"{k} {words}".strip()
        )
        for k in ("above", "below", "within")
    ]
    existing, labels = ax.get_legend_handles_labels()
    ax.legend(
        existing + handles,
        labels + [h.get_label() for h in handles],
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        borderaxespad=0,
        fontsize=7.5,
        frameon=True,
    )
    missing = table[~table.index.isin(drawn.index)]
    if len(missing):
        full = forces.force_names()
        listed = ", ".join(sorted(full.get(c, str(c)) for c in missing[unit]))
        ax.text(
            0.0,
            -0.2,
            f"Not drawn (no data): {listed}.",
            transform=ax.transAxes,
            fontsize=7.5,
            va="top",
            wrap=True,
        )
    if own_figure:
        fig.subplots_adjust(left=0.08, right=0.66, bottom=0.2 if len(missing) else 0.12)
    # labels last, on the final layout: forces outside the limits and the highlighted force,
    # each placed inside the axes and clear of the others where possible
    names = short_names()
    labelled = drawn[
        drawn[position_column].isin(["above", "below"])
        | ((drawn[unit] == highlight) if highlight is not None else False)
    ]
    place_labels(
        ax,
        [
            (row[comparison.trials], row["rate"], names.get(row[unit], str(row[unit])), False)
            for _, row in labelled.iterrows()
        ],
        required=True,
    )
    attach_data(fig, funnel_table(comparison, unit, label_level))
    return fig


def funnel_table(comparison: Comparison, unit: str = "force_code", level: float = 0.998):
    """The numbers a funnel plot draws, one row per unit: unit code, name, successes, trials,
    rate, position at ``level`` and the limits at the unit's trials (unadjusted, and adjusted
    when the comparison is), with the target."""
    table = comparison.table
    label = level_label(level)
    suffix = "_adjusted" if comparison.adjusted else ""
    columns = [unit, comparison.successes, comparison.trials, "rate", "has_data"]
    out = table[columns].copy()
    out.insert(1, "force_name", out[unit].map(forces.force_names()))
    out["position"] = table[f"position_{label}{suffix}"]
    out["drawn"] = out["rate"].notna()
    for lvl in comparison.levels:
        lab = level_label(lvl)
        for side in ("lower", "upper"):
            out[f"{side}_{lab}"] = table[f"{side}_{lab}"]
            if comparison.adjusted:
                out[f"{side}_{lab}_adjusted"] = table[f"{side}_{lab}_adjusted"]
    out["target"] = comparison.target
    return pd.DataFrame(out)
