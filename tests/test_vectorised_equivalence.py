"""Vectorised computations checked against the step-by-step reference they replace.

``measure.recent_change`` computes every force's change at once; ``models.recent_change`` is the
documented per-series reference (itself checked against Newcombe's published examples in
``test_statistics_models.py``). They must give the same rows on the sample's rates, including
force-years with a missing count, zero trials and no row at all.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.analysis import charge, measure, models, rates, statistics


def force_by_force(rates_table: pd.DataFrame, year: str) -> pd.DataFrame:
    """The per-force loop over ``models.recent_change`` (what ``measure.recent_change`` did
    before it was vectorised)."""
    up_to = rates_table[rates_table["financial_year"] <= year]
    end = statistics.financial_year_start(year)
    frames = []
    for code, group in up_to.groupby("force_code", sort=True):
        start = statistics.financial_year_start(group["financial_year"])
        change = models.recent_change(group["successes"], group["trials"], start, lags=(1, 3))
        if change["latest"].iloc[0] != end:
            change["direction"] = "too few data"
            change[["difference_pp", "lower_pp", "upper_pp"]] = np.nan
        frames.append(change.assign(force_code=code))
    out = pd.concat(frames, ignore_index=True)
    out["direction"] = out["direction"].replace({"too few data": "no data"})
    return out


def damaged(table: pd.DataFrame, seed: int) -> pd.DataFrame:
    """``table`` with 20 force-years missing a numerator, 20 with zero trials and 10 removed."""
    rng = np.random.default_rng(seed)
    out = table.copy()
    rows = rng.choice(len(out), 50, replace=False)
    out.loc[rows[:20], "successes"] = np.nan
    out.loc[rows[20:40], "trials"] = 0.0
    return out.drop(index=rows[40:]).reset_index(drop=True)


@pytest.mark.parametrize("seed", [None, 1, 2])
def test_recent_change_for_all_forces_equals_the_force_by_force_reference(sample_data, seed):
    table = rates.force_rates(sample_data.da, list(charge.SPEC.numerator), "total_outcomes")
    if seed is not None:
        table = damaged(table, seed)
    years = sorted(table["financial_year"].unique())
    seen = set()
    for year in (years[0], years[1], years[3], years[-2], years[-1]):
        got = measure.recent_change(table, year)
        expected = force_by_force(table, year)
        assert list(got.columns) == list(expected.columns)
        pd.testing.assert_frame_equal(got, expected, check_dtype=False, rtol=1e-12, atol=1e-12)
        seen |= set(got["direction"])
    # the damaged tables reach the branches without a comparison as well as those with one
    assert "no clear change" in seen and ((seed is None) or "no data" in seen)


def test_recent_change_of_an_empty_table_has_the_columns():
    table = pd.DataFrame(columns=["financial_year", "force_code", "successes", "trials"])
    assert list(measure.recent_change(table, "2020/21").columns) == [
        "lag",
        "latest",
        "earlier",
        "rate_latest",
        "rate_earlier",
        "difference_pp",
        "lower_pp",
        "upper_pp",
        "direction",
        "force_code",
    ]


def test_memo_computes_a_result_once_when_two_ask_for_it_at_once(data_dirs, monkeypatch):
    """Two workers (threads here; processes in a run) asking for the same result at the same
    time: one computes, the other waits for the lock and reads what the first stored."""
    import threading
    import time

    from helpers.analysis import memo

    monkeypatch.delenv("DA_MEMO", raising=False)
    calls, results = [], []

    def compute():
        calls.append(threading.get_ident())
        time.sleep(0.5)  # long enough for the other thread to arrive while this one computes
        return {"value": 42}

    threads = [
        threading.Thread(target=lambda: results.append(memo.cached("race", {"n": 1}, compute)))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and results == [{"value": 42}, {"value": 42}]


def test_briefings_are_the_same_bytes_with_the_font_metrics_read_once(sample_data, tmp_path):
    """The briefings' PDF writer reuses parsed font metrics (``briefings._core_font_metrics_
    read_once``): the PDFs must be byte for byte those written without it."""
    from helpers.report import briefings

    codes = ["E23000032", "W15000002"]
    reused = briefings.write_briefings(
        sample_data.measures, sample_data.da, sample_data.mode, tmp_path / "a", codes, workers=1
    )
    original = briefings._core_font_metrics_read_once
    try:
        briefings._core_font_metrics_read_once = __import__("contextlib").nullcontext
        plain = briefings.write_briefings(
            sample_data.measures, sample_data.da, sample_data.mode, tmp_path / "b", codes, workers=1
        )
    finally:
        briefings._core_font_metrics_read_once = original
    assert len(reused) == len(plain) == 3
    for first, second in zip(reused, plain, strict=True):
        assert first.name == second.name and first.read_bytes() == second.read_bytes()


def test_the_written_out_theme_is_what_seaborn_sets():
    """``theme.SEABORN_WHITEGRID_NOTEBOOK`` and the colour cycle equal what seaborn's own
    ``set_theme`` sets from matplotlib's defaults (in a fresh process: the test session's
    matplotlib settings are not the defaults)."""
    import json
    import subprocess
    import sys

    script = """
import json, matplotlib
matplotlib.use("Agg")
import matplotlib as mpl
before = {k: str(v) for k, v in mpl.rcParams.items()}
import seaborn as sns
from helpers.figures import theme
sns.set_theme(context="notebook", style="whitegrid",
              palette=list(theme.OKABE_ITO.values())[1:], font_scale=1.0)
seaborn = {k: str(v) for k, v in mpl.rcParams.items() if str(v) != before[k]}
mpl.rcdefaults()
mpl.rcParams.update(theme.SEABORN_WHITEGRID_NOTEBOOK)
from cycler import cycler
from matplotlib.colors import to_rgb
mpl.rcParams["axes.prop_cycle"] = cycler("color", [to_rgb(c) for c in list(theme.OKABE_ITO.values())[1:]])
ours = {k: str(v) for k, v in mpl.rcParams.items() if str(v) != before[k]}
print(json.dumps([seaborn, ours]))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    seaborn, ours = json.loads(done.stdout.strip().splitlines()[-1])
    assert seaborn.pop("image.cmap") == "rocket"  # seaborn's own colour map: not used, left out
    assert ours == seaborn


def test_joinpoint_fits_from_the_linear_start_find_statsmodels_default_maximum(sample_data):
    """``models.segmented_trend`` starts each candidate's fit from the linear fit; the joinpoint
    and deviance must be those of fits from statsmodels' default start (computed here
    directly with statsmodels for every candidate)."""
    import statsmodels.api as sm

    table = rates.force_rates(sample_data.da, list(charge.SPEC.numerator), "total_outcomes")
    checked = 0
    for _, group in list(table.groupby("force_code"))[:12]:
        x = group["successes"].to_numpy(float)
        n = group["trials"].to_numpy(float)
        t = statistics.financial_year_start(group["financial_year"]).astype(float)
        fit = models.segmented_trend(x, n, t)
        if fit["status"] != "ok":
            continue
        endog = np.column_stack([x, n - x])
        deviances = {}
        for k in fit["profile"]["joinpoint"]:
            exog = np.column_stack([np.ones(len(t)), t - t.mean(), np.maximum(t - k, 0)])
            deviances[k] = sm.GLM(endog, exog, family=sm.families.Binomial()).fit().deviance
        best = min(deviances, key=deviances.get)
        assert fit["joinpoint"] == best
        assert fit["deviance_segmented"] == pytest.approx(deviances[best], rel=1e-8)
        checked += 1
    assert checked >= 8


def test_figures_save_the_same_bytes_without_a_draw_before_the_tight_box(sample_data, tmp_path):
    """``saving._layout_box`` measures the tight box without drawing first (matplotlib's own
    ``bbox_inches="tight"`` draws first): the PNG and SVG files must be byte for byte those
    saved with that draw, for a funnel (legend), a tile map (colour bar, hatching) and a chart
    with a layout engine (constrained layout: drawn first, as before)."""
    import matplotlib.pyplot as plt

    from helpers import figures
    from helpers.figures import saving

    figures.set_theme()  # its fixed svg.hashsalt makes the SVG ids repeatable
    result = sample_data.measures["community_resolution"]

    def drawn():
        funnel = figures.funnel_plot(result.comparison, title="Funnel", highlight="E23000032")
        tiles = figures.force_map(result.latest.set_index("force_code")["rate"], title="Map")
        engine, ax = plt.subplots(layout="constrained")
        ax.plot([1, 2, 3], [3, 1, 2], label="a line")
        ax.legend(loc="best")
        ax.set_title("A title")
        return {"funnel": funnel, "map": tiles, "constrained": engine}

    def with_a_draw_first(fig):
        fig.draw_without_rendering()
        return fig.get_tightbbox(fig.canvas.get_renderer())

    for name, fig in drawn().items():
        figures.save_figure(fig, name, pd.DataFrame({"x": [1]}), "sample", "t", "s", tmp_path / "a")
        plt.close(fig)
    original = saving._layout_box
    try:
        saving._layout_box = with_a_draw_first
        for name, fig in drawn().items():
            figures.save_figure(
                fig, name, pd.DataFrame({"x": [1]}), "sample", "t", "s", tmp_path / "b"
            )
            plt.close(fig)
    finally:
        saving._layout_box = original
    for name in ("funnel", "map", "constrained"):
        for suffix in (".png", ".svg"):
            first = (tmp_path / "a" / f"{name}{suffix}").read_bytes()
            assert first == (tmp_path / "b" / f"{name}{suffix}").read_bytes(), name + suffix
