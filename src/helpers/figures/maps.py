"""Maps of forces: the tile map of the 43 police force areas and the coverage grid."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers.figures.theme import OKABE_ITO, SEQUENTIAL_CMAP
from helpers.reference import forces


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
