"""Saving figures: PNG and SVG with the CSV of the numbers drawn, the synthetic watermark, and the
manifest of every figure (``reports/figures/MANIFEST.csv``)."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from helpers.core import config
from helpers.core.datamode import SYNTHETIC_BANNER, DataMode
from helpers.figures.theme import OKABE_ITO

MANIFEST_COLUMNS = ["figure", "notebook", "section", "data_csv", "data_sha256", "data_mode"]


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
