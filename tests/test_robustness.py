"""Robustness checks (helpers.analysis.robustness): known answers worked by hand on small tables
built here (never on values produced by the code under test)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from builders import lens_table
from scipy import stats as sps

from helpers.analysis import community_resolution, robustness, statistics
from helpers.reference import forces

pytestmark = pytest.mark.filterwarnings(
    "ignore::statsmodels.tools.sm_exceptions.PerfectSeparationWarning"
)

YEARS = ("2019/20", "2020/21", "2021/22", "2022/23")
CODES = forces.territorial_codes()
KENT, GWENT, CITY = "E23000032", "W15000002", "E23000034"


def da_table(community=None, total=1000, open_cases=100, years=YEARS) -> pd.DataFrame:
    """A processed DA table: every force and year with ``total`` outcomes, 1% community
    resolutions unless ``community`` maps (year, code) or code to a count, ``open_cases``
    outcome 0 crimes."""
    community = community or {}
    rows = []
    names = forces.force_names()
    countries = forces.country_of()
    for year in years:
        for code in CODES:
            cr = community.get((year, code), community.get(code, total // 100))
            rows.append(
                {
                    "financial_year": year,
                    "force_code": code,
                    "force_name": names[code],
                    "country": countries[code],
                    "charged_summonsed": 100.0,
                    "caution": 50.0,
                    "community_resolution": float(cr) if cr is not None else np.nan,
                    "evidential_difficulties_victim_does_not_support": 500.0,
                    "evidential_difficulties_victim_supports": 150.0,
                    "no_suspect_identified": 50.0,
                    "other": total - 850.0 - (cr or 0),
                    "total_outcomes": float(total),
                    "not_yet_assigned": float(open_cases),
                    "crimes_recorded": float(total + open_cases),
                    "excluded": False,
                    "marker": "",
                }
            )
    return pd.DataFrame(rows)


def holm(p: np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values, written out (independent of statsmodels)."""
    order = np.argsort(p)
    m = len(p)
    adjusted = np.empty(m)
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[index]))
        adjusted[index] = running
    return adjusted


# -- item 6 ------------------------------------------------------------------------------------


def test_threshold_grid_names_the_forces_flagged_at_each_threshold_and_denominator():
    # Gwent 100 of 1000 (10%), Kent 15 of 1000 (1.5%), everyone else 10 of 1000 (1%);
    # 1000 open cases everywhere, so crimes recorded are 2000 (rates halve)
    da = da_table({GWENT: 100, KENT: 15}, open_cases=1000)
    grid = robustness.threshold_grid(da)
    assert len(grid) == 3 * 2 * 43
    for threshold in (0.005, 0.01, 0.02):
        for denominator, n in (("total_outcomes", 1000), ("crimes_recorded", 2000)):
            x = np.array([100 if c == GWENT else 15 if c == KENT else 10 for c in CODES])
            p = sps.binom.sf(x - 1, n, threshold)
            expected = set(np.array(CODES)[holm(p) < 0.05])
            cell = grid[(grid["threshold"] == threshold) & (grid["denominator"] == denominator)]
            assert set(cell.loc[cell["above"], "force_code"]) == expected, (threshold, denominator)
            assert np.allclose(cell["p_adjusted"], holm(p))
    # worked by hand: at 0.5% of outcomes every force's 1% is above (p = 3e-3 per force is not
    # enough after Holm over 43 forces, but 1.5% and 10% are); at 2% only Gwent
    at = grid.set_index(["threshold", "denominator", "force_code"])["above"]
    assert at[(0.005, "total_outcomes", KENT)] and at[(0.005, "total_outcomes", GWENT)]
    assert not at[(0.02, "total_outcomes", KENT)] and at[(0.02, "total_outcomes", GWENT)]
    summary = robustness.threshold_summary(grid).set_index(["threshold", "denominator"])
    assert summary.loc[(0.02, "total_outcomes"), "forces"] == "Gwent"
    assert summary.loc[(0.02, "crimes_recorded"), "forces_above"] == 1  # 5% of crimes recorded


def test_threshold_grid_cells_equal_the_engine_run_at_that_threshold_and_denominator():
    da = da_table({GWENT: 100, KENT: 15, CITY: None}, open_cases=1000)
    grid = robustness.threshold_grid(da, thresholds=(0.005, 0.02))
    for threshold in (0.005, 0.02):
        for denominator in ("total_outcomes", "crimes_recorded"):
            direct = community_resolution.measure_community_resolutions(
                da, threshold=threshold, denominator=denominator
            ).verdicts
            cell = grid[(grid["threshold"] == threshold) & (grid["denominator"] == denominator)]
            assert cell["guidance"].tolist() == direct["guidance"].tolist()
    # the force with a suppressed count is 'no data' and never above
    city = grid[grid["force_code"] == CITY]
    assert set(city["guidance"]) == {"no data"} and not city["above"].any()


# -- item 8 ------------------------------------------------------------------------------------


def test_open_cases_share_and_missing_counts_stay_missing():
    da = da_table(open_cases=250)
    da.loc[(da["force_code"] == KENT) & (da["financial_year"] == "2022/23"), "not_yet_assigned"] = (
        np.nan
    )
    da.loc[(da["force_code"] == GWENT) & (da["financial_year"] == "2021/22"), "excluded"] = True
    table = robustness.open_cases(da).set_index(["financial_year", "force_code"])
    assert table.loc[("2019/20", KENT), "open_share"] == pytest.approx(250 / 1250)
    assert np.isnan(table.loc[("2022/23", KENT), "open_share"])
    assert np.isnan(table.loc[("2021/22", GWENT), "open_share"])
    low, high = statistics.proportion_ci(250, 1250, 0.95, "wilson")
    assert table.loc[("2019/20", KENT), "open_lower"] == pytest.approx(low)
    assert table.loc[("2019/20", KENT), "open_upper"] == pytest.approx(high)
    by_year = robustness.open_cases_by_year(da).set_index("financial_year")
    assert by_year.loc["2022/23", "forces"] == 42
    assert by_year.loc["2022/23", "open_share"] == pytest.approx(0.2)


def test_mature_year_sensitivity_shows_a_verdict_that_rests_on_the_latest_year():
    # Kent at 3% in the latest year only (1% before): different from national in the latest
    # year, not in the mature one
    da = da_table({("2022/23", KENT): 30})
    table = robustness.mature_year_sensitivity(
        da, community_resolution.measure_community_resolutions
    )
    row = table.set_index("force_code").loc[KENT]
    assert (row["latest_year"], row["mature_year"]) == ("2022/23", "2021/22")
    assert row["rate_latest"] == pytest.approx(0.03) and row["rate_mature"] == pytest.approx(0.01)
    assert row["vs_national_latest"] == "above" and row["vs_national_mature"] == "not different"
    assert row["vs_national_changed"] and row["any_changed"]
    assert row["guidance_latest"] == "above the threshold"
    assert row["guidance_mature"] == "not shown above"
    assert row["open_share_latest"] == pytest.approx(100 / 1100)
    assert table["any_changed"].sum() == 1
    with pytest.raises(ValueError, match="two years"):
        robustness.mature_year_sensitivity(
            da_table(years=("2022/23",)), community_resolution.measure_community_resolutions
        )


# -- item 9 ------------------------------------------------------------------------------------


def test_offence_standardisation_removes_a_difference_due_to_offence_mix_only():
    # Kent: mostly violence with injury (10% community resolutions there), Gwent mostly
    # stalking and harassment (2%): each force has exactly the national rate in each group, so
    # both are standardised to the national rate although their crude rates differ
    counts = {
        (KENT, "violence_with_injury"): (100, 900),
        (KENT, "violence_without_injury"): (0, 0),
        (KENT, "stalking_harassment"): (2, 98),
        (GWENT, "violence_with_injury"): (10, 90),
        (GWENT, "violence_without_injury"): (0, 0),
        (GWENT, "stalking_harassment"): (20, 980),
    }
    table = robustness.offence_standardised_rates(lens_table(counts), (8,)).set_index("force_code")
    assert table.loc[KENT, "crude_rate"] == pytest.approx(102 / 1100)
    assert table.loc[GWENT, "crude_rate"] == pytest.approx(30 / 1100)
    assert table.loc[KENT, "expected"] == pytest.approx(1000 * 0.1 + 100 * 0.02)
    assert table.loc[GWENT, "expected"] == pytest.approx(100 * 0.1 + 1000 * 0.02)
    assert table["ratio"].tolist() == pytest.approx([1.0, 1.0])
    assert table["standardised_rate"].tolist() == pytest.approx([132 / 2200] * 2)


def test_offence_standardisation_leaves_out_a_force_with_a_missing_count():
    counts = {
        (code, lens): (5, 95) for code in (KENT, GWENT, CITY) for lens in robustness.OFFENCE_STRATA
    }
    lenses = lens_table(counts)
    lenses.loc[
        (lenses["force_code"] == CITY) & (lenses["lens"] == "stalking_harassment"),
        "outcomes_closed",
    ] = np.nan
    table = robustness.offence_standardised_rates(lenses, (8,))
    assert sorted(table["force_code"]) == sorted([KENT, GWENT])


def test_offence_mix_context_shares_by_hand():
    counts = {
        (KENT, "violence_with_injury"): (0, 200),
        (KENT, "violence_without_injury"): (0, 300),
        (KENT, "stalking_harassment"): (0, 400),
        (KENT, "controlling_coercive"): (0, 50),
        (KENT, "violence_against_the_person"): (0, 1000),
        (GWENT, "violence_with_injury"): (0, 100),
        (GWENT, "violence_without_injury"): (0, 100),
        (GWENT, "stalking_harassment"): (0, 100),
        (GWENT, "controlling_coercive"): (0, 10),
        (GWENT, "violence_against_the_person"): (0, 300),
    }
    table = robustness.offence_mix_context(lens_table(counts)).set_index("force_code")
    assert table.loc[KENT, "vap_outcomes"] == 1000
    assert table.loc[KENT, "share_violence_with_injury"] == pytest.approx(0.2)
    assert table.loc[KENT, "share_controlling_coercive"] == pytest.approx(0.05)
    assert table.loc[KENT, "share_other_vap"] == pytest.approx(0.1)
    assert table.loc[GWENT, "share_other_vap"] == pytest.approx(0.0)
    assert table.loc[GWENT, "national_share_other_vap"] == pytest.approx(100 / 1300)
    assert table.loc[KENT, "national_share_stalking_harassment"] == pytest.approx(500 / 1300)
    assert "no breakdown by offence" in robustness.CRUDE_COMPARISON_NOTE


# -- items 10 and 11 ---------------------------------------------------------------------------


def test_spread_and_shrunken_estimates_on_a_known_table():
    # forces at 1% except Gwent at 10%: the 43 rates' quartiles are 1% (iqr 0 points)
    da = da_table({GWENT: 100, CITY: None})
    result = community_resolution.measure_community_resolutions(da)
    spread = robustness.between_force_spread(result)
    assert spread["n"] == 42
    assert spread["iqr_pp"] == pytest.approx(0.0)
    assert spread["median_trials"] == 1000
    limits = result.comparison.limits(np.array([1000.0]), adjusted=True)
    assert spread["funnel_upper"] == pytest.approx(float(limits["upper_99_8"].iloc[0]))
    shrunk = robustness.shrunken_estimates(result).set_index("force_code")
    assert shrunk.loc[GWENT, "position"] == "above the mean"
    assert shrunk.loc[CITY, "position"] == "no data" and np.isnan(shrunk.loc[CITY, "shrunken"])
    assert shrunk.loc[KENT, "rate"] == pytest.approx(0.01)
    assert len(shrunk) == 43


def test_small_numbers_flags_forces_below_the_minimum_and_never_those_without_data():
    da = da_table({KENT: 9, GWENT: 10, CITY: None}, total=2000)
    result = community_resolution.measure_community_resolutions(da)
    table = robustness.small_numbers(result).set_index("force_code")
    assert table.loc[KENT, "small"] and not table.loc[GWENT, "small"]
    assert not table.loc[CITY, "small"] and not table.loc[CITY, "has_data"]
    assert robustness.flagged_codes(table.reset_index()) == [KENT]
    five = robustness.small_numbers(result, minimum=5)
    assert not five["small"].any()
    with pytest.raises(ValueError):
        robustness.small_numbers(result, minimum=-1)


# -- item 12 -----------------------------------------------------------------------------------


def test_sensitivity_table_shows_the_first_year_and_funnel_settings_changes():
    # Kent: 10% in the first year, then 1%, 2%, 4%, 8% (doubling: a straight line on the logit
    # scale, a clear rise that the first year hides); Gwent 3% every year on 1000 outcomes
    # (above the national rate, extreme only without the adjustment)
    years = ("2018/19", *YEARS)
    community = {
        (year, KENT): count for year, count in zip(years, (100, 10, 20, 40, 80), strict=True)
    }
    community[GWENT] = 30
    for i, code in enumerate(CODES):  # some spread between forces so that phi > 1
        if code not in (KENT, GWENT):
            community[code] = 6 + (i % 9)
    da = da_table(community, years=years)
    result = community_resolution.measure_community_resolutions(da)
    table = robustness.sensitivity_table(result, da)
    checks = set(zip(table["check"], table["setting"], strict=True))
    assert ("excluding the first year", "without 2018/19") in checks
    assert len({s for c, s in checks if c == "funnel settings"}) == 8
    trend = table[(table["force_code"] == KENT) & (table["verdict"] == "trend_direction")]
    assert trend["baseline"].tolist() == ["no clear change"]
    assert trend["value"].tolist() == ["rising"] and trend["changed"].all()
    funnel = table[(table["force_code"] == GWENT) & (table["verdict"] == "extreme")]
    by_setting = funnel.set_index("setting")["value"]
    # without adjustment 30 of 1000 against a pooled ~1% is far outside the 99.8% limits
    pooled = result.comparison.target
    assert sps.binom.sf(29, 1000, pooled) < 0.001
    assert by_setting["exact + arcsine widening, unadjusted"] == "above"
    baseline = funnel["baseline"].iloc[0]
    assert baseline == result.verdicts.set_index("force_code").loc[GWENT, "extreme"]
    assert by_setting["exact + arcsine widening, adjusted, trim 10%"] == baseline
    changes = robustness.sensitivity_changes(table)
    assert "without 2018/19: rising" in " ".join(
        changes.loc[changes["force_name"] == "Kent", "changes"]
    )
    with pytest.raises(ValueError, match="three years"):
        short = da_table(years=YEARS[:2])
        robustness.sensitivity_table(
            community_resolution.measure_community_resolutions(short), short
        )
