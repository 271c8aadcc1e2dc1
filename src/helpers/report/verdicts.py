"""The verdicts of the analysis layer in words: each worded once, here, and read by notebooks
02-04, the index page and the profile pages, so that they cannot disagree.

Three statements are never worded as one another (``docs/methods.md``):
"different from the national rate" (the 95% interval excludes it), "extreme allowing for the
normal variation between forces" (outside the overdispersion-adjusted 99.8% limits) and "above
the guidance threshold" (community resolutions only: a one-sided exact test against a fixed
threshold).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from helpers.analysis import cps_stage, robustness
from helpers.analysis.measure import MeasureResult
from helpers.report.formatting import count, format_table, pct


def _level(result: MeasureResult) -> str:
    return f"{result.level:.1%}"


def versus_national(row: pd.Series, result: MeasureResult) -> str:
    """'higher than' / 'lower than' / 'not different from' the national rate, with the interval."""
    interval = f"95% interval {pct(row['ci_lower'], 2)} to {pct(row['ci_upper'], 2)}"
    national = pct(result.national_rate, 2)
    return {
        "above": f"higher than the national rate of {national} ({interval}, wholly above it)",
        "below": f"lower than the national rate of {national} ({interval}, wholly below it)",
        "not different": f"not different from the national rate of {national} ({interval}, which includes it)",
        "no data": "no data",
    }[row["vs_national"]]


def extreme(row: pd.Series, result: MeasureResult) -> str:
    """The funnel verdict: outside or inside the overdispersion-adjusted limits."""
    level = _level(result)
    return {
        "above": f"extreme allowing for the normal variation between forces: above the adjusted {level} limits",
        "below": f"extreme allowing for the normal variation between forces: below the adjusted {level} limits",
        "within": f"not extreme allowing for the normal variation between forces (inside the adjusted {level} limits)",
        "no data": "no data",
    }[row["extreme"]]


def guidance(row: pd.Series, result: MeasureResult) -> str:
    """The guidance verdict (community resolutions only)."""
    threshold = pct(result.extras["threshold"], 1)
    return {
        "above the threshold": f"above the {threshold} 'rare' threshold (one-sided exact test, Holm-corrected across forces)",
        "not shown above": f"not shown to be above the {threshold} 'rare' threshold",
        "no data": "no data",
    }[row["guidance"]]


def rank(row: pd.Series) -> str:
    """'ranked 3 of 42 forces with data (1 = highest)', or why it is not ranked."""
    if pd.isna(row["rank"]):
        return "not ranked (no data)"
    return (
        f"ranked {int(row['rank'])} of {int(row['forces_ranked'])} forces with data (1 = highest)"
    )


def change(row: pd.Series, which: str) -> str:
    """The recent change against the previous year ('previous') or three years earlier
    ('3_years'), in percentage points with its 95% interval."""
    direction = row[f"change_{which}"]
    if direction == "no data":
        return "no data for the comparison"
    words = "the previous year" if which == "previous" else "three years earlier"
    return (
        f"{row[f'change_{which}_pp']:+.2f} percentage points against {words} "
        f"(95% interval {row[f'change_{which}_lower_pp']:+.2f} to {row[f'change_{which}_upper_pp']:+.2f}): "
        f"{direction}"
    )


PATTERN_WORDS = {
    "continuing": "continuing",
    "levelled off": "levelled off: no clear change in the recent segment",
    "reversed": "reversed in the recent segment",
    "recent rise": "flat over the long run, rising in the recent segment",
    "recent fall": "flat over the long run, falling in the recent segment",
    "no clear change": "no clear change",
}


def trend(row: pd.Series, result: MeasureResult) -> str:
    """The long-run trend with its shape (joinpoint fit) and its movement relative to the
    benchmark after correction across forces."""
    direction = row["trend_direction"]
    if direction in ("no data", "too few data") or pd.isna(row["trend_per_year_pp"]):
        return "too few years or events to estimate a trend"
    years = int(row["trend_years"])
    slope = f"{row['trend_per_year_pp']:+.2f} percentage points a year over {years} years"
    shape = PATTERN_WORDS.get(row["trend_pattern"], row["trend_pattern"])
    text = f"{direction} ({slope}); shape: {shape}"
    if row["movement"] in ("toward", "away from"):
        return f"{text}; {row['movement']} {result.spec.benchmark} (Holm-corrected across forces)"
    return f"{text}; no clear movement after correction across forces"


def force_sentences(result: MeasureResult, force_code: str) -> list[str]:
    """One force's verdicts on one measure as sentences, every number from the result."""
    row = result.verdict(force_code)
    name, spec = row["force_name"], result.spec
    if row["vs_national"] == "no data":
        return [f"{name}: {row['no_data_reason']} for {spec.label} in {result.year}; not ranked."]
    sentences = [
        f"In {result.year}, {name}'s {spec.label} was {pct(row['rate'], 2)} "
        f"({count(row['successes'])} of {count(row['trials'])} outcomes assigned): "
        f"{versus_national(row, result)}; {extreme(row, result)}; {rank(row)}."
    ]
    if "guidance" in row.index:
        sentences.append(f"Against the guidance benchmark it is {guidance(row, result)}.")
    sentences.append(
        f"Recent change: {change(row, 'previous')}; {change(row, '3_years')}. "
        f"Long-run trend: {trend(row, result)}."
    )
    return sentences


def national_sentence(result: MeasureResult) -> str:
    """The national figure of the latest year with the forces it leaves out."""
    row = result.national.set_index("financial_year").loc[result.year]
    left_out = int(row["forces_left_out"])
    leaves = (
        "all 43 forces"
        if left_out == 0
        else f"{int(row['forces'])} forces ({left_out} left out: no data)"
    )
    return (
        f"In {result.year}, {count(row['successes'])} domestic abuse-related crimes were closed "
        f"{result.spec.closed_as}: {pct(row['rate'], 2)} of "
        f"{count(row['trials'])} outcomes assigned (95% interval {pct(row['ci_lower'], 2)} to "
        f"{pct(row['ci_upper'], 2)}), over {leaves}."
    )


def names(values: list[str], none: str = "none") -> str:
    """'A, B and C' (or ``none``)."""
    if not values:
        return none
    return values[0] if len(values) == 1 else f"{', '.join(values[:-1])} and {values[-1]}"


def comparison_summary(result: MeasureResult) -> str:
    """How many forces differ from the national rate and how many are extreme, with names."""
    above, below = (
        result.forces_with("vs_national", "above"),
        result.forces_with("vs_national", "below"),
    )
    high, low = result.forces_with("extreme", "above"), result.forces_with("extreme", "below")
    spread = result.comparison.overdispersion
    return (
        f"Different from the national rate (95% interval excludes it): {len(above)} forces higher and "
        f"{len(below)} lower. Extreme allowing for the normal variation between forces (outside the "
        f"overdispersion-adjusted {_level(result)} limits; phi = {spread.phi:.2f}, tau2 = {spread.tau2:.3g}): "
        f"{len(high)} above ({names(high)}) and {len(low)} below ({names(low)})."
    )


def guidance_summary(result: MeasureResult) -> str:
    """The guidance verdict over forces, with names (community resolutions only)."""
    above = result.forces_with("guidance", "above the threshold")
    threshold = pct(result.extras["threshold"], 1)
    zero = result.extras["zero_use"]
    with_data = int(result.verdicts["rate"].notna().sum())
    return (
        f"Above the {threshold} 'rare' threshold (one-sided exact test, Holm-corrected across the "
        f"{with_data} forces with data): {len(above)} forces ({names(above)}). "
        f"Forces with no community resolution at all in {result.year}: {zero} of {with_data}."
    )


def movement_summary(result: MeasureResult) -> str:
    """The national trend and recent change, and how many forces moved which way."""
    trend_row = result.national_trend
    recent = result.national_recent.set_index("lag")
    counts = result.verdicts["movement"].value_counts()
    levelled = int((result.verdicts["trend_pattern"] == "levelled off").sum())
    national_trend = (
        "too few data"
        if pd.isna(trend_row["p_value"])
        else f"{trend_row['pp_change_per_year']:+.2f} percentage points a year over {int(trend_row['n_periods'])} years "
        f"(95% interval {trend_row['pp_change_lower']:+.2f} to {trend_row['pp_change_upper']:+.2f}; {trend_row['direction']})"
    )
    changes = "; ".join(
        f"against {int(row['earlier'])}/{(int(row['earlier']) + 1) % 100:02d} "
        f"{row['difference_pp']:+.2f} points ({row['direction']})"
        for _, row in recent.iterrows()
    )
    segment = result.extras["national_segment"]
    if segment.get("status") == "ok":
        joinpoint = int(segment["joinpoint"])
        shape = (
            f"Shape: {PATTERN_WORDS.get(segment['shape'], segment['shape'])} (joinpoint {joinpoint}/{(joinpoint + 1) % 100:02d}; "
            f"recent segment {segment['recent_pp_per_year']:+.2f} points a year, 95% interval "
            f"{segment['recent_pp_per_year_lower']:+.2f} to {segment['recent_pp_per_year_upper']:+.2f})"
        )
    else:
        shape = "Shape: too few years for a joinpoint fit"
    constant = result.extras["national_constant_coverage"]
    first, last = constant.iloc[0], constant.iloc[-1]
    coverage = (
        f"Over the {int(first['forces'])} forces with data in every year, the rate went from "
        f"{pct(first['rate'], 2)} in {first['financial_year']} to {pct(last['rate'], 2)} in {last['financial_year']}."
    )
    return (
        f"Nationally: long-run {national_trend}. {shape}; {changes}. {coverage} Forces whose long-run trend moved "
        f"toward {result.spec.benchmark} (Holm-corrected across forces): {int(counts.get('toward', 0))}; away from it: "
        f"{int(counts.get('away from', 0))}; no clear movement: {int(counts.get('no clear change', 0))}; too few data: "
        f"{int(counts.get('too few data', 0))}. Long-run trends that have levelled off in the recent segment: {levelled}."
    )


def verdict_table(result: MeasureResult) -> pd.DataFrame:
    """The verdicts of every force in plain words, sorted by rate (highest first, no data last),
    for display. The column 'small numbers' flags a rate on fewer events than the result's
    minimum (``robustness.minimum_events``; ``small_numbers_flag``)."""
    rows = result.verdicts.sort_values(
        ["rate", "force_name"], ascending=[False, True], na_position="last"
    )
    minimum = robustness.minimum_events(result)
    table = pd.DataFrame(
        {
            "force": rows["force_name"],
            "rate": rows["rate"].map(lambda v: pct(v, 2)),
            "95% interval": [
                "" if np.isnan(lo) else f"{pct(lo, 2)} to {pct(hi, 2)}"
                for lo, hi in zip(rows["ci_lower"], rows["ci_upper"], strict=True)
            ],
            "small numbers": [small_numbers_flag(row, minimum) for _, row in rows.iterrows()],
            "vs national": rows["vs_national"],
            f"extreme ({_level(result)} adjusted)": rows["extreme"],
            "rank": rows["rank"].map(lambda v: "" if pd.isna(v) else str(int(v))),
            "long-run trend": rows["trend_pattern"],
            "vs previous year": rows["change_previous"],
        }
    )
    if "guidance" in rows:
        table.insert(6, "guidance", rows["guidance"])
    return table.reset_index(drop=True)


def cps_summary(series: pd.DataFrame) -> str:
    """The CPS stage in words (published figures only; ``helpers.analysis.cps_stage``)."""
    change = cps_stage.referral_change(series)
    reasons = cps_stage.victim_reasons(series)
    years = names(reasons["financial_year"].tolist())
    return (
        f"Police referrals of domestic abuse suspects to the CPS went from {count(change['first'])} in "
        f"{change['first_year']} to {count(change['last'])} in {change['last_year']} ({change['change_pct']:+.0f}%; "
        f"both figures from {change['publisher']}). In the years with published reasons ({years}), victim issues "
        f"explained {reasons['victim_issues_pct'].min():.1f}% to {reasons['victim_issues_pct'].max():.1f}% of "
        f"unsuccessful domestic abuse prosecutions, and victim retraction alone {reasons['retraction_pct'].min():.1f}% "
        f"to {reasons['retraction_pct'].max():.1f}% (published figures)."
    )


def relation_summary(relation) -> str:
    """A ``relation.Relation`` in words: between forces within years first, then within forces,
    then the arithmetic baseline; the pooled fit last and labelled as mixing the two."""
    by_year = relation.by_year.dropna(subset=["slope"])
    within = relation.fixed_effects.set_index("model").loc["force and year fixed effects"]
    baseline = relation.baseline
    return (
        f"Between forces within single years, {relation.y_label} changes by {by_year['slope'].min():+.2f} to "
        f"{by_year['slope'].max():+.2f} points per point of {relation.x_label} (weighted r from {by_year['r'].min():.2f} "
        f"to {by_year['r'].max():.2f}; {len(by_year)} years). Within forces over time (force and year fixed effects, "
        f"errors clustered by {int(within['n_clusters'])} forces) the slope is {within['slope']:+.2f} (95% interval "
        f"{within['slope_lower']:+.2f} to {within['slope_upper']:+.2f}). Because both are shares of the same outcomes, part of "
        f"a negative link is arithmetic: on the share of the other outcomes, the between-force slopes are "
        f"{baseline['slope_on_other_outcomes'].min():+.2f} to {baseline['slope_on_other_outcomes'].max():+.2f}, against an "
        f"arithmetic slope of about {baseline['arithmetic_slope'].mean():+.2f}. Pooling all {relation.pooled['n']} force-years "
        f"as if independent gives {relation.pooled['slope']:+.2f}, which mixes differences between forces with the national "
        "trend they share. These are associations, not causes."
    )


def lens_sentence(comparison) -> str:
    """The open-data comparison (``open_data_lens.LensComparison``) in words."""
    fit = comparison.fit
    label = "Stalking and harassment"
    rest = comparison.complement.dropna(subset=["rate_stalking", "rate_rest_of_violence"])
    higher = int((rest["rate_stalking"] > rest["rate_rest_of_violence"]).sum())
    return (
        f"Across {fit['n']} forces in {comparison.year}, the stalking and harassment charge share changes by "
        f"{fit['slope']:+.2f} points per point of outcome 16 share (weighted r = {fit['r']:.2f}; an association between "
        f"forces). Outcome 14 is {pct(comparison.share(label, 'outcome 14'))} of stalking and harassment outcomes, outcome 16 "
        f"{pct(comparison.share(label, 'outcome 16'))}; for all violence against the person, which contains stalking and "
        f"harassment, outcome 16 is {pct(comparison.share('All violence against the person', 'outcome 16'))}. "
        f"Against violence against the person excluding stalking and harassment (so the groups do not overlap), the "
        f"stalking and harassment outcome 16 share is higher in {higher} of {len(rest)} forces."
    )


SYNTHETIC_FINDINGS = (
    "> **SYNTHETIC SAMPLE.** The sentences below show how the findings read with the official "
    "files; with the sample every number is synthetic and none is a finding."
)


def key_findings(mode, *results: MeasureResult) -> list[str]:
    """The headline bullets for one or more measures (national figure, comparison with the
    national rate and between forces, the guidance verdict where there is one, movement over
    time), preceded by the synthetic warning when the data are the sample."""
    lines = [SYNTHETIC_FINDINGS] if mode.synthetic else []
    for result in results:
        lines.append(f"* {national_sentence(result)}")
        lines.append(f"* {result.spec.label.capitalize()}: {comparison_summary(result)}")
        if "guidance" in result.verdicts:
            lines.append(f"* {guidance_summary(result)}")
        lines.append(f"* {result.spec.label.capitalize()}: {movement_summary(result)}")
    return lines


def breaks_sentence() -> str:
    """The breaks in the series that trends cannot see (``outcomes.SERIES_BREAKS``)."""
    from helpers.reference import outcomes

    items = [f"{year}: {change}" for year, change, _ in outcomes.SERIES_BREAKS]
    return "Breaks the trends cannot see: " + "; ".join(items) + "."


def general_practice_sentence(practice) -> str:
    """The DA rate against general practice (``general_practice.GeneralPractice``) in words, with
    the leave-one-out range and the robust slope."""
    fit, loo = practice.association, practice.leave_one_out
    moved = loo.iloc[0]
    return (
        f"In {practice.year}, across {fit['n']} forces, the DA rate is {fit['slope']:+.2f} points per point of the "
        f"violence without injury rate (95% interval {fit['slope_lower']:+.2f} to {fit['slope_upper']:+.2f}; "
        f"weighted r = {fit['r']:.2f}). Leaving out one force at a time the slope ranges from {loo['slope'].min():+.2f} "
        f"(without {moved['force_name']}) to {loo['slope'].max():+.2f}; a robust (Huber) fit gives "
        f"{practice.robust_slope:+.2f}. Violence without injury contains domestic abuse crimes, so the two rates "
        "overlap: this is an association between forces in one year, not a separation of domestic from other practice."
    )


def spread_sentence(result: MeasureResult, spread: dict) -> str:
    """How far forces differ (``robustness.between_force_spread``), beside the funnel band."""
    return (
        f"In {result.year}, the middle half of forces' {result.spec.label} spans {spread['iqr_pp']:.1f} percentage "
        f"points and the middle 80% spans {spread['p10_p90_pp']:.1f} points; for a force of median size the adjusted "
        f"{result.level:.1%} funnel band runs from {pct(spread['funnel_lower'])} to {pct(spread['funnel_upper'])} "
        f"(phi = {spread['phi']:.0f}), and {result.count('extreme', 'above') + result.count('extreme', 'below')} "
        f"forces lie outside their adjusted limits. The spread says how different forces are; the funnel says which are "
        "extreme given that spread."
    )


# ------------------------------------------------------------------------------------------
# small numbers (issue 13 item 11)
# ------------------------------------------------------------------------------------------


def small_numbers_flag(row: pd.Series, minimum: int = robustness.MINIMUM_EVENTS) -> str:
    """'fewer than 10 events' for a verdict row (``result.verdict(code)`` or a row of
    ``result.verdicts``) whose rate rests on fewer than ``minimum`` events (numerator count);
    '' for a force with enough events or without data (no rate, nothing to flag)."""
    if pd.isna(row["rate"]) or pd.isna(row["successes"]) or row["successes"] >= minimum:
        return ""
    return f"fewer than {minimum} events"


def small_numbers_note(result: MeasureResult, force_code: str, minimum: int | None = None) -> str:
    """One force's small-numbers note on one measure, for its profile page: a sentence when its
    rate in ``result.year`` rests on fewer than ``minimum`` events (default: the result's
    ``robustness.minimum_events``), '' otherwise (also for a force without data)."""
    minimum = robustness.minimum_events(result) if minimum is None else minimum
    row = result.verdict(force_code)
    if not small_numbers_flag(row, minimum):
        return ""
    events = int(row["successes"])
    return (
        f"{row['force_name']}'s {result.spec.label} in {result.year} rests on {count(events)} "
        f"{'event' if events == 1 else 'events'}, fewer than the minimum of {minimum} (small numbers): "
        "one or two cases more or fewer would move it a lot, so read it with its interval; it is "
        f"{'not ' if row['extreme'] not in ('above', 'below') else ''}classed as extreme."
    )


def small_numbers_sentence(result: MeasureResult, minimum: int | None = None) -> str:
    """The forces whose rate rests on fewer than ``minimum`` events (default: the result's
    ``robustness.minimum_events``), by name with their events, and whether any of them is
    classed extreme (checked, not assumed: the funnel's rule, ``docs/assumptions_log.md`` S2,
    needs at least 10 observed events to call a force above and 10 expected events to call it
    below)."""
    table = robustness.small_numbers(result, minimum)
    flagged = table[table["small"]].sort_values(["successes", "force_name"])
    minimum = int(table["minimum"].iloc[0])
    if flagged.empty:
        return (
            f"Small numbers: no force's {result.spec.label} in {result.year} rests on fewer "
            f"than {minimum} events."
        )
    listed = names([f"{r.force_name} ({count(r.successes)})" for r in flagged.itertuples()])
    plural = len(flagged) != 1
    extreme = flagged[flagged["extreme"].isin(["above", "below"])]
    if extreme.empty:
        checked = ("none of them is" if plural else "it is not") + " classed extreme"
    else:
        checked = (
            f"{len(extreme)} of them {'is' if len(extreme) == 1 else 'are'} classed extreme ("
            + names([f"{r.force_name}: {r.extreme}" for r in extreme.itertuples()])
            + "; the funnel's own minimum is on observed events for above and on events expected "
            "at the national rate for below, docs/assumptions_log.md S2)"
        )
    return (
        f"Small numbers: in {result.year}, the {result.spec.label} of {len(flagged)} "
        f"{'forces rests' if plural else 'force rests'} on fewer than {minimum} events (events in "
        f"brackets): {listed}. {'They are' if plural else 'It is'} flagged in the table and hatched on "
        f"the map; a rate on so few events moves a lot with one or two cases, and {checked}."
    )


# ------------------------------------------------------------------------------------------
# open cases: the verdicts on a mature year (issue 13 item 8)
# ------------------------------------------------------------------------------------------

MATURE_VERDICT_WORDS = {
    "vs_national": "against the national rate",
    "extreme": "extreme allowing for the variation between forces",
    "guidance": "against the guidance threshold",
    "trend_direction": "long-run trend",
    "trend_pattern": "shape of the trend",
    "movement": "movement after correction across forces",
}


def mature_year_sentence(table: pd.DataFrame, label: str = "rate") -> str:
    """A ``robustness.mature_year_sensitivity`` table in words: which year was left out, how
    many of its crimes were still open against the mature year (median over forces), and per
    verdict how many forces change (names for up to eight; the table of
    ``robustness.mature_year_changes`` has them all)."""
    latest, mature = table["latest_year"].iloc[0], table["mature_year"].iloc[0]
    changes = robustness.mature_year_changes(table)
    parts = []
    for row in changes.itertuples():
        words = MATURE_VERDICT_WORDS.get(row.verdict, row.verdict)
        if row.forces_changed == 0:
            parts.append(f"{words}: none of {row.forces_compared}")
            continue
        changed = table[table[f"{row.verdict}_changed"]].sort_values("force_name")["force_name"]
        named = f" ({names(changed.tolist())})" if len(changed) <= 8 else ""
        parts.append(f"{words}: {row.forces_changed} of {row.forces_compared}{named}")
    return (
        f"Open cases: in {latest} the median force still had {pct(table['open_share_latest'].median())} "
        f"of its domestic abuse-related crimes with no outcome (outcome 0), against "
        f"{pct(table['open_share_mature'].median())} in {mature}. With {latest} left out, so that the "
        f"comparison is made on {mature} and the trends end there, the {label} verdicts that change "
        f"are, per verdict: {'; '.join(parts)}. A verdict that changes rests partly on the least "
        "mature year; it is shown, not removed."
    )


# ------------------------------------------------------------------------------------------
# case mix (issue 13 item 9), history (item 15), the other denominator (item 6)
# ------------------------------------------------------------------------------------------


def case_mix_sentence(table: pd.DataFrame, label: str = "community resolution rate") -> str:
    """A ``robustness.case_mix`` table in words: how far forces' offence mix differs in the
    open data, and how much standardising by offence group moves the outcome's rate there
    (largest move in points, and the rank correlation of crude and standardised rates)."""
    year = table["financial_year"].iloc[0]
    stalking = table["share_stalking_harassment"].dropna()
    national = table.attrs["national_shares"]["share_stalking_harassment"]
    both = table.dropna(subset=["crude_rate", "standardised_rate"])
    largest = both.loc[both["difference_pp"].abs().idxmax()] if len(both) else None
    if largest is None:
        moved = "no force has both rates"
    else:
        moved = (
            f"standardising moves a force's rate by at most {abs(largest['difference_pp']):.2f} "
            f"percentage points ({largest['force_name']}: {pct(largest['crude_rate'], 2)} crude, "
            f"{pct(largest['standardised_rate'], 2)} standardised)"
        )
        if both["crude_rate"].nunique() > 1 and both["standardised_rate"].nunique() > 1:
            rho = both["crude_rate"].corr(both["standardised_rate"], method="spearman")
            moved += (
                f", and the rank correlation of crude and standardised rates over {len(both)} "
                f"forces is {rho:.3f}"
            )
    return (
        f"In the open data for {year}, stalking and harassment (with controlling or coercive behaviour) "
        f"was {pct(stalking.min())} to {pct(stalking.max())} of a force's violence against the person "
        f"outcomes ({pct(national)} over all forces). For the {label} of violence against the person "
        f"there, {moved}. This is general practice, not domestic abuse: it shows how much offence mix "
        "can move a force's rate, not how much it moves the domestic abuse rates above."
    )


CASE_MIX_COLUMNS = {
    "force_name": "force",
    "vap_outcomes": "VAP outcomes",
    "share_violence_with_injury": "with injury",
    "share_violence_without_injury": "without injury",
    "share_stalking_harassment": "stalking and harassment",
    "share_controlling_coercive": "of which controlling or coercive",
    "share_other_vap": "other VAP",
    "crude_rate": "crude rate",
    "standardised_rate": "standardised rate",
    "difference_pp": "difference (points)",
}


def case_mix_table(table: pd.DataFrame) -> pd.DataFrame:
    """A ``robustness.case_mix`` table for display: per force its outcomes for violence against
    the person (VAP) in the open data, the share of each offence group, and the outcome's crude
    and offence-standardised rate there with the difference in percentage points."""
    shares = [c for c in table.columns if c.startswith("share_")]
    shown = format_table(
        table[list(CASE_MIX_COLUMNS)],
        percent=(*shares, "crude_rate", "standardised_rate"),
        integer=("vap_outcomes",),
        decimals={"difference_pp": 2},
        pct_decimals=1,
    )
    return shown.rename(columns=CASE_MIX_COLUMNS)


def _forces_in(group: str) -> str:
    """'15 forces' from a coverage label such as 'community resolutions: 15 forces, FOI ...'."""
    found = re.search(r"(\d+) forces", group)
    return found.group(0) if found else "the forces covered"


def history_sentence(history: pd.DataFrame) -> str:
    """The published pre-2015 points (``published.community_resolution_history(implied=True)``)
    in words: the FOI series' published counts, the implied 2012 count against 2013, and the
    2014 study's count with its wider definition. The coverage (how many forces) is read from
    each point's ``coverage_group``."""
    published = history[~history["derived"].astype(bool)].sort_values("year")
    group = published["coverage_group"].iloc[0]
    series = published[published["coverage_group"] == group]
    first, last = series.iloc[0], series.iloc[-1]
    study = published[published["coverage_group"] != group].iloc[-1]
    sentence = (
        f"The published count of the same {_forces_in(group)} went from {count(first['count'])} "
        f"({first['year']}) to {count(last['count'])} ({last['year']}), "
        f"{last['count'] / first['count']:.1f} times as many"
    )
    implied = history[history["derived"].astype(bool) & (history["coverage_group"] == group)]
    if len(implied):
        row = implied.iloc[0]
        higher = row["count"] > last["count"]
        sentence += (
            f"; the same release implies {count(row['count'])} for {row['year']} (its published "
            f"two-year total minus the {last['year']} count), "
            + (
                f"higher than {last['year']}, so the rise did not run steadily to {last['year']}"
                if higher
                else f"not higher than {last['year']}"
            )
        )
    return (
        f"{sentence}. Across {_forces_in(study['coverage_group'])} in {study['year']} a study counted "
        f"{count(study['count'])} community resolutions and restorative justice disposals together in "
        "domestic abuse cases, a wider definition. These are published figures and arithmetic on "
        "them, not computed here."
    )


def denominator_sentence(result: MeasureResult, alternative: MeasureResult) -> str:
    """The same measure under its two denominators (``result`` on outcomes assigned,
    ``alternative`` on crimes recorded, same year): the rank correlation of force rates, both
    national rates, the forces above the guidance threshold under each and the forces whose
    guidance verdict changes."""
    both = result.verdicts.merge(
        alternative.verdicts, on="force_code", suffixes=("", "_recorded"), validate="1:1"
    )
    rank_correlation = both["rate"].corr(both["rate_recorded"], method="spearman")
    sentence = (
        f"Spearman rank correlation of force rates under the two denominators: **{rank_correlation:.3f}**. "
        f"National rate {pct(result.national_rate, 2)} on outcomes assigned, "
        f"{pct(alternative.national_rate, 2)} on crimes recorded."
    )
    if "guidance" not in both:
        return sentence
    changed = both[both["guidance"] != both["guidance_recorded"]]["force_name"].tolist()
    return (
        f"{sentence} Above the threshold: {result.count('guidance', 'above the threshold')} forces on "
        f"outcomes assigned, {alternative.count('guidance', 'above the threshold')} on crimes recorded; "
        f"forces whose guidance verdict changes: {names(changed)}."
    )
