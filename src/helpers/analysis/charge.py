"""Charge rate: domestic abuse-related crimes charged or summonsed (outcome 1) as a share of
outcomes assigned, and the evidence-led prosecution indicator: charges / (charges + outcome 16
closures).

The indicator is not a count of evidence-led prosecutions: police outcomes cannot show which
charged cases went ahead without the victim's support. No guidance sets a level: a rising charge
rate is described as movement toward evidence-led practice.
"""

from __future__ import annotations

import pandas as pd

from helpers.analysis import measure, rates
from helpers.analysis.measure import MeasureResult
from helpers.analysis.outcome16 import SPEC as OUTCOME16

SPEC = measure.MeasureSpec(
    key="charge",
    numerator=("charged_summonsed",),
    label="charge rate",
    short_label="charges",
    better="rising",
    benchmark="evidence-led practice",
    outcome_types="outcome 1",
    closed_as="by a charge or summons (outcome 1)",
)


def evidence_led_indicator(da: pd.DataFrame) -> pd.DataFrame:
    """Per force-year with data: charges / (charges + outcome 16 closures), with its 95% Wilson
    interval (``rates.force_rates`` on that denominator; missing counts stay missing)."""
    table = da.copy()
    table["charge_or_outcome16"] = table["charged_summonsed"] + table[OUTCOME16.numerator[0]]
    return rates.force_rates(table, "charged_summonsed", "charge_or_outcome16")


def measure_charge(da: pd.DataFrame, year: str | None = None, **settings) -> measure.MeasureResult:
    """The charge measure (``measure.build`` with ``SPEC``); ``extras['evidence_led_indicator']``
    holds ``evidence_led_indicator`` for every force-year."""
    result = measure.build(SPEC, da, year, **settings)
    result.extras["evidence_led_indicator"] = evidence_led_indicator(da)
    return result


def national_series(o16: MeasureResult, charged: MeasureResult) -> pd.DataFrame:
    """The national series of notebook 03, one row per year: forces with data and left out,
    outcome 16 closures and outcomes assigned, and the outcome 16, outcome 15 and charge shares
    with their 95% intervals (each over the forces with data for it)."""
    series = o16.national[["financial_year", "forces", "forces_left_out", "successes", "trials"]]
    series = series.rename(
        columns={"successes": "outcome16_closures", "trials": "outcomes_assigned"}
    )
    for name, result in (
        ("outcome16_share", o16),
        ("outcome15_share", o16.extras["outcome15"]),
        ("charge_rate", charged),
    ):
        national = result.national.set_index("financial_year")
        for suffix, column in (("", "rate"), ("_lower", "ci_lower"), ("_upper", "ci_upper")):
            series[f"{name}{suffix}"] = series["financial_year"].map(national[column])
    return series.reset_index(drop=True)
