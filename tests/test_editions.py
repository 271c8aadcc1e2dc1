"""One edition per source and year (issue 18, item 5) and the parallel read of ``read_all``.

Small workbooks written by the tests; the lock (copied by ``data_dirs``) and an override file say
which file is current."""

from __future__ import annotations

import pandas as pd
import pytest
from builders import ons_row, open_data_row, write_ons, write_open_data

from helpers.core.datamode import DataMode
from helpers.data import sources, tidy

CURRENT_2023 = "prc-outcomes-open-data-mar2023-tables-230726.xlsx"  # named by SOURCES.lock
OLDER_2023 = "prc-outcomes-open-data-mar2023-tables-240724.xlsx"


def official(data_dirs) -> DataMode:
    return DataMode("official", "official", data_dirs["raw"], "test folder")


def folder(data_dirs, source_id: str):
    path = data_dirs["raw"] / source_id
    path.mkdir(exist_ok=True)
    return path


def ons_file(path, year=2023, kent=(10, 2, 1, 20, 55, 3, 14)):
    return write_ons(
        path,
        {"Table 1": [ons_row(values=kent), ons_row("E23000035", "Devon and Cornwall")]},
        years={"Table 1": year},
    )


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        (CURRENT_2023, "prc-outcomes-open-data-mar2023-tables"),
        (OLDER_2023, "prc-outcomes-open-data-mar2023-tables"),
        ("domesticabuseappendixtables2023revised.xlsx", "domesticabuseappendixtables2023"),
        ("da-outcomes-by-pfa_v2.xlsx", "da-outcomes-by-pfa"),
        (
            "prc-outcomes-open-data-mar2024-tables-230726.xlsx",
            "prc-outcomes-open-data-mar2024-tables",
        ),
    ],
)
def test_edition_stem(name, stem):
    assert sources.edition_stem(name) == stem


def test_older_home_office_edition_is_set_aside_and_counts_are_not_doubled(data_dirs):
    ho = folder(data_dirs, "ho_outcomes_open_data")
    row = open_data_row(year="2022/23", recorded=5)
    write_open_data(ho / CURRENT_2023, [row], sheet="Outcomes_open_data_2022_23")
    write_open_data(ho / OLDER_2023, [open_data_row(year="2022/23", recorded=4)])
    ons_file(folder(data_dirs, "ons_da_outcomes") / "da.xlsx")
    with pytest.warns(UserWarning, match=rf"{OLDER_2023} is another edition of {CURRENT_2023}"):
        result = tidy.read_all(official(data_dirs), use_cache=False, workers=1)
    assert result.log["file"].tolist() == [CURRENT_2023, "da.xlsx"]
    assert result.open_data["outcomes_recorded"].tolist() == [5]  # not 5 + 4
    assert result.set_aside[["file", "current"]].values.tolist() == [[OLDER_2023, CURRENT_2023]]


def test_revised_ons_edition_named_by_the_override_is_the_one_read(data_dirs):
    data_dirs["override"].write_text(
        '[ons_da_outcomes.files.pfa_outcomes]\nfilename = "domestic-abuse-outcomes-by-pfa-revised.xlsx"\n'
    )
    ons = folder(data_dirs, "ons_da_outcomes")
    ons_file(ons / "domestic-abuse-outcomes-by-pfa.xlsx", kent=(1, 1, 1, 1, 1, 1, 1))
    ons_file(ons / "domestic-abuse-outcomes-by-pfa-revised.xlsx")
    with pytest.warns(UserWarning, match=r"domestic-abuse-outcomes-by-pfa.xlsx is another edition"):
        result = tidy.read_all(official(data_dirs), use_cache=False, workers=1)
    kent = result.ons[(result.ons["force_code"] == "E23000032") & result.ons["measure"].eq("count")]
    assert kent.set_index("outcome_category").loc["charged_summonsed", "value"] == 10  # not 11
    assert result.log["file"].tolist() == ["domestic-abuse-outcomes-by-pfa-revised.xlsx"]


def test_one_year_from_two_unregistered_files_is_an_error_naming_both(data_dirs):
    ons = folder(data_dirs, "ons_da_outcomes")
    ons_file(ons / "appendix-tables-2023.xlsx")
    ons_file(ons / "data-tool-2023.xlsx")
    with pytest.raises(
        sources.EditionConflict,
        match=r"financial year 2022/23, force E23000032 .* from two files, appendix-tables-2023.xlsx and data-tool-2023.xlsx",
    ):
        tidy.read_all(official(data_dirs), use_cache=False, workers=1)


def test_different_years_from_two_files_are_both_read(data_dirs):
    ons = folder(data_dirs, "ons_da_outcomes")
    ons_file(ons / "tables-2022.xlsx", year=2022)
    ons_file(ons / "tables-2023.xlsx", year=2023)
    result = tidy.read_all(official(data_dirs), use_cache=False, workers=1)
    assert sorted(result.ons["financial_year"].unique()) == ["2021/22", "2022/23"]
    assert result.set_aside.empty


def test_older_edition_read_with_a_note_when_the_current_one_is_absent(data_dirs):
    ho = folder(data_dirs, "ho_outcomes_open_data")
    write_open_data(ho / OLDER_2023, [open_data_row(year="2022/23")])
    selection = sources.select_files(official(data_dirs), "ho_outcomes_open_data")
    assert [p.name for p in selection.read] == [OLDER_2023]
    assert CURRENT_2023 in selection.notes[0] and "make data" in selection.notes[0]


def test_parallel_read_is_deterministic_and_repeats_worker_warnings(data_dirs):
    ho = folder(data_dirs, "ho_outcomes_open_data")
    for year in (2021, 2022, 2023):
        rows = [open_data_row(year=f"{year - 1}/{year % 100}", recorded=year % 7)]
        if year == 2022:
            rows.append(rows[0])  # an exact duplicate: dropped with a warning in the worker
        write_open_data(ho / f"prc-outcomes-open-data-mar{year}-tables-SAMPLE.xlsx", rows)
    ons_file(folder(data_dirs, "ons_da_outcomes") / "da.xlsx")
    with pytest.warns(UserWarning, match=r"exactly repeat an earlier row"):
        parallel = tidy.read_all(official(data_dirs), use_cache=False, workers=2)
    with pytest.warns(UserWarning, match=r"exactly repeat an earlier row"):
        serial = tidy.read_all(official(data_dirs), use_cache=False, workers=1)
    pd.testing.assert_frame_equal(parallel.open_data, serial.open_data)
    pd.testing.assert_frame_equal(parallel.ons, serial.ons)
    assert parallel.open_data["financial_year"].tolist() == ["2020/21", "2021/22", "2022/23"]


def test_cached_read_repeats_the_warning(data_dirs, tmp_path):
    path = write_open_data(tmp_path / "f.xlsx", [open_data_row(), open_data_row()])
    source = sources.SOURCES["ho_outcomes_open_data"]
    with pytest.warns(UserWarning, match=r"exactly repeat"):
        assert not source.read(path).attrs["from_cache"]
    with pytest.warns(UserWarning, match=r"exactly repeat.*\(from the cache\)"):
        assert source.read(path).attrs["from_cache"]
