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
