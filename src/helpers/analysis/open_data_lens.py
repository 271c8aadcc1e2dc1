"""Offences that are predominantly domestic in the Home Office open data (which has no domestic
abuse flag): outcome 16, outcome 14 and charge shares for stalking and harassment and
controlling or coercive behaviour beside all violence against the person (which contains
stalking and harassment: the overlap is stated wherever the comparison is shown).
Rates use the closed basis (outcomes of investigations closed in the year)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from helpers.analysis import rates, statistics
from helpers.reference import outcomes

LENSES = ("stalking_harassment", "controlling_coercive", "violence_against_the_person")
MEASURES = {
    "outcome 16": (outcomes.EVIDENTIAL_VICTIM_DOES_NOT_SUPPORT,),
    "charged": (outcomes.CHARGED_SUMMONSED,),
    "outcome 14": (outcomes.EVIDENTIAL_SUSPECT_NOT_IDENTIFIED_VICTIM_NOT_SUPPORTING,),
}


@dataclass
class LensComparison:
    """``summary``: per offence group and measure the pooled rate, forces and force range;
    ``stalking``: per force the stalking and harassment outcome 16 share (rate_x) and charge
    share (rate_y); ``fit``: their weighted association across forces; ``complement``: per
    force the outcome 16 share of stalking and harassment beside that of violence against the
    person **excluding** stalking and harassment (which the whole group contains), so the two
    groups compared do not overlap."""

    year: str
    summary: pd.DataFrame
    stalking: pd.DataFrame
    fit: dict
    complement: pd.DataFrame
    complement: pd.DataFrame

    def share(self, offences: str, measure: str) -> float:
        table = self.summary.set_index(["offences", "measure"])["national_rate"]
        return float(table.get((offences, measure), float("nan")))


def compare(lens_table: pd.DataFrame) -> LensComparison:
    """The comparison for the latest year of the open data (``processed['open_data_lens']``)."""
    year = sorted(lens_table["financial_year"].unique())[-1]
    frames = {}
    for lens in LENSES:
        for name, types in MEASURES.items():
            table = rates.lens_rates(lens_table, lens, types)
            frames[(lens, name)] = table[table["financial_year"] == year].reset_index(drop=True)
    summary = rates.lens_summary(frames, outcomes.OFFENCE_LENSES)
    stalking = rates.lens_pair(frames, "stalking_harassment", "outcome 16", "charged")
    fit = statistics.weighted_association(
        stalking["rate_x"], stalking["rate_y"], stalking["trials"]
    )
    return LensComparison(year, summary, stalking, fit, complement(frames, "outcome 16"))


def complement(frames: dict, measure: str) -> pd.DataFrame:
    """Per force: the ``measure`` share for stalking and harassment and for violence against the
    person excluding stalking and harassment (counts of the whole group minus the subgroup; the
    Home Office classification puts stalking and harassment inside violence against the person).
    Columns: force_code, force_name, rate_stalking, rate_rest_of_violence with its 95% interval
    (rest_lower, rest_upper)."""
    part = frames[("stalking_harassment", measure)].set_index("force_code")
    whole = frames[("violence_against_the_person", measure)].set_index("force_code")
    common = part.index.intersection(whole.index)
    rest = pd.DataFrame(
        {
            "successes": whole.loc[common, "successes"] - part.loc[common, "successes"],
            "trials": whole.loc[common, "trials"] - part.loc[common, "trials"],
        }
    )
    rest = rates.with_ci(rest[rest["trials"] > 0])
    out = pd.DataFrame({"force_code": rest.index})
    out["force_name"] = out["force_code"].map(part["force_name"])
    out["rate_stalking"] = out["force_code"].map(part["rate"])
    out["rate_rest_of_violence"] = out["force_code"].map(rest["rate"])
    out["rest_lower"] = out["force_code"].map(rest["ci_lower"])
    out["rest_upper"] = out["force_code"].map(rest["ci_upper"])
    return out
