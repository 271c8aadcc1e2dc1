"""Showing a measure in a notebook or page: its figures drawn and saved (with the CSV of the
numbers drawn and the manifest row) through one path, and computed prose rendered as markdown.

Every measure's funnel, map and trend panel go through here, so notebooks 02-04 call one function
per figure instead of repeating the compare -> draw -> save steps. Every figure is saved with
``data=None``: its CSV is the table the figure function recorded as it drew
(``figures.drawn_data``), so it holds exactly the numbers drawn (``docs/assumptions_log.md`` R11).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from helpers import figures
from helpers.analysis import robustness
from helpers.analysis.measure import MeasureResult
from helpers.core.datamode import DataMode
from helpers.figures.saving import show_saved_figures

RATE_LABEL = "share of outcomes assigned"


def setup_notebook() -> None:
    """The collection's figure theme and pandas display settings for readable tables (text
    wraps instead of being cut at 50 characters); a saved figure is shown as the PNG it saved
    (``figures.saving.show_saved_figures``: no second drawing)."""
    figures.set_theme()
    pd.set_option("display.max_colwidth", None)
    show_saved_figures()


def say(*paragraphs: str) -> None:
    """Render computed sentences as markdown in a notebook (one paragraph per argument)."""
    from IPython.display import Markdown, display

    display(Markdown("\n\n".join(p for p in paragraphs if p)))


def funnel(
    result: MeasureResult,
    mode: DataMode,
    notebook: str,
    section: str,
    name: str,
    title: str,
    comparison=None,
    highlight: str | None = None,
):
    """Draw the funnel plot of a measure's comparison (default: with the national rate; pass
    another ``statistics.Comparison`` of the same latest-year table, e.g. with a threshold),
    save it with the numbers drawn (``figures.funnel_table``) and return the figure."""
    comparison = comparison or result.comparison
    fig = figures.funnel_plot(
        comparison,
        title=f"{title}{mode.title_suffix()}",
        rate_label=RATE_LABEL,
        highlight=highlight,
        label_level=result.level,
    )
    figures.save_figure(fig, name, None, mode, notebook, section)
    return fig


def force_map(
    result: MeasureResult, mode: DataMode, notebook: str, section: str, name: str, title: str
):
    """Tile map of the latest year's rates (forces without data shown as 'no data'), with the
    forces whose rate rests on fewer events than the result's minimum hatched
    (``robustness.small_numbers``; the minimum is ``robustness.minimum_events(result)``), saved
    with the numbers drawn."""
    minimum = robustness.minimum_events(result)
    fig = figures.force_map(
        result.latest.set_index("force_code")["rate"],
        title=f"{title}{mode.title_suffix()}",
        value_label=f"{result.spec.short_label} / outcomes assigned",
        flagged=robustness.flagged_codes(robustness.small_numbers(result, minimum)),
        flag_label=f"hatched: rate on fewer than {minimum} events (small numbers)",
    )
    figures.save_figure(fig, name, None, mode, notebook, section)
    return fig


def trend_panel(
    result: MeasureResult, mode: DataMode, notebook: str, section: str, name: str, title: str
):
    """Small multiples of each force's rate over the years with the national rate, saved with
    the numbers drawn (force-year rates, intervals and the national line)."""
    fig = figures.trend_panel(
        result.rates,
        "force_code",
        "financial_year",
        "rate",
        "ci_lower",
        "ci_upper",
        national=result.national,
        title=f"{title}{mode.title_suffix()}",
    )
    for ax in fig.axes:
        ax.tick_params(axis="x", labelrotation=90)
    figures.save_figure(fig, name, None, mode, notebook, section)
    return fig


def close(fig) -> None:
    """Close a figure after it has been shown (keeps memory flat in long runs)."""
    plt.close(fig)


def scatter(
    frame: pd.DataFrame,
    fit: dict,
    labels: tuple[str, str],
    mode: DataMode,
    where: tuple[str, str, str],
    title: str,
):
    """Scatter of ``rate_x`` against ``rate_y`` weighted by ``trials`` with the fitted line,
    saved with the data drawn. ``where``: (notebook, section, figure name)."""
    notebook, section, name = where
    frame = frame.assign(label=frame.get("label", ""))
    fig = figures.scatter_with_fit(
        frame, "rate_x", "rate_y", "trials", fit, *labels, f"{title}{mode.title_suffix()}"
    )
    figures.save_figure(fig, name, None, mode, notebook, section)
    return fig


def national_series(series: pd.DataFrame, mode: DataMode, notebook: str, section: str):
    """The national outcome 16 share and charge rate with intervals, and the outcome 16 count."""
    fig = figures.national_series_plot(
        series,
        "financial_year",
        [
            ("outcome16_share", "outcome 16 share", True),
            ("charge_rate", "charge rate", True),
            ("outcome16_closures", "crimes closed as outcome 16", False),
        ],
        f"DA-related crimes, England and Wales{mode.title_suffix()}",
        "Shares of outcomes assigned (excluding outcome 0), with 95% intervals; forces without data are left out of that year.",
    )
    figures.save_figure(fig, "03_national_series", None, mode, notebook, section)
    return fig


def cps_stage(series: pd.DataFrame, notebook: str, section: str):
    """The CPS stage figure from the published figures (``cps.cps_series``), saved with the
    values drawn."""
    from helpers.analysis import cps_stage as stage
    from helpers.reference import cps

    fig = figures.national_series_plot(
        stage.plot_frame(cps.cps_wide(series)),
        "financial_year",
        stage.STAGE_PANELS,
        "Domestic abuse at the CPS, England and Wales (published figures)",
        "Published CPS/ONS figures; gaps are years with no transcribed figure. Sources in the table above.",
    )
    figures.save_figure(fig, "03_cps_stage", None, "published", notebook, section)
    return fig


HISTORY_TITLE = (
    "Community resolutions in domestic abuse cases: published pre-2015 figures\n"
    "(the 2014 study counts community resolutions plus restorative justice)"
)
HISTORY_NOTE = (
    "Different coverage and definitions: never to be joined to each other or to the official "
    "series.\nHollow: implied by published figures, not itself published. Sources: see the table."
)


def history(notebook: str, section: str, name: str = "02_history_published"):
    """The published pre-2015 counts with the 2012 count implied by the same FOI release
    (``published.community_resolution_history(implied=True)``: drawn hollow, its derivation
    under the chart) and the 2014 study labelled as community resolutions plus restorative
    justice (title and legend), saved with the numbers drawn. Returns (figure, history table)."""
    from helpers.reference import published

    table = published.community_resolution_history(implied=True)
    fig = figures.published_points_plot(
        table, "year", "count", "coverage_group", HISTORY_TITLE, "cases", HISTORY_NOTE
    )
    figures.save_figure(fig, name, None, "published", notebook, section)
    return fig, table
