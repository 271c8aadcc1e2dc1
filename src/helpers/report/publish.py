"""Showing a measure in a notebook or page: its figures drawn and saved (with the CSV of the
numbers drawn and the manifest row) through one path, and computed prose rendered as markdown.

Every measure's funnel, map and trend panel go through here, so notebooks 02-04 call one function
per figure instead of repeating the compare -> draw -> save steps.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from helpers import figures
from helpers.analysis.measure import MeasureResult
from helpers.analysis.statistics import level_label
from helpers.core.datamode import DataMode

RATE_LABEL = "share of outcomes assigned"


def say(*paragraphs: str) -> None:
    """Render computed sentences as markdown in a notebook (one paragraph per argument)."""
    from IPython.display import Markdown, display

    display(Markdown("\n\n".join(p for p in paragraphs if p)))


def funnel_data(result: MeasureResult, comparison=None) -> pd.DataFrame:
    """The numbers a funnel plot draws: per force, counts, rate, interval, z, the adjusted limits
    at the result's level and the position against them."""
    comparison = comparison or result.comparison
    label = level_label(result.level)
    columns = [
        "force_code",
        "force_name",
        "successes",
        "trials",
        "rate",
        "ci_lower",
        "ci_upper",
        "z",
    ]
    columns += [f"lower_{label}_adjusted", f"upper_{label}_adjusted", f"position_{label}_adjusted"]
    return comparison.table[columns]


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
    save it with ``funnel_data`` and return the figure."""
    comparison = comparison or result.comparison
    fig = figures.funnel_plot(
        comparison,
        title=f"{title}{mode.title_suffix()}",
        rate_label=RATE_LABEL,
        highlight=highlight,
        label_level=result.level,
    )
    figures.save_figure(fig, name, funnel_data(result, comparison), mode, notebook, section)
    return fig


def force_map(
    result: MeasureResult, mode: DataMode, notebook: str, section: str, name: str, title: str
):
    """Tile map of the latest year's rates (forces without data shown as 'no data'), saved."""
    fig = figures.force_map(
        result.latest.set_index("force_code")["rate"],
        title=f"{title}{mode.title_suffix()}",
        value_label=f"{result.spec.short_label} / outcomes assigned",
    )
    data = result.verdicts[
        ["force_code", "force_name", "successes", "trials", "rate", "no_data_reason"]
    ]
    figures.save_figure(fig, name, data, mode, notebook, section)
    return fig


def trend_panel(
    result: MeasureResult, mode: DataMode, notebook: str, section: str, name: str, title: str
):
    """Small multiples of each force's rate over the years with the national rate, saved with
    the force-year rates drawn."""
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
    figures.save_figure(fig, name, result.rates, mode, notebook, section)
    return fig


def close(fig) -> None:
    """Close a figure after it has been shown (keeps memory flat in long runs)."""
    plt.close(fig)
