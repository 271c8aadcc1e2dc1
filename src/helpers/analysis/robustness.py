"""Robustness checks a statistical reviewer asks for (issue 13), as pure functions on the
processed DA table (``data/processed/da_outcomes_by_force``), the open-data offence lenses and a
``measure.MeasureResult``. None of them changes a number of the measure engine: each recomputes
a measure under another setting, or reads what the engine computed, and says what differs.

* ``threshold_grid``: the guidance threshold test at several thresholds and under both
  denominators, naming the forces flagged in each (``threshold_summary`` counts them).
* ``open_cases`` / ``mature_year_sensitivity`` / ``mature_year_changes``: outcome 0 ("not yet
  assigned") as a share of crimes recorded, and the verdicts with the latest (least mature)
  year left out: the comparison made on the year before, the trends ending there.
* ``offence_mix_context`` / ``offence_standardised_rates`` / ``case_mix``: each force's offence
  mix in the Home Office open data, and indirect standardisation of an outcome's rate by offence
  group there beside the crude rate. The DA table has no offence breakdown: the DA comparison
  itself stays crude (``CRUDE_COMPARISON_NOTE``).
* ``between_force_spread`` / ``shrunken_estimates``: how far forces differ on the percentage
  scale, and empirical Bayes rates for a caterpillar plot, where a funnel plot cannot flag anyone.
* ``small_numbers`` / ``with_minimum_events`` / ``minimum_events``: a documented minimum of
  events (a parameter recorded on the result), flagged per force.
* ``sensitivity_table``: per-force classification under winsorisation, adjustment, limits method
  and excluding the first year, in one tidy table.

The rules chosen are logged in ``docs/assumptions_log.md`` ("Figures and robustness").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pandas as pd

from helpers.analysis import community_resolution, measure, models, statistics
from helpers.reference import forces

#: the guidance thresholds tried (share of the denominator): 0.5%, the default 1% and 2%
THRESHOLDS = (0.005, 0.01, 0.02)
DENOMINATORS = ("total_outcomes", "crimes_recorded")
#: the default minimum number of events (numerator count) below which a force's rate is flagged
#: as resting on small numbers: with fewer than 10 events a Poisson count's relative standard
#: error, 1 / sqrt(count), exceeds about 30%
MINIMUM_EVENTS = 10
#: the trend verdicts recomputed by the sensitivity checks
TREND_VERDICTS = ("trend_direction", "trend_pattern", "movement")
#: the crude-comparison sentence for tables and pages
CRUDE_COMPARISON_NOTE = (
    "The force comparison of domestic abuse outcomes is crude: the ONS table gives each force's "
    "outcomes for all domestic abuse-related crimes together, with no breakdown by offence, so "
    "rates cannot be standardised for differences in offence mix between forces. The Home Office "
    "open data (which have no domestic abuse flag) show each force's mix of violent offences as "
    "context, and how much standardising by offence group moves the rates there."
)


# ------------------------------------------------------------------------------------------
# item 6: the guidance threshold under several thresholds and both denominators
# ------------------------------------------------------------------------------------------


def threshold_grid(
    da: pd.DataFrame,
    thresholds=THRESHOLDS,
    denominators=DENOMINATORS,
    year: str | None = None,
) -> pd.DataFrame:
    """The guidance threshold test (``community_resolution.measure_community_resolutions``:
    one-sided exact binomial test against the threshold, Holm's correction across forces,
    family-wise 5%) for every threshold x denominator.

    In: the processed DA table; ``thresholds``: proportions in (0, 1); ``denominators``: among
    'total_outcomes' (outcomes assigned) and 'crimes_recorded'; ``year``: default the latest.
    Out: one row per threshold x denominator x police force area (43 each): threshold,
    denominator, force_code, force_name, successes, trials, rate, p_adjusted (Holm), ``above``
    (True when the test rejects; False for a force not shown above or without data) and
    ``guidance`` (the engine's verdict: 'above the threshold', 'not shown above', 'no data').
    Raises KeyError for an unknown denominator (from the engine).

    A notebook calls ``robustness.threshold_grid(da)`` and shows
    ``robustness.threshold_summary(grid)`` for the counts and names.
    """
    frames = []
    for denominator in denominators:
        # the measure is built once per denominator; its guidance test is then repeated at each
        # threshold exactly as measure_community_resolutions runs it (same test, correction and
        # alpha; tests/test_robustness.py checks every cell against a direct call)
        result = community_resolution.measure_community_resolutions(
            da, year=year, threshold=thresholds[0], denominator=denominator
        )
        verdicts = result.verdicts
        for threshold in thresholds:
            tested = statistics.threshold_test(
                result.latest["successes"],
                result.latest["trials"],
                threshold,
                method=community_resolution.GUIDANCE_CORRECTION,
                alpha=community_resolution.GUIDANCE_ALPHA,
            ).set_index(result.latest["force_code"])
            above = verdicts["force_code"].map(tested["above_threshold"])
            frames.append(
                pd.DataFrame(
                    {
                        "threshold": float(threshold),
                        "denominator": denominator,
                        "force_code": verdicts["force_code"],
                        "force_name": verdicts["force_name"],
                        "successes": verdicts["successes"],
                        "trials": verdicts["trials"],
                        "rate": verdicts["rate"],
                        "p_adjusted": verdicts["force_code"].map(tested["p_adjusted"]),
                        "above": above.eq(True),
                        "guidance": np.select(
                            [above.eq(True), above.eq(False)],
                            ["above the threshold", "not shown above"],
                            "no data",
                        ),
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def threshold_summary(grid: pd.DataFrame) -> pd.DataFrame:
    """Per threshold x denominator of a ``threshold_grid``: forces tested (with data), forces
    above the threshold and their names (sorted by rate, highest first; '' for none)."""
    rows = []
    for (denominator, threshold), group in grid.groupby(["denominator", "threshold"], sort=False):
        above = group[group["above"]].sort_values(["rate", "force_name"], ascending=[False, True])
        rows.append(
            {
                "threshold": threshold,
                "denominator": denominator,
                "forces_tested": int((group["guidance"] != "no data").sum()),
                "forces_above": len(above),
                "forces": ", ".join(above["force_name"]),
            }
        )
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------------------
# item 8: open cases (outcome 0) and the comparison on a mature year
# ------------------------------------------------------------------------------------------


def open_cases(da: pd.DataFrame) -> pd.DataFrame:
    """Outcome 0 ("not yet assigned": crimes recorded in the year with no outcome yet) as a share
    of crimes recorded, per force-year.

    Out: one row per force-year of the DA table: financial_year, force_code, force_name,
    not_yet_assigned, crimes_recorded (counts), ``open_share`` (proportion) with its 95% Wilson
    interval (``open_lower``, ``open_upper``). A force-year left out by the publisher, or with
    either count missing or crimes recorded not positive, has NaN share (a missing count is
    never a zero). Sorted by year and force.
    """
    out = da[["financial_year", "force_code", "force_name", "excluded"]].copy()
    out["not_yet_assigned"] = da["not_yet_assigned"].astype(float)
    out["crimes_recorded"] = da["crimes_recorded"].astype(float)
    usable = (
        ~out["excluded"].astype(bool)
        & out["not_yet_assigned"].notna()
        & out["crimes_recorded"].notna()
        & (out["crimes_recorded"] > 0)
    )
    out.loc[~usable, ["not_yet_assigned", "crimes_recorded"]] = np.nan
    x = out["not_yet_assigned"].to_numpy(float)
    n = out["crimes_recorded"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["open_share"] = np.where(usable, x / n, np.nan)
    lower, upper = statistics.proportion_ci(
        np.where(usable, x, 0), np.where(usable, n, 0), 0.95, "wilson"
    )
    out["open_lower"] = np.where(usable, lower, np.nan)
    out["open_upper"] = np.where(usable, upper, np.nan)
    out = out.drop(columns="excluded")
    return out.sort_values(["financial_year", "force_code"]).reset_index(drop=True)


def open_cases_by_year(da: pd.DataFrame) -> pd.DataFrame:
    """Per year: the pooled open share (sum of outcome 0 / sum of crimes recorded over forces
    with both), the lowest, median and highest force share and the forces with data."""
    table = open_cases(da).dropna(subset=["open_share"])
    grouped = table.groupby("financial_year")
    return pd.DataFrame(
        {
            "open_share": grouped["not_yet_assigned"].sum() / grouped["crimes_recorded"].sum(),
            "lowest_force": grouped["open_share"].min(),
            "median_force": grouped["open_share"].median(),
            "highest_force": grouped["open_share"].max(),
            "forces": grouped["force_code"].nunique(),
        }
    ).reset_index()


#: the verdicts compared on the mature year: the latest-year comparison and the long-run trend
MATURE_COMPARISON_VERDICTS = ("vs_national", "extreme", "guidance")
#: values that mean a verdict could not be reached (never counted as a change)
NOT_COMPARABLE = ("no data", "too few data")


def mature_year_sensitivity(
    da: pd.DataFrame,
    measure_function: Callable[..., measure.MeasureResult],
    mature_year: str | None = None,
    latest: measure.MeasureResult | None = None,
    **settings,
) -> pd.DataFrame:
    """The verdicts with the most recent (least mature) year(s) left out.

    Crimes recorded late in the latest year have had the least time to reach an outcome (outcome
    0 is highest there), and quick closures (outcome 16, community resolutions) come first, so
    the latest year's outcome mix can shift as cases close. This runs ``measure_function`` on
    the whole table (``latest``, or ``measure_function(da, **settings)``) and on the table
    without the years after ``mature_year`` (default: the year before the latest, i.e. the latest
    year left out), and sets the verdicts side by side: the latest-year comparison
    (``MATURE_COMPARISON_VERDICTS``: vs_national, extreme and guidance when the measure has it)
    is then made on the mature year, and the long-run trend (``TREND_VERDICTS``) is fitted
    without the years left out.

    ``measure_function``: e.g. ``community_resolution.measure_community_resolutions``,
    ``outcome16.measure_outcome16`` or ``charge.measure_charge``; ``settings``: its keyword
    arguments (threshold, denominator, level, funnel_method), the same for both runs;
    ``latest``: the result already computed on the whole table with those settings (saves one
    run). Out: one row per police force area: force_code, force_name, latest_year, mature_year,
    open_share_latest, open_share_mature (``open_cases``), rate_latest, rate_mature, and per
    verdict the two values and ``<verdict>_changed`` (True when both runs reach a verdict, i.e.
    neither is 'no data' or 'too few data', and they differ), with ``any_changed``;
    ``attrs['verdicts']`` lists the verdicts compared. Raises ValueError when the table has a
    single year, when ``mature_year`` is not an earlier year of it, or when ``latest`` is not
    for the latest year.
    """
    years = sorted(da["financial_year"].unique())
    if len(years) < 2:
        raise ValueError("a mature year needs at least two years in the DA table")
    latest_year = years[-1]
    mature_year = mature_year or years[-2]
    if mature_year not in years[:-1]:
        raise ValueError(
            f"mature_year must be a year of the table before {latest_year}, not {mature_year!r}"
        )
    latest = measure_function(da, **settings) if latest is None else latest
    if latest.year != latest_year:
        raise ValueError(f"latest is for {latest.year}, not the table's latest year {latest_year}")
    mature = measure_function(da[da["financial_year"] <= mature_year], **settings)
    shares = open_cases(da).set_index(["financial_year", "force_code"])["open_share"]
    out = latest.verdicts[["force_code", "force_name"]].copy()
    out["latest_year"], out["mature_year"] = latest.year, mature.year
    for tag, year in (("latest", latest_year), ("mature", mature_year)):
        out[f"open_share_{tag}"] = [shares.get((year, code), np.nan) for code in out["force_code"]]
    a = latest.verdicts.set_index("force_code")
    b = mature.verdicts.set_index("force_code")
    out["rate_latest"] = out["force_code"].map(a["rate"])
    out["rate_mature"] = out["force_code"].map(b["rate"])
    compared = [v for v in (*MATURE_COMPARISON_VERDICTS, *TREND_VERDICTS) if v in a]
    changed_any = pd.Series(False, index=out.index)
    for verdict in compared:
        first = out["force_code"].map(a[verdict])
        second = out["force_code"].map(b[verdict])
        out[f"{verdict}_latest"], out[f"{verdict}_mature"] = first, second
        both = ~first.isin(NOT_COMPARABLE) & ~second.isin(NOT_COMPARABLE)
        out[f"{verdict}_changed"] = both & first.ne(second)
        changed_any |= out[f"{verdict}_changed"]
    out["any_changed"] = changed_any
    out.attrs["verdicts"] = compared
    return out


def mature_year_changes(table: pd.DataFrame) -> pd.DataFrame:
    """Per verdict of a ``mature_year_sensitivity`` table: ``forces_compared`` (both runs reach
    a verdict), ``forces_changed`` and ``changes`` ('Force: latest -> mature', sorted by force
    name, '; '-separated; '' for none)."""
    rows = []
    for verdict in table.attrs.get("verdicts", []):
        latest, mature = table[f"{verdict}_latest"], table[f"{verdict}_mature"]
        compared = ~latest.isin(NOT_COMPARABLE) & ~mature.isin(NOT_COMPARABLE)
        changed = table[table[f"{verdict}_changed"]].sort_values("force_name")
        rows.append(
            {
                "verdict": verdict,
                "forces_compared": int(compared.sum()),
                "forces_changed": len(changed),
                "changes": "; ".join(
                    f"{r.force_name}: {r[f'{verdict}_latest']} -> {r[f'{verdict}_mature']}"
                    for _, r in changed.iterrows()
                ),
            }
        )
    return pd.DataFrame(rows, columns=["verdict", "forces_compared", "forces_changed", "changes"])


# ------------------------------------------------------------------------------------------
# item 9: case mix (offence mix in the open data) and indirect standardisation there
# ------------------------------------------------------------------------------------------

#: disjoint offence groups of violence against the person in the open-data lenses (stalking and
#: harassment includes controlling or coercive behaviour, which the files place in that
#: subgroup; ``controlling_coercive`` is reported as a part of it, not a further group)
OFFENCE_STRATA = {
    "violence_with_injury": "violence with injury",
    "violence_without_injury": "violence without injury",
    "stalking_harassment": "stalking and harassment (incl. controlling or coercive behaviour)",
}


def _lens_totals(lens_table: pd.DataFrame, basis: str, types=None) -> pd.DataFrame:
    """Per financial_year, force_code and lens: the sum of ``basis`` over outcome types 1-22
    (or ``types``); NaN when any count in the sum is missing."""
    table = lens_table if types is None else lens_table[lens_table["outcome_type"].isin(types)]
    values = table[basis].astype(float)
    grouped = table.assign(_value=values, _missing=values.isna()).groupby(
        ["financial_year", "force_code", "lens"]
    )
    total = grouped["_value"].sum().where(~grouped["_missing"].any())
    return total.unstack("lens")


def offence_mix_context(
    lens_table: pd.DataFrame, year: str | None = None, basis: str = "outcomes_closed"
) -> pd.DataFrame:
    """Each force's mix of violent offences in the Home Office open data, as context for the
    crude DA comparison (the DA table has no offence breakdown).

    In: ``processed['open_data_lens']`` (financial_year, force_code, lens, outcome_type, counts);
    ``year``: default the latest; ``basis``: 'outcomes_closed' or 'outcomes_recorded'. Out: one
    row per force with data: force_code, force_name, financial_year, ``vap_outcomes`` (outcomes
    of types 1-22 for all violence against the person) and, per group of ``OFFENCE_STRATA`` and
    for controlling or coercive behaviour, ``share_<lens>`` (proportion of the VAP outcomes) with
    ``share_other_vap`` (the rest of VAP: homicide, death by driving and others; NaN when
    negative, which net corrections can give) and ``national_`` columns with the pooled shares.
    A force-year with any missing count has NaN shares.
    """
    totals = _lens_totals(lens_table, basis)
    year = year or sorted(lens_table["financial_year"].unique())[-1]
    table = totals.loc[year].copy() if year in totals.index.get_level_values(0) else None
    if table is None or "violence_against_the_person" not in table:
        raise ValueError(f"no violence against the person outcomes in the open data for {year}")
    out = pd.DataFrame(index=table.index)
    vap = table["violence_against_the_person"]
    out["vap_outcomes"] = vap
    parts = [*OFFENCE_STRATA, "controlling_coercive"]
    for lens in parts:
        out[f"share_{lens}"] = table[lens] / vap if lens in table else np.nan
    other = vap - sum(table[lens] for lens in OFFENCE_STRATA if lens in table)
    out["share_other_vap"] = (other / vap).where(other >= 0)
    usable = out.dropna()
    for column in [c for c in out.columns if c.startswith("share_")]:
        lens = column.removeprefix("share_")
        if lens == "other_vap":
            pooled = float((other.loc[usable.index]).sum() / vap.loc[usable.index].sum())
        else:
            pooled = float(table.loc[usable.index, lens].sum() / vap.loc[usable.index].sum())
        out[f"national_{column}"] = pooled
    out = out.reset_index()
    out.insert(1, "force_name", out["force_code"].map(forces.force_names()))
    out.insert(2, "financial_year", year)
    return out


def offence_standardised_rates(
    lens_table: pd.DataFrame,
    outcome_types: tuple[int, ...],
    year: str | None = None,
    basis: str = "outcomes_closed",
    strata=tuple(OFFENCE_STRATA),
) -> pd.DataFrame:
    """An outcome's rate per force in the open data, crude and indirectly standardised by offence
    group (``models.indirect_standardisation``, exact Poisson interval), for violence against
    the person in the groups of ``OFFENCE_STRATA``.

    Expected events of a force = sum over groups of its outcomes in the group x the national
    (pooled over forces with data) rate of the outcome in that group; ratio = observed /
    expected; standardised rate = ratio x the national crude rate over the groups. A force whose
    rate moves a lot between crude and standardised owes part of its position to its offence mix.

    In: ``processed['open_data_lens']``; ``outcome_types``: e.g. (8,) for community resolutions.
    Out: one row per force with no missing or negative count in any group (a group with no
    outcomes in a force counts as zero trials there: that is a published zero): force_code, force_name, financial_year,
    observed, trials, crude_rate, expected, ratio, ratio_lower, ratio_upper, standardised_rate,
    rate_lower, rate_upper. Raises ValueError when a group has no data in the year.
    """
    year = year or sorted(lens_table["financial_year"].unique())[-1]
    subset = lens_table[lens_table["financial_year"] == year]
    trials = _lens_totals(subset, basis)
    events = _lens_totals(subset, basis, types=outcome_types)
    missing = [lens for lens in strata if lens not in trials]
    if missing:
        raise ValueError(f"no open-data outcomes for {missing} in {year}")
    trials = trials.loc[year, list(strata)]
    # a (force, group) with no row for the outcome types stays missing: never read as zero
    events = events.loc[year].reindex(index=trials.index, columns=list(strata))
    keep = trials.notna().all(axis=1) & events.notna().all(axis=1)
    keep &= (trials >= 0).all(axis=1) & (events >= 0).all(axis=1) & (trials.sum(axis=1) > 0)
    trials, events = trials[keep], events[keep]
    # a group with no outcomes in any force adds no expected events (its rate is undefined)
    national = (events.sum() / trials.sum()).where(trials.sum() > 0, 0.0)
    table = models.indirect_standardisation(
        events.sum(axis=1).to_numpy(), trials.to_numpy(), national.to_numpy()
    )
    table.insert(0, "force_code", trials.index.to_numpy())
    table.insert(1, "force_name", table["force_code"].map(forces.force_names()))
    table.insert(2, "financial_year", year)
    table.insert(5, "crude_rate", table["observed"] / table["trials"])
    return table


def case_mix(
    lens_table: pd.DataFrame,
    outcome_types: tuple[int, ...],
    year: str | None = None,
    basis: str = "outcomes_closed",
) -> pd.DataFrame:
    """Each force's offence mix beside its crude and offence-standardised rate of an outcome,
    in the Home Office open data (no DA flag): the context for the crude DA comparison
    (``CRUDE_COMPARISON_NOTE``).

    ``offence_mix_context`` and ``offence_standardised_rates`` for the same ``year`` (default:
    the latest of the open data; a year the open data do not hold is replaced by their latest
    year before it, or their first year, and ``financial_year`` says which was used) and
    ``basis``, joined by force. Out: one row per police force
    area with data in the mix (sorted by name): force_code, force_name, financial_year,
    vap_outcomes, the ``share_*`` columns of the mix (proportions of violence against the
    person outcomes), and ``crude_rate``, ``standardised_rate`` (with ``rate_lower``,
    ``rate_upper``; NaN where the standardisation leaves the force out) and ``difference_pp``
    (standardised minus crude, percentage points). ``attrs``: ``national_shares`` (share column
    -> pooled share over forces) and ``outcome_types``.
    """
    years = sorted(lens_table["financial_year"].unique())
    if year is not None and year not in years:
        earlier = [y for y in years if y < year]
        year = earlier[-1] if earlier else years[0]
    mix = offence_mix_context(lens_table, year, basis)
    year = str(mix["financial_year"].iloc[0])
    rates = offence_standardised_rates(lens_table, outcome_types, year, basis)
    shares = [c for c in mix.columns if c.startswith("share_")]
    national = {c: float(mix[f"national_{c}"].iloc[0]) for c in shares}
    out = mix[["force_code", "force_name", "financial_year", "vap_outcomes", *shares]].merge(
        rates[["force_code", "crude_rate", "standardised_rate", "rate_lower", "rate_upper"]],
        on="force_code",
        how="left",
        validate="1:1",
    )
    out["difference_pp"] = 100 * (out["standardised_rate"] - out["crude_rate"])
    out = out.sort_values("force_name").reset_index(drop=True)
    out.attrs.update(national_shares=national, outcome_types=tuple(outcome_types))
    return out


# ------------------------------------------------------------------------------------------
# item 10: spread between forces and shrunken estimates
# ------------------------------------------------------------------------------------------


def between_force_spread(result: measure.MeasureResult) -> dict:
    """How far forces differ in the latest year, on the percentage scale, beside the width of
    the funnel at a typical force size.

    ``models.between_force_spread`` on the latest year's counts (interquartile and 10th-90th
    percentile ranges of observed rates in percentage points, the model sd of true rates
    ``tau_pp`` and the middle 80% of true rates), plus ``phi`` (the overdispersion of the funnel
    comparison), ``median_trials`` and the overdispersion-adjusted limits at the engine's level
    for a force of median size (``funnel_lower``, ``funnel_upper``, proportions): when forces
    differ a lot, that band is wide and the funnel can flag almost no one, while the spread says
    how different forces are.
    """
    latest = result.latest
    spread = models.between_force_spread(latest["successes"], latest["trials"])
    median = float(np.median(latest["trials"]))
    limits = result.comparison.limits(np.array([np.round(median)]), adjusted=True)
    label = statistics.level_label(result.level)
    spread.update(
        phi=float(result.comparison.overdispersion.phi),
        median_trials=median,
        funnel_level=result.level,
        funnel_lower=float(limits[f"lower_{label}"].iloc[0]),
        funnel_upper=float(limits[f"upper_{label}"].iloc[0]),
    )
    return spread


def shrunken_estimates(result: measure.MeasureResult, level: float = 0.95) -> pd.DataFrame:
    """Empirical Bayes (shrunken) rates of the latest year (``models.shrunken_rates``) with the
    force codes, for ``figures.caterpillar_plot``.

    Out: one row per police force area (43): force_code, force_name, successes, trials, rate,
    shrunken, lower, upper (proportions), shrinkage and ``position``: 'above the mean' /
    'below the mean' when the interval excludes the model mean rate, 'not clearly different',
    or 'no data'. ``attrs``: mean_rate, tau2 (logit scale).
    """
    latest = result.latest.reset_index(drop=True)
    model = models.shrunken_rates(latest["successes"], latest["trials"], level=level)
    table = pd.concat([latest[["force_code", "successes", "trials"]], model], axis=1)
    out = pd.DataFrame({"force_code": forces.territorial_codes()})
    out["force_name"] = out["force_code"].map(forces.force_names())
    out = out.merge(table, on="force_code", how="left")
    mean = model.attrs["mean_rate"]
    out["position"] = np.select(
        [out["lower"] > mean, out["upper"] < mean, out["shrunken"].notna()],
        ["above the mean", "below the mean", "not clearly different"],
        default="no data",
    )
    out = out.drop(columns="has_data")
    out.attrs.update(model.attrs)
    return out


# ------------------------------------------------------------------------------------------
# item 11: small numbers
# ------------------------------------------------------------------------------------------


def with_minimum_events(
    result: measure.MeasureResult, minimum: int = MINIMUM_EVENTS
) -> measure.MeasureResult:
    """A copy of ``result`` that records the minimum number of events (``extras
    ['minimum_events']``) below which its tables, maps and sentences flag a rate as resting on
    small numbers (``small_numbers``, ``verdicts.verdict_table``, ``publish.force_map``). The
    numbers and verdicts are unchanged. A notebook sets it once from its ``MIN_EVENTS``
    parameter: ``cr = robustness.with_minimum_events(cr, MIN_EVENTS)``. Raises ValueError for a
    negative minimum."""
    if minimum < 0:
        raise ValueError(f"minimum must be >= 0, not {minimum}")
    return dataclasses.replace(result, extras={**result.extras, "minimum_events": int(minimum)})


def minimum_events(result: measure.MeasureResult) -> int:
    """The minimum of events a result's rates are flagged against: the one recorded by
    ``with_minimum_events``, else ``MINIMUM_EVENTS``."""
    return int(result.extras.get("minimum_events", MINIMUM_EVENTS))


def small_numbers(result: measure.MeasureResult, minimum: int | None = None) -> pd.DataFrame:
    """Per police force area (43): the latest year's events (``successes``), trials, and
    ``small`` = True when the force has data and fewer than ``minimum`` events (default: the
    result's ``minimum_events``, normally ``MINIMUM_EVENTS`` = 10: a rate resting on so few
    events moves a lot with one or two cases); ``has_data``; ``extreme`` and ``vs_national``
    (the engine's verdicts, to check that a flagged rate is not called an outlier); and
    ``comparison_small_numbers``, the funnel's own rule (observed *and* expected events below
    its ``min_events``, never classed above or below: ``docs/assumptions_log.md`` S2). Tables
    show the flag beside the rate; maps hatch the flagged forces (``figures.force_map(...,
    flagged=robustness.flagged_codes(table))``). Raises ValueError for a negative minimum."""
    minimum = minimum_events(result) if minimum is None else minimum
    if minimum < 0:
        raise ValueError("minimum must be >= 0")
    verdicts = result.verdicts
    out = verdicts[["force_code", "force_name", "successes", "trials"]].copy()
    out["has_data"] = verdicts["rate"].notna()
    out["small"] = out["has_data"] & (out["successes"] < minimum)
    out["minimum"] = minimum
    out["extreme"] = verdicts["extreme"]
    out["vs_national"] = verdicts["vs_national"]
    funnel = result.comparison.table.set_index("force_code")["small_numbers"]
    out["comparison_small_numbers"] = out["force_code"].map(funnel).fillna(False).astype(bool)
    return out


def flagged_codes(table: pd.DataFrame) -> list[str]:
    """The force codes flagged ``small`` in a ``small_numbers`` table."""
    return table.loc[table["small"], "force_code"].tolist()


# ------------------------------------------------------------------------------------------
# item 12: one table of classification changes
# ------------------------------------------------------------------------------------------


def sensitivity_table(
    result: measure.MeasureResult,
    da: pd.DataFrame,
    trims=(0.0, 0.05, 0.1),
    limits=tuple(statistics.LIMIT_SETTINGS),
) -> pd.DataFrame:
    """Every per-force classification of ``result`` recomputed under the alternative settings,
    in one tidy table.

    Settings: (1) the funnel ('extreme' verdict) under ``statistics.sensitivity_grid``:
    winsorisation of phi at each of ``trims`` (0%, 5%, 10% in each tail), adjustment for
    overdispersion off, and both limit methods (exact limits with the arcsine widening, the
    engine's default; pure arcsine random-effects limits); (2) excluding the first year of the
    DA table: ``measure.build`` of the same spec, year, denominator and level on the table
    without its first year, for the trend verdicts (``TREND_VERDICTS``; the latest-year
    comparison does not use the first year, so 'extreme' cannot change there).

    Out: one row per force x setting x verdict: force_code, force_name, check ('funnel
    settings' or 'excluding the first year'), setting (label), verdict, baseline (the value in
    ``result``), value (under the setting) and ``changed``. Forces without data in the latest
    year appear in the trend rows only. Raises ValueError when the DA table has fewer than three
    years (nothing left to fit after the first is dropped).
    """
    names = forces.force_names()
    grid = statistics.sensitivity_grid(
        result.latest,
        "successes",
        "trials",
        "force_code",
        level=result.level,
        trims=trims,
        limits=limits,
    )
    baseline = result.verdicts.set_index("force_code")
    funnel = grid.table.rename(columns={"unit": "force_code", "position": "value"})
    funnel = pd.DataFrame(
        {
            "force_code": funnel["force_code"],
            "force_name": funnel["force_code"].map(names),
            "check": "funnel settings",
            "setting": funnel["setting"],
            "verdict": "extreme",
            "baseline": funnel["force_code"].map(baseline["extreme"]),
            "value": funnel["value"],
        }
    )
    years = sorted(da["financial_year"].unique())
    if len(years) < 3:
        raise ValueError("excluding the first year needs at least three years in the DA table")
    first = years[0]
    trimmed = measure.build(
        result.spec,
        da[da["financial_year"] != first],
        result.year,
        result.denominator,
        result.level,
        result.comparison.method,
    )
    other = trimmed.verdicts.set_index("force_code")
    trend_rows = [
        pd.DataFrame(
            {
                "force_code": baseline.index,
                "force_name": baseline.index.map(names),
                "check": "excluding the first year",
                "setting": f"without {first}",
                "verdict": verdict,
                "baseline": baseline[verdict].to_numpy(),
                "value": baseline.index.map(other[verdict]),
            }
        )
        for verdict in TREND_VERDICTS
    ]
    table = pd.concat([funnel, *trend_rows], ignore_index=True)
    table["changed"] = table["baseline"].astype(str) != table["value"].astype(str)
    return table


def sensitivity_changes(table: pd.DataFrame) -> pd.DataFrame:
    """Per force and verdict with any change in a ``sensitivity_table``: the baseline and the
    settings under which it changes (with the value there)."""
    changed = table[table["changed"]]
    if changed.empty:
        return pd.DataFrame(columns=["force_name", "verdict", "baseline", "changes"])
    return (
        changed.assign(change=changed["setting"] + ": " + changed["value"].astype(str))
        .groupby(["force_name", "verdict", "baseline"], sort=True)["change"]
        .agg("; ".join)
        .rename("changes")
        .reset_index()
    )


__all__ = [
    "CRUDE_COMPARISON_NOTE",
    "MINIMUM_EVENTS",
    "between_force_spread",
    "case_mix",
    "flagged_codes",
    "MATURE_COMPARISON_VERDICTS",
    "TREND_VERDICTS",
    "mature_year_changes",
    "mature_year_sensitivity",
    "minimum_events",
    "offence_mix_context",
    "offence_standardised_rates",
    "open_cases",
    "open_cases_by_year",
    "sensitivity_changes",
    "sensitivity_table",
    "shrunken_estimates",
    "small_numbers",
    "threshold_grid",
    "threshold_summary",
    "with_minimum_events",
]
