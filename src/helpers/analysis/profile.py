"""One force's profile: its verdicts on every measure, its outcome mix and its series, read from
the same ``MeasureResult`` objects as notebooks 02 and 03 and the index page, so that no page
can state a different verdict for the same force and measure.

Reads only the processed DA table (``helpers.data.tidy.load_or_build``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from helpers.analysis import charge, community_resolution, outcome16, rates
from helpers.analysis.measure import MeasureResult
from helpers.reference import forces

#: the measures a profile shows, in order: key -> the function computing the measure
MEASURES = {
    "community_resolution": community_resolution.measure_community_resolutions,
    "outcome16": outcome16.measure_outcome16,
    "charge": charge.measure_charge,
}


def measure_all(da: pd.DataFrame, year: str | None = None, **settings) -> dict[str, MeasureResult]:
    """Every profile measure for one year (default: the latest), with the same settings
    (``denominator``, ``level``, ``funnel_method``)."""
    return {key: build(da, year, **settings) for key, build in MEASURES.items()}


@dataclass
class ForceProfile:
    """One force's profile.

    ``year``: the latest year with data for this force (``year_note`` says why when it is not the
    latest year of the table); ``measures``: the ``MeasureResult`` of each measure for that year;
    ``mix``: its outcome mix beside the national mix (shares of outcomes assigned);
    ``excluded_years``: the years the force has no data, with the reason.
    """

    force_code: str
    force_name: str
    year: str
    year_note: str
    measures: dict[str, MeasureResult]
    mix: pd.DataFrame
    excluded_years: pd.DataFrame

    def verdicts(self) -> pd.DataFrame:
        """One row per measure: the measure key and label with the force's verdict row."""
        rows = [
            result.verdict(self.force_code)
            .to_frame()
            .T.assign(measure=key, label=result.spec.label)
            for key, result in self.measures.items()
        ]
        return pd.concat(rows, ignore_index=True)

    def series(self, key: str) -> pd.DataFrame:
        """The force's rate over the years for one measure (rows with data only)."""
        table = self.measures[key].rates
        return table[table["force_code"] == self.force_code].reset_index(drop=True)


def build_profile(
    da: pd.DataFrame, force_code: str, measures: dict[str, MeasureResult] | None = None, **settings
) -> ForceProfile:
    """The profile of one force from the processed DA table.

    ``measures``: the results for the table's latest year when already computed (the site
    builds them once for all 43 forces); they are recomputed for an earlier year when the force
    has no data in the latest one. Raises KeyError for a code that is not one of the 43 police
    force areas, and ValueError when the force has no year with data.
    """
    if force_code not in set(forces.territorial_codes()):
        raise KeyError(
            f"{force_code!r} is not one of the 43 police force area codes (e.g. {forces.territorial_codes()[:3]})"
        )
    name = str(forces.force_names()[force_code])
    latest = rates.latest_year(da)
    measures = measures or measure_all(da, latest, **settings)
    with_data = measures["community_resolution"].rates
    years = sorted(with_data.loc[with_data["force_code"] == force_code, "financial_year"])
    if not years:
        raise ValueError(f"{name}: no year with data in the processed DA table")
    year, note = years[-1], ""
    if year != latest:
        reason = measures["community_resolution"].verdict(force_code)["no_data_reason"]
        note = f"{name} has {reason} for {latest}; this profile shows {year}, its latest year with data."
        measures = measure_all(da, year, **settings)
    gaps = da[(da["force_code"] == force_code) & da["excluded"]][["financial_year", "marker"]]
    return ForceProfile(
        force_code,
        name,
        year,
        note,
        measures,
        rates.outcome_mix(da, force_code, year),
        gaps.reset_index(drop=True),
    )


def force_options() -> list[tuple[str, str]]:
    """(name, code) pairs for a force selector, sorted by name."""
    names = forces.force_names()
    return sorted(
        ((str(names[c]), c) for c in forces.territorial_codes()), key=lambda pair: pair[0]
    )
