from __future__ import annotations

import shutil

import pytest

from helpers.core import config, datamode
from helpers.data import sources


def test_auto_falls_back_to_the_sample_and_says_why(data_dirs):
    mode = sources.resolve_mode("auto")
    assert mode.name == "sample" and mode.synthetic
    assert "official files missing" in mode.reason
    assert "SYNTHETIC SAMPLE" in mode.banner()


def test_auto_uses_official_files_when_present(data_dirs):
    for source in sources.required_sources():
        shutil.copytree(config.SAMPLE_DIR / source, data_dirs["raw"] / source)
    mode = sources.resolve_mode("auto")
    assert mode.name == "official" and not mode.synthetic
    assert (
        sources.source_files(mode, "ons_da_outcomes")[0].parent
        == data_dirs["raw"] / "ons_da_outcomes"
    )


def test_official_insists(data_dirs):
    with pytest.raises(
        datamode.OfficialDataMissing, match=r"Two ways forward.*make data.*DA_DATA_MIRROR"
    ):
        sources.resolve_mode("official")


def test_unknown_mode():
    with pytest.raises(ValueError, match="DATA must be one of"):
        sources.resolve_mode("real")
