"""Every figure function, drawn on the synthetic sample and on small inputs and saved as a sample
figure (watermark and banner added), is checked with the renderer's text bounding boxes:

* no title, figure title, banner, legend or note overlaps another text (tick labels, axis
  labels, point labels included);
* every numeric tick label says exactly its tick value (per-cent labels parsed back);

and the figure-specific rules of issue 13 (funnel axis and legend words, no-data units, trend
panel gaps and off-scale values, map colour cap, full year axes, unjoined published points, the
fitted line never below 0%). The checkers are shown to fail on deliberately broken figures.
"""

from __future__ import annotations

import math
import re
from itertools import combinations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.ticker import PercentFormatter

from helpers import figures
from helpers.analysis import (
    charge,
    relation,
    robustness,
    statistics,
)
from helpers.core.datamode import SYNTHETIC_BANNER
from helpers.figures import saving, theme
from helpers.reference import forces, published

matplotlib.use("Agg")
pytestmark = pytest.mark.filterwarnings(
    "ignore::statsmodels.tools.sm_exceptions.PerfectSeparationWarning"
)

PROTECTED = {"banner", "suptitle", "title", "legend", "note"}


# ------------------------------------------------------------------------------------------
# the checkers
# ------------------------------------------------------------------------------------------


def drawn_tick_labels(axis) -> list:
    """The tick labels an axis draws: ticks inside the view interval only (matplotlib keeps
    labels, with stale positions, for located ticks outside the view)."""
    low, high = sorted(axis.get_view_interval())
    span = (high - low) * 1e-9
    labels = []
    for tick in axis.get_major_ticks() + axis.get_minor_ticks():
        if low - span <= tick.get_loc() <= high + span:
            labels += [label for label in (tick.label1, tick.label2) if label.get_visible()]
    return labels


def text_boxes(fig, draw: bool = True) -> list[tuple[str, int, object]]:
    """(kind, owner id, window extent) of every visible, non-empty text of a drawn figure; the
    diagonal watermark is left out (it lies over the data on purpose). ``draw=False``: the
    figure was just drawn (``assert_clean`` draws once for its three checkers)."""
    if draw:
        fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    found = []

    def add(kind, owner, artist):
        if artist is None or not artist.get_visible():
            return
        if hasattr(artist, "get_text") and not artist.get_text().strip():
            return
        found.append((kind, owner, artist.get_window_extent(renderer)))

    suptitle = getattr(fig, "_suptitle", None)
    for text in fig.texts:
        if text.get_gid() == saving.WATERMARK_GID or text is suptitle:
            continue
        add("banner" if text.get_gid() == saving.BANNER_GID else "note", id(text), text)
    add("suptitle", id(fig), getattr(fig, "_suptitle", None))
    for legend in fig.legends:
        add("legend", id(legend), legend)
    for ax in fig.axes:
        if not ax.get_visible() or not ax.axison and not ax.texts and not ax.get_title():
            continue
        for title in (ax.title, ax._left_title, ax._right_title):
            add("title", id(ax), title)
        add("axis label", id(ax.xaxis), ax.xaxis.label)
        add("axis label", id(ax.yaxis), ax.yaxis.label)
        add("legend", id(ax), ax.get_legend())
        for text in ax.texts:
            add(
                "point label" if isinstance(text, matplotlib.text.Annotation) else "note",
                id(text),
                text,
            )
        if ax.axison:
            for axis in (ax.xaxis, ax.yaxis):
                for label in drawn_tick_labels(axis):
                    add("tick label", id(axis), label)
    return found


def overlaps(fig, tolerance: float = 1.0, draw: bool = True) -> list[str]:
    """Pairs of overlapping texts where at least one is a title, banner, legend or note (two
    tick labels of one axis and two point labels are not compared here)."""
    boxes = text_boxes(fig, draw)
    problems = []
    for (kind_a, owner_a, a), (kind_b, owner_b, b) in combinations(boxes, 2):
        if kind_a not in PROTECTED and kind_b not in PROTECTED:
            continue
        if owner_a == owner_b and kind_a == kind_b == "tick label":
            continue
        if (
            min(a.x1, b.x1) - max(a.x0, b.x0) > tolerance
            and min(a.y1, b.y1) - max(a.y0, b.y0) > tolerance
        ):
            problems.append(f"{kind_a} overlaps {kind_b}")
    return problems


NUMBER = re.compile(r"^[\u2212\-]?[\d,]*\.?\d+%?$")


def tick_mismatches(fig, draw: bool = True) -> list[str]:
    """Numeric tick labels (per cent or plain, with thousands separators) that do not say their
    tick's value exactly: '12%' at 0.125 is a mismatch, '12.5%' is not."""
    if draw:
        fig.canvas.draw()
    problems = []
    for ax in fig.axes:
        if not ax.axison:
            continue
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks():
                label = tick.label1
                text = label.get_text().strip()
                if not label.get_visible() or not NUMBER.match(text):
                    continue
                loc = tick.get_loc()
                if not low - 1e-12 <= loc <= high + 1e-12:
                    continue
                value = float(text.rstrip("%").replace(",", "").replace("\u2212", "-"))
                if text.endswith("%"):
                    value /= 100
                if not math.isclose(value, loc, rel_tol=1e-9, abs_tol=1e-12):
                    problems.append(f"tick at {loc!r} labelled {text!r}")
    return problems


def small_ticks(fig, minimum: float = theme.MIN_TICK_SIZE, draw: bool = True) -> list[str]:
    if draw:
        fig.canvas.draw()
    return [
        f"{label.get_text()!r} at {label.get_fontsize()} pt"
        for ax in fig.axes
        if ax.axison
        for axis in (ax.xaxis, ax.yaxis)
        for label in drawn_tick_labels(axis)
        if label.get_text() and label.get_fontsize() < minimum - 1e-9
    ]


def assert_clean(fig, tmp_path, name="figure", save=False):
    """Mark the figure as a synthetic-sample figure (watermark and banner, as ``save_figure``
    does; ``save`` writes the files too, which is slow for big figures) and check its text."""
    if save:
        figures.save_figure(fig, name, None, "sample", "test", "section", directory=tmp_path)
        assert (tmp_path / f"{name}.csv").read_text().strip(), "empty data CSV"
    else:
        saving._watermark(fig)
        assert len(figures.drawn_data(fig)), "no drawn data"
    assert [t for t in fig.texts if t.get_gid() == saving.BANNER_GID], "no banner"
    # one draw for the three checkers (each used to draw the figure again: a 43-panel trend
    # panel costs seconds a draw); none of them changes the figure
    fig.canvas.draw()
    assert overlaps(fig, draw=False) == [], name
    assert tick_mismatches(fig, draw=False) == [], name
    assert small_ticks(fig, draw=False) == [], name
    plt.close(fig)


# ------------------------------------------------------------------------------------------
# the checkers can fail
# ------------------------------------------------------------------------------------------


def test_tick_checker_fails_on_rounded_per_cent_labels():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 0.25])
    ax.set_yticks(np.arange(0, 0.2501, 0.025))
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))  # 2.5% shown as '2%'
    assert any("labelled '2%'" in p or "labelled '3%'" in p for p in tick_mismatches(fig))
    theme.percent_axis(ax, "y", 0)
    ax.set_yticks(np.arange(0, 0.2501, 0.025))
    assert tick_mismatches(fig) == []
    plt.close(fig)


def test_overlap_checker_fails_on_a_banner_over_the_title_and_a_legend_over_a_title():
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.plot([1, 2], [1, 2], label="a line with a long legend entry")
    fig.suptitle("A figure title that is long enough to meet the banner")
    fig.tight_layout()
    # the old banner: fixed at the top edge of the figure, where tight_layout puts the title
    fig.text(
        0.5,
        0.995,
        SYNTHETIC_BANNER + " - a banner line",
        ha="center",
        va="top",
        gid=saving.BANNER_GID,
    )
    assert "banner overlaps suptitle" in overlaps(fig) or "suptitle overlaps banner" in overlaps(
        fig
    )
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.plot([1, 2], [1, 2], label="line")
    ax.set_title("axes title")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 0.97))
    assert any("legend" in p and "title" in p for p in overlaps(fig))
    plt.close(fig)


def test_banner_is_placed_above_the_title_it_used_to_cover(tmp_path):
    figures.set_theme()
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.4))
    for ax in axes:
        ax.plot([0, 1], [0, 0.5])
        ax.set_title("panel")
    fig.suptitle("A long suptitle of the kind 03_national_series has [SYNTHETIC SAMPLE]")
    fig.tight_layout()
    figures.attach_data(fig, pd.DataFrame({"x": [0, 1], "y": [0, 0.5]}))
    assert_clean(fig, tmp_path, "banner", save=True)


# ------------------------------------------------------------------------------------------
# small inputs
# ------------------------------------------------------------------------------------------

CODES = forces.territorial_codes()
GWENT, KENT, CITY = "W15000002", "E23000032", "E23000034"


def small_comparison(no_data: str | None = CITY):
    rng = np.random.default_rng(3)
    n = rng.integers(2000, 30000, len(CODES)).astype(float)
    x = rng.binomial(n.astype(int), 0.125).astype(float)
    frame = pd.DataFrame({"force_code": CODES, "successes": x, "trials": n})
    frame.loc[frame["force_code"] == GWENT, "successes"] = n[CODES.index(GWENT)] * 0.3
    if no_data:
        frame.loc[frame["force_code"] == no_data, "successes"] = np.nan
    return statistics.compare_to_target(frame, "successes", "trials")


def test_funnel_words_no_data_and_legend_outside(tmp_path):
    figures.set_theme()
    fig = figures.funnel_plot(
        small_comparison(), title="Funnel [SYNTHETIC SAMPLE]", rate_label="share"
    )
    ax = fig.axes[0]
    assert (
        ax.get_xlabel() == "domestic abuse-related crimes with an outcome (force size, log scale)"
    )
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "above the overdispersion-adjusted 99.8% limits" in legend
    notes = " ".join(
        t.get_text() for t in ax.texts if not isinstance(t, matplotlib.text.Annotation)
    )
    assert "Not drawn (no data): London, City of" in notes
    labels = {t.get_text() for t in ax.texts if isinstance(t, matplotlib.text.Annotation)}
    assert "Gwent" in labels and "Gwen" not in labels
    drawn = figures.drawn_data(fig)
    assert not drawn.loc[drawn["force_code"] == CITY, "drawn"].any()
    points = ax.collections[0].get_offsets()
    assert len(points) == 42  # the unit without data is not drawn
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    assert not ax.get_legend().get_window_extent(renderer).overlaps(ax.get_window_extent(renderer))
    assert_clean(fig, tmp_path, "funnel", save=True)


def test_funnel_x_label_is_a_parameter():
    fig = figures.funnel_plot(small_comparison(None), x_label="outcomes assigned (log scale)")
    assert fig.axes[0].get_xlabel() == "outcomes assigned (log scale)"
    plt.close(fig)


def panel_frame():
    rows = []
    for year in (2016, 2017, 2018, 2019, 2020):
        for code in CODES:
            if code == KENT and year == 2018:
                continue  # a gap
            rate = 0.30 if code == GWENT else 0.02
            rows.append(
                {
                    "force_code": code,
                    "year": f"{year}/{(year + 1) % 100:02d}",
                    "rate": rate,
                    "lo": rate * 0.8,
                    "hi": rate * 1.2,
                }
            )
    national = pd.DataFrame(
        {"year": [f"{y}/{(y + 1) % 100:02d}" for y in range(2016, 2021)], "rate": 0.025}
    )
    return pd.DataFrame(rows), national


def test_trend_panel_breaks_at_gaps_keeps_the_outlier_and_shows_welsh_frames(tmp_path):
    figures.set_theme()
    frame, national = panel_frame()
    fig = figures.trend_panel(
        frame,
        "force_code",
        "year",
        "rate",
        "lo",
        "hi",
        national=national,
        title="Trend [SYNTHETIC SAMPLE]",
    )
    by_title = {ax.get_title(): ax for ax in fig.axes if ax.axison}
    assert len(by_title) == 43
    kent = by_title["Kent"]
    force_line = kent.get_lines()[1]  # after the national line
    assert np.isnan(np.asarray(force_line.get_ydata(), dtype=float)).sum() == 1
    gwent = by_title["Gwent"]
    top = gwent.get_ylim()[1]
    values = np.asarray(gwent.get_lines()[1].get_ydata(), dtype=float)
    assert np.isfinite(values).all() and (values <= top).all() and (values > 0.5 * top).all()
    assert any(line.get_marker() == "^" for line in gwent.get_lines())
    assert any("off scale" in t.get_text() and "30.0%" in t.get_text() for t in gwent.texts)
    for spine in gwent.spines.values():
        assert (
            spine.get_linestyle() != "solid"
            and matplotlib.colors.to_hex(spine.get_edgecolor()) == "#000000"
        )
    assert all(
        spine.get_linestyle() == "-" or spine.get_linestyle() == "solid"
        for spine in kent.spines.values()
    )
    drawn = figures.drawn_data(fig)
    assert len(drawn[drawn["series"] == "force"]) == len(frame)
    assert drawn.loc[(drawn["force_code"] == GWENT), "off_scale"].all()
    assert len(drawn[drawn["series"] == "national"]) == 5
    assert_clean(fig, tmp_path, "trend_panel")


def test_force_map_caps_the_colour_scale_and_says_no_data_and_small_numbers(tmp_path):
    figures.set_theme()
    values = pd.Series(np.linspace(0.005, 0.02, 43), index=CODES)
    values[GWENT] = 0.107
    values[CITY] = np.nan
    fig = figures.force_map(
        values, title="Map [SYNTHETIC SAMPLE]", value_label="rate", flagged=[KENT]
    )
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("no data") == 1
    notes = " ".join(t.get_text() for t in fig.texts)
    assert "No data: City of London." in notes and "95th percentile" in notes
    assert "fewer than 10 events" in notes.lower()
    cap = float(np.percentile(values.dropna(), 95))
    drawn = figures.drawn_data(fig).set_index("force_code")
    assert drawn.loc[GWENT, "colour_value"] == pytest.approx(cap)
    assert drawn.loc[GWENT, "value"] == pytest.approx(0.107)
    bar_texts = " ".join(t.get_text() for axes in fig.axes[1:] for t in axes.texts)
    assert f"{cap:.1%} or more" in bar_texts
    assert sum(1 for patch in ax.patches if patch.get_hatch()) == 1
    # without the cap the outlier would take the whole scale
    assert cap < 0.107 / 2
    assert_clean(fig, tmp_path, "map")


def test_national_series_keeps_missing_years_on_the_axis(tmp_path):
    figures.set_theme()
    series = pd.DataFrame(
        {
            "financial_year": ["2013/14", "2015/16", "2016/17", "2019/20"],
            "count": [100000.0, 120000.0, 110000.0, 80000.0],
            "share": [0.70, 0.72, 0.74, 0.76],
        }
    )
    fig = figures.national_series_plot(
        series,
        "financial_year",
        [("count", "count", False), ("share", "share", True)],
        "Series [SYNTHETIC SAMPLE]",
        "A note.",
    )
    ax = fig.axes[0]
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == [f"{y}/{(y + 1) % 100:02d}" for y in range(2013, 2020)]
    y = np.asarray(ax.get_lines()[0].get_ydata(), dtype=float)
    assert np.isnan(y).sum() == 3 and np.nanmax(y) == 120000
    drawn = figures.drawn_data(fig)
    assert drawn.groupby("panel").size().to_dict() == {"count": 4, "share": 4}
    assert_clean(fig, tmp_path, "national")


def test_published_points_are_not_joined_and_say_what_they_count(tmp_path):
    figures.set_theme()
    history = published.community_resolution_history(implied=True)
    fig = figures.published_points_plot(
        history, "year", "count", "coverage_group", "History", "cases", "Note."
    )
    ax = fig.axes[0]
    for line in ax.get_lines():
        assert line.get_linestyle() in ("None", "", " ") or len(line.get_xdata()) <= 1
    implied = history[history["derived"]]
    total = published.figure("LAB14-2012+2013") - published.figure("LAB14-2013")
    assert implied["year"].tolist() == [2012] and implied["count"].tolist() == [total]
    assert total > published.figure("LAB14-2013")  # 2012 was higher than 2013
    legend = " ".join(t.get_text() for t in ax.get_legend().get_texts())
    assert "community resolutions + restorative justice" in legend
    assert "derived" in " ".join(t.get_text() for t in ax.texts)
    assert_clean(fig, tmp_path, "history")


def scatter_frame():
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"force_code": CODES, "rate_x": rng.uniform(0.03, 0.2, 43)})
    frame["rate_y"] = np.clip(0.05 * frame["rate_x"] + rng.normal(0, 0.003, 43), 0.001, None)
    frame.loc[frame["force_code"] == GWENT, ["rate_x", "rate_y"]] = (0.2, 0.1)
    frame["trials"] = rng.integers(1000, 30000, 43)
    return frame


def test_scatter_line_stays_in_range_dashes_are_explained_and_labels_do_not_overlap(tmp_path):
    figures.set_theme()
    frame = scatter_frame()
    fit = {"intercept": -0.02, "slope": 0.4, "slope_lower": 0.3, "slope_upper": 0.5, "r": 0.7}
    fig = figures.scatter_with_fit(
        frame, "rate_x", "rate_y", "trials", fit, "x", "y", "Scatter [SYNTHETIC SAMPLE]"
    )
    ax = fig.axes[0]
    for line in ax.get_lines():
        y = np.asarray(line.get_ydata(), dtype=float)
        assert np.nanmin(y) >= 0 and np.nanmax(y) <= 1
        x = np.asarray(line.get_xdata(), dtype=float)
        assert x.min() >= frame["rate_x"].min() and x.max() <= frame["rate_x"].max()
    legend = " ".join(t.get_text() for t in ax.get_legend().get_texts())
    assert "95% CI" in legend and "weighted mean" in legend
    notes = [t for t in ax.texts if isinstance(t, matplotlib.text.Annotation)]
    assert 1 <= len(notes) <= 6
    renderer = fig.canvas.get_renderer()
    boxes = [n.get_window_extent(renderer) for n in notes]
    assert not any(a.overlaps(b) for a, b in combinations(boxes, 2))
    assert {n.get_text() for n in notes} <= set(theme.short_names())
    assert_clean(fig, tmp_path, "scatter")


def test_caterpillar_sorted_with_intervals_and_no_data_note(tmp_path):
    figures.set_theme()
    comparison = small_comparison()
    table = comparison.table
    from helpers.analysis import models

    model = models.shrunken_rates(table["successes"], table["trials"])
    shrunk = pd.concat([table[["force_code"]], model], axis=1)
    shrunk.attrs.update(model.attrs)
    fig = figures.caterpillar_plot(shrunk, title="Caterpillar [SYNTHETIC SAMPLE]", highlight=GWENT)
    ax = fig.axes[0]
    drawn = figures.drawn_data(fig)
    assert drawn["shrunken"].is_monotonic_increasing and len(drawn) == 42
    assert [t.get_text() for t in ax.get_yticklabels()][-1] == "Gwent"
    assert "Not drawn (no data): City of London" in " ".join(t.get_text() for t in fig.texts)
    assert_clean(fig, tmp_path, "caterpillar")


def test_outcome_mix_and_coverage_are_clean(tmp_path):
    figures.set_theme()
    mix = pd.DataFrame(
        {
            "outcome": ["charged", "caution", "community resolution"],
            "force_share": [0.125, 0.05, 0.01],
            "national_share": [0.1, 0.04, 0.012],
        }
    )
    assert_clean(figures.outcome_mix_plot(mix, "Kent", "Mix [SYNTHETIC SAMPLE]"), tmp_path, "mix")
    names = ["Kent", "Gwent", "Surrey", "Sussex", "Dorset", "Essex"]
    years = ["2019/20", "2020/21", "2021/22", "2022/23"]
    coverage = pd.DataFrame(
        [(name, year, "present") for name in names for year in years],
        columns=["force_name", "financial_year", "status"],
    )
    coverage.loc[1, "status"] = "excluded [x]"
    coverage.loc[6, "status"] = "absent"
    assert_clean(figures.coverage_heatmap(coverage, title="Coverage"), tmp_path, "coverage")


# ------------------------------------------------------------------------------------------
# the synthetic sample
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(sample_data):
    """The sample's processed tables and its three measures (``conftest.sample_data``: the same
    tidy stage and ``measure_community_resolutions``, ``measure_outcome16`` and
    ``measure_charge`` of the DA table, computed once per session)."""
    da, measures = sample_data.fresh()
    yield {
        "da": da,
        "lens": sample_data.tables["open_data_lens"].copy(),
        "cr": measures["community_resolution"],
        "o16": measures["outcome16"],
        "charge": measures["charge"],
    }


def test_every_figure_on_the_sample_is_clean(sample, tmp_path):
    figures.set_theme()
    cr, o16, charged = sample["cr"], sample["o16"], sample["charge"]
    for key, result in (("cr", cr), ("o16", o16)):
        assert_clean(
            figures.funnel_plot(
                result.comparison,
                title=f"{result.spec.label} [SYNTHETIC SAMPLE - not real data]",
                rate_label="share of outcomes assigned",
                highlight=KENT,
            ),
            tmp_path,
            f"{key}_funnel",
        )
        assert_clean(
            figures.force_map(
                result.latest.set_index("force_code")["rate"],
                title=f"{result.spec.label} [SYNTHETIC SAMPLE - not real data]",
                value_label="share",
                flagged=robustness.flagged_codes(robustness.small_numbers(result)),
            ),
            tmp_path,
            f"{key}_map",
        )
        assert_clean(
            figures.trend_panel(
                result.rates,
                "force_code",
                "financial_year",
                "rate",
                "ci_lower",
                "ci_upper",
                national=result.national,
                title=f"{result.spec.label} by force [SYNTHETIC SAMPLE - not real data]",
            ),
            tmp_path,
            f"{key}_trend_panel",
        )
        assert_clean(
            figures.caterpillar_plot(
                robustness.shrunken_estimates(result),
                title="Shrunken rates [SYNTHETIC SAMPLE - not real data]",
            ),
            tmp_path,
            f"{key}_caterpillar",
        )
    series = charge.national_series(o16, charged)
    assert_clean(
        figures.national_series_plot(
            series,
            "financial_year",
            [
                ("outcome16_share", "outcome 16 share", True),
                ("charge_rate", "charge rate", True),
                ("outcome16_closures", "crimes closed as outcome 16", False),
            ],
            "DA-related crimes, England and Wales [SYNTHETIC SAMPLE - not real data]",
            "Shares of outcomes assigned (excluding outcome 0), with 95% intervals.",
        ),
        tmp_path,
        "national_series",
    )
    link = relation.between_and_within(o16, charged)
    assert_clean(
        figures.scatter_with_fit(
            link.pairs,
            "rate_x",
            "rate_y",
            "trials",
            link.pooled,
            "outcome 16 share",
            "charge rate",
            "Outcome 16 and charging [SYNTHETIC SAMPLE - not real data]",
        ),
        tmp_path,
        "o16_vs_charge",
    )
    keys = {"community_resolution": cr, "outcome16": o16, "charge": charged}
    fig = figures.profile_trends_plot(
        {k: r.rates[r.rates["force_code"] == KENT] for k, r in keys.items()},
        {k: r.national for k, r in keys.items()},
        {k: r.spec.label for k, r in keys.items()},
        "Kent",
        "Kent against England and Wales [SYNTHETIC SAMPLE - not real data]",
    )
    drawn = figures.drawn_data(fig)
    assert set(drawn["series"]) == {"force", "national"} and set(drawn["measure"]) == set(keys)
    assert_clean(fig, tmp_path, "profile_trends")


def test_sample_trend_panel_breaks_at_the_excluded_force_years(sample):
    result = sample["cr"]
    gaps = sample["da"][sample["da"]["excluded"]]
    assert len(gaps)  # the sample has force-years left out by the publisher
    fig = figures.trend_panel(
        result.rates,
        "force_code",
        "financial_year",
        "rate",
        "ci_lower",
        "ci_upper",
        national=result.national,
    )
    by_title = {ax.get_title(): ax for ax in fig.axes if ax.axison}
    names = theme.short_names()
    for code in gaps["force_code"]:
        line = by_title[names[code]].get_lines()[1]
        assert np.isnan(np.asarray(line.get_ydata(), dtype=float)).sum() == 1
    plt.close(fig)
