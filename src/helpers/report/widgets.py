"""Controls for exploring a measure in JupyterLab (ipywidgets): choose a force to highlight it in
the funnel plot and read its verdicts, choose the year, and move the "rare" threshold to see how
many forces are above it and which.

They need a running kernel: in a static copy of a notebook (HTML, the site) they show nothing, and
the site offers the same controls in its interactive pages. When a notebook is executed headless by
``make reproduce``/``make refresh`` (``STATIC_VARIABLE`` set to 1), each control shows its default
view as ordinary output instead (no widget, no comm messages: ipywidgets under nbclient has left
kernels waiting for ever, jupyter/nbclient#312), with a line saying the controls work in JupyterLab. Every number they show comes from the
measure engine (``helpers.analysis.measure``) and every verdict from ``helpers.report.verdicts``.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pandas as pd

from helpers.analysis.measure import MeasureResult
from helpers.analysis.profile import force_options
from helpers.core import config
from helpers.report import verdicts
from helpers.report.formatting import pct

#: set to 1 (by the headless runner) to show each control's default view as static output
STATIC_VARIABLE = config.STATIC_WIDGETS_VARIABLE
STATIC_NOTE = "*The controls of this cell work when the notebook runs in JupyterLab; shown here: their default view.*"

#: thresholds offered by the "rare" slider (proportions)
THRESHOLDS = (0.005, 0.0075, 0.01, 0.0125, 0.015, 0.02, 0.025, 0.03)


def static() -> bool:
    """Whether the controls show their default view as static output (``STATIC_VARIABLE``)."""
    return os.environ.get(STATIC_VARIABLE, "") == "1"


def explore_measure(build: Callable[..., MeasureResult], da: pd.DataFrame, **settings):
    """A force selector and a year selector for one measure: the funnel plot of the chosen year
    with the chosen force ringed, and the force's verdicts in words.

    ``build``: a measure function (e.g. ``community_resolution.measure_community_resolutions``);
    ``settings``: passed to it (denominator, level, funnel_method, threshold). Returns the
    widget box (display it as a cell's last expression)."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import Markdown, display

    from helpers import figures

    years = sorted(da["financial_year"].unique())
    cache: dict[str, MeasureResult] = {}

    def show(code: str, year: str) -> None:
        if year not in cache:
            cache[year] = build(da, year=year, **settings)
        result = cache[year]
        figures.funnel_plot(
            result.comparison,
            title=f"{result.spec.label}, {year}",
            rate_label="share of outcomes assigned",
            highlight=code,
            label_level=result.level,
        )
        plt.show()
        display(Markdown("\n".join(f"* {s}" for s in verdicts.force_sentences(result, code))))

    if static():
        display(Markdown(STATIC_NOTE))
        show(force_options()[0][1], years[-1])
        return None
    force = widgets.Dropdown(options=force_options(), description="Force")
    year = widgets.Dropdown(options=years, value=years[-1], description="Year")
    output = widgets.interactive_output(show, {"code": force, "year": year})
    return widgets.VBox([widgets.HBox([force, year]), output])


def threshold_explorer(build: Callable[..., MeasureResult], da: pd.DataFrame, **settings):
    """A slider over ``THRESHOLDS`` for the community resolution "rare" threshold: the number and
    names of forces above it (one-sided exact test, Holm-corrected, as the measure defines it).

    ``build``: ``community_resolution.measure_community_resolutions``. Returns the widget box."""
    import ipywidgets as widgets
    from IPython.display import Markdown, display

    cache: dict[float, MeasureResult] = {}

    def show(threshold: float) -> None:
        if threshold not in cache:
            cache[threshold] = build(da, threshold=threshold, **settings)
        display(Markdown(verdicts.guidance_summary(cache[threshold])))

    if static():
        display(Markdown(STATIC_NOTE))
        show(0.01)
        return None
    slider = widgets.SelectionSlider(
        options=[(pct(t, 2), t) for t in THRESHOLDS],
        value=0.01,
        description="'Rare' threshold",
        style={"description_width": "initial"},
        continuous_update=False,
    )
    return widgets.VBox([slider, widgets.interactive_output(show, {"threshold": slider})])


def profile_selector(da: pd.DataFrame, measures: dict[str, MeasureResult], force_code: str):
    """A force selector showing the chosen force's profile sentences
    (``findings.profile_sentences``). Returns the widget box."""
    import ipywidgets as widgets
    from IPython.display import Markdown, display

    from helpers.analysis import profile
    from helpers.report import findings

    def show(code: str) -> None:
        other = profile.build_profile(da, code, measures)
        lines = [f"#### {other.force_name}, {other.year}"]
        lines += [f"* {s}" for s in findings.profile_sentences(other)]
        display(Markdown("\n".join(lines)))

    if static():
        display(Markdown(STATIC_NOTE))
        show(force_code)
        return None
    selector = widgets.Dropdown(options=force_options(), value=force_code, description="Force")
    return widgets.VBox([selector, widgets.interactive_output(show, {"code": selector})])
