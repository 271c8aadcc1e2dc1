"""The police force area recorded crime reader: small ODS/CSV files the test writes, and the real
2017/18 export (as CSV and written into a year sheet)."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from helpers.core import config
from helpers.data.readers import LayoutError, read_pfa_recorded_crime

COLUMNS = [
    "Financial Year",
    "Financial Quarter",
    "Force Name",
    "Offence Description",
    "Offence Group",
    "Offence Subgroup",
    "Offence Code",
    "Number of Offences",
]


def write_pfa(path, sheets: dict[str, list[list]], columns=COLUMNS):
    with pd.ExcelWriter(path, engine="odf") as writer:
        pd.DataFrame({"Cover": ["Police recorded crime by police force area"]}).to_excel(
            writer, sheet_name="Cover_sheet", index=False
        )
        pd.DataFrame({"Notes": ["notes"]}).to_excel(writer, sheet_name="Notes_", index=False)
        for name, rows in sheets.items():
            pd.DataFrame(rows, columns=columns).to_excel(writer, sheet_name=name, index=False)
    return path


def test_year_sheets_read_and_forces_mapped(tmp_path):
    rows = [
        [
            "2024/25",
            1,
            "London, City of",
            "Harassment",
            "Violence against the person",
            "Stalking and harassment",
            "8L",
            12,
        ],
        [
            "2024/25",
            2,
            "Action Fraud",
            "Fraud",
            "Fraud offences",
            "Fraud: Action Fraud",
            "53A",
            900,
        ],
    ]
    path = write_pfa(
        tmp_path / "pfa.ods",
        {
            "2023_24": [
                [
                    "2023/24",
                    4,
                    "Kent",
                    "Stalking",
                    "Violence against the person",
                    "Stalking and harassment",
                    "8Q",
                    7,
                ]
            ],
            "2024_25": rows,
        },
    )
    frame = read_pfa_recorded_crime(path, use_cache=False)
    assert frame.attrs["sheets"] == ["2023_24", "2024_25"]
    assert frame["force_code"].tolist() == ["E23000032", "E23000034", "NT-ACTIONFRAUD"]
    assert frame["territorial"].tolist() == [True, True, False]
    assert frame["offences"].tolist() == [7, 12, 900]
    assert frame["quarter"].tolist() == [4, 1, 2]


def test_unknown_header_raises(tmp_path):
    columns = [*COLUMNS[:-1], "Offences (count)"]
    path = write_pfa(
        tmp_path / "pfa.ods",
        {"2024_25": [["2024/25", 1, "Kent", "a", "b", "c", "8L", 1]]},
        columns=columns,
    )
    with pytest.raises(
        LayoutError, match=r"sheet '2024_25': unknown headers \[\"H1='Offences \(count\)'\"\]"
    ):
        read_pfa_recorded_crime(path, use_cache=False)


def test_no_year_sheets_raises(tmp_path):
    path = write_pfa(
        tmp_path / "pfa.ods", {"Data": [["2024/25", 1, "Kent", "a", "b", "c", "8L", 1]]}
    )
    with pytest.raises(LayoutError, match=r"no year sheets named like '2024_25'"):
        read_pfa_recorded_crime(path, use_cache=False)


# ------------------------------------------------------------------------------------------
# real content: ../shared/real/prc-pfa-2017-18.csv beside the project (README there)
# ------------------------------------------------------------------------------------------

REAL = config.PROJECT_ROOT.parent / "shared" / "real"
REAL_PFA = REAL / "prc-pfa-2017-18.csv"


def real_pfa() -> Path:
    if not REAL_PFA.exists():
        pytest.skip(
            f"real recorded-crime export not found at {REAL_PFA} (../shared/real beside the "
            "project): the real-content test needs it"
        )
    return REAL_PFA


def independent_totals(path: Path) -> dict[str, int]:
    """Per-force totals computed with the csv module only (not the reader)."""
    totals: dict[str, int] = {}
    with open(path, newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            name = row["Force Name"].strip()
            totals[name] = totals.get(name, 0) + int(float(row["Number of Offences"].strip()))
    return totals


def check_against_file(frame: pd.DataFrame, path: Path) -> None:
    expected = independent_totals(path)
    found = frame.groupby("force_name")["offences"].sum().astype(int).to_dict()
    assert found == expected
    assert int(frame["offences"].sum()) == 5_519_401
    assert frame["financial_year"].unique().tolist() == ["2017/18"]
    assert sorted(frame["quarter"].unique().tolist()) == [1, 2, 3, 4]
    assert len(frame) == 23_068
    assert not frame["offences"].isna().any()


def test_real_csv_export_reads_with_totals_of_the_file(tmp_path):
    path = real_pfa()
    frame = read_pfa_recorded_crime(path, use_cache=False)
    check_against_file(frame, path)
    assert frame.attrs["sheets"] == ["csv"]
    fraud = frame[frame["force_name"].isin(["Action Fraud", "CIFAS", "UK Finance"])]
    assert len(fraud) and not fraud["territorial"].any()


def test_real_content_written_into_a_year_sheet_reads_the_same(tmp_path):
    path = real_pfa()
    with open(path, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    workbook = Workbook()
    workbook.active.title = "Cover_sheet"
    workbook.active.append(["Police recorded crime by police force area"])
    sheet = workbook.create_sheet("2017_18")
    for row in rows:  # cells exactly as in the export, padded text included
        sheet.append(row)
    workbook_path = tmp_path / "prc-pfa-mar2013-onwards-tables.xlsx"
    workbook.save(workbook_path)
    frame = read_pfa_recorded_crime(workbook_path, use_cache=False)
    check_against_file(frame, path)
    assert frame.attrs["sheets"] == ["2017_18"]
    from_csv = read_pfa_recorded_crime(path, use_cache=False)
    pd.testing.assert_frame_equal(
        frame.reset_index(drop=True), from_csv.reset_index(drop=True), check_like=False
    )


# ------------------------------------------------------------------------------------------
# spellings seen in other years' exports (README of the real file)
# ------------------------------------------------------------------------------------------


def write_csv(path: Path, rows: list[list]) -> Path:
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return path


def row(force="Kent", count=" 5 ", quarter=1, year="2018/19"):
    return [year, quarter, force, "Harassment", "VAP", "Stalking and harassment", "8L", count]


def test_ampersands_floats_and_padded_text_read(tmp_path):
    path = write_csv(
        tmp_path / "pfa.csv",
        [
            row("Avon & Somerset", " 66776 "),
            row("Devon & Cornwall", "9.0"),
            row("Kent", "1,234"),
            row("Kent", "", quarter=2),
        ],
    )
    frame = read_pfa_recorded_crime(path, use_cache=False)
    assert frame["force_code"].tolist()[:2] == ["E23000036", "E23000035"]
    assert frame["offences"].tolist()[:3] == [66776, 9, 1234]
    assert frame["offences"].isna().tolist() == [False, False, False, True]  # missing, not 0


def test_fractional_counts_of_fraud_bodies_are_rounded_with_a_warning(tmp_path):
    path = write_csv(
        tmp_path / "pfa.csv",
        [row("UK Finance", "1520.6"), row("CIFAS", "10.2", quarter=3), row("Kent", "4")],
    )
    with pytest.warns(
        UserWarning, match=r"rounded.*row 2 \(UK Finance 2018/19 Q1\).*row 3 \(CIFAS"
    ):
        frame = read_pfa_recorded_crime(path, use_cache=False)
    assert frame["offences"].tolist() == [1521, 10, 4]


def test_fractional_count_of_a_territorial_force_is_an_error(tmp_path):
    path = write_csv(tmp_path / "pfa.csv", [row("UK Finance", "1.5"), row("Kent", "4.5")])
    with pytest.raises(LayoutError, match=r"row 3 \(Kent 2018/19 Q1\): count '4.5' is not a whole"):
        read_pfa_recorded_crime(path, use_cache=False)


def test_fractional_count_of_british_transport_police_is_an_error(tmp_path):
    """BTP is not territorial but records crimes as a force does: only the fraud bodies' counts
    are known to come as fractions (``pfa.FRAUD_BODY_CODES``)."""
    path = write_csv(
        tmp_path / "pfa.csv", [row("Action Fraud", "7.5"), row("British Transport Police", "2.5")]
    )
    with pytest.raises(LayoutError, match=r"row 3 \(British Transport Police 2018/19 Q1\)"):
        read_pfa_recorded_crime(path, use_cache=False)


def test_unknown_force_names_the_row(tmp_path):
    path = write_csv(tmp_path / "pfa.csv", [row("Kent"), row("Atlantis Constabulary")])
    with pytest.raises(LayoutError, match=r"pfa.csv, column 'Force Name', row 3: .*Atlantis"):
        read_pfa_recorded_crime(path, use_cache=False)
