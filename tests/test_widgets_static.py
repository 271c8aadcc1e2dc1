"""Headless runs: the controls show their default view as static output (no widget)."""

from __future__ import annotations

import IPython.display
import pytest

from helpers.analysis import community_resolution
from helpers.report import verdicts, widgets


@pytest.fixture
def shown(monkeypatch):
    out = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: out.extend(objs))
    monkeypatch.setenv(widgets.STATIC_VARIABLE, "1")
    return out


def test_threshold_explorer_is_static_when_headless(shown, sample_data):
    da = sample_data.da.copy()
    result = widgets.threshold_explorer(community_resolution.measure_community_resolutions, da)
    assert result is None  # no widget made
    texts = [getattr(o, "data", "") for o in shown]
    assert texts[0] == widgets.STATIC_NOTE
    expected = community_resolution.measure_community_resolutions(da, threshold=0.01)
    assert texts[1] == verdicts.guidance_summary(expected)


def test_controls_are_widgets_in_jupyterlab(monkeypatch, sample_data):
    import ipywidgets

    monkeypatch.delenv(widgets.STATIC_VARIABLE, raising=False)
    da = sample_data.da.copy()
    box = widgets.threshold_explorer(community_resolution.measure_community_resolutions, da)
    assert isinstance(box, ipywidgets.VBox)
