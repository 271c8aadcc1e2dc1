"""Outcome 16: domestic abuse-related crimes closed because the victim does not support (or
withdraws support for) further action, with outcome 15 (victim supports, evidence insufficient)
beside it. Outcome 14 (suspect not identified) is measured only in the Home Office open data
(notebook 03 section 6); the ONS category may pool 14 with 16.

No guidance sets a level for outcome 16: a falling share is described as movement toward
evidence-led practice (cases built on evidence other than the victim's), never as "the
guidance" (``docs/methods.md``).
"""

from __future__ import annotations

import pandas as pd

from helpers.analysis import measure

SPEC = measure.MeasureSpec(
    key="outcome16",
    numerator=("evidential_difficulties_victim_does_not_support",),
    label="outcome 16 share (victim does not support action)",
    short_label="outcome 16 closures",
    better="falling",
    benchmark="evidence-led practice",
    outcome_types="outcome 16",
    closed_as="because the victim did not support action (outcome 16)",
)
OUTCOME15 = measure.MeasureSpec(
    key="outcome15",
    numerator=("evidential_difficulties_victim_supports",),
    label="outcome 15 share (victim supports action, evidence insufficient)",
    short_label="outcome 15 closures",
    better="falling",
    benchmark="evidence-led practice",
    outcome_types="outcome 15",
    closed_as="with evidential difficulties although the victim supported action (outcome 15)",
)


def measure_outcome16(
    da: pd.DataFrame, year: str | None = None, **settings
) -> measure.MeasureResult:
    """The outcome 16 measure (``measure.build`` with ``SPEC``); ``extras['outcome15']`` holds
    the outcome 15 measure computed the same way, for the tables that show both."""
    result = measure.build(SPEC, da, year, **settings)
    result.extras["outcome15"] = measure.build(OUTCOME15, da, year, **settings)
    return result
