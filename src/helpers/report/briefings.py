"""One-page briefings: a printable A4 PDF for each of the 43 police forces
(``reports/briefings/<slug>.pdf``) and one for England and Wales
(``reports/briefings/england-and-wales.pdf``).

Each page has the key numbers with their intervals in words, two charts (community resolutions;
outcome 16 closures and charges), the verdicts as ``helpers.report.verdicts`` and
``helpers.report.findings`` word them (never re-worded here; each prefixed with the measure it is
about), what the words mean (from
``helpers.report.glossary``), caveats, the sources, the date of the data and the data mode (with
the synthetic banner at the top and bottom of the page and a watermark when the data are the
synthetic sample).

Drawn with matplotlib (Agg) into ``PdfPages`` with fixed metadata, so a page is byte-identical for
the same inputs; no system dependency beyond matplotlib's own fonts.
"""

from __future__ import annotations

import logging
import os
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd

from helpers.analysis import profile
from helpers.analysis.measure import MeasureResult
from helpers.core import config
from helpers.core.datamode import SYNTHETIC_BANNER, DataMode
from helpers.data import sources
from helpers.figures.theme import OKABE_ITO, percent_axis
from helpers.reference import forces
from helpers.report import findings, glossary, verdicts
from helpers.report.formatting import count, pct
from helpers.report.workbook import NUMBERS_SOURCE, data_date

#: A4 portrait in inches
A4 = (8.27, 11.69)
MARGIN = 0.4
#: line height as a multiple of the font size
LEADING = 1.22
NATIONAL_FILE = "england-and-wales.pdf"
#: font sizes tried, largest first, until the page's text fits
SIZES = (8.0, 7.5, 7.0, 6.5, 6.0)
#: the PDF's text in the standard Helvetica fonts: nothing to embed, about three times faster
#: to write than embedded subsets and readable by any PDF text extractor
#: the standard PDF fonts (nothing embedded), and titles placed without measuring tick labels
#: (no chart has ticks above it; see ``figures.theme.set_theme``)
PDF_STYLE = {
    "pdf.use14corefonts": True,
    "pdf.compression": 6,
    "font.weight": "medium",
    "axes.titley": 1.0,
}
CHART_HEIGHT = 2.0
FORCE_TERMS = (
    "rate",
    "interval",
    "percentage-points",
    "different-from-national",
    "extreme",
    "funnel-limits",
    "guidance-threshold",
    "exact-test",
    "holm",
    "trend",
)
NATIONAL_TERMS = (*FORCE_TERMS, "phi-tau2", "joinpoint")
COLOURS = {"force": OKABE_ITO["blue"], "national": "#595959", "charge": OKABE_ITO["vermillion"]}


def directory_default() -> Path:
    """``reports/briefings/``."""
    return config.reports_dir() / "briefings"


def file_name(code: str | None) -> str:
    """'kent.pdf' for a force code; 'england-and-wales.pdf' for None."""
    return NATIONAL_FILE if code is None else f"{forces.slug(code)}.pdf"


# ------------------------------------------------------------------------------------------
# page content
# ------------------------------------------------------------------------------------------


@dataclass
class Block:
    """One piece of a page: ``kind`` 'banner', 'title', 'heading', 'text', 'bullets',
    'small' or 'charts'; ``text`` a string or, for bullets, a list of strings."""

    kind: str
    text: str | list[str] = ""


def _key_number(result: MeasureResult, row: pd.Series) -> str:
    """A force's key number on a measure in words, with its interval (``row``: its verdicts)."""
    name = f"{result.spec.short_label.capitalize()} ({result.spec.outcome_types})"
    if row["vs_national"] == "no data":
        return f"{name}: {row['no_data_reason']}."
    return (
        f"{name}: {pct(row['rate'], 2)} of outcomes assigned ({count(row['successes'])} of "
        f"{count(row['trials'])}). Allowing for chance, the rate lies between "
        f"{pct(row['ci_lower'], 2)} and {pct(row['ci_upper'], 2)} (95% interval). England and "
        f"Wales: {pct(result.national_rate, 2)}."
    )


def _terms(keys: tuple[str, ...]) -> list[str]:
    return [f"{glossary.term(k).term}: {glossary.term(k).plain}" for k in keys]


def _footer(mode: DataMode, date: str) -> list[Block]:
    source = sources.SOURCES[NUMBERS_SOURCE]
    threshold = glossary.term("rare-threshold")
    return [
        Block(
            "small",
            f"Source of every number: {source.publisher}, {source.title} ({source.landing_page}; "
            f"{source.licence}). 'Rare' threshold: {threshold.source} ({threshold.url}). Data "
            f"date: {date or 'not recorded'}. Data mode: {_mode_words(mode)}. Plain words: "
            "reports/glossary.html; all numbers: reports/da-police-outcomes.xlsx; methods: "
            "docs/methods.md.",
        ),
    ]


def _mode_words(mode: DataMode) -> str:
    if mode.synthetic:
        return (
            f"{SYNTHETIC_BANNER} (made-up numbers in the layout of the official files, from "
            f"{config.relative(mode.root)}/)"
        )
    return f"official files (from {config.relative(mode.root)}/)"


def _labelled(result: MeasureResult, sentences: list[str]) -> list[str]:
    """Sentences prefixed with the measure they are about ('Charges: ...')."""
    return [f"{result.spec.short_label.capitalize()}: {s}" for s in sentences]


def _banner(mode: DataMode, what: str) -> Block:
    if mode.synthetic:
        return Block("banner", f"{SYNTHETIC_BANNER}: no number {what} is a finding")
    return Block("banner", "OFFICIAL DATA: made from the official files (see the sources below)")


CAVEATS = [
    "Outcomes depend on how forces record and close crimes, which differs between forces and over "
    "time: a high or low rate is a question to ask, not a verdict on the force's practice.",
    "The counts are complete records, not samples: the intervals show how much a rate could move "
    "by chance alone if practice stayed the same.",
    "Different from the national rate, extreme allowing for the normal variation between forces and "
    "above the guidance threshold are three different statements; a force can be one without the "
    "others.",
    "Guidance sets no level for outcome 16 or for charging; their movement is described against "
    "evidence-led practice, not against guidance.",
]


def force_blocks(force: profile.ForceProfile, mode: DataMode, date: str) -> list[Block]:
    """The blocks of one force's page."""
    keys = [
        _key_number(result, result.verdict(force.force_code)) for result in force.measures.values()
    ]
    gap = findings.excluded_sentence(force)
    sentences = [force.year_note] if force.year_note else []
    for result in force.measures.values():
        sentences += _labelled(result, verdicts.force_sentences(result, force.force_code))
    return [
        _banner(mode, "on this page"),
        Block("title", f"{force.force_name}: police outcomes for domestic abuse, {force.year}"),
        Block(
            "text",
            f"How {force.force_name} closed domestic abuse-related crimes in {force.year}, beside "
            "England and Wales. Every rate is a share of the outcomes the police assigned in the "
            "year; crimes still waiting for an outcome are not counted.",
        ),
        Block("heading", "Key numbers"),
        Block("bullets", keys),
        Block("charts"),
        Block("heading", "Verdicts"),
        Block("bullets", sentences),
        Block("heading", "What the words mean"),
        Block("bullets", _terms(FORCE_TERMS)),
        Block("heading", "Caveats"),
        Block("bullets", [*CAVEATS, gap] if gap else CAVEATS),
        *_footer(mode, date),
        _banner(mode, "on this page"),
    ]


def national_blocks(measures: dict[str, MeasureResult], mode: DataMode, date: str) -> list[Block]:
    """The blocks of the England and Wales page."""
    year = next(iter(measures.values())).year
    sentences = []
    for key, result in measures.items():
        words = [verdicts.comparison_summary(result)]
        if key == "community_resolution":
            words.append(verdicts.guidance_summary(result))
        sentences += _labelled(result, [*words, verdicts.movement_summary(result)])
    return [
        _banner(mode, "on this page"),
        Block("title", f"England and Wales: police outcomes for domestic abuse, {year}"),
        Block(
            "text",
            f"How the 43 police forces of England and Wales closed domestic abuse-related crimes "
            f"in {year}. Every rate is a share of the outcomes the police assigned in the year; "
            "forces without data in a year are left out of that year's figures.",
        ),
        Block("heading", "Key numbers"),
        Block("bullets", [verdicts.national_sentence(result) for result in measures.values()]),
        Block("charts"),
        Block("heading", "Verdicts"),
        Block("bullets", sentences),
        Block("heading", "What the words mean"),
        Block("bullets", _terms(NATIONAL_TERMS)),
        Block("heading", "Caveats"),
        Block("bullets", CAVEATS),
        *_footer(mode, date),
        _banner(mode, "on this page"),
    ]


# ------------------------------------------------------------------------------------------
# layout and drawing
# ------------------------------------------------------------------------------------------


def _style(kind: str, size: float) -> tuple[float, str, float]:
    """(font size, weight, space after in points) of a block kind at base size ``size``."""
    return {
        "banner": (size + 2, "bold", 4),
        "title": (size + 6, "bold", 4),
        "heading": (size + 2, "bold", 2),
        "text": (size, "medium", 4),
        "bullets": (size, "medium", 4),
        "small": (size - 1, "medium", 3),
    }[kind]


@lru_cache(maxsize=2)
def _widths(bold: bool) -> dict[str, float]:
    """Character widths (share of the font size) of the PDF's Helvetica, read from the font
    metrics file matplotlib ships (``mpl-data/fonts/pdfcorefonts``)."""
    name = "Helvetica-Bold.afm" if bold else "Helvetica.afm"
    path = Path(matplotlib.get_data_path()) / "fonts" / "pdfcorefonts" / name
    widths = {}
    for line in path.read_text(encoding="latin-1").splitlines():
        fields = dict(part.strip().split(" ", 1) for part in line.split(";") if " " in part.strip())
        if line.startswith("C ") and int(fields["C"]) > 0 and "WX" in fields:
            widths[bytes([int(fields["C"])]).decode("latin-1")] = float(fields["WX"]) / 1000
    return widths


def _width(text: str, font: float, bold: bool) -> float:
    """Width of ``text`` in points at ``font`` points (unknown characters as a digit)."""
    widths = _widths(bold)
    return font * sum(widths.get(c, 0.556) for c in text)


def _wrap(text: str, font: float, indent: float = 0, bold: bool = False) -> list[str]:
    """``text`` broken into lines that fit the page width less ``indent`` (inches), measured
    with the Helvetica metrics; a word longer than a line (an address) is cut. Widths add up
    character by character (no kerning), so each word is measured once."""
    usable = (A4[0] - 2 * MARGIN - indent) * 72 - 2
    space = _width(" ", font, bold)
    lines, current, current_width = [], "", 0.0
    for word in text.split():
        word_width = _width(word, font, bold)
        if current and current_width + space + word_width <= usable:
            current, current_width = f"{current} {word}", current_width + space + word_width
            continue
        if not current and word_width <= usable:
            current, current_width = word, word_width
            continue
        if current:
            lines.append(current)
        while _width(word, font, bold) > usable:
            cut = next(i for i in range(len(word), 0, -1) if _width(word[:i], font, bold) <= usable)
            lines.append(word[:cut])
            word = word[cut:]
        current, current_width = word, _width(word, font, bold)
    return [*lines, current] if current else lines or [""]


def _height(block: Block, size: float) -> float:
    """Height of a block in inches at base size ``size``."""
    if block.kind == "charts":
        return CHART_HEIGHT + 0.6
    font, weight, after = _style(block.kind, size)
    items = block.text if isinstance(block.text, list) else [block.text]
    indent = 0.15 if block.kind == "bullets" else 0
    lines = sum(len(_wrap(item, font, indent, weight == "bold")) for item in items)
    extra = 2 * len(items) if block.kind == "bullets" else 0
    pad = 6 if block.kind == "banner" else 0
    return (lines * font * LEADING + extra + after + pad) / 72


def _fit(blocks: list[Block]) -> float:
    """The largest base font size at which the blocks fit on the page (the smallest, with a
    warning, when none does: the page would run off the bottom)."""
    room = A4[1] - 2 * MARGIN
    for size in SIZES:
        if sum(_height(b, size) for b in blocks) <= room:
            return size
    title = next((b.text for b in blocks if b.kind == "title"), "a briefing")
    warnings.warn(f"{title}: the text does not fit on one page at {SIZES[-1]} pt", stacklevel=2)
    return SIZES[-1]


def _series(table: pd.DataFrame, years: list[str]) -> pd.DataFrame:
    """Rows of ``table`` on every year of ``years`` (NaN where missing, so lines break)."""
    return table.set_index("financial_year").reindex(years)


def _line(ax, frame: pd.DataFrame, colour: str, label: str, dashed: bool = False, band=True):
    x = np.arange(len(frame))
    if band:
        ax.fill_between(x, frame["ci_lower"], frame["ci_upper"], color=colour, alpha=0.2, lw=0)
    ax.plot(
        x,
        frame["rate"],
        color=colour,
        lw=1.5,
        ls="--" if dashed else "-",
        marker=None if dashed else "o",
        ms=2.5,
        label=label,
    )


def _draw_charts(
    fig, y_top: float, measures: dict[str, MeasureResult], code: str | None, name: str
) -> None:
    """Two charts side by side below ``y_top`` (inches from the top of the page)."""
    cr = measures["community_resolution"]
    years = sorted(cr.national["financial_year"])
    width = (A4[0] - 2 * MARGIN - 0.9) / 2
    bottom = (A4[1] - y_top - CHART_HEIGHT) / A4[1]
    height = (CHART_HEIGHT - 0.35) / A4[1]
    left_ax = fig.add_axes(((MARGIN + 0.45) / A4[0], bottom, width / A4[0], height))
    right_ax = fig.add_axes(
        ((MARGIN + 0.9 + width) / A4[0] + 0.01, bottom, (width - 0.1) / A4[0], height)
    )

    def force_rows(result: MeasureResult) -> pd.DataFrame:
        return _series(result.rates[result.rates["force_code"] == code], years)

    national = {key: _series(result.national, years) for key, result in measures.items()}
    if code is None:
        _line(left_ax, national["community_resolution"], COLOURS["force"], "England and Wales")
    else:
        _line(
            left_ax,
            national["community_resolution"],
            COLOURS["national"],
            "England and Wales",
            True,
            False,
        )
        _line(left_ax, force_rows(cr), COLOURS["force"], name)
    left_ax.axhline(cr.extras["threshold"], color=OKABE_ITO["orange"], lw=1, ls=":")
    left_ax.text(
        0.02,
        cr.extras["threshold"],
        f" 'rare' threshold ({cr.extras['threshold']:.0%})",
        transform=left_ax.get_yaxis_transform(),
        fontsize=6,
        va="bottom",
        color="#7A5200",
    )
    left_ax.set_title("Community resolutions (outcome 8)", fontsize=8, fontweight="bold")
    right_ax.set_title("Outcome 16 closures and charges (outcome 1)", fontsize=8, fontweight="bold")
    for key, colour, label in (
        ("outcome16", COLOURS["force"], "outcome 16"),
        ("charge", COLOURS["charge"], "charges"),
    ):
        if code is None:
            _line(right_ax, national[key], colour, f"{label}, England and Wales")
        else:
            _line(right_ax, national[key], colour, f"{label}, England and Wales", True, False)
            _line(right_ax, force_rows(measures[key]), colour, f"{label}, {name}")
    for ax in (left_ax, right_ax):
        ax.set_xticks(np.arange(len(years)), years, rotation=90, fontsize=6)
        ax.tick_params(axis="y", labelsize=6)
        ax.set_ylim(bottom=0)
        ax.set_ylabel("share of outcomes assigned", fontsize=6)
        ax.grid(alpha=0.3, lw=0.5)
        ax.legend(fontsize=5.5, loc="best", frameon=False)
    percent_axis(left_ax, "y", 1)
    percent_axis(right_ax, "y", 0)


def draw_page(blocks: list[Block], measures, code: str | None, name: str, mode: DataMode):
    """An A4 figure with the blocks laid out top to bottom (text wrapped to the page width)."""
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyBboxPatch

    fig = Figure(figsize=A4)
    size = _fit(blocks)
    y = MARGIN
    left = MARGIN / A4[0]
    for block in blocks:
        if block.kind == "charts":
            _draw_charts(fig, y + 0.05, measures, code, name)
            y += _height(block, size)
            continue
        font, weight, after = _style(block.kind, size)
        line = font * LEADING / 72
        if block.kind == "banner":
            height = _height(block, size) - after / 72
            fill = "#FFF1D6" if mode.synthetic else "#E3F0FA"
            edge = OKABE_ITO["orange"] if mode.synthetic else OKABE_ITO["blue"]
            fig.patches.append(
                FancyBboxPatch(
                    (left, 1 - (y + height) / A4[1]),
                    1 - 2 * left,
                    height / A4[1],
                    boxstyle="square,pad=0",
                    transform=fig.transFigure,
                    facecolor=fill,
                    edgecolor=edge,
                    lw=1.5,
                )
            )
            y += 3 / 72
        items = block.text if isinstance(block.text, list) else [block.text]
        indent = 0.15 if block.kind == "bullets" else 0
        for item in items:
            for number, text in enumerate(_wrap(item, font, indent, weight == "bold")):
                if block.kind == "bullets" and number == 0:
                    fig.text(left, 1 - y / A4[1], "\u2022", fontsize=font, va="top")
                fig.text(
                    left + (0.08 if block.kind == "banner" else indent) / A4[0],
                    1 - y / A4[1],
                    text,
                    fontsize=font,
                    fontweight=weight,
                    va="top",
                    color="#222222",
                )
                y += line
            if block.kind == "bullets":
                y += 2 / 72
        y += after / 72 + (3 / 72 if block.kind == "banner" else 0)
    if mode.synthetic:
        fig.text(
            0.5,
            0.5,
            SYNTHETIC_BANNER.upper(),
            fontsize=40,
            color="#B0B0B0",
            alpha=0.18,
            ha="center",
            va="center",
            rotation=55,
            zorder=0,
            fontweight="bold",
        )
    return fig


def _save(fig, path: Path, title: str, mode: DataMode) -> Path:
    from matplotlib.backends.backend_pdf import PdfPages

    path.parent.mkdir(parents=True, exist_ok=True)
    metadata = {
        "Title": f"{title}{mode.title_suffix()}",
        "Subject": mode.banner(),
        "Creator": "helpers.report.briefings",
        "CreationDate": None,
        "ModDate": None,
    }
    with PdfPages(path, metadata=metadata) as pdf:
        pdf.savefig(fig)
    return path


#: what worker processes read (set before the pool forks, as in ``helpers.report.profiles``)
_STATE: dict = {}


def _write_force(code: str) -> Path:
    measures, da, mode, directory, date = (
        _STATE[k] for k in ("measures", "da", "mode", "directory", "date")
    )
    force = profile.build_profile(da, code, measures)
    fig = draw_page(force_blocks(force, mode, date), force.measures, code, force.force_name, mode)
    return _save(fig, directory / file_name(code), f"{force.force_name} briefing", mode)


def _write_chunk(codes: list[str]) -> list[Path]:
    with _quiet_fonts(), _core_font_metrics_read_once(), matplotlib.rc_context(PDF_STYLE):
        return [_write_force(str(code)) for code in codes]


@contextmanager
def _core_font_metrics_read_once():
    """Within the block, matplotlib's PDF writer parses each standard font's metrics file (AFM)
    once instead of once per PDF: it parses the whole file for every PDF written only to read
    the font's name (``backend_pdf._write_afm_font``, matplotlib 3.11), about 0.1 CPU s a
    briefing. The parsed metrics are only read, so the PDFs are byte for byte the same
    (``tests/test_vectorised_equivalence.py``). Where the writer has no ``AFM`` name (another
    matplotlib), nothing changes."""
    from matplotlib.backends import backend_pdf

    original = getattr(backend_pdf, "AFM", None)
    if original is None:
        yield
        return
    parsed: dict[str, object] = {}

    def read_once(handle):
        name = getattr(handle, "name", None)
        if not isinstance(name, str):
            return original(handle)
        if name not in parsed:
            parsed[name] = original(handle)
        return parsed[name]

    backend_pdf.AFM = read_once
    try:
        yield
    finally:
        backend_pdf.AFM = original


@contextmanager
def _quiet_fonts():
    """Silence matplotlib's font fallback messages (the standard PDF fonts have no 'normal'
    weight, only 'medium', which is what is used)."""
    logger = logging.getLogger("matplotlib.font_manager")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def write_briefings(
    measures: dict[str, MeasureResult],
    da: pd.DataFrame,
    mode: DataMode,
    directory: Path | None = None,
    codes: list[str] | None = None,
    workers: int | None = None,
) -> list[Path]:
    """Write the one-page briefings and return their paths (the forces by name, then England
    and Wales).

    In: ``measures``, ``helpers.analysis.profile.measure_all(da)`` for the latest year; ``da``,
    the processed DA table; ``mode``, the data mode the numbers were made in; ``directory``
    (default ``reports/briefings/``); ``codes``, the force codes to write (default all 43; the
    England and Wales page is always written); ``workers``, processes to draw with (None: one
    per CPU). Out: one single-page A4 PDF per force (``forces.slug(code)`` + '.pdf') and
    ``england-and-wales.pdf``. Raises KeyError for a code that is not one of the 43 police force
    areas. About 0.4 s of CPU a page."""
    matplotlib.use("Agg")
    directory = directory or directory_default()
    unknown = sorted(set(codes or []) - set(forces.territorial_codes()))
    if unknown:
        raise KeyError(f"not police force area codes: {unknown}")
    wanted = [c for _, c in profile.force_options() if codes is None or c in codes]
    date = data_date(mode).date
    _STATE.update(measures=measures, da=da, mode=mode, directory=directory, date=date)
    workers = max(1, min(workers or os.cpu_count() or 1, len(wanted) or 1))
    if workers == 1:
        paths = _write_chunk(wanted)
    else:
        chunks = [list(chunk) for chunk in np.array_split(wanted, workers)]
        with ProcessPoolExecutor(max_workers=workers) as pool:
            paths = [path for done in pool.map(_write_chunk, chunks) for path in done]
    with _quiet_fonts(), _core_font_metrics_read_once(), matplotlib.rc_context(PDF_STYLE):
        fig = draw_page(
            national_blocks(measures, mode, date), measures, None, "England and Wales", mode
        )
        paths.append(_save(fig, directory / NATIONAL_FILE, "England and Wales briefing", mode))
    return paths


def main(argv: list[str] | None = None) -> int:
    """``python -m helpers.report.briefings [--data sample]``: write the analyst's files from the
    processed data (the glossary, the workbook and the 44 briefings), printing how long each
    took."""
    import argparse

    from helpers.data import tidy
    from helpers.report import workbook

    parser = argparse.ArgumentParser(prog="python -m helpers.report.briefings")
    parser.add_argument("--data", default="auto", help="auto, official or sample")
    args = parser.parse_args(argv)
    mode = sources.resolve_mode(args.data)
    print(mode.banner(), flush=True)
    da = tidy.load_or_build(mode, quiet=True)["da_outcomes_by_force"]
    started = time.perf_counter()
    measures = profile.measure_all(da)
    print(f"[briefings] measures in {time.perf_counter() - started:.1f} s", flush=True)
    print(f"[briefings] {config.relative(glossary.write_glossary())}", flush=True)
    step = time.perf_counter()
    path = workbook.write_workbook(measures, mode, da=da)
    print(f"[briefings] {config.relative(path)} in {time.perf_counter() - step:.1f} s", flush=True)
    step = time.perf_counter()
    paths = write_briefings(measures, da, mode, workers=None)
    print(
        f"[briefings] {len(paths)} briefings in {config.relative(directory_default())}/ in "
        f"{time.perf_counter() - step:.1f} s",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
