"""The collection's figure theme: Okabe-Ito colours (colour-blind safe, no red/green value
judgement), matplotlib/seaborn settings and axis helpers."""

from __future__ import annotations

import matplotlib
import pandas as pd

from helpers.reference import forces

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
