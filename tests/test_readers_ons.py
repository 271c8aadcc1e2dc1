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
        ("12*", (12.0, "*")),
        ("1,234,567*", (1_234_567.0, "*")),
        ("NA", (None, "na")),
        ('"1,234"', (1234.0, None)),
        ("-", (None, "-")),
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


# ------------------------------------------------------------------------------------------
# shares written as proportions (issue 18, case 4)
# ------------------------------------------------------------------------------------------

SHARE_HEADER = [
    "Area code",
    "Area name",
    "Charged/summonsed (%)",
    "Community resolution (%)",
    "Victim does not support (%)",
    "Other (%)",
    "Number of outcomes",
]


def test_proportions_under_percent_labels_are_read_as_per_cent(tmp_path):
    rows = [
        ["E23000032", "Kent", 0.1012, 0.0124, 0.55, 0.3364, 1697],
        ["E23000033", "Sussex", 0.12, 0.005, 0.5, 0.375, 2000],
    ]
    frame = read(write_ons(tmp_path / "t.xlsx", {"Table 6": rows}, header=SHARE_HEADER))
    assert value(frame, "E23000032", "community_resolution", "percent")["value"] == 1.24
    assert value(frame, "E23000032", "charged_summonsed", "percent")["value"] == 10.12
    assert value(frame, "E23000032", "total_outcomes", "count")["value"] == 1697


def test_proportions_under_a_percentage_title_are_read_as_per_cent(tmp_path):
    header = [h.replace(" (%)", "") for h in SHARE_HEADER]
    rows = [["E23000032", "Kent", 0.1012, 0.0124, 0.55, 0.3364, 1697]]
    title = "Percentage of outcomes by police force area, year ending March {year}"
    frame = read(write_ons(tmp_path / "t.xlsx", {"Table 6": rows}, header=header, title=title))
    assert value(frame, "E23000032", "community_resolution", "percent")["value"] == 1.24


def test_share_labels_over_counts_are_refused(tmp_path):
    rows = [["E23000032", "Kent", 170, 21, 930, 576, 1697]]
    with pytest.raises(LayoutError, match=r"sheet 'Table 6': the labels say .* shares .* 1,697"):
        read(write_ons(tmp_path / "t.xlsx", {"Table 6": rows}, header=SHARE_HEADER))


def test_count_labels_over_shares_are_refused(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    ws = workbook.active
    ws.title = "Table 7"
    ws.append(["Outcomes by police force area, year ending March 2024"])
    ws.append(["Area code", "Area name", "Charged", "Community resolution", "Other outcomes"])
    ws.append([None, None, "Numbers", None, None])
    ws.append(["E23000032", "Kent", 10.5, 1.5, 88.0])
    ws.append(["E23000033", "Sussex", 12.0, 0.5, 87.5])
    workbook.save(tmp_path / "t.xlsx")
    with pytest.raises(LayoutError, match=r"sheet 'Table 7': the labels say .* counts"):
        read(tmp_path / "t.xlsx")


def test_a_force_count_that_is_not_whole_is_an_error(tmp_path):
    rows = [ons_row("E23000032", "Kent", (10, 2, 1.5, 20, 55, 3, 14))]
    with pytest.raises(LayoutError, match=r"column E, row 4 \(Kent, community_resolution\).*1.5"):
        read(write_ons(tmp_path / "t.xlsx", {"Table 5": rows}))


# ------------------------------------------------------------------------------------------
# cells, periods and older layouts through the DA reader (cases 2, 3, 7)
# ------------------------------------------------------------------------------------------


def test_starred_numbers_and_na_through_the_reader(tmp_path):
    rows = [ons_row("E23000032", "Kent", ("12*", 2, 1, 20, 55, "NA", "1,234,567*"))]
    frame = read(write_ons(tmp_path / "t.xlsx", {"Table 5": rows}))
    charged = value(frame, "E23000032", "charged_summonsed")
    assert charged["value"] == 12 and charged["marker"] == "*"
    assert value(frame, "E23000032", "other")["value"] == 1_234_567
    suspect = value(frame, "E23000032", "no_suspect_identified")
    assert pd.isna(suspect["value"]) and suspect["marker"] == "na"  # NA is missing, not 0


@pytest.mark.parametrize(
    ("title", "year"),
    [
        ("Outcomes by police force area, Apr 2022 to Mar 2023 [note 1]", "2022/23"),
        ("Outcomes by police force area, April 2022 - March 2023", "2022/23"),
        ("Outcomes by police force area, year ending Mar 2023 [r]", "2022/23"),
    ],
)
def test_year_from_title_in_any_ons_wording(tmp_path, title, year):
    frame = read(write_ons(tmp_path / "t.xlsx", {"Table 5": [ons_row()]}, title=title))
    assert set(frame["financial_year"]) == {year}


def test_calendar_year_title_is_not_a_financial_year(tmp_path):
    title = "Outcomes by police force area, Jan 2022 to Dec 2022"
    with pytest.raises(LayoutError, match=r"cannot tell which financial year"):
        read(write_ons(tmp_path / "t.xlsx", {"Table 5": [ons_row()]}, title=title))


def test_time_period_column_with_ons_labels(tmp_path):
    header = ["Time period", "Area code", "Area name", "Charged", "Community resolution"]
    rows = [
        ["Apr 2019 to Mar 2020", "E23000032", "Kent", 1, 2],
        ["year ending March 2021 [note 3]", "E23000032", "Kent", 3, 4],
        ["Jan 2021 to Dec 2021", "E23000032", "Kent", 3, 4],
    ]
    path = write_ons(tmp_path / "t.xlsx", {"Data": rows}, header=header, title="Outcomes")
    with pytest.raises(LayoutError, match=r"column A, row 6: .*calendar year"):
        read(path)
    frame = read(write_ons(tmp_path / "u.xlsx", {"Data": rows[:2]}, header=header, title="x"))
    assert sorted(frame["financial_year"].unique()) == ["2019/20", "2020/21"]


def test_older_layout_with_group_row_units_spacers_and_glued_footnotes(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    ws = workbook.active
    ws.title = "Table 9"
    for row in [
        ["Table 9  Outcomes of domestic abuse-related crimes, year ending March 2016"],
        [],
        [None, None, "Charged/summonsed3", None, "Evidential difficulties", None, "Other4"],
        [
            "Area Code",
            "Area Name",
            None,
            None,
            "victim supports action",
            "victim does not support action",
            None,
        ],
        [None, None, "Numbers", None, "Numbers", None, None],
        ["K04000001", "ENGLAND AND WALES7,8", 50, None, 70, 150, 30],
        ["E23000032", "Kent5", 10, None, "-", 55, 14],
        ["W15000002", "Gwent", 40, None, 70, 95, 16],
        [],
        ["3. Charges include summonses."],
    ]:
        ws.append(row)
    workbook.save(tmp_path / "old.xlsx")
    frame = read(tmp_path / "old.xlsx")
    assert set(frame["force_name"]) == {"Kent", "Gwent"}
    assert set(frame["financial_year"]) == {"2015/16"}
    kent = value(frame, "E23000032", "evidential_difficulties_victim_supports")
    assert pd.isna(kent["value"]) and kent["marker"] == "-"
    assert (
        value(frame, "E23000032", "evidential_difficulties_victim_does_not_support")["value"] == 55
    )
    assert value(frame, "W15000002", "charged_summonsed")["value"] == 40


# ------------------------------------------------------------------------------------------
# the tidy stage: rounded shares and forces that supplied nothing (cases 5 and 6)
# ------------------------------------------------------------------------------------------


def long_table(rows):
    """(year, code, category, value, measure) -> the reader's long table."""
    frame = pd.DataFrame(
        rows, columns=["financial_year", "force_code", "outcome_category", "value", "measure"]
    )
    frame["force_name"] = "name"
    frame["marker"] = None
    frame["source_sheet"] = "T"
    return frame


#: an ONS-style percentage table: shares to one decimal and the outcomes assigned (Kent)
ROUNDED_SHARES = {
    "charged_summonsed": 10.1,
    "caution": 0.4,
    "community_resolution": 1.2,
    "evidential_difficulties_victim_supports": 8.6,
    "evidential_difficulties_victim_does_not_support": 54.9,
    "no_suspect_identified": 0.6,
    "other": 24.3,  # the published shares add up to 100.1: rounding
}


def rounded_rows(total=1697, shares=ROUNDED_SHARES):
    rows = [("2022/23", "E23000032", c, v, "percent") for c, v in shares.items()]
    return rows + [("2022/23", "E23000032", "total_outcomes", float(total), "count")]


def test_derived_counts_from_rounded_shares_pass_the_invariants():
    from helpers.data import tidy
    from helpers.data.readers.ons_table import rounded_share_count_range

    da = tidy.da_by_force(long_table(rounded_rows()))
    kent = da[da["force_code"] == "E23000032"].iloc[0]
    categories = list(ROUNDED_SHARES)
    assert kent["counts_derived"] and kent["share_decimals"] == 1
    assert kent["published_share_community_resolution"] == 1.2
    assert kent["community_resolution"] == 20  # round(1.2% x 1,697) = 20.4 -> 20
    assert kent[categories].sum() != kent["total_outcomes"]  # rounding: 1,698 vs 1,697
    assert len(tidy.check_invariants(da)) == 5
    low, high = rounded_share_count_range(
        kent["published_share_community_resolution"], kent["total_outcomes"], kent["share_decimals"]
    )
    assert (low, high) == (20, 21)


def test_rounding_allowance_is_no_bigger_than_the_decimals_imply():
    from helpers.data import tidy

    da = tidy.da_by_force(long_table(rounded_rows()))
    row = da["force_code"] == "E23000032"
    # 7 shares to one decimal of 1,697: the sum may miss by 9 at most; 10 is too far
    da.loc[row, "total_outcomes"] = da.loc[row, list(ROUNDED_SHARES)].sum(axis=1) + 9
    assert len(tidy.check_invariants(da)) == 5
    da.loc[row, "total_outcomes"] += 1
    with pytest.raises(AssertionError, match="do not add up"):
        tidy.check_invariants(da)


def test_published_counts_must_add_up_exactly():
    from helpers.data import tidy

    counts = {"charged_summonsed": 10, "community_resolution": 5, "other": 85}
    rows = [("2022/23", "E23000032", c, float(v), "count") for c, v in counts.items()]
    da = tidy.da_by_force(
        long_table(rows + [("2022/23", "E23000032", "total_outcomes", 101.0, "count")])
    )
    assert not da["counts_derived"].any() and da["share_decimals"].isna().all()
    with pytest.raises(AssertionError, match="do not add up"):
        tidy.check_invariants(da)


def test_a_force_with_zeros_everywhere_did_not_supply_data():
    from helpers.data import tidy

    zero = {c: 0.0 for c in ROUNDED_SHARES}
    rows = [("2022/23", "E23000035", c, v, "count") for c, v in zero.items()]
    rows += [("2022/23", "E23000035", "total_outcomes", 0.0, "count")]
    rows += [("2022/23", "E23000032", c, 1.0, "count") for c in ROUNDED_SHARES]
    rows += [("2022/23", "E23000032", "total_outcomes", 7.0, "count")]
    da = tidy.da_by_force(long_table(rows))
    devon = da[da["force_code"] == "E23000035"].iloc[0]
    assert devon["excluded"] and devon["marker"] == "(zero total: not supplied)"
    assert pd.isna(devon["total_outcomes"]) and pd.isna(devon["charged_summonsed"])
    kent = da[da["force_code"] == "E23000032"].iloc[0]
    assert not kent["excluded"] and kent["total_outcomes"] == 7
    status = tidy.coverage(da).set_index("force_code")["status"]
    assert status["E23000035"] == "excluded (not supplied)" and status["E23000032"] == "present"
    assert len(tidy.check_invariants(da)) == 5


def test_a_genuine_zero_in_one_category_is_kept():
    from helpers.data import tidy

    rows = [
        ("2022/23", "E23000032", c, 0.0 if c == "caution" else 1.0, "count") for c in ROUNDED_SHARES
    ]
    rows += [("2022/23", "E23000032", "total_outcomes", 6.0, "count")]
    kent = tidy.da_by_force(long_table(rows)).query("force_code == 'E23000032'").iloc[0]
    assert kent["caution"] == 0 and not kent["excluded"] and kent["marker"] == ""
