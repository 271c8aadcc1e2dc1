"""The collection's figure theme: Okabe-Ito colours (colour-blind safe, no red/green value
judgement), matplotlib settings (seaborn's white-grid style, written out) and axis helpers (per-cent ticks whose labels are the
tick values exactly, a full financial-year axis with gaps kept, readable short force names)."""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.ticker import PercentFormatter

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
#: smallest font size (points) for any tick label
MIN_TICK_SIZE = 7


#: what ``seaborn.set_theme(context="notebook", style="whitegrid", palette=<the Okabe-Ito colours
#: after black>, font_scale=1.0)`` sets (seaborn 0.13), written out so that a process drawing a
#: figure need not import seaborn (about 1 CPU s in each kernel, the site and the briefings):
#: ``tests/test_vectorised_equivalence.py`` checks it against seaborn itself. Left out:
#: seaborn's default colour map ('rocket', registered by seaborn), which no figure uses (every
#: colour and colour map is named).
SEABORN_WHITEGRID_NOTEBOOK = {
    "axes.axisbelow": True,
    "axes.edgecolor": ".8",
    "axes.grid": True,
    "axes.labelcolor": ".15",
    "axes.labelsize": 12.0,
    "axes.linewidth": 1.25,
    "axes.titlesize": 12.0,
    "font.sans-serif": [
        "Arial",
        "DejaVu Sans",
        "Liberation Sans",
        "Bitstream Vera Sans",
        "sans-serif",
    ],
    "font.size": 12.0,
    "grid.color": ".8",
    "grid.linewidth": 1.0,
    "legend.fontsize": 11.0,
    "legend.title_fontsize": 12.0,
    "lines.solid_capstyle": "round",
    "patch.edgecolor": "w",
    "patch.force_edgecolor": True,
    "text.color": ".15",
    "xtick.bottom": False,
    "xtick.color": ".15",
    "xtick.labelsize": 11.0,
    "xtick.major.size": 6.0,
    "xtick.major.width": 1.25,
    "xtick.minor.size": 4.0,
    "xtick.minor.width": 1.0,
    "ytick.color": ".15",
    "ytick.labelsize": 11.0,
    "ytick.left": False,
    "ytick.major.size": 6.0,
    "ytick.major.width": 1.25,
    "ytick.minor.size": 4.0,
    "ytick.minor.width": 1.0,
}


def set_theme() -> None:
    """The collection's matplotlib theme: seaborn's white-grid style at notebook size
    (``SEABORN_WHITEGRID_NOTEBOOK``) with the Okabe-Ito colours after black as the colour cycle,
    then the collection's own settings: readable at report size, deterministic output."""
    from cycler import cycler
    from matplotlib.colors import to_rgb

    matplotlib.rcParams.update(SEABORN_WHITEGRID_NOTEBOOK)
    matplotlib.rcParams["axes.prop_cycle"] = cycler(
        "color", [to_rgb(c) for c in list(OKABE_ITO.values())[1:]]
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
            # titles at the top of the axes, where matplotlib would put them anyway: no figure
            # has ticks or labels above its axes, and the automatic placement measures every
            # axis's tick labels at each draw (a third of the layout time of a 43-tile panel;
            # the images are pixel-identical)
            "axes.titley": 1.0,
            "font.family": "DejaVu Sans",
        }
    )


class ExactPercentFormatter(PercentFormatter):
    """Per-cent tick labels that say exactly the tick value: the number of decimals is the
    fewest (at least ``decimals``, at most 3) at which every tick of the axis is written without
    rounding, the same for all ticks (ticks at 0, 2.5, 5, 7.5% read '0.0%', '2.5%', '5.0%',
    '7.5%', never '2%' for 2.5%). Input values are proportions (``xmax=1``)."""

    def __init__(self, decimals: int = 0):
        super().__init__(xmax=1, decimals=decimals)
        self.minimum_decimals = decimals

    def set_locs(self, locs):
        super().set_locs(locs)
        values = np.asarray(locs, dtype=float) * 100
        values = values[np.isfinite(values)]
        for digits in range(self.minimum_decimals, 4):
            if np.allclose(values, np.round(values, digits), rtol=0, atol=1e-9):
                break
        self.decimals = digits


def percent_axis(ax, axis: str = "y", decimals: int = 0, round_steps: bool = True) -> None:
    """Show a proportion axis in per cent with ``ExactPercentFormatter`` (``decimals`` is the
    minimum number of decimals; more are used when a tick needs them). ``round_steps``: ticks
    at round spacings (1, 2 or 5 times a power of ten, so 0.5%, 1.0%, 1.5%, not 1.25%) on a
    linear axis."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    if round_steps and target.get_scale() == "linear":
        target.set_major_locator(matplotlib.ticker.MaxNLocator(nbins=8, steps=[1, 2, 5, 10]))
    target.set_major_formatter(ExactPercentFormatter(decimals))


def count_axis(ax, axis: str = "y") -> None:
    """Whole-number ticks with thousands separators (1,000 not 1e3), also on a log axis."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))


def short_names() -> pd.Series:
    """Readable short force name per code (``short_name`` of ``data/reference/force_grid.csv``:
    the force name, with 'Met Police', 'City of London', 'Devon & Cornwall' and 'Avon &
    Somerset' for the long ones)."""
    return forces.force_grid().set_index("code")["short_name"]


def _short_labels() -> pd.Series:
    """Kept for callers of the old name: the readable short names (``short_names``)."""
    return short_names()


def year_start(value) -> float:
    """'2019/20' -> 2019 (financial year), 2019 -> 2019; NaN for anything else."""
    text = str(value)
    try:
        return float(int(text[:4]))
    except ValueError:
        return math.nan


def year_label(start: int, kind: str) -> str:
    """The label of a year position: '2019/20' for financial years, '2019' for calendar years."""
    return f"{start}/{(start + 1) % 100:02d}" if kind == "financial" else str(start)


def full_years(values) -> tuple[list[int], str]:
    """Every year from the first to the last of ``values`` (financial years 'YYYY/YY' or calendar
    years), so that a missing year keeps its place on the axis; returns (year starts, kind)."""
    values = [v for v in pd.unique(pd.Series(list(values)).dropna())]
    kind = "financial" if any("/" in str(v) for v in values) else "calendar"
    starts = sorted({int(year_start(v)) for v in values if not math.isnan(year_start(v))})
    if not starts:
        return [], kind
    return list(range(starts[0], starts[-1] + 1)), kind


def set_year_ticks(ax, starts: list[int], kind: str, every: int = 1, rotation: float = 90) -> None:
    """Year ticks at each year position (labels every ``every`` years, at least 7 pt)."""
    ax.set_xticks(starts)
    ax.set_xticklabels(
        [year_label(s, kind) if i % every == 0 else "" for i, s in enumerate(starts)],
        rotation=rotation,
        fontsize=MIN_TICK_SIZE,
    )
    if starts:
        ax.set_xlim(starts[0] - 0.5, starts[-1] + 0.5)


def on_year_axis(frame: pd.DataFrame, time: str, starts: list[int]) -> pd.DataFrame:
    """``frame`` reindexed on every year of ``starts`` (rows added with NaN for missing years, so
    a drawn line breaks at a gap instead of joining the years either side); column ``_x`` holds
    the year position."""
    out = frame.assign(_x=[year_start(v) for v in frame[time]])
    out = out.drop_duplicates("_x").set_index("_x").reindex([float(s) for s in starts])
    return out.rename_axis("_x").reset_index()


def isolated(values) -> np.ndarray:
    """True for a value with no value either side (a line cannot show it: draw a marker)."""
    present = ~np.isnan(np.asarray(values, dtype=float))
    before = np.concatenate([[False], present[:-1]])
    after = np.concatenate([present[1:], [False]])
    return present & ~before & ~after


#: offsets (points) tried in turn for a point label, until one overlaps no label placed before
LABEL_OFFSETS = ((4, 3), (4, -9), (-4, 3), (-4, -9), (6, 10), (6, -14))


def place_labels(ax, points, required: bool = False, fontsize: float = 7.5) -> list:
    """Label points without overlap: each label tries ``LABEL_OFFSETS`` in turn (points in the
    right half of the axes try the offsets to their left first) and takes the first that stays
    inside the axes and overlaps no label placed before (window extents from the renderer).
    When none does, the label is left out, or with ``required`` placed at the first offset that
    stays inside the axes. ``points``: (x, y, text, bold) in data coordinates; the axes' limits
    must be final. Returns the annotations placed."""
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    placed, boxes = [], []
    for x, y, text, bold in points:
        right_half = ax.transData.transform((x, y))[0] > (frame.x0 + frame.x1) / 2
        offsets = sorted(LABEL_OFFSETS, key=lambda o: (o[0] >= 0) == right_half)
        fallback = None
        chosen = None
        for dx, dy in offsets:
            note = ax.annotate(
                text,
                (x, y),
                xytext=(dx, dy),
                textcoords="offset points",
                ha="left" if dx >= 0 else "right",
                fontsize=fontsize,
                fontweight="bold" if bold else "normal",
            )
            box = note.get_window_extent(renderer)
            within = (
                box.x0 >= frame.x0
                and box.x1 <= frame.x1
                and box.y0 >= frame.y0
                and box.y1 <= frame.y1
            )
            if within and not any(box.overlaps(other) for other in boxes):
                chosen = (note, box)
                break
            if within and fallback is None:
                fallback = (dx, dy)
            note.remove()
        if chosen is None and required:
            dx, dy = fallback or offsets[0]
            note = ax.annotate(
                text,
                (x, y),
                xytext=(dx, dy),
                textcoords="offset points",
                ha="left" if dx >= 0 else "right",
                fontsize=fontsize,
                fontweight="bold" if bold else "normal",
            )
            chosen = (note, note.get_window_extent(renderer))
        if chosen is not None:
            placed.append(chosen[0])
            boxes.append(chosen[1])
    return placed
