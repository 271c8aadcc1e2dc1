from __future__ import annotations

import csv
import hashlib

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from helpers import figures
from helpers.analysis import statistics
from helpers.core.datamode import SYNTHETIC_BANNER
from helpers.reference import forces


def comparison():
    rng = np.random.default_rng(0)
    codes = forces.territorial_codes()
    n = rng.integers(1000, 30000, len(codes))
    frame = pd.DataFrame({"force_code": codes, "successes": rng.binomial(n, 0.05), "trials": n})
    return statistics.compare_to_target(frame, "successes", "trials")


def render(tmp_path, name, mode="official"):
    figures.set_theme()
    fig = figures.funnel_plot(comparison(), title="test")
    row = figures.save_figure(
        fig, name, comparison().table, mode, "test_notebook", "1. Section", directory=tmp_path
    )
    plt.close(fig)
    return row


def test_same_data_gives_identical_png_and_svg_bytes(tmp_path):
    render(tmp_path / "a", "funnel")
    render(tmp_path / "b", "funnel")
    for suffix in ("png", "svg", "csv"):
        assert (tmp_path / "a" / f"funnel.{suffix}").read_bytes() == (
            tmp_path / "b" / f"funnel.{suffix}"
        ).read_bytes(), suffix


def test_save_figure_writes_data_and_manifest(tmp_path):
    row = render(tmp_path, "funnel")
    text = (tmp_path / "funnel.csv").read_bytes()
    assert row["data_sha256"] == hashlib.sha256(text).hexdigest()
    manifest = list(csv.DictReader(open(tmp_path / "MANIFEST.csv")))
    assert manifest == [{**row}]
    assert "saved funnel" in repr(row)


def test_synthetic_mark_on_sample_figures_only(tmp_path):
    figures.set_theme()
    for mode in ("sample", "official"):
        fig = figures.force_map(pd.Series({"E23000001": 0.1, "W15000001": 0.2}), title="map")
        figures.save_figure(
            fig, f"map_{mode}", pd.DataFrame({"a": [1]}), mode, "nb", "s", directory=tmp_path
        )
        texts = [t.get_text() for t in fig.texts]
        assert any(SYNTHETIC_BANNER.upper() in t for t in texts) == (mode == "sample")
        plt.close(fig)


def test_save_figure_rejects_unknown_mode(tmp_path):
    fig = plt.figure()
    with pytest.raises(ValueError, match="mode must be"):
        figures.save_figure(fig, "x", pd.DataFrame(), "auto", "nb", "s", directory=tmp_path)


def test_map_marks_missing_forces_and_trend_panel_has_43_panels():
    fig = figures.force_map(pd.Series({"E23000001": 0.1}))
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts.count("no data") == 42
    frame = pd.DataFrame(
        {
            "force_code": forces.territorial_codes() * 2,
            "year": [2019] * 43 + [2020] * 43,
            "rate": 0.1,
            "lo": 0.05,
            "hi": 0.15,
        }
    )
    panel = figures.trend_panel(frame, "force_code", "year", "rate", "lo", "hi")
    assert sum(ax.axison for ax in panel.axes) == 43


def test_save_figure_without_data_writes_the_numbers_the_figure_drew(tmp_path):
    values = pd.Series({"E23000001": 0.1, "W15000001": 0.2})
    fig = figures.force_map(values)
    figures.save_figure(fig, "map", None, "official", "nb", "s", directory=tmp_path)
    saved = pd.read_csv(tmp_path / "map.csv").set_index("force_code")
    assert len(saved) == 43
    assert saved.loc["W15000001", "value"] == 0.2 and np.isnan(saved.loc["E23000002", "value"])
    plt.close(fig)
    with pytest.raises(ValueError, match="no drawn data"):
        figures.save_figure(plt.figure(), "x", None, "official", "nb", "s", directory=tmp_path)


def test_percent_labels_say_the_tick_value_exactly():
    from helpers.figures.theme import ExactPercentFormatter

    fig, ax = plt.subplots()
    formatter = ExactPercentFormatter(0)
    ax.yaxis.set_major_formatter(formatter)
    formatter.set_locs([0, 0.025, 0.05, 0.075])
    assert [formatter(v) for v in (0, 0.025, 0.05)] == ["0.0%", "2.5%", "5.0%"]
    formatter.set_locs([0, 0.1, 0.2])
    assert formatter(0.1) == "10%"
    formatter.set_locs([0.0, 0.0125])
    assert formatter(0.0125) == "1.25%"
    plt.close(fig)


def test_year_axis_keeps_missing_years():
    from helpers.figures.theme import full_years, isolated, on_year_axis

    starts, kind = full_years(["2013/14", "2016/17", "2014/15"])
    assert (starts, kind) == ([2013, 2014, 2015, 2016], "financial")
    frame = pd.DataFrame({"year": ["2013/14", "2014/15", "2016/17"], "v": [1.0, 2.0, 3.0]})
    placed = on_year_axis(frame, "year", starts)
    assert placed["_x"].tolist() == [2013, 2014, 2015, 2016]
    assert placed["v"].isna().tolist() == [False, False, True, False]
    assert isolated(placed["v"]).tolist() == [False, False, False, True]


def test_tile_names_are_readable_short_names_broken_to_fit():
    from helpers.figures.maps import _tile_name
    from helpers.figures.theme import short_names

    names = short_names()
    assert names["W15000002"] == "Gwent" and names["E23000034"] == "City of London"
    assert _tile_name("Northamptonshire") == "Northampton-\nshire"
    assert _tile_name("Greater Manchester") == "Greater\nManchester"
    assert _tile_name("Kent") == "Kent"
