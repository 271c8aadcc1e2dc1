"""The Home Office outcomes open-data reader: one test per known quirk, then malformed inputs."""

from __future__ import annotations

import csv
import dataclasses

import pandas as pd
import pytest
from builders import OPEN_DATA_HEADER, open_data_row, write_open_data

from helpers.data import readers, sources
from helpers.data.readers import LayoutError, read_outcomes_open_data


def read(path, **kwargs):
    return read_outcomes_open_data(path, use_cache=False, **kwargs)


def test_data_sheet_chosen_by_name_not_position(tmp_path):
    path = write_open_data(
        tmp_path / "f.xlsx", [open_data_row()], sheet="Outcomes_open_data_2019_20"
    )
    frame = read(path)
    assert frame.attrs["sheet"] == "Outcomes_open_data_2019_20"
    assert len(frame) == 1


def test_data_sheet_found_by_header_when_name_is_new(tmp_path):
    path = write_open_data(tmp_path / "f.xlsx", [open_data_row()], sheet="Data 2024")
    assert read(path).attrs["sheet"] == "Data 2024"


@pytest.mark.parametrize(
    ("recorded", "closed"),
    [
        (
            "Outcomes for offences that were recorded in the quarter",
            "Outcomes for investigations closed in the quarter",
        ),
        (
            "Number of outcomes for offences recorded in the quarter",
            "Number of outcomes for investigations that were closed in the quarter",
        ),
        ("Outcomes recorded in the quarter", "Outcomes closed in the quarter"),
    ],
)
def test_count_header_synonyms(tmp_path, recorded, closed):
    header = OPEN_DATA_HEADER[:11] + [recorded, closed]
    header[7] = "Offence Code Expired"
    frame = read(
        write_open_data(tmp_path / "f.xlsx", [open_data_row(recorded=7, closed=3)], header=header)
    )
    assert frame.loc[0, "outcomes_recorded"] == 7
    assert frame.loc[0, "outcomes_closed"] == 3


@pytest.mark.parametrize("quarter", [1, "1", "Q1", "Quarter 1"])
def test_quarter_forms(tmp_path, quarter):
    frame = read(write_open_data(tmp_path / "f.xlsx", [open_data_row(quarter=quarter)]))
    assert frame.loc[0, "quarter"] == 1


@pytest.mark.parametrize("year", ["2014/15", "2014-15", "2014/2015"])
def test_financial_year_forms(tmp_path, year):
    frame = read(write_open_data(tmp_path / "f.xlsx", [open_data_row(year=year)]))
    assert frame.loc[0, "financial_year"] == "2014/15"


def test_offence_codes_kept_as_text(tmp_path):
    rows = [open_data_row(code=c, outcome=1) for c in ("8L", "105A", "1/4.1/4.10/4.2")] + [
        open_data_row(code=86, outcome=1)
    ]
    frame = read(write_open_data(tmp_path / "f.xlsx", rows))
    assert list(frame["offence_code"]) == ["8L", "105A", "1/4.1/4.10/4.2", "86"]


def test_expired_flag_is_lower_case_x_and_na_markers_are_missing(tmp_path):
    rows = [
        open_data_row(
            code="104",
            expired="x",
            recorded="N/A - Offence code expired",
            closed="N/A - offence code expired",
        ),
        open_data_row(code="8L", outcome=0, recorded=12, closed="N/A"),
        open_data_row(code="8Q", outcome=0, recorded=3, closed="NA"),
    ]
    frame = read(write_open_data(tmp_path / "f.xlsx", rows))
    assert list(frame["offence_code_expired"]) == [True, False, False]
    assert frame["outcomes_closed"].isna().all()
    assert frame.loc[0, "outcomes_recorded"] is pd.NA
    assert not frame["not_provided"].any()


def test_data_not_provided_is_missing_and_flagged_never_zero(tmp_path):
    rows = [
        open_data_row(
            force="British Transport Police",
            recorded="N/A - data not provided",
            closed="N/A - data not provided",
        ),
        open_data_row(outcome=1, recorded=0, closed=0),
    ]
    frame = read(write_open_data(tmp_path / "f.xlsx", rows))
    assert frame.loc[0, "not_provided"] and frame["outcomes_recorded"].isna()[0]
    assert frame.loc[0, "force_code"] == "NT-BTP" and not frame.loc[0, "territorial"]
    assert frame.loc[1, "outcomes_recorded"] == 0 and not frame.loc[1, "not_provided"]


def test_negative_corrections_kept_and_digit_strings_read(tmp_path):
    frame = read(write_open_data(tmp_path / "f.xlsx", [open_data_row(recorded=-2, closed="17")]))
    assert frame.loc[0, "outcomes_recorded"] == -2
    assert frame.loc[0, "outcomes_closed"] == 17


def test_force_name_variants_map_to_codes(tmp_path):
    names = [
        "London, City of",
        "Devon & Cornwall",
        "Hampshire and Isle of Wight",
        "Dyfed Powys",
        "Metropolitan Police Service",
    ]
    frame = read(write_open_data(tmp_path / "f.xlsx", [open_data_row(force=n) for n in names]))
    assert list(frame["force_code"]) == [
        "E23000034",
        "E23000035",
        "E23000030",
        "W15000004",
        "E23000001",
    ]
    assert list(frame["force_name"]) == names  # as published


def test_schema_dtypes(tmp_path):
    frame = read(write_open_data(tmp_path / "f.xlsx", [open_data_row()]))
    assert str(frame["outcomes_recorded"].dtype) == "Int64"
    assert frame["outcome_type"].dtype == "int8"
    assert list(frame.columns) == readers.OPEN_DATA_COLUMNS


# --- malformed inputs -------------------------------------------------------------------------


def test_renamed_required_column_names_sheet_cell_and_what_is_missing(tmp_path):
    header = list(OPEN_DATA_HEADER)
    header[8] = "Outcome Code"
    with pytest.raises(
        LayoutError,
        match=r"sheet 'Outcomes open data 2024_25': row 1 is not the outcomes header. Missing: \['outcome_type'\]; unrecognised cells: \[.I1='Outcome Code'",
    ):
        read(write_open_data(tmp_path / "f.xlsx", [open_data_row()], header=header))


def test_renamed_optional_column_names_sheet_column_and_value(tmp_path):
    header = list(OPEN_DATA_HEADER)
    header[5] = "Offence Category"
    with pytest.raises(
        LayoutError,
        match=r"sheet 'Outcomes open data 2024_25': unknown header\(s\): column F = 'Offence Category'",
    ):
        read(write_open_data(tmp_path / "f.xlsx", [open_data_row()], header=header))


def test_header_moved_down_two_rows(tmp_path):
    path = write_open_data(tmp_path / "f.xlsx", [open_data_row()], rows_above=[["Title"], []])
    with pytest.raises(LayoutError, match=r"expected on row 1 but was found on row 3"):
        read(path)
    assert len(read(path, allow_moved_header=True)) == 1


def test_extra_title_rows_without_a_header(tmp_path):
    path = write_open_data(
        tmp_path / "f.xlsx", [], header=["Police recorded crime outcomes"], rows_above=[]
    )
    with pytest.raises(
        LayoutError, match=r"row 1 is not the outcomes header. Missing: \['financial_year'"
    ):
        read(path)


def test_text_in_count_column(tmp_path):
    path = write_open_data(
        tmp_path / "f.xlsx", [open_data_row(), open_data_row(outcome=1, recorded="twelve")]
    )
    with pytest.raises(
        LayoutError,
        match=r"column L \('Outcomes for offences that were recorded in the quarter'\), row 3: value 'twelve'",
    ):
        read(path)


def test_unknown_outcome_type(tmp_path):
    path = write_open_data(tmp_path / "f.xlsx", [open_data_row(outcome="1a")])
    with pytest.raises(LayoutError, match=r"column I.*row 2: unknown outcome type '1a'"):
        read(path)


def test_exact_duplicate_rows_dropped_with_a_warning_naming_them(tmp_path):
    path = write_open_data(
        tmp_path / "f.xlsx",
        [open_data_row(), open_data_row(outcome=1), open_data_row(), open_data_row()],
    )
    with pytest.warns(UserWarning, match=r"2 row\(s\) exactly repeat.*rows \[4, 5\]"):
        frame = read(path)
    assert frame["outcome_type"].tolist() == [16, 1]
    assert frame["outcomes_recorded"].tolist() == [5, 5]  # counted once, not three times
    assert frame.attrs["duplicate_rows_dropped"] == 2


def test_repeated_key_with_other_counts_summed_with_a_warning(tmp_path):
    path = write_open_data(
        tmp_path / "f.xlsx",
        [
            open_data_row(recorded=5, closed=None),
            open_data_row(outcome=1, recorded=None, closed=None),
            open_data_row(recorded=2, closed=None),
            open_data_row(outcome=1, recorded="N/A - data not provided", closed=None),
        ],
    )
    with pytest.warns(UserWarning, match=r"4 rows repeat a key.*rows \[2, 3, 4, 5\].*summed"):
        frame = read(path)
    assert frame["outcome_type"].tolist() == [16, 1]
    assert frame["outcomes_recorded"].tolist()[0] == 7
    assert frame["outcomes_recorded"].isna().tolist() == [False, True]  # missing, never 0
    assert frame["outcomes_closed"].isna().all()
    assert frame["not_provided"].tolist() == [False, True]
    assert frame.attrs["repeated_key_rows_summed"] == 4
    assert frame["not_provided"].tolist() == [False, True]
    assert frame.attrs["repeated_key_rows_summed"] == 4


def test_repeated_key_rejected_under_strict(tmp_path):
    path = write_open_data(
        tmp_path / "f.xlsx", [open_data_row(recorded=5), open_data_row(recorded=2)]
    )
    with pytest.raises(LayoutError, match=r"2 rows repeat a key.*rows \[2, 3\].*strict=False"):
        read(path, strict=True)


def test_count_with_thousands_separator_reads(tmp_path):
    path = write_open_data(tmp_path / "f.xlsx", [open_data_row(recorded="1,234", closed=" 12 ")])
    frame = read(path)
    assert frame.loc[0, "outcomes_recorded"] == 1234 and frame.loc[0, "outcomes_closed"] == 12


OLD_RELEASE_HEADER = [
    "Financial Year",
    "Financial Quarter",
    "Force Name",
    "Offence Description",
    "Offence Group",
    "Offence Subgroup",
    "Offence Code",
    "Outcome Description",
    "Outcome Group",
    "Outcome Type",
    "Force outcomes for offences recorded in quarter",
    "Force outcomes recorded in quarter",
]


def old_release_rows():
    return [
        [
            "2016/17",
            1,
            "Kent",
            "Harassment",
            "VAP",
            "S&H",
            "8L",
            "Charged",
            "Charged",
            1,
            "1,234",
            7,
        ],
        ["2016/17", 1, "Devon & Cornwall", "Harassment", "VAP", "S&H", "8L", "x", "x", 16, 3, ""],
    ]


def test_older_csv_release_reads(tmp_path):
    path = tmp_path / "prc-outcomes-open-data-mar2017.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(OLD_RELEASE_HEADER)
        writer.writerows(old_release_rows())
    frame = read(path)
    assert frame.attrs["sheet"] == "csv"
    assert frame["outcomes_recorded"].tolist() == [1234, 3]
    assert frame["outcomes_closed"].tolist()[0] == 7 and pd.isna(frame["outcomes_closed"][1])
    assert frame["force_code"].tolist() == ["E23000032", "E23000035"]


def test_older_ods_release_reads(tmp_path):
    path = tmp_path / "prc-outcomes-open-data-mar2017.ods"
    with pd.ExcelWriter(path, engine="odf") as writer:
        pd.DataFrame({"a": ["Cover"]}).to_excel(writer, sheet_name="Cover_sheet", index=False)
        pd.DataFrame(old_release_rows(), columns=OLD_RELEASE_HEADER).to_excel(
            writer, sheet_name="Outcomes_open_data_2016-17", index=False
        )
    frame = read(path)
    assert frame.attrs["sheet"] == "Outcomes_open_data_2016-17"
    assert frame["outcomes_recorded"].tolist() == [1234, 3]


def test_unknown_force(tmp_path):
    path = write_open_data(
        tmp_path / "f.xlsx",
        [open_data_row(force="Kent Constabulary"), open_data_row(force="Gotham City")],
    )
    with pytest.raises(LayoutError, match=r"row 3: unknown police force name 'Gotham City'"):
        read(path)


def test_no_data_sheet(tmp_path):
    path = write_open_data(tmp_path / "f.xlsx", [], header=["something else"], sheet="Sheet1")
    with pytest.raises(
        LayoutError, match=r"sheets found: \['Cover_sheet', 'Notes', 'Pivot', 'Sheet1'\]"
    ):
        read(path)


# --- cache ------------------------------------------------------------------------------------


def test_cache_keyed_by_checksum_and_reader_version(tmp_path, data_dirs, monkeypatch):
    path = write_open_data(tmp_path / "f.xlsx", [open_data_row(recorded=5)])
    first = read_outcomes_open_data(path)
    second = read_outcomes_open_data(path)
    assert not first.attrs["from_cache"] and second.attrs["from_cache"]
    pd.testing.assert_frame_equal(first, second)
    write_open_data(path, [open_data_row(recorded=6)])  # the file changes: cache invalid
    third = read_outcomes_open_data(path)
    assert not third.attrs["from_cache"] and third.loc[0, "outcomes_recorded"] == 6
    monkeypatch.setitem(
        sources.SOURCES,
        "ho_outcomes_open_data",
        dataclasses.replace(sources.SOURCES["ho_outcomes_open_data"], reader_version=999),
    )  # the reader changes
    assert not read_outcomes_open_data(path).attrs["from_cache"]
