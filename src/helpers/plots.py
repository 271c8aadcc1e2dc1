"""Figures for the collection: one theme, funnel plots, trend panels, a tile map, and saving.

Colours come from the Okabe-Ito palette (safe for the common forms of colour blindness) and
never use red against green as a value judgement: forces above the limits are orange, below are
blue, within are grey. Every figure is saved by ``save_figure`` with the CSV of the numbers it
plots, with stable metadata (identical bytes on a rerun), and - when the data are the synthetic
sample - a visible "SYNTHETIC SAMPLE - not real data" mark.
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from helpers import config, forces
from helpers.datamode import SYNTHETIC_BANNER, DataMode
from helpers.stats import Comparison, level_label

#: Okabe-Ito colours
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#8C8C8C",
}
POSITION_COLOURS = {
    "above": OKABE_ITO["orange"],
    "below": OKABE_ITO["blue"],
    "within": OKABE_ITO["grey"],
    "no data": "#DDDDDD",
}
SEQUENTIAL_CMAP = "cividis"
MANIFEST_COLUMNS = ["figure", "notebook", "section", "data_csv", "data_sha256", "data_mode"]


def set_theme() -> None:
    """The collection's matplotlib/seaborn theme: readable at report size, deterministic output."""
    import seaborn as sns

    sns.set_theme(
        context="notebook", style="whitegrid", palette=list(OKABE_ITO.values())[1:], font_scale=1.0
    )
    matplotlib.rcParams.update(
        {
            "figure.dpi": 100,
            "savefig.dpi": 120,
            "figure.figsize": (8, 5),
            "axes.titlesize": 12,
            "axes.titleweight": "bold",
            "axes.labelsize": 10,
            "legend.fontsize": 8,
            "svg.hashsalt": "da-police-outcomes",
            "svg.fonttype": "path",
            "font.family": "DejaVu Sans",
        }
    )


def percent_axis(ax, axis: str = "y", decimals: int = 0) -> None:
    """Show a proportion axis in per cent."""
    from matplotlib.ticker import PercentFormatter

    formatter = PercentFormatter(xmax=1, decimals=decimals)
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(formatter)


def _short_labels() -> pd.Series:
    return forces.force_grid().set_index("code")["label"]


def funnel_plot(
    comparison: Comparison,
    unit: str = "force_code",
    title: str = "",
    rate_label: str = "rate",
    highlight: str | None = None,
    label_level: float = 0.998,
    ax=None,
):
    """Funnel plot of a ``helpers.stats.Comparison``.

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


def force_map(
    values: pd.Series,
    title: str = "",
    value_label: str = "",
    percent: bool = True,
    highlight: str | None = None,
    cmap: str = SEQUENTIAL_CMAP,
    ax=None,
):
    """Tile map of the 43 police force areas coloured by ``values`` (a Series indexed by force
    code). Positions come from ``data/reference/force_grid.csv``; Welsh forces have dashed
    black edges; forces with no value are light grey and say 'no data'. A labelled colour bar is the
    legend."""
    grid = forces.force_grid().copy()
    grid["value"] = grid["code"].map(values)
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.2, 7.2))
    else:
        fig = ax.figure
    finite = grid["value"].dropna()
    vmin, vmax = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
    if vmax == vmin:
        vmax = vmin + 1e-9
    colormap = plt.get_cmap(cmap)
    norm = matplotlib.colors.Normalize(vmin=vmin, vmax=vmax)
    for _, tile in grid.iterrows():
        x, y = float(tile["col"]), -float(tile["row"])
        has_value = pd.notna(tile["value"])
        face = colormap(norm(tile["value"])) if has_value else "#E5E5E5"
        wales = tile["country"] == "Wales"
        ax.add_patch(
            matplotlib.patches.FancyBboxPatch(
                (x - 0.45, y - 0.45),
                0.9,
                0.9,
                boxstyle="round,pad=0.0,rounding_size=0.08",
                facecolor=face,
                edgecolor=OKABE_ITO["black"] if wales else "white",
                linewidth=1.6 if wales else 1.0,
                linestyle=(0, (3, 2)) if wales else "-",
            )
        )
        luminance = np.dot(matplotlib.colors.to_rgb(face), [0.299, 0.587, 0.114])
        text_colour = "black" if luminance > 0.5 else "white"
        ax.text(
            x,
            y + 0.12,
            tile["label"],
            ha="center",
            va="center",
            fontsize=7,
            color=text_colour,
            fontweight="bold",
        )
        if has_value:
            shown = f"{tile['value']:.1%}" if percent else f"{tile['value']:,.0f}"
        else:
            shown = "no data"
        ax.text(x, y - 0.18, shown, ha="center", va="center", fontsize=6, color=text_colour)
        if highlight == tile["code"]:
            ax.add_patch(
                matplotlib.patches.Rectangle(
                    (x - 0.5, y - 0.5),
                    1.0,
                    1.0,
                    fill=False,
                    edgecolor=OKABE_ITO["vermillion"],
                    linewidth=2.5,
                )
            )
    ax.set_xlim(-0.6, grid["col"].max() + 0.6)
    ax.set_ylim(-grid["row"].max() - 0.6, 0.6)
    ax.set_aspect("equal")
    ax.set_axis_off()
    mappable = matplotlib.cm.ScalarMappable(norm=norm, cmap=colormap)
    bar = fig.colorbar(mappable, ax=ax, orientation="horizontal", fraction=0.04, pad=0.03)
    bar.set_label(value_label, fontsize=8)
    if percent:
        from matplotlib.ticker import PercentFormatter

        bar.ax.xaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=1))
    bar.ax.tick_params(labelsize=7)
    ax.set_title(title)
    ax.text(
        -0.5,
        0.45,
        "Dashed black edges: Welsh forces.\nTiles placed roughly as forces lie;\nnot to scale.",
        fontsize=6,
        va="top",
    )
    return fig


def _watermark(fig: Figure) -> None:
    fig.text(
        0.5,
        0.5,
        SYNTHETIC_BANNER.upper(),
        fontsize=30,
        color="#B0B0B0",
        alpha=0.35,
        ha="center",
        va="center",
        rotation=28,
        zorder=100,
        fontweight="bold",
    )
    fig.text(
        0.5,
        0.995,
        f"{SYNTHETIC_BANNER} - illustrates the method only; no number here is a finding",
        fontsize=8,
        color=OKABE_ITO["vermillion"],
        ha="center",
        va="top",
        fontweight="bold",
    )


class SavedFigure(dict):
    """The manifest row of a saved figure, shown in a notebook as one line."""

    def __repr__(self) -> str:
        return f"saved {self['figure']} (.png, .svg) with {self['data_csv']} (sha256 {self['data_sha256'][:12]}...; {self['data_mode']})"


def save_figure(
    fig: Figure,
    name: str,
    data: pd.DataFrame,
    mode: DataMode | str,
    notebook: str,
    section: str,
    directory: Path | None = None,
) -> SavedFigure:
    """Save a figure as ``NAME.png`` and ``NAME.svg`` with ``NAME.csv`` holding the exact numbers
    plotted, and record it in ``MANIFEST.csv`` (figure, notebook, section, data CSV and its sha256).

    ``mode`` is the resolved data mode (or its name: 'sample', 'official', or 'published' for a
    figure drawn only from the transcribed published figures): for the synthetic sample the figure
    gets a diagonal watermark and a banner. Metadata carry no timestamps, so the same data give the same
    bytes. Returns the manifest row.
    """
    mode_name = mode.name if isinstance(mode, DataMode) else str(mode)
    if mode_name not in ("sample", "official", "published"):
        raise ValueError(f"mode must be 'sample', 'official' or 'published', not {mode_name!r}")
    directory = Path(directory) if directory else config.figures_dir()
    directory.mkdir(parents=True, exist_ok=True)
    if mode_name == "sample":
        _watermark(fig)
    fig.savefig(directory / f"{name}.png", metadata={"Software": None}, bbox_inches="tight")
    fig.savefig(
        directory / f"{name}.svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight"
    )
    buffer = io.StringIO()
    data.to_csv(buffer, index=False, float_format="%.10g", lineterminator="\n")
    text = buffer.getvalue()
    (directory / f"{name}.csv").write_text(text, encoding="utf-8")
    row = {
        "figure": name,
        "notebook": notebook,
        "section": section,
        "data_csv": f"{name}.csv",
        "data_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "data_mode": mode_name,
    }
    update_manifest(row, directory / "MANIFEST.csv")
    return SavedFigure(row)


def update_manifest(row: dict[str, str], path: Path) -> None:
    """Insert or replace one figure's row in the manifest, kept sorted by figure name."""
    rows: dict[str, dict[str, str]] = {}
    if path.exists():
        with open(path, newline="", encoding="utf-8") as handle:
            rows = {r["figure"]: r for r in csv.DictReader(handle)}
    rows[row["figure"]] = row
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=MANIFEST_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for key in sorted(rows):
            writer.writerow({c: rows[key].get(c, "") for c in MANIFEST_COLUMNS})


def coverage_heatmap(
    coverage: pd.DataFrame, known_gaps: pd.DataFrame | None = None, title: str = ""
):
    """Force x year grid of data coverage: present (light blue), excluded by the publisher
    (orange) or absent (grey), with known gaps from the reference notes outlined and numbered."""
    statuses = {"present": 0, "excluded": 1, "absent": 2}
    table = coverage.copy()
    table["kind"] = table["status"].str.split(" ").str[0].map(statuses)
    matrix = table.pivot_table(
        index="force_name", columns="financial_year", values="kind", aggfunc="first"
    ).sort_index()
    fig, ax = plt.subplots(figsize=(1.0 + 0.55 * matrix.shape[1], 0.22 * matrix.shape[0] + 1.4))
    cmap = matplotlib.colors.ListedColormap(["#CFE3F3", OKABE_ITO["orange"], "#BDBDBD"])
    ax.imshow(
        matrix.to_numpy(dtype=float),
        aspect="auto",
        cmap=cmap,
        vmin=0,
        vmax=2,
        interpolation="nearest",
    )
    ax.set_xticks(range(matrix.shape[1]), matrix.columns, rotation=45, ha="right", fontsize=7)
    ax.set_yticks(range(matrix.shape[0]), matrix.index, fontsize=7)
    ax.grid(False)
    if known_gaps is not None:
        names = forces.force_names()
        for number, gap in enumerate(known_gaps.itertuples(index=False), start=1):
            name = names.get(gap.force_code)
            if name in matrix.index and gap.financial_year in matrix.columns:
                row, col = (
                    list(matrix.index).index(name),
                    list(matrix.columns).index(gap.financial_year),
                )
                ax.add_patch(
                    matplotlib.patches.Rectangle(
                        (col - 0.5, row - 0.5), 1, 1, fill=False, edgecolor="black", linewidth=1.5
                    )
                )
                ax.text(
                    col, row, str(number), ha="center", va="center", fontsize=7, fontweight="bold"
                )
    handles = [
        matplotlib.patches.Patch(color=colour, label=name)
        for colour, name in zip(
            cmap.colors, ["present", "left out by the publisher", "absent"], strict=True
        )
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=7)
    ax.set_title(title)
    fig.tight_layout()
    return fig


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
    line from ``helpers.stats.weighted_association`` and its 95% band for the slope."""
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
