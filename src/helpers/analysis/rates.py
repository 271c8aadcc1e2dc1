"""Analysis tables shared by notebooks 02, 03 and 04. They read only ``data/processed/``.

Every rate here names its numerator and denominator. The default denominator is
``total_outcomes``: outcomes assigned in the year to domestic abuse-related crimes, excluding
outcome 0 (not yet assigned); the alternative ``crimes_recorded`` is the sensitivity check
(``docs/assumptions_log.md`` explains the choice).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from helpers.analysis.statistics import proportion_ci
from helpers.reference import forces, outcomes

DENOMINATORS = {
    "total_outcomes": "outcomes assigned to DA-related crimes (excluding outcome 0, not yet assigned)",
    "crimes_recorded": "DA-related crimes recorded",
}


def with_ci(table: pd.DataFrame) -> pd.DataFrame:
    """Add ``rate`` (successes / trials; NaN without trials) and its 95% Wilson interval
    (``ci_lower``, ``ci_upper``) to a table with ``successes`` and ``trials`` columns."""
    table["rate"] = np.where(table["trials"] > 0, table["successes"] / table["trials"], np.nan)
    table["ci_lower"], table["ci_upper"] = proportion_ci(
        table["successes"].to_numpy(float), table["trials"].to_numpy(float), 0.95, "wilson"
    )
    return table


def force_rates(
    da: pd.DataFrame, numerator: str | list[str], denominator: str = "total_outcomes"
) -> pd.DataFrame:
    """Per force and year with data: successes (the numerator categories summed), trials (the
    denominator), rate and its 95% Wilson interval.

    In: the processed DA table (one row per force-year). Out: financial_year, force_code,
    force_name, country, successes, trials (counts of crimes), rate (proportion), ci_lower,
    ci_upper, sorted by year and force. A force-year has no row when the publisher left it out
    (``excluded``), when any numerator category or the denominator is missing (suppressed: a
    missing count is never read as zero) or when the denominator is not positive (nothing
    supplied). ``national_rates`` counts those forces as left out.
    """
    numerators = [numerator] if isinstance(numerator, str) else list(numerator)
    present = da[~da["excluded"]].copy()
    table = present[["financial_year", "force_code", "force_name", "country"]].copy()
    table["successes"] = present[numerators].sum(axis=1, min_count=len(numerators)).astype(float)
    table["trials"] = present[denominator].astype(float)
    table = table[table["successes"].notna() & table["trials"].notna() & (table["trials"] > 0)]
    return with_ci(table).sort_values(["financial_year", "force_code"]).reset_index(drop=True)


def national_rates(
    da: pd.DataFrame, numerator: str | list[str], denominator: str = "total_outcomes"
) -> pd.DataFrame:
    """Per year, over the forces with data (``force_rates``): successes, trials, rate with its
    95% interval, ``forces`` (with data) and ``forces_left_out`` (of the 43 police force areas,
    those without data that year: left out of both numerator and denominator)."""
    rates = force_rates(da, numerator, denominator)
    national = (
        rates.groupby("financial_year")
        .agg(
            successes=("successes", "sum"),
            trials=("trials", "sum"),
            forces=("force_code", "nunique"),
        )
        .reindex(sorted(da["financial_year"].unique()))
        .rename_axis("financial_year")
        .reset_index()
    )
    national["forces"] = national["forces"].fillna(0).astype(int)
    national["forces_left_out"] = forces.N_TERRITORIAL_FORCES - national["forces"]
    return with_ci(national)


def latest_year(da: pd.DataFrame) -> str:
    """The most recent financial year in the DA table."""
    return str(sorted(da["financial_year"].unique())[-1])


def excluded_forces(da: pd.DataFrame) -> pd.DataFrame:
    """Force-years left out of the DA table (ONS exclusions), with the marker shown."""
    gaps = da[da["excluded"]][["financial_year", "force_code", "force_name", "marker"]]
    return gaps.sort_values(["financial_year", "force_code"]).reset_index(drop=True)


def lens_rates(
    lens_table: pd.DataFrame,
    lens: str,
    numerator_types: tuple[int, ...],
    basis: str = "outcomes_closed",
) -> pd.DataFrame:
    """Per force and year for one open-data offence lens: successes = outcomes of the given
    types, trials = all outcomes of types 1-22 on the same count basis, with a 95% interval.
    ``basis``: 'outcomes_closed' (investigations closed in the period) or 'outcomes_recorded'."""
    subset = lens_table[lens_table["lens"] == lens]
    if subset.empty:
        return pd.DataFrame(
            columns=[
                "financial_year",
                "force_code",
                "force_name",
                "successes",
                "trials",
                "rate",
                "ci_lower",
                "ci_upper",
            ]
        )
    values = subset[basis].astype(float)
    hit = subset["outcome_type"].isin(numerator_types)
    grouped = subset.assign(_value=values, _hit=values.where(hit, 0.0), _missing=values.isna())
    table = (
        grouped.groupby(["financial_year", "force_code"])
        .agg(
            successes=("_hit", "sum"),
            trials=("_value", "sum"),
            missing=("_missing", "any"),
            quarters=("quarters", "max"),
        )
        .reset_index()
    )
    # a force-year with any missing count has no rate (never a partial sum); a negative annual
    # total (net corrections) is reported and left out, never clipped to zero
    negative = (table["successes"] < 0) | (table["trials"] < 0)
    for row in table[negative & ~table["missing"]].itertuples(index=False):
        warnings.warn(
            f"{lens}: {row.force_code} {row.financial_year}: negative annual total "
            f"(outcome types {list(numerator_types)}: {row.successes:g} of {row.trials:g}, {basis}); "
            "left out of the rates",
            stacklevel=2,
        )
    table = table[~table["missing"] & ~negative].drop(columns="missing")
    table["force_name"] = table["force_code"].map(forces.force_names())
    return with_ci(table.reset_index(drop=True))


def pivot_counts(rates: pd.DataFrame, value: str = "successes") -> pd.DataFrame:
    """Force x year table of a count (rows: force name, columns: years), for display."""
    table = rates.pivot_table(
        index="force_name", columns="financial_year", values=value, aggfunc="sum"
    )
    return table.sort_index()


def classify_movement(trends: pd.DataFrame, guidance_direction: str = "falling") -> pd.Series:
    """'toward the guidance' / 'away from the guidance' / 'no clear change' from trend directions,
    where the guidance wants the rate to move ``guidance_direction``."""
    other = "rising" if guidance_direction == "falling" else "falling"
    return trends["direction"].map(
        {
            guidance_direction: "toward the guidance",
            other: "away from the guidance",
            "no clear change": "no clear change",
            "too few data": "too few data",
        }
    )


def with_force_labels(table: pd.DataFrame, code: str = "force_code") -> pd.DataFrame:
    """Add the force name and short tile label for a table keyed by force code."""
    grid = forces.force_grid().set_index("code")
    out = table.copy()
    out["force_name"] = out[code].map(forces.force_names())
    out["label"] = out[code].map(grid["label"])
    return out


def outcome_mix(da: pd.DataFrame, force_code: str, year: str) -> pd.DataFrame:
    """Share of outcomes assigned by category for one force and the nation in one year: outcome
    (label), force_share, national_share (over the forces publishing that category), force_count.
    A suppressed count stays missing (its share is NaN)."""
    rows = []
    year_rows = da[(da["financial_year"] == year) & ~da["excluded"]]
    force_row = year_rows[year_rows["force_code"] == force_code]
    for category in outcomes.OUTCOME_CATEGORIES:
        # national share over the forces that publish both the category and the total
        both = year_rows[[category, "total_outcomes"]].dropna()
        national_share = (
            float(both[category].sum() / both["total_outcomes"].sum()) if len(both) else np.nan
        )
        count = float(force_row[category].iloc[0]) if len(force_row) else np.nan
        total = float(force_row["total_outcomes"].iloc[0]) if len(force_row) else np.nan
        rows.append(
            {
                "outcome": outcomes.CATEGORY_LABELS[category],
                "force_share": count / total if total > 0 else np.nan,
                "national_share": national_share,
                "force_count": count,
            }
        )
    return pd.DataFrame(rows)


def lens_summary(frames: dict[tuple[str, str], pd.DataFrame], lenses: dict) -> pd.DataFrame:
    """One row per (offence lens, measure) with data: the pooled rate over forces, the number of
    forces and the lowest and highest force rate. ``frames``: (lens, measure) -> ``lens_rates``
    output for one year; ``lenses``: ``outcomes.OFFENCE_LENSES`` (for the labels)."""
    rows = [
        {
            "offences": lenses[lens]["label"],
            "measure": measure,
            "national_rate": frame["successes"].sum() / frame["trials"].sum(),
            "forces": frame["force_code"].nunique(),
            "lowest_force": frame["rate"].min(),
            "highest_force": frame["rate"].max(),
        }
        for (lens, measure), frame in frames.items()
        if len(frame)
    ]
    return pd.DataFrame(rows)


def lens_pair(
    frames: dict[tuple[str, str], pd.DataFrame], lens: str, x: str, y: str
) -> pd.DataFrame:
    """Per force of one lens: ``rate_x`` (measure ``x``), ``rate_y`` (measure ``y``) and the
    trials of ``x``, with the force name and label; forces must match one to one."""
    left = frames[(lens, x)][["force_code", "rate", "trials"]].rename(columns={"rate": "rate_x"})
    right = frames[(lens, y)][["force_code", "rate"]].rename(columns={"rate": "rate_y"})
    pair = left.merge(right, on="force_code", validate="1:1")
    return with_force_labels(pair)
