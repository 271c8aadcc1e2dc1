"""The police force area recorded crime reader, on small ODS files the test writes."""

from __future__ import annotations

import pandas as pd
import pytest

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
