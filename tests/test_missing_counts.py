"""Issue 18 item 9: make any one count in the tidy data missing, and no output reports a rate or
verdict for that force and measure, and the national figures change only by leaving it out.

Runs over the synthetic sample for every measure, blanking a numerator or a denominator, for
forces of different sizes (the City of London, a Welsh force, the largest force)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.analysis import profile
from helpers.data import sources, tidy
from helpers.report import findings, verdicts

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sample_da():
    return tidy.build(sources.resolve_mode("sample"), use_cache=False).tables[
        "da_outcomes_by_force"
    ]


@pytest.mark.parametrize(
    ("code", "key", "blank"),
    [
        ("E23000034", "community_resolution", "numerator"),
        ("W15000002", "community_resolution", "denominator"),
        ("E23000001", "outcome16", "numerator"),
        ("E23000032", "charge", "denominator"),
    ],
)
def test_one_missing_count_is_never_a_zero(sample_da, code, key, blank):
    before = profile.measure_all(sample_da)[key]
    latest = before.year
    da = sample_da.copy()
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
