"""The measures and their verdicts on small hand-built tables with known answers.

Each table has the 43 police force areas (the verdicts are over all of them) with round numbers,
so that every expected value below is worked out by hand or with scipy, not by the code tested.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from helpers.analysis import charge, community_resolution, cps_stage, measure, outcome16
from helpers.reference import forces
from helpers.reference.outcomes import OUTCOME_CATEGORIES
from helpers.report import verdicts

pytestmark = pytest.mark.filterwarnings(
    "ignore::statsmodels.tools.sm_exceptions.PerfectSeparationWarning"
)  # noise-free hand-built series fit exactly

CODES = forces.territorial_codes()
YEARS = [f"{y}/{(y + 1) % 100:02d}" for y in range(2015, 2025)]
KENT, SURREY, SUSSEX, GWENT, CITY = "E23000032", "E23000035", "E23000036", "W15000002", "E23000034"


def da_table(cr_share=0.01, total=10_000, years=YEARS, cr=None) -> pd.DataFrame:
    """A processed DA table: every force-year with ``total`` outcomes assigned, a community
    resolution count of ``cr_share * total`` unless ``cr[(year, code)]`` says otherwise, outcome
    16 at 50% and charges at 10%; the rest in 'other'."""
    rows = []
    names, countries = forces.force_names(), forces.country_of()
    for year in years:
        for code in CODES:
            count = (cr or {}).get((year, code), round(cr_share * total))
            row = dict.fromkeys(OUTCOME_CATEGORIES, 0.0)
            row.update(
                community_resolution=count,
                evidential_difficulties_victim_does_not_support=total / 2,
                charged_summonsed=total / 10,
            )
            known = sum(v for v in row.values() if pd.notna(v))
            row["other"] = total - known
            rows.append(
                {
                    "financial_year": year,
                    "force_code": code,
                    "force_name": names[code],
                    "country": countries[code],
                    **row,
                    "total_outcomes": float(total),
                    "crimes_recorded": float(total) * 1.1,
                    "not_yet_assigned": 0.0,
                    "excluded": False,
                    "marker": None,
                }
            )
    return pd.DataFrame(rows)


def test_interval_excluding_the_national_rate_is_above_national():
    table = da_table(cr={(YEARS[-1], KENT): 200})  # 2% of 10,000 against about 1%
    result = community_resolution.measure_community_resolutions(table)
    kent = result.verdict(KENT)
    lower, upper = sps.binomtest(200, 10_000).proportion_ci(0.95, method="wilson")
    assert kent["ci_lower"] == pytest.approx(lower) and kent["ci_upper"] == pytest.approx(upper)
    assert kent["vs_national"] == "above"
    assert result.verdict(SURREY)["vs_national"] == "not different"
    assert "higher than the national rate" in verdicts.versus_national(kent, result)


def test_above_national_but_inside_the_adjusted_limits_says_both():
    # forces spread widely (phi large), so Kent is clearly above national but not extreme
    spread = {(YEARS[-1], code): 60 + 4 * i for i, code in enumerate(CODES)}
    spread[(YEARS[-1], KENT)] = 200
    result = community_resolution.measure_community_resolutions(da_table(cr=spread))
    kent = result.verdict(KENT)
    assert kent["vs_national"] == "above" and kent["extreme"] == "within"
    sentence = " ".join(verdicts.force_sentences(result, KENT))
    assert "higher than the national rate" in sentence
    assert "not extreme allowing for the normal variation between forces" in sentence
    assert "not distinguishable" not in sentence


def test_guidance_threshold_rule_is_an_exact_one_sided_test_with_holm():
    table = da_table(cr_share=0.005, total=35_452)
    table.loc[
        (table["financial_year"] == YEARS[-1]) & (table["force_code"] == KENT),
        "community_resolution",
    ] = 847
    table.loc[
        (table["financial_year"] == YEARS[-1]) & (table["force_code"] == CITY),
        ["community_resolution", "total_outcomes"],
    ] = [1, 3]
    result = community_resolution.measure_community_resolutions(table, threshold=0.01)
    tested = result.extras["threshold_test"].set_index("force_code")
    assert tested.loc[KENT, "p_value"] == pytest.approx(sps.binom.sf(846, 35_452, 0.01))
    assert tested.loc[KENT, "p_value"] < 1e-100
    assert result.verdict(KENT)["guidance"] == "above the threshold"
    # 1 of 3: P(X >= 1 | n = 3, p = 0.01) = 0.0297, not significant after Holm over 43 forces
    assert tested.loc[CITY, "p_value"] == pytest.approx(1 - 0.99**3)
    assert result.verdict(CITY)["guidance"] == "not shown above"
    assert result.count("guidance", "above the threshold") == 1


def test_ranks_share_the_lower_rank_on_ties():
    table = da_table(
        cr={(YEARS[-1], KENT): 300, (YEARS[-1], SURREY): 300, (YEARS[-1], SUSSEX): 250}
    )
    result = community_resolution.measure_community_resolutions(table)
    assert result.verdict(KENT)["rank"] == 1 and result.verdict(SURREY)["rank"] == 1
    assert result.verdict(SUSSEX)["rank"] == 3
    assert verdicts.rank(result.verdict(SUSSEX)) == "ranked 3 of 43 forces with data (1 = highest)"


def test_a_force_left_out_in_the_latest_year_has_no_verdict_and_no_rank():
    table = da_table()
    left_out = (table["financial_year"] == YEARS[-1]) & (table["force_code"] == GWENT)
    table.loc[left_out, "excluded"] = True
    table.loc[left_out, "marker"] = "[x]"
    result = community_resolution.measure_community_resolutions(table)
    gwent = result.verdict(GWENT)
    assert gwent["vs_national"] == gwent["extreme"] == gwent["guidance"] == "no data"
    assert pd.isna(gwent["rank"]) and result.verdict(KENT)["forces_ranked"] == 42
    assert "[x]" in gwent["no_data_reason"]
    national = result.national.set_index("financial_year").loc[YEARS[-1]]
    assert national["forces"] == 42 and national["forces_left_out"] == 1
    assert national["trials"] == 42 * 10_000
    assert "42 forces (1 left out: no data)" in verdicts.national_sentence(result)


def test_a_suppressed_count_stays_missing_and_leaves_the_national_figure():
    # issue 18 item 1: Kent 1.5%, Surrey [c] with 940 outcomes, Sussex 1%: never 0 of 940
    table = da_table(years=YEARS[-1:])
    year = table["financial_year"] == YEARS[-1]
    table.loc[
        year & (table["force_code"] == SURREY), ["community_resolution", "total_outcomes"]
    ] = [np.nan, 940]
    result = community_resolution.measure_community_resolutions(table)
    surrey = result.verdict(SURREY)
    assert (
        pd.isna(surrey["rate"])
        and surrey["vs_national"] == "no data"
        and surrey["extreme"] == "no data"
    )
    assert surrey["no_data_reason"] == "no data (suppressed or not published)"
    national = result.national.iloc[0]
    assert national["trials"] == 42 * 10_000 and national["forces_left_out"] == 1
    assert result.national_rate == pytest.approx(0.01)


def test_a_flat_recent_series_is_not_called_rising():
    # rising 2015-2019, flat from 2019: the long-run slope is positive, the recent segment flat
    shares = [0.004, 0.006, 0.008, 0.010, 0.012, 0.012, 0.012, 0.012, 0.012, 0.012]
    cr = {
        (year, code): round(share * 100_000)
        for year, share in zip(YEARS, shares, strict=True)
        for code in CODES
    }
    result = community_resolution.measure_community_resolutions(da_table(total=100_000, cr=cr))
    kent = result.verdict(KENT)
    assert kent["trend_direction"] == "rising"
    assert kent["trend_pattern"] == "levelled off"
    assert kent["change_3_years"] == "no clear change"
    assert "levelled off" in verdicts.trend(kent, result)
    assert "levelled off" in verdicts.movement_summary(result)


def test_recent_change_interval_is_newcombe():
    from statsmodels.stats.proportion import confint_proportions_2indep

    cr = {(YEARS[-2], KENT): 100, (YEARS[-1], KENT): 150}
    result = community_resolution.measure_community_resolutions(da_table(cr=cr))
    kent = result.verdict(KENT)
    lower, upper = confint_proportions_2indep(
        150, 10_000, 100, 10_000, method="newcomb", compare="diff"
    )
    assert kent["change_previous_pp"] == pytest.approx(0.5)
    assert kent["change_previous_lower_pp"] == pytest.approx(100 * lower)
    assert kent["change_previous_upper_pp"] == pytest.approx(100 * upper)
    assert kent["change_previous"] == "rising"


def test_outcome16_and_charge_word_their_movement_as_evidence_led_practice_not_guidance():
    table = da_table()
    o16 = outcome16.measure_outcome16(table)
    charged = charge.measure_charge(table)
    assert o16.spec.benchmark == charged.spec.benchmark == "evidence-led practice"
    assert o16.spec.better == "falling" and charged.spec.better == "rising"
    assert "guidance" not in o16.verdicts.columns
    assert o16.national_rate == pytest.approx(0.5) and charged.national_rate == pytest.approx(0.1)
    indicator = charged.extras["evidence_led_indicator"]
    assert indicator["rate"].to_numpy() == pytest.approx(np.full(len(indicator), 1 / 6))


def test_measure_rejects_an_unknown_denominator_or_year():
    with pytest.raises(KeyError, match="denominator"):
        measure.build(community_resolution.SPEC, da_table(), denominator="crimes")
    with pytest.raises(KeyError, match="1999/00"):
        measure.build(community_resolution.SPEC, da_table(), year="1999/00")


def cps_series(rows):
    return pd.DataFrame(rows, columns=["measure", "financial_year", "value", "source_publisher"])


def test_cps_referral_change_uses_one_publisher_only():
    series = cps_series(
        [
            (cps_stage.REFERRALS, "2013/14", 103_569, "Hansard"),
            (cps_stage.REFERRALS, "2018/19", 98_479, "ONS"),
            (cps_stage.REFERRALS, "2019/20", 79_965, "ONS"),
            (cps_stage.REFERRALS, "2020/21", 77_812, "ONS"),
        ]
    )
    change = cps_stage.referral_change(series)
    assert (change["first_year"], change["last_year"], change["publisher"]) == (
        "2018/19",
        "2020/21",
        "ONS",
    )
    assert change["change_pct"] == pytest.approx(100 * (77_812 / 98_479 - 1))
    with pytest.raises(ValueError, match="two police referral figures"):
        cps_stage.referral_change(series.iloc[[0, 1]])


def test_cps_victim_reasons_by_year():
    series = cps_series(
        [
            (cps_stage.VICTIM_ISSUES, "2014/15", 53.7, "CPS"),
            (cps_stage.RETRACTION, "2014/15", 26.8, "CPS"),
            (cps_stage.VICTIM_ISSUES, "2015/16", 52.5, "CPS"),
            (cps_stage.RETRACTION, "2015/16", 24.8, "CPS"),
        ]
    )
    reasons = cps_stage.victim_reasons(series)
    assert reasons["financial_year"].tolist() == ["2014/15", "2015/16"]
    assert reasons["victim_issues_pct"].tolist() == [53.7, 52.5]
    assert reasons["retraction_pct"].tolist() == [26.8, 24.8]
