"""Time series figures: the trend panel (one small chart per force in tile-map layout), national
series, a force's trends and the published pre-2015 points.

Every year axis is a full axis: a year without data keeps its place and lines break there
(``theme.on_year_axis``), so a gap is never drawn as a straight line across the missing years.
"""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers.figures.saving import attach_data
from helpers.figures.theme import (
    MIN_TICK_SIZE,
    OKABE_ITO,
    count_axis,
    full_years,
    isolated,
    on_year_axis,
    percent_axis,
    set_year_ticks,
    short_names,
    year_label,
)
from helpers.reference import forces

#: how far above the 95th percentile of the upper interval limits the common panel scale goes
PANEL_SCALE_FACTOR = 1.5


def _panel_scale(frame: pd.DataFrame, upper: str) -> float:
    """One y scale for every panel: 1.5 x the 95th percentile of the upper limits (so one force
    far above the rest does not flatten everyone), never above the highest upper limit."""
    values = frame[upper].dropna().to_numpy(float)
    if not len(values):
        return 1.0
    return min(float(values.max()), float(np.quantile(values, 0.95)) * PANEL_SCALE_FACTOR) * 1.05


def _line_with_gaps(ax, x, y, colour, lw, **kwargs):
    """A line that breaks at NaN, with a marker on any value that has no neighbour."""
    ax.plot(x, y, color=colour, lw=lw, **kwargs)
    alone = isolated(y)
    if alone.any():
        ax.plot(np.asarray(x)[alone], np.asarray(y, dtype=float)[alone], "o", color=colour, ms=3)


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

    ``frame``: one row per unit-year with ``rate``, ``lower``, ``upper`` (proportions); ``time``
    holds financial years ('2019/20') or calendar years. The x axis has every year from the first
    to the last: a force-year without data leaves a gap (the line breaks; a lone year is a dot).
    One y scale for all panels (``_panel_scale``); a value above it is drawn at the top edge with
    an upward triangle and the panel says 'off scale' with the force's highest value, so that its
    line stays visible. Welsh forces have black dashed frames and bold names; ticks are at least
    7 pt.

    The figure carries the numbers drawn (``figures.drawn_data(fig)``): series ('force' or
    'national'), force_code, force_name, the year, rate, lower, upper and ``off_scale``. A
    notebook calls ``fig = figures.trend_panel(result.rates, "force_code", "financial_year",
    "rate", "ci_lower", "ci_upper", national=result.national, title=...)`` and saves it with
    ``data=None``.
    """
    grid = forces.force_grid()
    names = short_names()
    n_rows, n_cols = int(grid["row"].max()) + 1, int(grid["col"].max()) + 1
    fig, axes = plt.subplots(
        n_rows, n_cols, figsize=(n_cols * 2.0, n_rows * 1.55), sharex=True, sharey=True
    )
    all_years = list(frame[time]) + (list(national[time]) if national is not None else [])
    starts, kind = full_years(all_years)
    ymax = _panel_scale(frame, upper)
    nat = on_year_axis(national, time, starts) if national is not None else None
    occupied = {(int(r), int(c)) for r, c in zip(grid["row"], grid["col"], strict=True)}
    # shared limits set once and autoscaling off: autoscaling 63 shared axes is slow
    first = axes[min(occupied)]
    first.set_ylim(0, ymax * 1.06)  # room for a line drawn at the scale's top
    if starts:
        first.set_xlim(starts[0] - 0.5, starts[-1] + 0.5)
    for (row_i, col_i), ax in np.ndenumerate(axes):
        if (row_i, col_i) in occupied:
            ax.set_autoscale_on(False)
        else:
            fig.delaxes(ax)  # an empty tile: removed, not hidden (hidden axes still cost layout)
    drawn = []
    bottomless = []  # panels with no panel under them: they show their own year labels
    for _, tile in grid.iterrows():
        row_i, col_i = int(tile["row"]), int(tile["col"])
        ax = axes[row_i, col_i]
        data = on_year_axis(frame[frame[unit] == tile["code"]], time, starts)
        if nat is not None:
            ax.plot(nat["_x"], nat[rate], color="#8C8C8C", lw=1)
        colour = OKABE_ITO["vermillion"] if highlight == tile["code"] else OKABE_ITO["blue"]
        values = data[rate].to_numpy(float)
        off = values > ymax
        ax.fill_between(
            data["_x"],
            np.minimum(data[lower].to_numpy(float), ymax),
            np.minimum(data[upper].to_numpy(float), ymax),
            color=colour,
            alpha=0.25,
            lw=0,
        )
        _line_with_gaps(ax, data["_x"], np.minimum(values, ymax), colour, 1.3)
        if off.any():
            ax.plot(
                data["_x"][off],
                np.full(int(off.sum()), ymax),
                "^",
                color=OKABE_ITO["vermillion"],
                ms=4,
                clip_on=False,
                zorder=5,
            )
            ax.text(
                0.03,
                0.5,
                f"off scale (\u25b2): up to {np.nanmax(values):.1%}",
                transform=ax.transAxes,
                fontsize=MIN_TICK_SIZE,
                color=OKABE_ITO["vermillion"],
                va="top",
            )
        wales = tile["country"] == "Wales"
        ax.set_title(
            names.get(tile["code"], tile["code"]),
            fontsize=7.5,
            pad=2,
            fontweight="bold" if wales else "normal",
        )
        percent_axis(ax, "y")
        ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(3, steps=[1, 2, 5, 10]))
        ax.tick_params(labelsize=MIN_TICK_SIZE, length=2, pad=1, labelleft=True)
        ax.tick_params(axis="x", labelrotation=90)
        if (row_i + 1, col_i) not in occupied:
            bottomless.append(ax)
        for spine in ax.spines.values():
            if wales:
                spine.set_edgecolor(OKABE_ITO["black"])
                spine.set_linewidth(1.5)
                spine.set_linestyle((0, (3, 2)))
            else:
                spine.set_edgecolor("#BBBBBB")
        kept = data.dropna(subset=[rate])
        drawn.append(
            pd.DataFrame(
                {
                    "series": "force",
                    "force_code": tile["code"],
                    "force_name": tile["name"],
                    time: kept[time].to_numpy(),
                    "rate": kept[rate].to_numpy(float),
                    "lower": kept[lower].to_numpy(float),
                    "upper": kept[upper].to_numpy(float),
                    "off_scale": kept[rate].to_numpy(float) > ymax,
                }
            )
        )
    ticked = axes[max(occupied)]  # the shared x axis's ticks are set on a tile that exists
    set_year_ticks(ticked, starts, kind, every=3 if len(starts) > 6 else 1, rotation=90)
    fig.suptitle(title, fontsize=11, fontweight="bold")
    fig.text(
        0.5,
        0.005,
        "Blue: force rate with 95% interval; grey: national rate; a gap is a year without data. "
        f"One scale for all panels (to {ymax:.1%}); \u25b2 at the top edge: a value above it.\n"
        "Panels placed roughly as the forces lie on a map; Welsh forces have black dashed frames "
        "and bold names.",
        ha="center",
        fontsize=7.5,
    )
    # fixed margins (tight_layout over 63 axes is slow and gives the same here)
    fig.subplots_adjust(left=0.045, right=0.99, top=0.94, bottom=0.085, hspace=0.5, wspace=0.38)
    for ax in bottomless:  # after the layout: their labels hang into the empty tile below
        ax.tick_params(labelbottom=True)
    if nat is not None:
        kept = nat.dropna(subset=[rate])
        drawn.append(
            pd.DataFrame(
                {
                    "series": "national",
                    "force_code": "",
                    "force_name": "England and Wales",
                    time: kept[time].to_numpy(),
                    "rate": kept[rate].to_numpy(float),
                }
            )
        )
    attach_data(fig, pd.concat(drawn, ignore_index=True))
    return fig


def national_series_plot(
    series: pd.DataFrame,
    time: str,
    panels: list[tuple[str, str, bool]],
    title: str = "",
    notes: str = "",
):
    """One row of panels of national series over years. ``panels``: (column, label, is_rate);
    rates (proportions) show their 95% interval when ``<column>_lower``/``_upper`` exist.

    The x axis has every year from the first to the last year of ``series[time]`` (financial
    years 'YYYY/YY' or calendar years): a year without a figure keeps its place, lines break
    there and a figure with no neighbour is a dot. ``notes`` go under the panels.

    The figure carries the numbers drawn (``figures.drawn_data(fig)``: panel column, year,
    value, lower, upper). A notebook calls ``fig = figures.national_series_plot(series,
    "financial_year", [(column, label, is_rate), ...], title, notes)``.
    """
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.8), squeeze=False)
    starts, kind = full_years(series[time])
    drawn = []
    for ax, (column, label, is_rate) in zip(axes[0], panels, strict=True):
        data = on_year_axis(series.dropna(subset=[column]), time, starts)
        lower, upper = f"{column}_lower", f"{column}_upper"
        has_band = lower in data and upper in data
        if has_band:
            ax.fill_between(
                data["_x"], data[lower], data[upper], color=OKABE_ITO["blue"], alpha=0.2, lw=0
            )
        ax.plot(data["_x"], data[column], marker="o", ms=4, color=OKABE_ITO["blue"], lw=1.6)
        ax.set_title(label, fontsize=10)
        set_year_ticks(ax, starts, kind, every=1 if len(starts) <= 12 else 2, rotation=45)
        for tick in ax.get_xticklabels():
            tick.set_horizontalalignment("right")
        top = float(np.nanmax(data[upper] if has_band else data[column]))
        if is_rate:
            percent_axis(ax, "y", 0)
            ax.set_ylim(0, min(1, top * 1.15))
        else:
            ax.set_ylim(0, top * 1.15)
            count_axis(ax, "y")
        ax.tick_params(axis="y", labelsize=8)
        kept = data.dropna(subset=[column])
        drawn.append(
            pd.DataFrame(
                {
                    "panel": column,
                    time: kept[time].to_numpy(),
                    "value": kept[column].to_numpy(float),
                    "lower": kept[lower].to_numpy(float) if has_band else np.nan,
                    "upper": kept[upper].to_numpy(float) if has_band else np.nan,
                }
            )
        )
    fig.suptitle(title, fontsize=11, fontweight="bold")
    fig.tight_layout()
    if notes:
        fig.subplots_adjust(bottom=0.3)
        fig.text(0.5, 0.02, notes, ha="center", va="bottom", fontsize=7.5, wrap=True)
    attach_data(fig, pd.concat(drawn, ignore_index=True))
    return fig


def published_points_plot(
    table: pd.DataFrame,
    x: str,
    y: str,
    group: str,
    title: str = "",
    y_label: str = "",
    note: str = "",
    derived: str = "derived",
    derivation: str = "derivation",
):
    """Published figures as separate points (never joined: a line between two years would
    suggest values for the years between, which were not published). ``table`` holds one figure
    per row with a calendar year ``x``, a count ``y`` and a coverage ``group`` (the legend label:
    it must say what is counted and where). Rows with ``table[derived]`` True are arithmetic on
    published figures (``table[derivation]`` says which), drawn as hollow markers and labelled
    'derived'; their derivations are listed in the note under the chart after ``note``.

    The figure carries the numbers drawn (``figures.drawn_data(fig)``: the table's rows). A
    notebook calls ``fig = figures.published_points_plot(published.community_resolution_history(implied=True),
    "year", "count", "coverage_group", title, "cases", note)``.
    """
    fig, ax = plt.subplots(figsize=(8.5, 4.4))
    colours = [OKABE_ITO["blue"], OKABE_ITO["orange"], OKABE_ITO["purple"], OKABE_ITO["sky_blue"]]
    is_derived = (
        table[derived].fillna(False).astype(bool)
        if derived in table
        else pd.Series(False, index=table.index)
    )
    for colour, (name, data) in zip(colours, table.groupby(group, sort=False), strict=False):
        data = data.sort_values(x)
        flag = is_derived.loc[data.index]
        ax.plot(data.loc[~flag, x], data.loc[~flag, y], "o", ms=7, color=colour, ls="", label=name)
        if flag.any():
            ax.plot(
                data.loc[flag, x],
                data.loc[flag, y],
                "o",
                ms=7,
                ls="",
                markerfacecolor="white",
                markeredgecolor=colour,
                markeredgewidth=1.6,
                label=f"{name}: derived (see note)",
            )
        for index, row in data.iterrows():
            ax.annotate(
                f"{row[y]:,.0f}" + (" (derived)" if is_derived.loc[index] else ""),
                (row[x], row[y]),
                xytext=(0, 7),
                textcoords="offset points",
                ha="center",
                fontsize=8,
            )
    years = list(range(int(table[x].min()), int(table[x].max()) + 1))
    ax.set_xticks(years, [year_label(v, "calendar") for v in years])
    ax.set_xlim(years[0] - 0.6, years[-1] + 0.6)
    ax.set_ylim(0, float(table[y].max()) * 1.25)
    count_axis(ax, "y")
    ax.set_ylabel(y_label)
    ax.set_title(title)
    ax.legend(fontsize=7.5, loc="upper left", bbox_to_anchor=(0, -0.12), frameon=False)
    lines = [note] if note else []
    if derivation in table:
        lines += [f"Derived: {text}" for text in table.loc[is_derived, derivation].dropna()]
    fig.tight_layout()
    if lines:
        ax.text(
            0,
            -0.42,
            "\n".join(lines),
            transform=ax.transAxes,
            fontsize=7.5,
            va="top",
            wrap=True,
        )
    attach_data(fig, table)
    return fig


def profile_trend_rows(key: str, force: pd.DataFrame, national: pd.DataFrame) -> pd.DataFrame:
    """The rows a profile trend chart draws for one measure: the force's rates with their 95%
    interval and the national rates (no interval drawn), years with a rate only. In:
    ``force`` (financial_year, rate, ci_lower, ci_upper) and ``national`` (financial_year,
    rate). Out: measure, series ('force' / 'national'), financial_year, rate, ci_lower,
    ci_upper (proportions; NaN for the national interval). Shared by the static chart
    (``profile_trends_plot``) and the force page's interactive one, so their CSVs agree."""
    rows = []
    for who, frame in (("force", force), ("national", national)):
        kept = frame.dropna(subset=["rate"])
        rows.append(
            pd.DataFrame(
                {
                    "measure": key,
                    "series": who,
                    "financial_year": kept["financial_year"].to_numpy(),
                    "rate": kept["rate"].to_numpy(float),
                    "ci_lower": kept["ci_lower"].to_numpy(float) if who == "force" else np.nan,
                    "ci_upper": kept["ci_upper"].to_numpy(float) if who == "force" else np.nan,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def profile_trends_plot(
    series: dict[str, pd.DataFrame],
    national: dict[str, pd.DataFrame],
    labels: dict[str, str],
    force_name: str,
    title: str = "",
):
    """One panel per measure: the force's rate with its 95% interval and the national rate.

    ``series[key]``: the force's rows (financial_year, rate, ci_lower, ci_upper; proportions);
    ``national[key]``: financial_year, rate. Years without data leave a gap. The legend sits
    under the panels. The figure carries the numbers drawn (``figures.drawn_data(fig)``:
    measure, series ('force'/'national'), financial_year, rate, ci_lower, ci_upper); a caller
    saves it with ``data=None`` so the CSV holds the force and the national lines.
    """
    fig, axes = plt.subplots(1, len(series), figsize=(4.3 * len(series), 3.6), squeeze=False)
    drawn = []
    for ax, (key, data) in zip(axes[0], series.items(), strict=True):
        nat = national[key]
        starts, kind = full_years(list(data["financial_year"]) + list(nat["financial_year"]))
        own = on_year_axis(data, "financial_year", starts)
        nat_drawn = on_year_axis(nat, "financial_year", starts)
        ax.plot(
            nat_drawn["_x"], nat_drawn["rate"], color="#8C8C8C", lw=1.4, label="England and Wales"
        )
        ax.fill_between(
            own["_x"], own["ci_lower"], own["ci_upper"], color=OKABE_ITO["blue"], alpha=0.25, lw=0
        )
        ax.plot(
            own["_x"],
            own["rate"],
            color=OKABE_ITO["blue"],
            marker="o",
            ms=3,
            lw=1.6,
            label=force_name,
        )
        ax.set_title(labels[key], fontsize=9)
        set_year_ticks(ax, starts, kind, every=1 if len(starts) <= 12 else 2, rotation=90)
        top = max(float(np.nanmax(own["ci_upper"])), float(np.nanmax(nat_drawn["rate"])))
        ax.set_ylim(0, min(1.0, top * 1.2))
        percent_axis(ax, "y", 1 if float(np.nanmax(nat_drawn["rate"])) < 0.05 else 0)
        ax.tick_params(axis="y", labelsize=8)
        drawn.append(profile_trend_rows(key, data, nat))
    handles, names = axes[0][0].get_legend_handles_labels()
    fig.suptitle(title, fontsize=11, fontweight="bold")
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    fig.legend(handles, names, loc="lower center", ncol=2, fontsize=8, frameon=False)
    attach_data(fig, pd.concat(drawn, ignore_index=True))
    return fig
