"""Maps of forces: the tile map of the 43 police force areas and the coverage grid."""

from __future__ import annotations

import textwrap

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers.figures.saving import attach_data
from helpers.figures.theme import (
    MIN_TICK_SIZE,
    OKABE_ITO,
    SEQUENTIAL_CMAP,
    count_axis,
    percent_axis,
)
from helpers.reference import forces


def _tile_name(name: str) -> str:
    """A short name broken to fit a tile: at spaces, and '-shire' names before 'shire'."""
    words = []
    for word in name.split(" "):
        if word.endswith("shire") and len(word) > 11:
            word = word[:-5] + "-\nshire"
        words.append(word)
    lines, line = [], ""
    for word in words:
        if line and len(line) + 1 + len(word.split("\n")[0]) > 11:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)


def _fit_in_tiles(ax, texts, width: float, smallest: float = 4.5) -> None:
    """Shrink each text until it is at most ``width`` data units wide (tiles are 1 unit)."""
    fig = ax.figure
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    unit = ax.transData.transform((1, 0))[0] - ax.transData.transform((0, 0))[0]
    for text in texts:
        extent = text.get_window_extent(renderer).width
        if extent > width * unit:
            text.set_fontsize(max(smallest, text.get_fontsize() * width * unit / extent))


def force_map(
    values: pd.Series,
    title: str = "",
    value_label: str = "",
    percent: bool = True,
    highlight: str | None = None,
    cmap: str = SEQUENTIAL_CMAP,
    ax=None,
    cap_percentile: float | None = 95,
    flagged=None,
    flag_label: str = "hatched: fewer than 10 events (small numbers)",
):
    """Tile map of the 43 police force areas coloured by ``values`` (a Series of proportions, or
    counts with ``percent=False``, indexed by force code). Positions come from
    ``data/reference/force_grid.csv``; tiles carry the readable short name and the value; Welsh
    forces have dashed black edges; forces with no value are light grey and say 'no data' (also
    listed under the map).

    Colour scale: from the lowest value to the ``cap_percentile`` percentile of the forces'
    values (numpy, linear interpolation; default the 95th), so that one force cannot stretch the
    scale and flatten everyone else; forces at or above the cap take the top colour, the colour
    bar ends in an arrow labelled 'X or more' and the note under the map states the cap. Each
    tile still prints its own exact value. ``cap_percentile=None`` uses the full range.

    ``flagged``: force codes to hatch (e.g. ``robustness.small_numbers(result)`` flags, fewer
    events than a documented minimum), explained by ``flag_label`` under the map.

    The figure carries the numbers drawn (``figures.drawn_data(fig)``: code, name, value, colour
    value after the cap, flagged). A notebook calls ``fig = figures.force_map(
    result.latest.set_index("force_code")["rate"], title=..., value_label=...,
    flagged=robustness.flagged_codes(result))`` and saves it with ``data=None``.
    """
    grid = forces.force_grid().copy()
    grid["value"] = grid["code"].map(values).astype(float)
    flagged = set(flagged or [])
    grid["flagged"] = grid["code"].isin(flagged)
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.0, 8.2))
    else:
        fig = ax.figure
    finite = grid["value"].dropna()
    vmin, vmax = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
    capped = False
    if cap_percentile is not None and len(finite) >= 5:
        cap = float(np.percentile(finite, cap_percentile))
        if cap < vmax and cap > vmin:
            vmax, capped = cap, True
    if vmax == vmin:
        vmax = vmin + 1e-9
    grid["colour_value"] = grid["value"].clip(upper=vmax)
    colormap = plt.get_cmap(cmap)
    norm = matplotlib.colors.Normalize(vmin=vmin, vmax=vmax)

    def shown(value: float) -> str:
        return f"{value:.1%}" if percent else f"{value:,.0f}"

    names = []
    for _, tile in grid.iterrows():
        x, y = float(tile["col"]), -float(tile["row"])
        has_value = pd.notna(tile["value"])
        face = colormap(norm(tile["colour_value"])) if has_value else "#E5E5E5"
        wales = tile["country"] == "Wales"
        ax.add_patch(
            matplotlib.patches.FancyBboxPatch(
                (x - 0.46, y - 0.46),
                0.92,
                0.92,
                boxstyle="round,pad=0.0,rounding_size=0.08",
                facecolor=face,
                edgecolor=OKABE_ITO["black"] if wales else "white",
                linewidth=1.6 if wales else 1.0,
                linestyle=(0, (3, 2)) if wales else "-",
            )
        )
        if tile["flagged"]:
            ax.add_patch(
                matplotlib.patches.Rectangle(
                    (x - 0.44, y - 0.44),
                    0.88,
                    0.88,
                    fill=False,
                    hatch="////",
                    edgecolor="#FFFFFF" if has_value else "#666666",
                    linewidth=0,
                    alpha=0.6,
                )
            )
        luminance = np.dot(matplotlib.colors.to_rgb(face), [0.299, 0.587, 0.114])
        text_colour = "black" if luminance > 0.5 else "white"
        names.append(
            ax.text(
                x,
                y + 0.1,
                _tile_name(str(tile["short_name"])),
                ha="center",
                va="center",
                fontsize=6.5,
                color=text_colour,
                fontweight="bold",
                linespacing=0.95,
            )
        )
        ax.text(
            x,
            y - 0.3,
            shown(tile["value"]) if has_value else "no data",
            ha="center",
            va="center",
            fontsize=6.5,
            color=text_colour,
        )
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
    bar = fig.colorbar(
        mappable,
        ax=ax,
        orientation="horizontal",
        fraction=0.04,
        pad=0.03,
        extend="max" if capped else "neither",
    )
    bar.set_label(value_label, fontsize=8)
    if percent:
        percent_axis(bar.ax, "x", 1)
    else:
        count_axis(bar.ax, "x")
    bar.ax.tick_params(labelsize=MIN_TICK_SIZE)
    _fit_in_tiles(ax, names, width=0.86)
    notes = ["Dashed black edges: Welsh forces. Tiles placed roughly as forces lie; not to scale."]
    if capped:
        above = grid[grid["value"] >= vmax].sort_values("value", ascending=False)
        bar.ax.text(
            1.0,
            1.25,
            f"{shown(vmax)} or more",
            transform=bar.ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=MIN_TICK_SIZE,
        )
        notes.append(
            f"Colours stop at the {cap_percentile:g}th percentile of forces ({shown(vmax)}): "
            f"{len(above)} force(s) at or above it share the top colour; each tile gives its value."
        )
    missing = grid[grid["value"].isna()]
    if len(missing):
        notes.append("No data: " + ", ".join(sorted(missing["short_name"])) + ".")
    if flagged:
        notes.append(flag_label[0].upper() + flag_label[1:] + ".")
    ax.set_title(title)
    # the notes go under the colour bar (its ticks and label take about 0.45 inch)
    box = bar.ax.get_position()
    fig.text(
        box.x0,
        box.y0 - 0.5 / fig.get_size_inches()[1],
        "\n".join(textwrap.fill(n, 100) for n in notes),
        fontsize=7,
        va="top",
    )
    attach_data(
        fig,
        grid[["code", "name", "value", "colour_value", "flagged"]].rename(
            columns={"code": "force_code", "name": "force_name"}
        ),
    )
    return fig


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
    attach_data(fig, coverage)
    return fig
