"""The site that ``make reproduce`` leaves in ``reports/``, opened from disk with no network:

* ``index.html``, the front door: the 43 forces by name (searchable, grouped by country), each
  linking to its page; the national pages; then, for reviewers, the notebooks with their code, the
  figures with their CSVs, the source files read and the package versions;
* ``profiles/<force>.html``: the 43 force pages (``helpers.report.profiles``);
* ``community-resolutions.html`` and ``evidence-led-prosecution.html``: interactive national pages
  (Plotly, ``helpers.figures.interactive``): funnel plots, rates by force and over time, a force
  selector, a year selector and, for community resolutions, a slider for the "rare" threshold.
  Every number is computed in Python for every year and embedded as JSON; the page's script only
  picks among them;
* ``community-resolutions-report.html`` and ``evidence-led-prosecution-report.html``: notebooks 02
  and 03 without their code, for analysts (the full notebooks stay in ``notebooks/`` for reviewers);
* ``plotly.min.js``, written once, loaded by relative link.
"""

from __future__ import annotations

import html
import importlib.metadata
import platform
import time
from pathlib import Path

import pandas as pd

from helpers.analysis import community_resolution, statistics
from helpers.analysis.measure import MeasureResult
from helpers.core import config, datamode
from helpers.figures import interactive
from helpers.reference import forces
from helpers.report import pages
from helpers.report.formatting import count, pct
from helpers.report.notebook_pages import (  # noqa: F401 (re-exported)
    ANALYST_REPORTS,
    DEVELOPER_OUTPUT,
    MARKDOWN_REWRITES,
    analyst_notebook,
    notebook_html,
    write_analyst_report,
    write_analyst_reports,
)

PACKAGES = [
    "pandas",
    "numpy",
    "scipy",
    "statsmodels",
    "matplotlib",
    "seaborn",
    "plotly",
    "pandera",
    "python-calamine",
    "openpyxl",
    "pyarrow",
    "pooch",
    "papermill",
    "nbval",
    "jupyterlab",
]

#: the interactive national pages: page name -> (title, measure keys)
NATIONAL_PAGES = {
    "community-resolutions": ("Community resolutions", ("community_resolution",)),
    "evidence-led-prosecution": (
        "Evidence-led prosecution: outcome 16 and charges",
        ("outcome16", "charge"),
    ),
}
#: the "rare" thresholds offered by the community resolution page's slider (0.5% to 3.0%)
THRESHOLD_GRID = tuple(round(0.005 + 0.001 * i, 3) for i in range(26))
#: files other modules write into reports/, linked from the index
WORKBOOK = "da-police-outcomes.xlsx"
BRIEFINGS = "briefings/"
GLOSSARY = "glossary.html"

#: what each measure's rate is called on an axis, in words
RATE_WORDS = {
    "community_resolution": "community resolutions<br>(% of outcomes assigned)",
    "outcome16": "victim did not support action, outcome 16<br>(% of outcomes assigned)",
    "charge": "charged or summonsed, outcome 1<br>(% of outcomes assigned)",
}
SHORT_TITLES = {
    "community_resolution": "Community resolutions (outcome 8)",
    "outcome16": "Closed because the victim did not support action (outcome 16)",
    "charge": "Charged or summonsed (outcome 1)",
}


def _package_versions() -> list[tuple[str, str]]:
    versions = []
    for name in PACKAGES:
        try:
            versions.append((name, importlib.metadata.version(name)))
        except importlib.metadata.PackageNotFoundError:
            versions.append((name, "not installed"))
    return versions


def _read_log() -> list[dict]:
    path = config.processed_dir() / "read_log.csv"
    if not path.exists():
        return []
    return pd.read_csv(path).to_dict("records")


def _manifest() -> list[dict]:
    path = config.figures_dir() / "MANIFEST.csv"
    if not path.exists():
        return []
    import csv

    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def _banner(mode: datamode.DataMode) -> dict:
    return {
        "banner": mode.banner(),
        "banner_class": "synthetic" if mode.synthetic else "official",
        "title_suffix": mode.title_suffix(),
    }


# ------------------------------------------------------------------------------------------
# the index page
# ------------------------------------------------------------------------------------------


#: "compared with the national rate" in a few words, for the index table
VS_SHORT = {
    "above": "higher than national",
    "below": "lower than national",
    "not different": "not different from national",
    "no data": "no data",
}


def force_groups(measures: dict[str, MeasureResult]) -> list[dict]:
    """The 43 forces by country (England, then Wales), each sorted by name, with the link to its
    page and its headline rates: [{'country', 'forces': [profiles.index_rows row, ...]}]."""
    from helpers.report import profiles

    country = forces.country_of()
    rows = profiles.index_rows(measures)
    groups = []
    for name in ("England", "Wales"):
        members = [
            dict(
                row,
                href=f"profiles/{row['href']}",
                **{f"{key}_words": VS_SHORT[row[f"{key}_vs"]] for key in ("cr", "o16", "charge")},
            )
            for row in rows
            if country[row["code"]] == name
        ]
        groups.append({"country": name, "forces": members})
    return groups


def write_index(
    mode: datamode.DataMode,
    notebooks: list[tuple[str, str]],
    seconds: float,
    requested: str,
    measures: dict[str, MeasureResult] | None = None,
) -> Path:
    """``reports/index.html`` (relative links only): the forces by name first (when ``measures``
    are given), then the national pages, downloads, and the reviewers' material. ``notebooks``:
    (stem, title) of each executed notebook; ``seconds``: the run time shown."""
    year = measures["community_resolution"].year if measures else ""
    reviewer_notebooks = [
        {"stem": stem, "title": title, "short": ANALYST_REPORTS.get(stem, ("", ""))[0]}
        for stem, title in notebooks
    ]
    return pages.render(
        "index.html",
        config.reports_dir() / "index.html",
        **_banner(mode),
        year=year,
        groups=force_groups(measures) if measures else [],
        national=[
            {"href": f"{name}.html", "title": title} for name, (title, _) in NATIONAL_PAGES.items()
        ],
        reports=[
            {"href": f"{short}.html", "title": title}
            for stem, (short, title) in ANALYST_REPORTS.items()
            if (config.reports_dir() / f"{short}.html").exists()
        ],
        workbook=WORKBOOK,
        briefings=BRIEFINGS,
        glossary=GLOSSARY,
        notebooks=reviewer_notebooks,
        figures=_manifest(),
        processed=[
            {"name": p.name, "size": f"{p.stat().st_size / 1e6:.2f} MB"}
            for p in sorted(config.processed_dir().glob("*.csv"))
        ],
        sources=_read_log(),
        packages=_package_versions(),
        requested=requested,
        seconds=f"{seconds:.0f}",
        python=platform.python_version(),
    )


# ------------------------------------------------------------------------------------------
# the interactive national pages
# ------------------------------------------------------------------------------------------

VS_WORDS = {
    "above": "higher than the national rate (95% interval wholly above it)",
    "below": "lower than the national rate (95% interval wholly below it)",
    "not different": "not different from the national rate (95% interval includes it)",
}
EXTREME_WORDS = {
    "above": "extreme, high: above the limits allowing for normal variation between forces",
    "below": "extreme, low: below the limits allowing for normal variation between forces",
    "within": "not extreme allowing for normal variation between forces",
}


def hover_texts(rows: pd.DataFrame, year_column: str | None = None, year: str = "") -> pd.Series:
    """Hover text per force-year: name, year, rate with its 95% interval, counts and (when the
    rows carry them) the two verdicts of the year."""
    verdicts = "vs_national" in rows.columns
    texts = []
    for row in rows.itertuples(index=False):
        when = getattr(row, year_column) if year_column else year
        text = (
            f"<b>{html.escape(str(row.force_name))}</b>, {when}<br>"
            f"rate {pct(row.rate, 2)} (95% interval {pct(row.ci_lower, 2)} to {pct(row.ci_upper, 2)})<br>"
            f"{count(row.successes)} of {count(row.trials)} outcomes assigned"
        )
        if verdicts:
            text += f"<br>{VS_WORDS[row.vs_national]}<br>{EXTREME_WORDS[row.extreme]}"
        texts.append(text)
    return pd.Series(texts, index=rows.index, dtype=object)


def _table_rows(points: pd.DataFrame, result: MeasureResult, year: str) -> list[list[str]]:
    """The year's table: one row per force (highest rate first, forces without data last):
    code, name, rate, interval, counts, vs national, extreme."""
    rows = []
    ordered = points.sort_values(["rate", "force_name"], ascending=[False, True])
    for row in ordered.itertuples(index=False):
        rows.append(
            [
                row.force_code,
                row.force_name,
                pct(row.rate, 2),
                f"{pct(row.ci_lower, 2)} to {pct(row.ci_upper, 2)}",
                f"{count(row.successes)} of {count(row.trials)}",
                VS_WORDS[row.vs_national],
                EXTREME_WORDS[row.extreme],
            ]
        )
    names = forces.force_names()
    missing = sorted(
        set(forces.territorial_codes()) - set(points["force_code"]), key=lambda c: names[c]
    )
    reasons = (
        result.verdicts.set_index("force_code")["no_data_reason"] if year == result.year else None
    )
    for code in missing:
        reason = (
            reasons[code]
            if reasons is not None
            else "no data (left out, suppressed or not published)"
        )
        rows.append([code, str(names[code]), "no data", "", "", reason, ""])
    return rows


def _summary(result: MeasureResult, year: str, points: pd.DataFrame) -> str:
    national = result.national.set_index("financial_year").loc[year]
    left_out = int(national["forces_left_out"])
    over = (
        "all 43 forces"
        if left_out == 0
        else f"{int(national['forces'])} forces ({left_out} without data left out)"
    )
    higher, lower = (int((points["vs_national"] == v).sum()) for v in ("above", "below"))
    high, low = (int((points["extreme"] == v).sum()) for v in ("above", "below"))
    return (
        f"In {year}, {count(national['successes'])} domestic abuse-related crimes were closed "
        f"{result.spec.closed_as}: {pct(national['rate'], 2)} of {count(national['trials'])} outcomes "
        f"assigned, over {over}. Compared with the national rate, {higher} forces were higher and "
        f"{lower} lower. Allowing for the normal variation between forces, {high} were extreme on "
        f"the high side and {low} on the low side."
    )


def threshold_verdicts(result: MeasureResult, year: str, grid=THRESHOLD_GRID) -> list[dict]:
    """For each "rare" threshold of ``grid`` (proportions): the forces above it in ``year``, by
    the test of ``community_resolution.measure_community_resolutions`` (one-sided exact binomial
    test against the threshold, Holm-corrected across the forces with data, 5%). Out: one dict
    per threshold: threshold, tested (forces with data), names (above it, highest rate first)."""
    rows = result.rates[result.rates["financial_year"] == year].reset_index(drop=True)
    out = []
    tests = [
        statistics.threshold_test(
            rows["successes"],
            rows["trials"],
            threshold,
            method=community_resolution.GUIDANCE_CORRECTION,
            alpha=community_resolution.GUIDANCE_ALPHA,
        )
        for threshold in grid
    ]
    for threshold, tested in zip(grid, tests, strict=True):
        above = rows[tested["above_threshold"].to_numpy()]
        names = above.sort_values(["rate", "force_name"], ascending=[False, True])["force_name"]
        out.append(
            {
                "threshold": threshold,
                "label": pct(threshold, 1),
                "tested": int(tested.attrs["n_tested"]),
                "names": [str(n) for n in names],
            }
        )
    return out


def measure_payload(
    result: MeasureResult, mode: datamode.DataMode, threshold: bool = False
) -> dict:
    """Everything a national page shows for one measure, every year precomputed: the funnel and
    by-force figures per year, the trend figure, per year the table rows and a summary sentence,
    and (``threshold``) the forces above each "rare" threshold of ``THRESHOLD_GRID``."""
    key = result.spec.key
    mark = datamode.SYNTHETIC_BANNER if mode.synthetic else ""
    rate_words = RATE_WORDS[key]
    comparisons = interactive.comparisons_by_year(result)
    out = {"funnel": {}, "byforce": {}, "table": {}, "summary": {}, "threshold": {}}
    default = community_resolution.RARE_THRESHOLD
    for year, comparison in comparisons.items():
        points = interactive.year_positions(comparison, result.level)
        hover = hover_texts(points, year=year)
        out["funnel"][year] = interactive.funnel_figure(
            comparison,
            points,
            hover,
            result.level,
            f"{SHORT_TITLES[key]} by force size, {year}",
            rate_words,
            mark,
        )
        out["byforce"][year] = interactive.by_force_figure(
            points,
            hover,
            comparison.target,
            f"{SHORT_TITLES[key]}: each force with its 95% interval, {year}",
            rate_words,
            mark,
            threshold=default if threshold else None,
        )
        out["table"][year] = _table_rows(points, result, year)
        out["summary"][year] = _summary(result, year, points)
        if threshold:
            out["threshold"][year] = threshold_verdicts(result, year)
    national = result.national
    national_hover = pd.Series(
        [
            f"<b>England and Wales</b>, {row.financial_year}<br>rate {pct(row.rate, 2)} (95% interval "
            f"{pct(row.ci_lower, 2)} to {pct(row.ci_upper, 2)})<br>{count(row.successes)} of "
            f"{count(row.trials)} outcomes assigned; {int(row.forces)} forces with data"
            for row in national.dropna(subset=["rate"]).itertuples()
        ],
        dtype=object,
    )
    out["trend"] = interactive.trend_figure(
        result.rates,
        national,
        hover_texts(result.rates, year_column="financial_year"),
        national_hover,
        f"{SHORT_TITLES[key]} over the years",
        rate_words,
        mark,
    )
    out["label"] = SHORT_TITLES[key]
    out["latest"] = result.year
    return out


def write_national_pages(mode: datamode.DataMode, measures: dict[str, MeasureResult]) -> list[Path]:
    """The interactive national pages (``NATIONAL_PAGES``) and ``plotly.min.js`` in
    ``reports/``; returns the page paths."""
    reports = config.reports_dir()
    interactive.write_plotly_js(reports)
    years = sorted(
        str(y) for y in measures["community_resolution"].rates["financial_year"].unique()
    )
    force_list = [
        {
            "code": code,
            "name": name,
            "href": f"profiles/{forces.slug(code)}.html",
            "slug": forces.slug(code),
        }
        for name, code in sorted(
            ((str(n), c) for c, n in forces.force_names()[forces.territorial_codes()].items()),
        )
    ]
    written = []
    for name, (title, keys) in NATIONAL_PAGES.items():
        payload = {
            "years": years,
            "latest": measures[keys[0]].year,
            "forces": force_list,
            "measures": {
                key: measure_payload(measures[key], mode, threshold=key == "community_resolution")
                for key in keys
            },
        }
        if "community_resolution" in keys:
            payload["grid_default"] = THRESHOLD_GRID.index(community_resolution.RARE_THRESHOLD)
        written.append(
            pages.render(
                "national.html",
                reports / f"{name}.html",
                **_banner(mode),
                page=name,
                title=title,
                keys=list(keys),
                labels={key: SHORT_TITLES[key] for key in keys},
                years=years,
                latest=payload["latest"],
                forces=force_list,
                threshold=payload.get("grid_default"),
                grid=[pct(t, 1) for t in THRESHOLD_GRID],
                default_threshold=pct(community_resolution.RARE_THRESHOLD, 1),
                level=f"{measures[keys[0]].level:.1%}",
                report=next(
                    (short for short, _ in ANALYST_REPORTS.values() if short.startswith(name)), None
                ),
                data=interactive.to_json(payload),
            )
        )
    return written


# ------------------------------------------------------------------------------------------
# notebooks for analysts, without code
# ------------------------------------------------------------------------------------------

# ------------------------------------------------------------------------------------------
# the whole site
# ------------------------------------------------------------------------------------------


def downloads(
    mode: datamode.DataMode,
    measures: dict,
    da,
    workers: int | None = None,
    codes: list[str] | None = None,
) -> None:
    """What an analyst can take away without Python: the workbook (``WORKBOOK``), the one-page
    briefings (``BRIEFINGS``: the 43 forces, or ``codes``, and England and Wales) and the
    glossary (``GLOSSARY``)."""
    from helpers.report import briefings, glossary, workbook

    reports = config.reports_dir()
    workbook.write_workbook(measures, mode, reports / WORKBOOK, da=da)
    briefings.write_briefings(measures, da, mode, reports / BRIEFINGS, codes=codes, workers=workers)
    glossary.write_glossary(reports / GLOSSARY)


#: the two halves of ``build_pages``, which ``make reproduce`` runs as two tasks so that the
#: cores share the work evenly
SITE_PARTS = ("pages", "downloads")


def build_pages(
    mode: datamode.DataMode,
    workers: int | None = None,
    codes: list[str] | None = None,
    parts: tuple[str, ...] = SITE_PARTS,
) -> dict[str, MeasureResult]:
    """The site's pages that need the processed data but no executed notebook: the measures once
    (from the analysis memo when a notebook computed them), then for ``parts`` 'pages' the force
    pages (all 43, or ``codes``) and the national pages, and for 'downloads' the workbook, the
    briefings and the glossary. Prints each step's time; returns the measures. Raises
    ValueError for an unknown part."""
    from helpers.analysis import profile
    from helpers.data import tidy
    from helpers.report import profiles

    unknown = set(parts) - set(SITE_PARTS)
    if unknown:
        raise ValueError(f"parts must be among {SITE_PARTS}, not {sorted(unknown)}")
    step = time.perf_counter()
    da = tidy.load_or_build(mode, quiet=True)["da_outcomes_by_force"]
    measures = profile.measure_all(da)
    print(f"[site] measures computed in {time.perf_counter() - step:.1f} s", flush=True)

    if "pages" in parts:
        step = time.perf_counter()
        profiles.render_all(mode, workers=workers, codes=codes, da=da, measures=measures)
        print(f"[site] force pages rendered in {time.perf_counter() - step:.1f} s", flush=True)
        step = time.perf_counter()
        write_national_pages(mode, measures)
        print(f"[site] national pages written in {time.perf_counter() - step:.1f} s", flush=True)

    if "downloads" in parts:
        step = time.perf_counter()
        downloads(mode, measures, da, workers=workers, codes=codes)
        print(
            f"[site] workbook, briefings and glossary written in {time.perf_counter() - step:.1f} s",
            flush=True,
        )
    return measures


def site_measures(mode: datamode.DataMode) -> dict[str, MeasureResult]:
    """``profile.measure_all`` of the processed DA table (from the analysis memo after a run)."""
    from helpers.analysis import profile
    from helpers.data import tidy

    return profile.measure_all(tidy.load_or_build(mode, quiet=True)["da_outcomes_by_force"])


def build_site(
    mode: datamode.DataMode,
    notebooks: list[tuple[str, str]],
    started: float,
    requested: str,
    workers: int | None = None,
    codes: list[str] | None = None,
) -> Path:
    """Build the site in this process after the notebooks have run: ``build_pages``, the
    analysts' reports and the index. ``notebooks``: (stem, title) of each executed notebook;
    ``started``: ``time.perf_counter()`` at the start of the run (for the run time shown).
    Returns the index page path."""
    measures = build_pages(mode, workers=workers, codes=codes)
    write_analyst_reports()
    return write_index(mode, notebooks, time.perf_counter() - started, requested, measures)
