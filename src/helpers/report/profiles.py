"""The force pages of the site: one page for each of the 43 police forces at a readable address
(``reports/profiles/kent.html``), with previous/next links and an index, rendered in-process from
the analysis layer's result objects (no notebook is executed per force).

The verdicts and sentences come from ``helpers.report.verdicts`` and ``helpers.report.findings``,
the same functions notebooks 02-04 use. The charts are interactive Plotly figures, built here as
JSON and drawn by the browser from ``reports/plotly.min.js`` (no image is rendered per force, which
kept the 43 pages from costing two minutes of CPU), each with the CSV of the numbers drawn beside
it; the printable one-page briefing of each force (``helpers.report.briefings``) holds static
charts. ``python -m helpers.report.profiles --data sample`` (``make profiles``) builds
them alone; ``make reproduce`` builds them with everything else.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import figures
from helpers.analysis import profile
from helpers.analysis.measure import MeasureResult
from helpers.core import config, datamode
from helpers.data import sources, tidy
from helpers.figures import interactive
from helpers.reference import forces
from helpers.report import findings, pages, verdicts
from helpers.report.formatting import pct

#: what the worker processes read (set before the pool forks)
_STATE: dict = {}


def profiles_dir() -> Path:
    """``reports/profiles/``."""
    return config.reports_dir() / "profiles"


def page_name(code: str) -> str:
    """The file name of a force's page, e.g. 'kent.html'."""
    return f"{forces.slug(code)}.html"


def _verdict_rows(force: profile.ForceProfile) -> list[dict]:
    rows = []
    for result in force.measures.values():
        row = result.verdict(force.force_code)
        has = row["vs_national"] != "no data"
        rows.append(
            {
                "label": result.spec.label,
                "rate": pct(row["rate"], 2),
                "interval": f"{pct(row['ci_lower'], 2)} to {pct(row['ci_upper'], 2)}"
                if has
                else "",
                "national": pct(result.national_rate, 2),
                "vs_national": row["vs_national"],
                "extreme": row["extreme"],
                "rank": verdicts.rank(row),
                "trend": verdicts.trend(row, result),
            }
        )
    return rows


def _funnel(result: MeasureResult, mode: datamode.DataMode) -> dict:
    """The community resolution funnel plot of ``result``'s year as a Plotly figure dict with an
    empty highlight (``interactive.with_highlight`` rings a force); drawn once per year and
    process, shared by every force page of that year."""
    from helpers.report import site

    cached = _STATE.setdefault("funnels", {})
    if result.year not in cached:
        points = interactive.year_positions(result.comparison, result.level)
        cached[result.year] = (
            interactive.funnel_figure(
                result.comparison,
                points,
                site.hover_texts(points, year=result.year),
                result.level,
                f"Community resolutions by force size, {result.year}",
                site.RATE_WORDS["community_resolution"],
                datamode.SYNTHETIC_BANNER if mode.synthetic else "",
            ),
            points,
        )
    return cached[result.year]


def _funnel_table(figure: dict, points: pd.DataFrame, code: str) -> pd.DataFrame:
    """What the page's funnel plot draws, read from the figure: one row per force point (with
    ``ringed`` for the page's force) and one per point of each limit line and the national line."""
    columns = ["force_code", "force_name", "successes", "trials", "rate", "ci_lower", "ci_upper"]
    forces_drawn = points[columns + ["extreme"]].assign(
        element="force", ringed=points["force_code"] == code
    )
    lines = [
        pd.DataFrame(
            {"element": f"{trace['name']} ({side})", "trials": trace["x"], "rate": trace["y"]}
        )
        for trace in figure["data"]
        if trace.get("mode") == "lines" and trace.get("x") and trace["x"][0] is not None
        for side in [_side(trace)]
    ]
    return pd.concat([forces_drawn, *lines], ignore_index=True)[
        ["element", *columns, "extreme", "ringed"]
    ]


def _side(trace: dict) -> str:
    """'upper' / 'lower' for a limit line (the upper one carries the legend entry), 'line' for
    the national rate."""
    if str(trace.get("name", "")).startswith("national"):
        return "line"
    return "upper" if trace.get("showlegend") else "lower"


def _figures(force: profile.ForceProfile, mode: datamode.DataMode) -> list[dict]:
    """The force's three charts as Plotly figures drawn in the browser (no image is rendered
    here), each with the CSV of the numbers drawn and its data mode beside it (rows in the
    folder's ``MANIFEST.csv``). Returns, per chart: id, JSON, caption and CSV link."""
    slug = forces.slug(force.force_code)
    directory = profiles_dir() / "figures" / slug
    mark = datamode.SYNTHETIC_BANNER if mode.synthetic else ""
    trend, trend_data = interactive.profile_trends_figure(
        {key: force.series(key) for key in force.measures},
        {key: result.national for key, result in force.measures.items()},
        {key: result.spec.label for key, result in force.measures.items()},
        force.force_name,
        f"{force.force_name} against England and Wales over the years",
        mark,
    )
    mix, mix_data = interactive.outcome_mix_figure(
        force.mix,
        force.force_name,
        f"How {force.force_name}'s outcomes were assigned, {force.year}",
        mark,
    )
    cr: MeasureResult = force.measures["community_resolution"]
    funnel, points = _funnel(cr, mode)
    funnel = interactive.with_highlight(funnel, force.force_code, force.force_name)
    funnel["layout"] = {
        **funnel["layout"],
        "title": {
            **funnel["layout"]["title"],
            "text": funnel["layout"]["title"]["text"].replace(
                f", {cr.year}", f", {cr.year}: {force.force_name} ringed", 1
            ),
        },
    }
    made = [
        (
            "trends",
            trend,
            trend_data,
            "Rates over the years with 95% intervals, beside England and Wales.",
        ),
        (
            "outcome_mix",
            mix,
            mix_data,
            "Share of outcomes assigned by outcome, beside England and Wales.",
        ),
        (
            "funnel_community_resolution",
            funnel,
            _funnel_table(funnel, points, force.force_code),
            "Every force's community resolution rate against its size (funnel plot), "
            f"{force.force_name} ringed. Points outside the limits are extreme allowing for "
            "normal variation between forces.",
        ),
    ]
    charts = []
    for name, figure, data, caption in made:
        figures.save_data(name, data, mode, "profiles", f"profile {slug}", directory=directory)
        charts.append(
            {
                "id": f"chart-{name.replace('_', '-')}",
                "json": interactive.to_json(figure),
                "csv": f"figures/{slug}/{name}.csv",
                "caption": caption,
            }
        )
    return charts


def render_force(code: str) -> tuple[str, float]:
    """Render one force's page from ``_STATE`` (mode, DA table, measures, order); returns
    (code, seconds)."""
    started = time.perf_counter()
    mode, da, measures, order = _STATE["mode"], _STATE["da"], _STATE["measures"], _STATE["order"]
    with_figures = _STATE.get("with_figures", True)
    force = profile.build_profile(da, code, measures)
    position = order.index(code)
    neighbour = lambda i: {"href": page_name(order[i]), "name": forces.force_names()[order[i]]}  # noqa: E731
    guidance_row = force.measures["community_resolution"].verdict(code)
    pages.render(
        "profile.html",
        profiles_dir() / page_name(code),
        name=force.force_name,
        slug=forces.slug(code),
        year=force.year,
        year_note=force.year_note,
        title_suffix=mode.title_suffix(),
        banner=mode.banner(),
        banner_class="synthetic" if mode.synthetic else "official",
        sentences=findings.profile_sentences(force),
        verdicts=_verdict_rows(force),
        guidance=verdicts.guidance(guidance_row, force.measures["community_resolution"]),
        figures=_figures(force, mode) if with_figures else [],
        briefing=f"../briefings/{forces.slug(code)}.pdf",
        previous=neighbour(position - 1) if position > 0 else None,
        next=neighbour(position + 1) if position + 1 < len(order) else None,
    )
    return code, time.perf_counter() - started


def index_rows(measures: dict[str, MeasureResult]) -> list[dict]:
    """One row per force (by name) with its headline rates and verdicts, for the index pages."""
    cr, o16, charge = (
        measures[k].verdicts.set_index("force_code")
        for k in ("community_resolution", "outcome16", "charge")
    )
    rows = []
    for name, code in profile.force_options():
        rows.append(
            {
                "href": page_name(code),
                "name": name,
                "code": code,
                "cr": pct(cr.loc[code, "rate"], 2),
                "cr_vs": cr.loc[code, "vs_national"],
                "guidance": cr.loc[code, "guidance"],
                "o16": pct(o16.loc[code, "rate"], 1),
                "o16_vs": o16.loc[code, "vs_national"],
                "charge": pct(charge.loc[code, "rate"], 1),
                "charge_vs": charge.loc[code, "vs_national"],
            }
        )
    return rows


def render_all(
    mode: datamode.DataMode,
    workers: int | None = None,
    codes: list[str] | None = None,
    with_figures: bool = True,
    da: pd.DataFrame | None = None,
    measures: dict[str, MeasureResult] | None = None,
) -> Path:
    """Render the force pages (all 43, or ``codes``) and ``profiles/index.html`` (always all 43
    forces); ``with_figures=False`` skips drawing the charts (for tests). ``da`` (the processed DA
    table) and ``measures`` (``profile.measure_all(da)``) are read or computed when not given.
    Returns the index path."""
    if da is None:
        da = tidy.load_or_build(mode, quiet=True)["da_outcomes_by_force"]
    if measures is None:
        measures = profile.measure_all(da)
    order = [code for _, code in profile.force_options()]
    _STATE.update(
        mode=mode, da=da, measures=measures, order=order, with_figures=with_figures, funnels={}
    )
    if with_figures:
        interactive.write_plotly_js(config.reports_dir())
    wanted = [code for code in order if codes is None or code in codes]
    workers = max(1, min(workers or os.cpu_count() or 1, len(wanted)))
    if workers == 1:
        for code in wanted:
            render_force(code)
    else:
        chunks = [list(chunk) for chunk in np.array_split(wanted, workers)]
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for _ in pool.map(_render_chunk, chunks):
                pass
    return pages.render(
        "profiles_index.html",
        profiles_dir() / "index.html",
        year=measures["community_resolution"].year,
        title_suffix=mode.title_suffix(),
        banner=mode.banner(),
        banner_class="synthetic" if mode.synthetic else "official",
        rows=index_rows(measures),
    )


def _render_chunk(codes: list[str]) -> list[tuple[str, float]]:
    return [render_force(str(code)) for code in codes]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.report.profiles", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--data", default="auto", choices=datamode.MODES)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    mode = sources.resolve_mode(args.data)
    print(f"[profiles] {mode.banner()}", flush=True)
    index = render_all(mode, args.workers)
    print(
        f"[profiles] 43 force pages and {config.relative(index)} in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
