"""The ONS house-style table reader, the period parser and ONS cells: on the real ONS police force
area workbook (year ending December 2021) and on small older-style tables written here."""

from __future__ import annotations

import math
import re

import pytest
from openpyxl import Workbook, load_workbook

from helpers.core import config
from helpers.data.readers import LayoutError, normalise_financial_year
from helpers.data.readers.common import sheet_names
from helpers.data.readers.ons_table import (
    clean_label,
    parse_cell,
    read_ons_table,
    rounded_share_count_range,
    rounding_tolerance,
)
from helpers.data.readers.periods import calendar_period, financial_year

REAL = config.PROJECT_ROOT.parent / "shared" / "real" / "ons-pfa-tables-ye-dec-2021.xlsx"
needs_real = pytest.mark.skipif(
    not REAL.exists(),
    reason=f"the real ONS workbook is not at {REAL} (see README.md in that folder)",
)


def write_sheet(path, rows, sheet="Table 4"):
    workbook = Workbook()
    workbook.active.title = "Contents"
    ws = workbook.create_sheet(sheet)
    for row in rows:
        ws.append(row)
    workbook.save(path)
    return path


def cell(frame, name, column):
    row = frame[(frame["area_name"] == name) & (frame["column"] == column)]
    assert len(row) == 1, (name, column, row)
    return row.iloc[0]


# ------------------------------------------------------------------------------------------
# the real workbook
# ------------------------------------------------------------------------------------------


@needs_real
def test_p1_gives_the_43_forces_and_adds_up_to_england_and_wales():
    frame = read_ons_table(REAL, "Table P1")
    total = frame[frame["column"] == "Total recorded crime (excluding fraud)"]
    forces = total[total["area_type"] == "force"]
    assert forces["area_code"].nunique() == 43 and len(forces) == 43
    # each force's total equals the file, cell by cell (read independently with openpyxl)
    sheet = load_workbook(REAL, read_only=True)["Table P1"]
    in_file = {
        r[0]: r[2]
        for r in sheet.iter_rows(values_only=True)
        if isinstance(r[0], str) and re.match(r"^(E23|W15)\d{6}$", r[0])
    }
    assert forces.set_index("area_code")["value"].to_dict() == in_file
    btp = total[total["area_name"] == "British Transport Police"]
    national = total[total["area_type"] == "national"]
    assert forces["value"].sum() == 5_061_332
    assert btp["area_code"].isna().all() and btp["area_type"].tolist() == ["other"]
    assert btp["value"].tolist() == [44_475]
    assert national["area_code"].tolist() == ["K04000001"]
    assert forces["value"].sum() + btp["value"].sum() == national["value"].item() == 5_105_807


@needs_real
def test_p1_names_and_area_types_are_clean():
    frame = read_ons_table(REAL, "Table P1")
    names = set(frame["area_name"])
    assert {"ENGLAND AND WALES", "ENGLAND", "WALES", "Gwent", "London"} <= names
    assert not any("[" in n or n != n.strip() for n in names)
    types = frame.drop_duplicates("area_name").set_index("area_name")["area_type"]
    assert types["ENGLAND"] == "country" and types["North East"] == "region"
    assert types["ENGLAND AND WALES"] == "national" and types["Cleveland"] == "force"


@needs_real
def test_p3_population_of_all_forces_and_city_of_london_suppressed():
    frame = read_ons_table(REAL, "Table P3")
    population = frame[
        (frame["column"] == "Population figures (mid-2020) rounded to 100")
        & (frame["area_type"] == "force")
    ]
    assert len(population) == 43 and population["value"].notna().all()
    assert cell(frame, "City of London", "Population figures (mid-2020) rounded to 100")[
        "value"
    ] == pytest.approx(10_900)
    city = frame[(frame["area_code"] == "E23000034") & frame["column"].str.contains("Homicide")]
    assert math.isnan(city["value"].item()) and city["marker"].item() == "[u1]"
    rates = frame[(frame["area_code"] == "E23000034") & frame["sheet_column"].ne("C")]
    rates = rates[rates["sheet_column"] != "D"]  # population and households are given
    assert rates["value"].isna().all() and set(rates["marker"]) <= {"[u1]", "+"}


@needs_real
@pytest.mark.parametrize("sheet", ["Table P7 ", "Table P10 "])
def test_period_headings_of_p7_and_p10(sheet):
    columns = read_ons_table(REAL, sheet)["column"].unique()
    periods = [c for c in columns if re.fullmatch(r"(Apr|Jan) \d{4} to (Mar|Dec) \d{4}", c)]
    assert len(periods) >= 11
    for heading in periods:
        if heading.startswith("Apr"):
            start = int(heading[4:8])
            assert financial_year(heading) == f"{start}/{(start + 1) % 100:02d}"
        else:
            with pytest.raises(ValueError, match="calendar year"):
                financial_year(heading)
            assert calendar_period(heading) == heading[4:8]


@needs_real
def test_p8_calendar_headings_with_double_spaces_are_calendar_years():
    frame = read_ons_table(REAL, "Table P8")
    assert set(frame["column"]) == {"Jan 2020 to Dec 2020", "Jan 2021 to Dec 2021"}
    assert [calendar_period(c) for c in sorted(set(frame["column"]))] == ["2020", "2021"]
    city = frame[frame["area_code"] == "E23000034"]
    assert city["value"].isna().all() and set(city["marker"]) == {"[u1]"}


@needs_real
def test_every_table_with_force_rows_is_read():
    tables = [s for s in sheet_names(REAL) if s.startswith("Table P")]
    assert len(tables) == 13
    for sheet in tables:
        frame = read_ons_table(REAL, sheet)
        for _, group in frame.groupby("table"):
            forces = group.loc[group["area_type"] == "force", "area_code"].nunique()
            assert forces in (36, 43), (sheet, forces)  # P9 holds the 36 NDQIS forces
    p6 = read_ons_table(REAL, "Table P6 Oct-Dec")
    assert sorted(p6["table"].unique()) == [1, 2]
    second = p6[(p6["table"] == 2) & (p6["area_type"] == "force")]
    assert second["area_code"].nunique() == 43
    assert cell(p6[p6["table"] == 2], "ENGLAND AND WALES", "Total of selected serious offences")[
        "value"
    ] == pytest.approx(12_630)


# ------------------------------------------------------------------------------------------
# older ONS tables (before 2021), written here
# ------------------------------------------------------------------------------------------

OLD_STYLE = [
    [
        "Table P2  Police recorded crime by offence group and police force area, year ending March 2015"
    ],
    [],
    [None, None, "Total recorded crime (excluding fraud3)", None, "Violence against the person"],
    ["Area Code", "Area Name", None, None, "Stalking and harassment4", "Homicide", "Rate"],
    [None, None, "Numbers", None, "Numbers", None, "Rate per 1,000 population"],
    ["K04000001", "ENGLAND AND WALES7,8", 3_800_000, None, 120_000, 500, 60.1],
    ["E23000032", "Kent", 100_000, None, "-", 30, 55.0],
    ["W15000002", "Gwent5", 40_000, None, 2_000, "-", 42.0],
    [None, "British Transport Police", 5_000, None, 100, 2, None],
    [],
    ["1. Police recorded crime data are not designated as National Statistics."],
    ["3. Fraud is excluded.", None, None, None, None, 7],
]


def test_older_style_table(tmp_path):
    frame = read_ons_table(write_sheet(tmp_path / "old.xlsx", OLD_STYLE), "Table 4")
    assert set(frame["column"]) == {
        "Total recorded crime (excluding fraud)",  # only in the group row, footnote removed
        "Stalking and harassment",
        "Homicide",
        "Rate",
    }
    assert set(frame["sheet_column"]) == {"C", "E", "F", "G"}  # spacer column D skipped
    assert set(frame["area_name"]) == {
        "ENGLAND AND WALES",
        "Kent",
        "Gwent",
        "British Transport Police",
    }
    kent = cell(frame, "Kent", "Stalking and harassment")
    assert math.isnan(kent["value"]) and kent["marker"] == "-"  # '-' is missing, never 0
    assert kent["group"] == "Violence against the person" and kent["unit"] == "Numbers"
    assert cell(frame, "Kent", "Rate")["unit"] == "Rate per 1,000 population"
    assert cell(frame, "Gwent", "Homicide")["marker"] == "-"
    assert cell(frame, "ENGLAND AND WALES", "Homicide")["value"] == 500
    assert len(frame) == 16  # the numbered notes below the table are not rows


def test_code_label_in_the_upper_heading_row(tmp_path):
    rows = [
        ["Title"],
        ["Area code", "Area name", "Numbers", None],
        [None, None, "Charged", "Cautioned"],
        ["E23000032", "Kent", 5, 6],
    ]
    frame = read_ons_table(write_sheet(tmp_path / "t.xlsx", rows), "Table 4")
    assert frame.set_index("column")["value"].to_dict() == {"Charged": 5, "Cautioned": 6}
    assert set(frame["group"]) == {"Numbers"}


def test_second_table_lower_down_the_sheet(tmp_path):
    rows = [
        ["Worksheet P6: two tables"],
        ["Table P6a: October to December 2020"],
        ["Area Code", "Area Name", "Robbery"],
        ["E23000032", "Kent [note 2]", 10],
        [],
        ["Table P6b: October to December 2021"],
        ["Area code", "Area name", " Robbery"],
        ["E23000032", "Kent", 12],
        ["W15000002", "Gwent", 3],
    ]
    frame = read_ons_table(write_sheet(tmp_path / "t.xlsx", rows), "Table 4")
    assert frame.groupby("table")["value"].sum().to_dict() == {1: 10, 2: 15}
    assert set(frame["column"]) == {"Robbery"} and set(frame["area_name"]) == {"Kent", "Gwent"}
    assert "P6b" in frame.attrs["titles"][2] and "P6a" in frame.attrs["titles"][1]


def test_sheet_defined_marker_is_read_and_undefined_one_refused(tmp_path):
    rows = [
        ["Table P3: rates"],
        ["Some shorthand is used in this table, [u1] indicates suppressed rates."],
        ["Area Code", "Area Name", "Rate"],
        ["E23000034", "City of London", "[u1]"],
        ["E23000032", "Kent", "+"],
    ]
    frame = read_ons_table(write_sheet(tmp_path / "t.xlsx", rows), "Table 4")
    assert frame.set_index("area_name")["marker"].to_dict() == {
        "City of London": "[u1]",
        "Kent": "+",
    }
    assert frame["value"].isna().all()
    rows[1] = ["Some shorthand is used in this table."]
    with pytest.raises(LayoutError, match=r"sheet 'Table 4', column C \('Rate'\), row 4: .*\[u1\]"):
        read_ons_table(write_sheet(tmp_path / "u.xlsx", rows), "Table 4")


def test_text_cell_fails_naming_sheet_row_and_column(tmp_path):
    rows = [["T"], ["Area Code", "Area Name", "A", "B"], ["E23000032", "Kent", 1, "about 5"]]
    with pytest.raises(
        LayoutError,
        match=r"t\.xlsx, sheet 'Table 4', column D \('B'\), row 3: value 'about 5' is neither",
    ):
        read_ons_table(write_sheet(tmp_path / "t.xlsx", rows), "Table 4")


def test_sheet_without_area_code_heading(tmp_path):
    path = write_sheet(tmp_path / "t.xlsx", [["Region", "Value"], ["North", 3]])
    with pytest.raises(LayoutError, match=r"no ONS table by area found"):
        read_ons_table(path, "Table 4")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ENGLAND AND WALES7,8", "ENGLAND AND WALES"),
        ("Total recorded crime\n (excluding fraud3)", "Total recorded crime (excluding fraud)"),
        ("London[note 11]", "London"),
        ("Gwent [note 5]", "Gwent"),
        ("ENGLAND ", "ENGLAND"),
        (
            " Total recorded crime\n (excluding fraud) [note 2]",
            "Total recorded crime (excluding fraud)",
        ),
        (
            "Non-residential burglary (household) [note 8, 9]",
            "Non-residential burglary (household)",
        ),
        ("Jan 2020 to \nDec  2020", "Jan 2020 to Dec 2020"),
        ("Total for 36 forces", "Total for 36 forces"),
    ],
)
def test_clean_label(text, expected):
    assert clean_label(text) == expected


# ------------------------------------------------------------------------------------------
# ONS cells (issue case 3)
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12*", (12.0, "*")),
        ("1,234,567*", (1_234_567.0, "*")),
        ("NA", (None, "na")),
        ('"1,234"', (1234.0, None)),
        ("-", (None, "-")),
        ("+", (None, "+")),
        ("[u1]", (None, "[u1]")),
        (0, (0.0, None)),
    ],
)
def test_ons_cells(value, expected):
    assert parse_cell(value, frozenset(["[u1]"])) == expected


def test_unknown_text_is_not_a_marker():
    with pytest.raises(ValueError, match="neither a number nor a known marker"):
        parse_cell("n.a.")


# ------------------------------------------------------------------------------------------
# periods (issue case 2)
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "label",
    [
        "Apr 2022 to Mar 2023",
        "April 2022 to March 2023",
        "Apr 2022 - Mar 2023",
        "April 2022 \u2013 March 2023",
        "Year ending Mar 2023",
        "year ending March 2023",
        "Apr 2022 to Mar 2023 [note 4]",
        "year ending March 2023 [r]",
        "Apr 2022 to\n Mar  2023",
        "2022/23",
        "2022-23",
        "2022/2023",
        "Outcomes by police force area, England and Wales, year ending March 2023 [note 1]",
    ],
)
def test_financial_year_labels(label):
    assert financial_year(label) == "2022/23"
    assert normalise_financial_year(label) == "2022/23"


@pytest.mark.parametrize(
    ("label", "calendar"),
    [
        ("Jan 2020 to Dec 2020", "2020"),
        ("Jan 2020 to \nDec  2020", "2020"),
        ("year ending December 2021", "2021"),
        ("Year ending Dec 2021 [note 2]", "2021"),
    ],
)
def test_calendar_years_are_refused_as_financial_years(label, calendar):
    with pytest.raises(ValueError, match="is a calendar year .* not a financial year"):
        financial_year(label)
    with pytest.raises(ValueError, match="not a financial year"):
        normalise_financial_year(label)
    assert calendar_period(label) == calendar


def test_other_periods():
    with pytest.raises(ValueError, match="year ending Jun"):
        financial_year("year ending June 2021")
    assert calendar_period("year ending June 2021") == "year ending Jun 2021"
    with pytest.raises(ValueError, match="consecutive"):
        financial_year("2014/16")
    with pytest.raises(ValueError, match="not a financial year or period"):
        financial_year("Kent")


# ------------------------------------------------------------------------------------------
# rounded shares (issue case 5)
# ------------------------------------------------------------------------------------------


def test_count_range_from_a_rounded_share():
    # 1.2% of 1,697 to one decimal: the true share is in [1.15, 1.25), so 19.5..21.2 -> 20..21
    assert rounded_share_count_range(1.2, 1697, 1) == (20.0, 21.0)
    assert rounded_share_count_range(0.0, 1697, 1) == (0.0, 0.0)
    assert rounded_share_count_range(100.0, 50, 0) == (50.0, 50.0)
    low, high = rounded_share_count_range(float("nan"), 1697, 1)
    assert math.isnan(low) and math.isnan(high)


def test_rounding_tolerance_grows_with_total_and_shrinks_with_decimals():
    # 7 shares to 1 decimal of 1,697 outcomes: 7 x (0.05% x 1,697 + 0.5) = 9.4 -> 9
    assert rounding_tolerance(1697, 1, 7) == 9
    assert rounding_tolerance(1697, 2, 7) == 4
    assert rounding_tolerance(100_000, 1, 7) == 353  # 7 x (50 + 0.5)
    assert rounding_tolerance(1697, 1, 0) == 0
