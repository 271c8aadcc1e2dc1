"""One force's profile (notebook 04): its outcome mix, rates against the national rate and the
funnel limits, trends, and plain-language sentences computed from the numbers.

Reads only the processed tables (``helpers.analysis.load_processed``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from helpers.analysis import rates, statistics
from helpers.reference import forces

#: the measures a profile shows: key -> (numerator category, label, which way the guidance points)
MEASURES = {
    "community_resolution": ("community_resolution", "community resolution rate", "falling"),
    "outcome16": (
        "evidential_difficulties_victim_does_not_support",
        "outcome 16 share (victim does not support)",
        "falling",
    ),
    "charge": ("charged_summonsed", "charge rate", "rising"),
}


@dataclass
class ForceProfile:
    force_code: str
    force_name: str
    year: str
    mix: pd.DataFrame
    rates: pd.DataFrame
    comparisons: dict[str, statistics.Comparison]
    trends: pd.DataFrame
    series: dict[str, pd.DataFrame]
    national: dict[str, pd.DataFrame]
    excluded_years: list[str]


def build_profile(
    processed: dict, force_code: str, denominator: str = "total_outcomes", level: float = 0.998
) -> ForceProfile:
    """Everything a force profile shows, computed from the processed tables."""
    da = processed["da_outcomes_by_force"]
    if force_code not in set(forces.territorial_codes()):
        raise KeyError(
            f"{force_code!r} is not one of the 43 police force area codes (e.g. {forces.territorial_codes()[:3]})"
        )
    name = str(forces.force_names()[force_code])
    available = da[(da["force_code"] == force_code) & ~da["excluded"]]["financial_year"]
    if available.empty:
        raise ValueError(f"{name}: no year with data in the processed DA table")
    year = str(sorted(available)[-1])
    label = statistics.level_label(level)
    rows, comparisons, trend_rows, series, national = [], {}, [], {}, {}
    for key, (category, measure_label, guidance) in MEASURES.items():
        measure_rates = rates.force_rates(da, category, denominator)
        latest = measure_rates[measure_rates["financial_year"] == year].reset_index(drop=True)
        comparison = statistics.compare_to_target(
            latest, "successes", "trials", levels=(0.95, level)
        )
        comparisons[key] = comparison
        own = comparison.table[comparison.table["force_code"] == force_code].iloc[0]
        rank = int((latest["rate"] > own["rate"]).sum()) + 1
        rows.append(
            {
                "measure": measure_label,
                "count": own["successes"],
                "denominator": own["trials"],
                "force_rate": own["rate"],
                "ci_lower": own["ci_lower"],
                "ci_upper": own["ci_upper"],
                "national_rate": comparison.target,
                "rank_highest_first": f"{rank} of {len(latest)}",
                "position": own[f"position_{label}_adjusted"],
            }
        )
        own_series = measure_rates[measure_rates["force_code"] == force_code].sort_values(
            "financial_year"
        )
        series[key] = own_series
        national[key] = rates.national_rates(da, category, denominator)
        fitted = statistics.trend(own_series, "successes", "trials", "financial_year").iloc[0]
        movement = {"falling": "falling", "rising": "rising"}.get(
            fitted["direction"], fitted["direction"]
        )
        toward = (
            "toward"
            if movement == guidance
            else ("away from" if movement in ("falling", "rising") else None)
        )
        trend_rows.append(
            {
                "measure": measure_label,
                "years": int(fitted["n_periods"]),
                "pp_change_per_year": fitted["pp_change_per_year"],
                "pp_change_lower": fitted["pp_change_lower"],
                "pp_change_upper": fitted["pp_change_upper"],
                "direction": fitted["direction"],
                "relative_to_guidance": f"{toward} the guidance" if toward else "no clear change",
            }
        )
    rates_table = pd.DataFrame(rows)
    trends = pd.DataFrame(trend_rows)
    mix = rates.outcome_mix(da, force_code, year)
    excluded = da[(da["force_code"] == force_code) & da["excluded"]]["financial_year"].tolist()
    return ForceProfile(
        force_code, name, year, mix, rates_table, comparisons, trends, series, national, excluded
    )


def force_options() -> list[tuple[str, str]]:
    """(name, code) pairs for a force selector, sorted by name."""
    names = forces.force_names()
    return sorted(
        ((str(names[c]), c) for c in forces.territorial_codes()), key=lambda pair: pair[0]
    )
