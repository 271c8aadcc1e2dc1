"""Other charts: association scatter with its fitted line, a force's outcome mix and the
caterpillar plot of shrunken (empirical Bayes) force rates."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers.figures.saving import attach_data
from helpers.figures.theme import MIN_TICK_SIZE, OKABE_ITO, percent_axis, place_labels, short_names


def _point_names(frame: pd.DataFrame, label: str, unit: str) -> pd.Series:
    """Readable names for points: the short force name (with the year when a force has several
    rows), else the ``label`` column, else the unit."""
    if unit in frame:
        names = frame[unit].map(short_names()).fillna(frame[unit].astype(str))
        if "financial_year" in frame and frame[unit].duplicated().any():
            names = names + " " + frame["financial_year"].astype(str)
        return names
    if label in frame:
        return frame[label].astype(str)
    return pd.Series([str(i) for i in frame.index], index=frame.index)


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
    max_labels: int = 6,
):
    """Scatter of two force rates (proportions), points sized by ``weight``, with the weighted
    least-squares line from ``helpers.analysis.statistics.weighted_association`` (``fit``:
    intercept, slope, slope_lower, slope_upper, r).

    The fitted line (solid) is drawn only over the range of the data and only where it lies in
    [0, 1] (a rate cannot be negative). The two dashed lines are the fit with the slope at the
    ends of its 95% confidence interval, through the weighted mean point; the legend says so.
    Labels: only the ``max_labels`` points furthest from the line (largest absolute residual)
    and ``highlight``, named by short force name (with the year when a force has several points),
    placed so that no two labels overlap (a label that cannot be placed is left out). The legend
    sits right of the axes.

    The figure carries the numbers drawn (``figures.drawn_data(fig)``: the points' x, y, weight
    and whether labelled, then the drawn line ends). A notebook calls ``fig =
    figures.scatter_with_fit(table, "rate_x", "rate_y", "trials", fit, x_label, y_label, title)``.
    """
    fig, ax = plt.subplots(figsize=(9.5, 5.8))
    data = frame.dropna(subset=[x, y]).copy()
    sizes = 15 + 185 * (data[weight] / data[weight].max())
    ax.scatter(
        data[x],
        data[y],
        s=sizes,
        color=OKABE_ITO["blue"],
        alpha=0.6,
        edgecolor="white",
        linewidth=0.5,
    )
    grid = np.linspace(float(data[x].min()), float(data[x].max()), 200)

    def inside(values):
        return np.where((values >= 0) & (values <= 1), values, np.nan)

    line = inside(fit["intercept"] + fit["slope"] * grid)
    ax.plot(
        grid,
        line,
        color=OKABE_ITO["orange"],
        lw=2,
        label=f"weighted fit: slope {fit['slope']:.2f} (95% CI {fit['slope_lower']:.2f} to "
        f"{fit['slope_upper']:.2f}); r = {fit['r']:.2f}",
    )
    centre_x = np.average(data[x], weights=data[weight])
    centre_y = fit["intercept"] + fit["slope"] * centre_x
    for i, slope in enumerate((fit["slope_lower"], fit["slope_upper"])):
        ax.plot(
            grid,
            inside(centre_y + slope * (grid - centre_x)),
            color=OKABE_ITO["orange"],
            lw=0.8,
            ls="--",
            label="fit with the slope at each end of its 95% CI\n(through the weighted mean point)"
            if i == 0
            else None,
        )
    names = _point_names(data, label, unit)
    residual = (data[y] - (fit["intercept"] + fit["slope"] * data[x])).abs()
    chosen = list(residual.sort_values(ascending=False).index[:max_labels])
    if highlight is not None and unit in data:
        chosen = list(data.index[data[unit] == highlight]) + chosen
    chosen = list(dict.fromkeys(chosen))
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    percent_axis(ax, "x", 1)
    percent_axis(ax, "y", 1)
    ax.set_title(title)
    ax.legend(fontsize=7.5, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    fig.subplots_adjust(left=0.1, right=0.64, bottom=0.12)
    if highlight is not None and unit in data and highlight in set(data[unit]):
        row = data[data[unit] == highlight].iloc[0]
        ax.scatter([row[x]], [row[y]], s=160, facecolor="none", edgecolor="black", linewidth=1.6)
    # freeze the view so that the labels' places (checked for overlap) do not move afterwards
    ax.set_xlim(ax.get_xlim())
    ax.set_ylim(ax.get_ylim())
    placed = place_labels(
        ax,
        [
            (
                data.loc[i, x],
                data.loc[i, y],
                names.loc[i],
                unit in data and data.loc[i, unit] == highlight,
            )
            for i in chosen
        ],
    )
    labelled = {note.get_text() for note in placed}
    points = data[[c for c in (unit, "financial_year", x, y, weight) if c in data]].copy()
    points.insert(0, "element", "point")
    points["label"] = names.where(names.isin(labelled), "")
    ends = pd.DataFrame(
        {
            "element": "fitted line",
            x: grid[[0, -1]],
            y: fit["intercept"] + fit["slope"] * grid[[0, -1]],
        }
    )
    attach_data(fig, pd.concat([points, ends], ignore_index=True))
    return fig


def outcome_mix_plot(mix: pd.DataFrame, force_name: str, title: str = ""):
    """Horizontal bars: each outcome category's share of outcomes for a force beside the nation
    (``mix``: outcome, force_share, national_share as proportions; ``rates.outcome_mix``). The
    legend sits under the bars. The figure carries ``mix`` as its drawn data."""
    fig, ax = plt.subplots(figsize=(8, 4.4))
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
    ax.tick_params(axis="x", labelsize=8)
    ax.set_title(title)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    handles, names = ax.get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=2, fontsize=8, frameon=False)
    attach_data(fig, mix)
    return fig


def caterpillar_plot(
    shrunken_table: pd.DataFrame,
    title: str = "",
    rate_label: str = "share of outcomes assigned",
    unit: str = "force_code",
    highlight: str | None = None,
    mean_rate: float | None = None,
):
    """Caterpillar plot of shrunken (empirical Bayes) force rates with their 95% intervals,
    sorted from lowest to highest, beside each force's observed rate.

    ``shrunken_table``: one row per force with ``unit``, ``rate`` (observed), ``shrunken``,
    ``lower``, ``upper`` (proportions), as ``helpers.analysis.robustness.shrunken_estimates``
    returns (``models.shrunken_rates`` with the force codes); rows without a shrunken estimate
    (no data) are not drawn and are named in the note. ``mean_rate``: the model's mean rate
    (default ``shrunken_table.attrs['mean_rate']`` when present), drawn as a vertical line.
    Filled dot: shrunken estimate; hollow diamond: observed rate.

    Where a funnel plot cannot single out any force (wide limits when forces differ a lot),
    this shows how far apart the forces' underlying rates are and which are clearly above or
    below the mean. The figure carries the drawn rows (``figures.drawn_data(fig)``). A notebook
    calls ``fig = figures.caterpillar_plot(robustness.shrunken_estimates(result), title=...)``.
    """
    table = (
        shrunken_table.dropna(subset=["shrunken"]).sort_values("shrunken").reset_index(drop=True)
    )
    missing = shrunken_table[shrunken_table["shrunken"].isna()]
    mean_rate = mean_rate if mean_rate is not None else shrunken_table.attrs.get("mean_rate")
    fig, ax = plt.subplots(figsize=(8.5, max(3.0, 0.2 * len(table) + 1.6)))
    positions = np.arange(len(table))
    names = table[unit].map(short_names()).fillna(table[unit].astype(str))
    colours = [
        OKABE_ITO["vermillion"] if code == highlight else OKABE_ITO["blue"] for code in table[unit]
    ]
    ax.hlines(positions, table["lower"], table["upper"], colors=colours, lw=1.6)
    ax.scatter(
        table["shrunken"],
        positions,
        color=colours,
        s=22,
        zorder=3,
        label="shrunken estimate with 95% interval",
    )
    ax.scatter(
        table["rate"],
        positions,
        marker="D",
        facecolor="none",
        edgecolor="#555555",
        s=18,
        zorder=4,
        label="observed rate",
    )
    if mean_rate is not None:
        ax.axvline(mean_rate, color=OKABE_ITO["black"], lw=1, label=f"model mean: {mean_rate:.1%}")
    ax.set_yticks(positions, names, fontsize=MIN_TICK_SIZE + 0.5)
    ax.set_ylim(-0.8, len(table) - 0.2)
    percent_axis(ax, "x", 0)
    ax.tick_params(axis="x", labelsize=8)
    ax.set_xlabel(rate_label)
    ax.set_title(title)
    ax.legend(fontsize=7.5, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    note = (
        "Shrunken (empirical Bayes) estimates: each force's rate pulled toward the mean in "
        "proportion to its sampling noise, so small forces move most."
    )
    if len(missing):
        listed = ", ".join(sorted(missing[unit].map(short_names()).fillna(missing[unit])))
        note += f" Not drawn (no data): {listed}."
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    fig.subplots_adjust(right=0.68)
    fig.text(0.01, 0.005, note, fontsize=7.5, va="bottom", wrap=True)
    attach_data(fig, table)
    return fig
