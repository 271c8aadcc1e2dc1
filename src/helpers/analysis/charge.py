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
from helpers.analysis.outcome16 import SPEC as OUTCOME16

SPEC = measure.MeasureSpec(
    key="charge",
    numerator=("charged_summonsed",),
    label="charge rate",
    short_label="charges",
    better="rising",
    benchmark="evidence-led practice",
    outcome_types="outcome 1",
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
