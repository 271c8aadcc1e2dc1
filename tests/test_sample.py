"""The synthetic sample regenerates identically and keeps the official layouts' quirks."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.core import config
from helpers.data import readers, sample
from helpers.reference import published


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample")
    sample.write_sample(folder)
    return folder


@pytest.mark.slow
def test_regenerating_gives_the_same_parsed_content(regenerated):
    for committed in sorted(config.SAMPLE_DIR.rglob("*.xlsx")):
        fresh = regenerated / committed.relative_to(config.SAMPLE_DIR)
        reader = (
            readers.read_ons_da_outcomes
            if committed.parent.name == "ons_da_outcomes"
            else readers.read_outcomes_open_data
        )
        pd.testing.assert_frame_equal(
            reader(committed, use_cache=False), reader(fresh, use_cache=False)
        )
    assert (regenerated / "calibration_targets.csv").read_text() == (
        config.SAMPLE_DIR / "calibration_targets.csv"
    ).read_text()


def test_sample_is_small_and_marked():
    files = list(config.SAMPLE_DIR.rglob("*.xlsx"))
    assert sum(f.stat().st_size for f in files) < 8_000_000
    assert all("SAMPLE" in f.name for f in files)
    assert "not real data" in (config.SAMPLE_DIR / "README.md").read_text()


def test_sample_quirks_present():
    frames = [
        readers.read_outcomes_open_data(p, use_cache=False)
        for p in sorted((config.SAMPLE_DIR / "ho_outcomes_open_data").glob("*.xlsx"))
    ]
    data = pd.concat(frames)
    assert data["not_provided"].any()
    assert data["offence_code_expired"].any()
    assert (data["outcomes_recorded"] < 0).any()
    assert "London, City of" in set(data["force_name"])
    assert {"Devon & Cornwall", "Devon and Cornwall", "Hampshire and Isle of Wight"} <= set(
        data["force_name"]
    )
    gmp = data[(data["force_code"] == "E23000005") & (data["financial_year"] == "2019/20")]
    assert sorted(gmp["quarter"].unique()) == [1, 2]  # a force missing quarters
    sheets = {f.attrs["sheet"] for f in frames}
    assert sheets == {
        "Outcomes_open_data_2019_20",
        "Outcomes_open_data_2023_24",
        "Outcomes open data 2024_25",
    }


def test_calibrated_to_published_national_volumes():
    ons = readers.read_ons_da_outcomes(
        config.SAMPLE_DIR / "ons_da_outcomes" / "domestic-abuse-outcomes-by-pfa-SAMPLE.xlsx",
        use_cache=False,
    )
    crimes = (
        ons[ons["outcome_category"] == "crimes_recorded"].groupby("financial_year")["value"].sum()
    )
    assert crimes["2017/18"] == published.figure("ONS18-crimes")
    assert crimes["2019/20"] == published.figure("ONS20-crimes")  # the 42 forces ONS kept
