"""Funnel plots of a ``helpers.analysis.statistics.Comparison``."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from helpers.analysis.statistics import Comparison, level_label
from helpers.figures.theme import OKABE_ITO, POSITION_COLOURS, _short_labels, percent_axis


def funnel_plot(
    comparison: Comparison,
    unit: str = "force_code",
    title: str = "",
    rate_label: str = "rate",
    highlight: str | None = None,
    label_level: float = 0.998,
    ax=None,
):
    """Funnel plot of a ``helpers.analysis.statistics.Comparison``.

    Points: one per unit at (trials, rate), coloured by position against the 99.8% limits
    (adjusted when the comparison is): orange above, blue below, grey within. Lines: the target
    (solid black), 95% (dashed) and 99.8% (solid) limits, unadjusted in grey and
    overdispersion-adjusted in purple. Units outside ``label_level`` limits are labelled with
    their short force label; ``highlight`` (a unit value) is ringed and labelled.
    """
    table = comparison.table
    if ax is None:
        fig, ax = plt.subplots(figsize=(8.5, 5.5))
    else:
        fig = ax.figure
    n_max = float(np.nanmax(table[comparison.trials])) * 1.08
    n_min = max(1.0, float(np.nanmin(table[comparison.trials][table[comparison.trials] > 0])) * 0.5)
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
    position = table[f"position_{level_label(label_level)}{suffix}"]
    ax.scatter(
        table[comparison.trials],
        table["rate"],
        s=28,
        c=[POSITION_COLOURS[p] for p in position],
        edgecolor="white",
        linewidth=0.5,
        zorder=3,
    )
    labels = _short_labels()
    for _, row in table.iterrows():
        code = row.get(unit)
        outside = row[f"position_{level_label(label_level)}{suffix}"] in ("above", "below")
        if outside or (highlight is not None and code == highlight):
            ax.annotate(
                labels.get(code, str(code)),
                (row[comparison.trials], row["rate"]),
                textcoords="offset points",
                xytext=(4, 3),
                fontsize=7,
            )
    if highlight is not None and highlight in set(table[unit]):
        row = table[table[unit] == highlight].iloc[0]
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
    ax.set_xlabel(f"{comparison.trials.replace('_', ' ')} (log scale)")
    ax.set_ylabel(rate_label)
    percent_axis(ax, "y", decimals=1 if comparison.target < 0.05 else 0)
    upper_view = max(float(np.nanmax(table["rate"])) * 1.15, comparison.target * 1.5 + 0.002)
    ax.set_ylim(0, min(1, upper_view))
    ax.set_xlim(n_min, n_max)
    ax.set_title(title)
    handles = [
        plt.Line2D(
            [],
            [],
            marker="o",
            ls="",
            color=c,
            label=f"{k} 99.8% limits" if k != "within" else "within 99.8% limits",
        )
        for k, c in POSITION_COLOURS.items()
        if k != "no data"
    ]
    existing, names = ax.get_legend_handles_labels()
    ax.legend(
        existing + handles,
        names + [h.get_label() for h in handles],
        loc="upper right",
        fontsize=7,
        frameon=True,
    )
    return fig
