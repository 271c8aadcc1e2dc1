"""The JupyterLab controls: built from the measure engine, offering every force, every year and
the threshold grid (their output needs a kernel; the sentences they show are tested in
tests/test_measures.py)."""

from __future__ import annotations

import pytest

from helpers.analysis import community_resolution
from helpers.report import widgets

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def da(sample_data):
    """The sample's processed DA table (``conftest.sample_data``, built once per session)."""
    return sample_data.fresh()[0]


@pytest.fixture(scope="module")
def measures(sample_data):
    """``profile.measure_all`` of that table, computed once per session."""
    return sample_data.fresh()[1]


def test_measure_explorer_offers_every_force_and_year(da):
    box = widgets.explore_measure(community_resolution.measure_community_resolutions, da)
    force, year = box.children[0].children
    assert len(force.options) == 43 and ("Kent", "E23000032") in force.options
    assert (
        list(year.options) == sorted(da["financial_year"].unique())
        and year.value == year.options[-1]
    )


def test_threshold_slider_offers_the_grid_and_starts_at_one_per_cent(da):
    box = widgets.threshold_explorer(community_resolution.measure_community_resolutions, da)
    slider = box.children[0]
    assert [value for _, value in slider.options] == list(widgets.THRESHOLDS)
    assert slider.value == 0.01 and ("1.00%", 0.01) in slider.options


def test_profile_selector_starts_at_the_force(da, measures):
    box = widgets.profile_selector(da, measures, "E23000013")
    assert box.children[0].value == "E23000013"
