"""Saving figures: PNG and SVG with the CSV of the numbers drawn, the synthetic watermark, and the
manifest of every figure (``reports/figures/MANIFEST.csv``)."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from helpers.core import config
from helpers.core.datamode import SYNTHETIC_BANNER, DataMode
from helpers.figures.theme import OKABE_ITO

MANIFEST_COLUMNS = ["figure", "notebook", "section", "data_csv", "data_sha256", "data_mode"]


#: gid of the two synthetic-sample marks (tests find them by it)
WATERMARK_GID = "synthetic-watermark"
BANNER_GID = "synthetic-banner"


def _layout_box(fig: Figure):
    """The figure's tight bounding box in inches (what ``bbox_inches="tight"`` computes before
    padding); None for an empty figure.

    ``get_tightbbox`` places the ticks, tick labels, titles and legends itself, so no draw is
    needed before it unless a layout engine moves the axes at draw time (constrained layout;
    this package's figures call ``tight_layout`` once instead, which leaves matplotlib's
    placeholder engine, moving nothing). matplotlib's
    ``bbox_inches="tight"`` draws first anyway: skipping that draw saved about 1 CPU s of the
    6.6 s a 43-tile trend panel took to save, with the same PNG and SVG bytes for every figure
    of the notebooks (``tests/test_vectorised_equivalence.py``)."""
    from matplotlib.layout_engine import PlaceHolderLayoutEngine

    renderer = fig.canvas.get_renderer()
    engine = fig.get_layout_engine()
    if engine is not None and not isinstance(engine, PlaceHolderLayoutEngine):
        fig.draw_without_rendering()
    return fig.get_tightbbox(renderer)


def _watermark(fig: Figure, box=None):
    """The synthetic-sample marks: a faint diagonal watermark across the figure (deliberately over
    the data, left out of the layout) and a banner line placed *above* everything else the figure
    holds (titles, legends, notes), so that it never overlaps a title. ``box``: the figure's tight
    box in inches when already computed (``_layout_box``). Returns the tight box grown to hold
    the banner (inches), to save the figure with."""
    from matplotlib.transforms import Bbox

    mark = fig.text(
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
        gid=WATERMARK_GID,
    )
    mark.set_in_layout(False)
    box = box if box is not None else _layout_box(fig)
    width, height = fig.get_size_inches()
    top = float(box.y1) / height if box is not None else 1.0
    centre = (float(box.x0 + box.x1) / 2 / width) if box is not None else 0.5
    banner = fig.text(
        centre,
        top + 0.08 / height,
        f"{SYNTHETIC_BANNER} - illustrates the method only; no number here is a finding",
        fontsize=8,
        color=OKABE_ITO["vermillion"],
        ha="center",
        va="bottom",
        fontweight="bold",
        gid=BANNER_GID,
    )
    extent = banner.get_window_extent(fig.canvas.get_renderer()).transformed(
        fig.dpi_scale_trans.inverted()
    )
    return extent if box is None else Bbox.union([box, extent])


def attach_data(fig: Figure, data: pd.DataFrame) -> Figure:
    """Record on ``fig`` the table of the numbers it draws (one row per drawn value, tidy), for
    ``drawn_data`` and ``save_figure(fig, name, None, ...)``. Returns ``fig``."""
    fig._drawn_data = data.reset_index(drop=True)
    return fig


def drawn_data(fig: Figure) -> pd.DataFrame:
    """The numbers a figure function of this package drew (tidy table), to save as the figure's
    CSV: ``figures.save_figure(fig, name, figures.drawn_data(fig), mode, notebook, section)`` or
    simply ``data=None``. Raises ValueError for a figure drawn elsewhere."""
    data = getattr(fig, "_drawn_data", None)
    if data is None:
        raise ValueError("this figure carries no drawn data: pass the table of numbers drawn")
    return data


class SavedFigure(dict):
    """The manifest row of a saved figure, shown in a notebook as one line."""

    formats: tuple[str, ...] = ("png", "svg")

    def __repr__(self) -> str:
        drawn = f" ({', '.join('.' + f for f in self.formats)})" if self.formats else ""
        return f"saved {self['figure']}{drawn} with {self['data_csv']} (sha256 {self['data_sha256'][:12]}...; {self['data_mode']})"


#: the column every figure CSV ends with: the data mode of the numbers, inside the file, so a
#: synthetic number pasted into a spreadsheet still says so (front-door issue, item 3)
DATA_MODE_COLUMN = "data_mode"
#: what that column holds for each mode
DATA_MODE_WORDS = {
    "sample": "SYNTHETIC SAMPLE - not real data",
    "official": "official data",
    "published": "published figures",
}


def _mode_name(mode: DataMode | str) -> str:
    name = mode.name if isinstance(mode, DataMode) else str(mode)
    if name not in DATA_MODE_WORDS:
        raise ValueError(f"mode must be 'sample', 'official' or 'published', not {name!r}")
    return name


def save_data(
    name: str,
    data: pd.DataFrame,
    mode: DataMode | str,
    notebook: str,
    section: str,
    directory: Path | None = None,
) -> SavedFigure:
    """Write the numbers a figure draws as ``NAME.csv`` and record it in the folder's
    ``MANIFEST.csv``, without drawing anything (for charts drawn in the browser, whose figure is
    JSON in the page). The CSV ends with a ``data_mode`` column (``DATA_MODE_WORDS``); floats
    are written with 10 significant digits and ``\n`` line ends, so the same numbers give the
    same bytes. Returns the manifest row (figure, notebook, section, data_csv, data_sha256,
    data_mode). Raises ValueError for an unknown mode."""
    mode_name = _mode_name(mode)
    directory = Path(directory) if directory else config.figures_dir()
    directory.mkdir(parents=True, exist_ok=True)
    table = data.copy()
    table[DATA_MODE_COLUMN] = DATA_MODE_WORDS[mode_name]
    buffer = io.StringIO()
    table.to_csv(buffer, index=False, float_format="%.10g", lineterminator="\n")
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
    saved = SavedFigure(row)
    saved.formats = ()
    return saved


def save_figure(
    fig: Figure,
    name: str,
    data: pd.DataFrame | None,
    mode: DataMode | str,
    notebook: str,
    section: str,
    directory: Path | None = None,
    formats: tuple[str, ...] = ("png", "svg"),
) -> SavedFigure:
    """Save a figure as ``NAME.png`` and ``NAME.svg`` (``formats``) with ``NAME.csv`` holding the
    exact numbers plotted and their data mode (``save_data``), and record it in ``MANIFEST.csv``
    (figure, notebook, section, data CSV and its sha256). ``data=None`` saves the table the
    figure function recorded (``drawn_data``), which holds exactly the numbers drawn.

    ``mode`` is the resolved data mode (or its name: 'sample', 'official', or 'published' for a
    figure drawn only from the transcribed published figures): for the synthetic sample the figure
    gets a diagonal watermark and a banner. Metadata carry no timestamps, so the same data give the same
    bytes. Returns the manifest row. Raises ValueError for an unknown mode or format.
    """
    mode_name = _mode_name(mode)
    unknown = set(formats) - {"png", "svg"}
    if unknown:
        raise ValueError(f"formats must be among 'png' and 'svg', not {sorted(unknown)}")
    directory = Path(directory) if directory else config.figures_dir()
    directory.mkdir(parents=True, exist_ok=True)
    if data is None:
        data = drawn_data(fig)
    if formats:
        # one layout pass gives the tight box for both files (``bbox_inches="tight"`` would lay
        # the figure out again for each): the same image, about a third less work
        box = _layout_box(fig)
        if mode_name == "sample":
            box = _watermark(fig, box)
        box = box.padded(matplotlib.rcParams["savefig.pad_inches"])
    elif mode_name == "sample":
        _watermark(fig)
    if "png" in formats:
        png = io.BytesIO()
        fig.savefig(png, format="png", metadata={"Software": None}, bbox_inches=box)
        (directory / f"{name}.png").write_bytes(png.getvalue())
        fig._saved_png = png.getvalue()  # shown as it is in a notebook (``show_saved_figures``)
    if "svg" in formats:
        fig.savefig(
            directory / f"{name}.svg", metadata={"Date": None, "Creator": None}, bbox_inches=box
        )
    # saving with a bounding box restores the figure's size afterwards, which marks it stale; it
    # is as drawn, so it is marked fresh: a change made after this marks it stale again
    fig.stale = False
    saved = save_data(name, data, mode_name, notebook, section, directory)
    saved.formats = tuple(formats)
    return saved


def _saved_png_for_display(fig: Figure, fallback):
    """The image a notebook shows for ``fig``: the PNG ``save_figure`` wrote, when the figure
    has not changed since (``fig.stale`` is False), sized as the figure would be drawn at its
    own dpi; otherwise what ``fallback`` (IPython's renderer) draws."""
    import base64

    saved = getattr(fig, "_saved_png", None)
    if saved is None or fig.stale:
        return fallback(fig)
    # the PNG header holds width and height (IHDR chunk, bytes 16-24, big-endian)
    width, height = int.from_bytes(saved[16:20], "big"), int.from_bytes(saved[20:24], "big")
    scale = (
        fig.dpi / matplotlib.rcParams["savefig.dpi"]
        if matplotlib.rcParams["savefig.dpi"] != "figure"
        else 1
    )
    size = {"width": round(width * scale), "height": round(height * scale)}
    return base64.b64encode(saved).decode("ascii"), size


def show_saved_figures() -> bool:
    """In a Jupyter kernel with matplotlib's inline backend: show each figure ``save_figure``
    saved as the PNG it saved, instead of drawing it a second time for the notebook (for a
    43-panel chart that second drawing took about 4 CPU s). A figure changed after saving,
    or never saved, is drawn as before. Returns False (and does nothing) outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False
    import functools

    from IPython.core.pylabtools import print_figure

    try:  # the inline backend registers its own formatter when its module is first imported:
        import matplotlib_inline.backend_inline  # noqa: F401 - let it do so before ours
    except ImportError:
        pass

    formatter = shell.display_formatter.formatters["image/png"]
    fallback = functools.partial(print_figure, fmt="png", base64=True)
    formatter.for_type(Figure, functools.partial(_saved_png_for_display, fallback=fallback))
    return True


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
