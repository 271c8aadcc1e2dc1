"""The ONS domestic abuse outcomes reader: headers found by label, categories by keyword."""

from __future__ import annotations

import pandas as pd
import pytest
from builders import ONS_HEADER, ons_row, write_ons

from helpers.data.readers import LayoutError, parse_ons_value, read_ons_da_outcomes


def read(path):
    return read_ons_da_outcomes(path, use_cache=False)


def value(frame, code, category, measure="count"):
    row = frame[
        (frame["force_code"] == code)
        & (frame["outcome_category"] == category)
        & (frame["measure"] == measure)
    ]
    assert len(row) == 1
    return row.iloc[0]


def test_header_found_by_label_below_title_rows_and_year_from_title(tmp_path):
    rows = [
        ["K04000001", "England and Wales", 1, 1, 1, 1, 1, 1, 1, 7],
        ons_row(),
        ons_row("W15000002", "Gwent"),
    ]
    frame = read(write_ons(tmp_path / "t.xlsx", {"Table 5": rows}, years={"Table 5": 2020}))
    assert set(frame["force_code"]) == {"E23000032", "W15000002"}  # national rows are not forces
    assert set(frame["financial_year"]) == {"2019/20"}
    assert value(frame, "E23000032", "charged_summonsed")["value"] == 10
    assert (
        value(frame, "E23000032", "evidential_difficulties_victim_does_not_support")["value"] == 55
    )
    assert value(frame, "E23000032", "evidential_difficulties_victim_supports")["value"] == 20
    assert value(frame, "E23000032", "total_outcomes")["value"] == 105
    assert set(frame["measure"]) == {"count"}


def test_line_breaks_and_note_markers_in_headers(tmp_path):
    header = [
        "Police Force\nArea code",
        "Police Force\nArea name",
        "Charged/\nsummonsed [note 4]",
        "Community\nresolution [note 5][note 6]",
        "Evidential difficulties\n(victim does not support action)",
        "Other [note 7]",
    ]
    frame = read(
        write_ons(
            tmp_path / "t.xlsx",
            {"Table 1": [["E23000001", "Metropolitan Police", 5, 1, 9, 3]]},
            header=header,
        )
    )
    assert sorted(frame["outcome_category"]) == [
        "charged_summonsed",
        "community_resolution",
        "evidential_difficulties_victim_does_not_support",
        "other",
    ]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("[x]", (None, "[x]")),
        ("[z]", (None, "[z]")),
        ("[c]", (None, "[c]")),
        ("[u]", (None, "[u]")),
        ("..", (None, "..")),
        ("12 [u]", (12.0, "[u]")),
        ("1,234", (1234.0, None)),
        ("[r][e]", (None, "[r][e]")),
        (7, (7.0, None)),
        ("12.5%", (12.5, None)),
    ],
)
def test_suppression_symbols(cell, expected):
    assert parse_ons_value(cell) == expected


def test_suppressed_force_kept_as_missing_with_marker(tmp_path):
    rows = [ons_row(), ["E23000005", "Greater Manchester", *(["[x]"] * 8)]]
    frame = read(write_ons(tmp_path / "t.xlsx", {"Table 5": rows}))
    gmp = frame[frame["force_code"] == "E23000005"]
    assert gmp["value"].isna().all() and set(gmp["marker"]) == {"[x]"}


def test_percentages_detected_from_header(tmp_path):
    header = [
        "Area code",
        "Area name",
        "Charged/summonsed (%)",
        "Community resolution (%)",
        "Victim does not support (%)",
        "Other (%)",
        "Number of outcomes",
    ]
    frame = read(
        write_ons(
            tmp_path / "t.xlsx",
            {"Table 6": [["E23000032", "Kent", 10.0, 1.5, 55.0, 33.5, 2000]]},
            header=header,
        )
    )
    assert value(frame, "E23000032", "charged_summonsed", "percent")["value"] == 10.0
    assert value(frame, "E23000032", "total_outcomes", "count")["value"] == 2000


def test_percentages_detected_from_numbers(tmp_path):
    header = [
        "Area code",
        "Area name",
        "Charged/summonsed",
        "Community resolution",
        "Victim does not support",
        "Other outcomes",
    ]
    rows = [
        ["E23000032", "Kent", 10.0, 1.5, 55.0, 33.5],
        ["E23000033", "Sussex", 12.0, 0.5, 50.0, 37.5],
    ]
    frame = read(write_ons(tmp_path / "t.xlsx", {"Table 6": rows}, header=header))
    assert set(frame["measure"]) == {"percent"}


def test_home_office_group_names_map_to_categories(tmp_path):
    header = [
        "Area code",
        "Area name",
        "Charged/Summonsed",
        "Out-of-court (formal)",
        "Out-of-court (informal)",
        "Prosecution prevented or not in the public interest",
        "Evidential difficulties (suspect identified; victim supports action)",
        "Evidential difficulties (victim does not support action)",
        "Investigation complete \u2013 no suspect identified",
        "Not yet assigned an outcome",
    ]
    frame = read(
        write_ons(
            tmp_path / "t.xlsx",
            {"T": [["E23000032", "Kent", 1, 2, 3, 4, 5, 6, 7, 8]]},
            header=header,
        )
    )
    categories = frame.set_index("outcome_category")["value"].to_dict()
    assert categories == {
        "caution": 2,
        "charged_summonsed": 1,
        "community_resolution": 3,
        "evidential_difficulties_victim_does_not_support": 6,
        "evidential_difficulties_victim_supports": 5,
        "no_suspect_identified": 7,
        "not_yet_assigned": 8,
        "other": 4,
    }


def test_year_column_instead_of_title(tmp_path):
    header = ["Financial year", "Area code", "Area name", "Charged", "Community resolution"]
    rows = [["2019/20", "E23000032", "Kent", 1, 2], ["2020-21", "E23000032", "Kent", 3, 4]]
    frame = read(
        write_ons(tmp_path / "t.xlsx", {"Data": rows}, header=header, title="Outcomes by force")
    )
    assert sorted(frame["financial_year"].unique()) == ["2019/20", "2020/21"]


def test_unrecognisable_workbook_says_what_it_found(tmp_path):
    path = write_ons(tmp_path / "t.xlsx", {"Table 1": [["a", "b"]]}, header=["Region", "Value"])
    with pytest.raises(
        LayoutError,
        match=r"no table of domestic abuse outcomes by police force area.*sheet 'Table 1': no police force area header",
    ):
        read(path)


def test_unknown_outcome_column_raises(tmp_path):
    header = list(ONS_HEADER) + ["Restorative outcome"]
    with pytest.raises(
        LayoutError, match=r"outcome column\(s\) not recognised: \[\"K3='Restorative outcome'\"\]"
    ):
        read(write_ons(tmp_path / "t.xlsx", {"Table 5": [ons_row() + [4]]}, header=header))


def test_text_value_raises_with_cell(tmp_path):
    rows = [ons_row("E23000032", "Kent", (10, 2, "many", 20, 55, 3, 14))]
    with pytest.raises(
        LayoutError, match=r"column E \('Community resolution \[note 3\]'\), row 4: value 'many'"
    ):
        read(write_ons(tmp_path / "t.xlsx", {"Table 5": rows}))


def test_no_year_raises(tmp_path):
    with pytest.raises(LayoutError, match=r"cannot tell which financial year"):
        read(write_ons(tmp_path / "t.xlsx", {"Table 5": [ons_row()]}, title="Outcomes by force"))


def test_the_shipped_sample_reads_whole():
    from helpers.core import config

    frame = read_ons_da_outcomes(
        config.SAMPLE_DIR / "ons_da_outcomes" / "domestic-abuse-outcomes-by-pfa-SAMPLE.xlsx",
        use_cache=False,
    )
    assert frame["force_code"].nunique() == 43
    assert frame["financial_year"].nunique() == 10
    assert (
        isinstance(frame, pd.DataFrame)
        and not frame.duplicated(
            ["financial_year", "force_code", "outcome_category", "measure"]
        ).any()
    )
