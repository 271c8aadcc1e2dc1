"""The analyst's workbook (reports/da-police-outcomes.xlsx) built from the synthetic sample: it
opens with pandas and openpyxl, says its data mode on every sheet, its numbers equal the result
objects and counts computed here straight from the processed DA table, a missing count is an
empty cell with its reason, and writing it twice gives the same bytes."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from helpers.analysis import community_resolution, measure
from helpers.core import config
from helpers.core.datamode import SYNTHETIC_BANNER, DataMode
from helpers.report import workbook

pytestmark = pytest.mark.slow

SHEETS = ["About", "Forces by year", "Trends", "Outliers", "National series"]
#: measure key -> the processed DA column of its numerator (read here, not from the engine)
NUMERATORS = {
    "community_resolution": "community_resolution",
    "outcome16": "evidential_difficulties_victim_does_not_support",
    "charge": "charged_summonsed",
}


@pytest.fixture(scope="module")
def built(sample_data, tmp_path_factory):
    """The sample's processed data and measures (``conftest.sample_data``, with temporary
    folders as the ``data_dirs`` fixture sets them) and the workbook written once."""
    root = tmp_path_factory.mktemp("workbook")
    da, measures = sample_data.fresh()
    with pytest.MonkeyPatch.context() as patch:
        sample_data.point_at(patch, root)
        mode = sample_data.mode
        path = workbook.write_workbook(measures, mode, da=da)
        yield {"mode": mode, "da": da, "measures": measures, "path": path, "patch": patch}


def sheet(built, name: str) -> pd.DataFrame:
    return pd.read_excel(built["path"], sheet_name=name, header=1, engine="openpyxl")


def test_the_workbook_is_written_where_the_reports_go(built):
    assert built["path"] == config.reports_dir() / "da-police-outcomes.xlsx"
    assert pd.ExcelFile(built["path"], engine="openpyxl").sheet_names == SHEETS


def test_the_cover_states_the_data_mode_first(built):
    cover = openpyxl.load_workbook(built["path"])["About"]
    assert cover["A1"].value == "DATA MODE"
    assert cover["B1"].value == (
        "SYNTHETIC SAMPLE - not real data: no number in this workbook is a finding"
    )
    text = "\n".join(str(c.value) for row in cover.iter_rows() for c in row if c.value)
    # the sources with their addresses, and the date of the data from the files read
    assert "https://www.ons.gov.uk/" in text and "ACPO14-share" in text
    assert "domestic-abuse-outcomes-by-pfa-SAMPLE.xlsx" in text
    date = workbook.data_date(built["mode"]).date
    assert len(date) == 10 and "Data made" in text and date in text


def test_every_sheet_carries_the_data_mode_in_each_row(built):
    book = openpyxl.load_workbook(built["path"])
    for name in SHEETS[1:]:
        assert SYNTHETIC_BANNER in book[name]["A1"].value
        assert book[name].freeze_panes == "A3"
        table = sheet(built, name)
        assert table.columns[0] == "data mode"
        assert (table["data mode"] == SYNTHETIC_BANNER).all(), name


def test_latest_year_equals_the_result_objects_and_the_counts(built):
    table = sheet(built, "Forces by year")
    da = built["da"]
    for key, result in built["measures"].items():
        rows = table[
            table["measure"].str.startswith(result.spec.short_label)
            & (table["financial year"] == result.year)
        ].set_index("force code")
        verdicts = result.verdicts.set_index("force_code")
        assert sorted(rows.index) == sorted(verdicts.index) and len(rows) == 43
        verdicts = verdicts.loc[rows.index]
        np.testing.assert_allclose(rows["rate (%)"] / 100, verdicts["rate"], rtol=1e-12)
        np.testing.assert_allclose(
            rows["95% interval: lower (%)"] / 100, verdicts["ci_lower"], rtol=1e-12
        )
        for column, verdict in (
            ("compared with the national rate", "vs_national"),
            ("extreme allowing for the normal variation between forces", "extreme"),
        ):
            assert (rows[column] == verdicts[verdict]).all(), (key, column)
        # counts and rates straight from the processed table (the force map's numbers)
        year = da[da["financial_year"] == result.year].set_index("force_code")
        np.testing.assert_array_equal(
            rows["crimes closed this way"], year.loc[rows.index, NUMERATORS[key]]
        )
        np.testing.assert_array_equal(
            rows["outcomes assigned"], year.loc[rows.index, "total_outcomes"]
        )
        np.testing.assert_allclose(
            rows["rate (%)"],
            100 * year.loc[rows.index, NUMERATORS[key]] / year.loc[rows.index, "total_outcomes"],
            rtol=1e-12,
        )
    guidance = table[table["measure"].str.startswith("community resolutions")]
    guidance = guidance[
        guidance["financial year"] == built["measures"]["community_resolution"].year
    ]
    guidance = guidance.set_index("force code")["above the guidance threshold"]
    expected = built["measures"]["community_resolution"].verdicts.set_index("force_code")
    assert (guidance == expected.loc[guidance.index, "guidance"]).all()


def test_every_year_and_force_has_its_rate_from_the_counts(built):
    table = sheet(built, "Forces by year")
    da = built["da"]
    rows = table[table["measure"].str.startswith("charges")]
    assert len(rows) == 43 * da["financial_year"].nunique()
    merged = rows.merge(
        da, left_on=["force code", "financial year"], right_on=["force_code", "financial_year"]
    )
    expected = 100 * merged["charged_summonsed"] / merged["total_outcomes"]
    np.testing.assert_allclose(merged["rate (%)"], expected, rtol=1e-12)  # NaN == NaN


def test_an_earlier_year_equals_a_full_rebuild_of_that_year(built):
    """The verdicts of earlier years (``workbook.verdicts_for_year``) equal the engine run for
    that year; 2019/20 has a force without data in the sample."""
    da, result = built["da"], built["measures"]["community_resolution"]
    rebuilt = community_resolution.measure_community_resolutions(da, "2019/20").verdicts
    pd.testing.assert_frame_equal(workbook.verdicts_for_year(result, da, "2019/20"), rebuilt)
    charge = built["measures"]["charge"]
    rebuilt = measure.build(charge.spec, da, "2020/21").verdicts
    pd.testing.assert_frame_equal(workbook.verdicts_for_year(charge, da, "2020/21"), rebuilt)
    table = sheet(built, "Forces by year")
    rows = table[
        table["measure"].str.startswith("charges") & (table["financial year"] == "2020/21")
    ].set_index("force code")
    rebuilt = rebuilt.set_index("force_code")
    assert (rows["compared with the national rate"] == rebuilt.loc[rows.index, "vs_national"]).all()
    assert (
        rows["change against the previous year"] == rebuilt.loc[rows.index, "change_previous"]
    ).all()


def test_a_missing_count_is_an_empty_cell_with_its_reason(built):
    da = built["da"]
    missing = da[da["community_resolution"].isna()][["force_code", "financial_year"]]
    assert len(missing) >= 1, "the sample should have a force-year without data"
    ws = openpyxl.load_workbook(built["path"])["Forces by year"]
    header = [c.value for c in ws[2]]
    column = {name: header.index(name) for name in header}
    found = 0
    for row in ws.iter_rows(min_row=3, values_only=True):
        key = (row[column["force code"]], row[column["financial year"]])
        if key in set(map(tuple, missing.to_numpy())):
            found += 1
            for name in (
                "crimes closed this way",
                "outcomes assigned",
                "rate (%)",
                "95% interval: lower (%)",
            ):
                assert row[column[name]] is None, (key, name, row[column[name]])
            assert row[column["compared with the national rate"]] == "no data"
            assert row[column["why there is no figure"]].startswith("no data")
        else:
            assert row[column["why there is no figure"]] in (None, "")
    assert found == 3 * len(missing)  # one row per measure


def test_the_national_series_says_which_forces_are_left_out(built):
    table = sheet(built, "National series")
    da = built["da"]
    rows = table[table["measure"].str.startswith("community resolutions")].set_index(
        "financial year"
    )
    with_data = da.dropna(subset=["community_resolution", "total_outcomes"])
    totals = with_data.groupby("financial_year")[["community_resolution", "total_outcomes"]].sum()
    np.testing.assert_array_equal(
        rows["crimes closed this way"], totals.loc[rows.index, "community_resolution"]
    )
    np.testing.assert_allclose(
        rows["rate (%)"],
        100
        * totals.loc[rows.index, "community_resolution"]
        / totals.loc[rows.index, "total_outcomes"],
        rtol=1e-12,
    )
    left_out = 43 - with_data.groupby("financial_year")["force_code"].nunique()
    np.testing.assert_array_equal(rows["forces left out"], left_out.loc[rows.index])
    for year, count in left_out.items():
        names = da[(da["financial_year"] == year) & da["community_resolution"].isna()]["force_name"]
        text = rows.loc[year, "forces left out: which and why"]
        assert (text == "none") == (count == 0)
        assert all(name in text for name in names)


def test_trends_and_outliers_match_the_results(built):
    trends = sheet(built, "Trends")
    outliers = sheet(built, "Outliers")
    for result in built["measures"].values():
        rows = trends[trends["measure"].str.startswith(result.spec.short_label)]
        assert len(rows) == 44 and rows.iloc[0]["force"] == "England and Wales"
        forces_part = rows.iloc[1:].set_index("force code")
        fitted = result.trends.set_index("force_code")
        np.testing.assert_allclose(
            forces_part["long-run trend (percentage points a year)"],
            fitted.loc[forces_part.index, "pp_change_per_year"],
        )
        assert rows.iloc[0]["long-run trend (percentage points a year)"] == pytest.approx(
            result.national_trend["pp_change_per_year"]
        )
        mine = outliers[outliers["measure"].str.startswith(result.spec.short_label)]
        extreme = mine[mine["statement"].str.startswith("extreme")]
        expected = result.verdicts[result.verdicts["extreme"].isin(["above", "below"])]
        assert set(extreme["force code"].dropna()) == set(expected["force_code"])
        if "guidance" in result.verdicts:
            above = mine[mine["statement"] == "above the guidance threshold"]
            expected = result.verdicts[result.verdicts["guidance"] == "above the threshold"]
            assert set(above["force code"]) == set(expected["force_code"])


def test_writing_twice_gives_the_same_bytes(built, tmp_path):
    again = workbook.write_workbook(
        built["measures"], built["mode"], tmp_path / "again.xlsx", built["da"]
    )
    assert again.read_bytes() == built["path"].read_bytes()
    with zipfile.ZipFile(again) as archive:
        core = archive.read("docProps/core.xml").decode()
        assert all(info.date_time == workbook.ZIP_TIME for info in archive.infolist())
    assert f"{workbook.data_date(built['mode']).date}T00:00:00Z" in core


def test_a_workbook_is_not_labelled_with_another_mode_than_its_data(built, tmp_path):
    official = DataMode("official", "official", Path("data/raw"), "test")
    with pytest.raises(ValueError, match="holds 'sample' data"):
        workbook.write_workbook(built["measures"], official, tmp_path / "x.xlsx", built["da"])
