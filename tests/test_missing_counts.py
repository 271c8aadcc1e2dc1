"""Issue 18 item 9: make any one count in the tidy data missing, and no output reports a rate or
verdict for that force and measure, and the national figures change only by leaving it out.

Runs over the synthetic sample for every measure, blanking a numerator or a denominator, for
forces of different sizes (the City of London, a Welsh force, the largest force)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.analysis import profile
from helpers.report import findings, verdicts

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sample(sample_data, tmp_path_factory):
    """The sample's processed DA table and ``profile.measure_all`` of it, computed once per
    session (``conftest.sample_data``); the data folders point at the session's, so that the
    analysis memo of the cases is kept there."""
    with pytest.MonkeyPatch.context() as patch:
        sample_data.point_at(patch, tmp_path_factory.mktemp("missing-counts"))
        yield sample_data


@pytest.mark.parametrize(
    ("code", "key", "blank"),
    [
        ("E23000034", "community_resolution", "numerator"),
        ("W15000002", "community_resolution", "denominator"),
        ("E23000001", "outcome16", "numerator"),
        ("E23000032", "charge", "denominator"),
    ],
)
def test_one_missing_count_is_never_a_zero(sample, code, key, blank):
    da, measures = sample.fresh()
    before = measures[key]  # profile.measure_all of the untouched table
    latest = before.year
    row = (da["financial_year"] == latest) & (da["force_code"] == code)
    column = before.spec.numerator[0] if blank == "numerator" else "total_outcomes"
    da[column] = da[column].astype(float)
    removed = da.loc[row, [before.spec.numerator[0], "total_outcomes"]].iloc[0]
    da.loc[row, column] = np.nan
    after = profile.measure_all(da)[key]

    verdict = after.verdict(code)
    assert pd.isna(verdict["rate"]) and pd.isna(verdict["rank"])
    for name in ("vs_national", "extreme", "change_previous", "change_3_years"):
        assert verdict[name] == "no data", name
    assert code not in set(after.latest["force_code"])
    assert code not in set(after.comparison.table["force_code"])
    sentences = " ".join(verdicts.force_sentences(after, code))
    assert "%" not in sentences and "no data" in sentences

    was = before.national.set_index("financial_year").loc[latest]
    now = after.national.set_index("financial_year").loc[latest]
    assert now["successes"] == pytest.approx(was["successes"] - removed.iloc[0])
    assert now["trials"] == pytest.approx(was["trials"] - removed.iloc[1])
    assert now["forces_left_out"] == was["forces_left_out"] + 1
    # other years are untouched
    untouched = before.national[before.national["financial_year"] != latest]
    pd.testing.assert_frame_equal(
        untouched.reset_index(drop=True),
        after.national[after.national["financial_year"] != latest].reset_index(drop=True),
    )
    force = profile.build_profile(da, code)
    sentences = findings.profile_sentences(force)
    if (
        key == "community_resolution" or blank == "denominator"
    ):  # the profile falls back to the force's latest year with data
        assert (
            force.year != latest and latest in force.year_note and sentences[0] == force.year_note
        )
    else:  # the other measures keep their year and say no data for this one
        assert force.year == latest
        assert any(after.spec.label in s and "no data" in s for s in sentences)


def test_negative_annual_lens_total_is_reported_and_left_out_never_clipped():
    """Issue 18 item 6: outcome 8 by quarter 2, -3, 0, -1 (net -2) for one force."""
    from helpers.analysis import rates

    rows = []
    for quarter, count in zip((1, 2, 3, 4), (2, -3, 0, -1), strict=True):
        for outcome, value in ((8, count), (1, 10)):
            rows.append(
                {
                    "lens": "stalking_harassment",
                    "financial_year": "2023/24",
                    "force_code": "E23000032",
                    "outcome_type": outcome,
                    "outcomes_closed": value,
                    "quarters": quarter,
                }
            )
    rows.append({**rows[1], "force_code": "E23000035", "outcome_type": 8, "outcomes_closed": 3})
    rows.append({**rows[1], "force_code": "E23000035"})
    table = pd.DataFrame(rows)
    with pytest.warns(
        UserWarning, match=r"E23000032 2023/24: negative annual total \(outcome types \[8\]"
    ):
        out = rates.lens_rates(table, "stalking_harassment", (8,))
    assert out["force_code"].tolist() == ["E23000035"]  # Kent left out, not 0 of 38
    assert out.loc[0, "successes"] == 3 and out.loc[0, "trials"] == 13


def test_a_missing_lens_count_leaves_the_force_year_out():
    from helpers.analysis import rates

    table = pd.DataFrame(
        {
            "lens": "stalking_harassment",
            "financial_year": "2023/24",
            "force_code": ["E23000032", "E23000032", "E23000035", "E23000035"],
            "outcome_type": [8, 1, 8, 1],
            "outcomes_closed": [np.nan, 10, 2, 10],
            "quarters": 4,
        }
    )
    out = rates.lens_rates(table, "stalking_harassment", (8,))
    assert out["force_code"].tolist() == ["E23000035"]


def test_an_open_data_quarter_of_zeros_is_flagged_probably_not_supplied():
    from helpers.data import tidy

    rows = [
        {
            "territorial": True,
            "force_code": "E23000032",
            "financial_year": "2022/23",
            "quarter": quarter,
            "outcomes_recorded": 0 if quarter == 3 else 5,
            "outcomes_closed": 0 if quarter == 3 else 4,
            "not_provided": False,
        }
        for quarter in (1, 2, 3, 4)
    ]
    coverage = tidy.open_data_quarter_coverage(pd.DataFrame(rows)).set_index("force_code")
    assert coverage.loc["E23000032", "quarters"] == 4
    assert coverage.loc["E23000032", "quarters_all_zero"] == 1
    assert "probably not supplied" in coverage.loc["E23000032", "note"]
    assert coverage.loc["E23000035", "quarters"] == 0  # a force with no rows at all


def test_a_negative_ons_cell_names_sheet_row_and_column(tmp_path):
    from openpyxl import Workbook

    from helpers.data.readers import LayoutError, ons_da
    from helpers.reference import forces

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Table 1"
    sheet.append(["Table 1: Outcomes of domestic abuse-related crimes, year ending March 2023"])
    sheet.append(
        [
            "Area code",
            "Police force area",
            "Charged/summonsed",
            "Community resolution",
            "Total outcomes",
        ]
    )
    for i, code in enumerate(forces.territorial_codes()):
        sheet.append([code, forces.force_names()[code], 100, -3 if i == 5 else 10, 500])
    workbook.save(tmp_path / "t.xlsx")
    with pytest.raises(
        LayoutError,
        match=r"sheet 'Table 1', column D, row 8 \(Cheshire, community_resolution\): value -3 is negative",
    ):
        ons_da.parse_ons_da_outcomes(tmp_path / "t.xlsx")
