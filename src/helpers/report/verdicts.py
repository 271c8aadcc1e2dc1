"""The verdicts of the analysis layer in words: each worded once, here, and read by notebooks
02-04, the index page and the profile pages, so that they cannot disagree.

Three statements are never worded as one another (``docs/methods.md``):
"different from the national rate" (the 95% interval excludes it), "extreme allowing for the
normal variation between forces" (outside the overdispersion-adjusted 99.8% limits) and "above
the guidance threshold" (community resolutions only: a one-sided exact test against a fixed
threshold).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.analysis import cps_stage
from helpers.analysis.measure import MeasureResult
from helpers.report.formatting import count, pct


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
    for display."""
    rows = result.verdicts.sort_values(
        ["rate", "force_name"], ascending=[False, True], na_position="last"
    )
    table = pd.DataFrame(
        {
            "force": rows["force_name"],
            "rate": rows["rate"].map(lambda v: pct(v, 2)),
            "95% interval": [
                "" if np.isnan(lo) else f"{pct(lo, 2)} to {pct(hi, 2)}"
                for lo, hi in zip(rows["ci_lower"], rows["ci_upper"], strict=True)
            ],
            "vs national": rows["vs_national"],
            f"extreme ({_level(result)} adjusted)": rows["extreme"],
            "rank": rows["rank"].map(lambda v: "" if pd.isna(v) else str(int(v))),
            "long-run trend": rows["trend_pattern"],
            "vs previous year": rows["change_previous"],
        }
    )
    if "guidance" in rows:
        table.insert(5, "guidance", rows["guidance"])
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
