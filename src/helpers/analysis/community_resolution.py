"""Community resolutions (Home Office outcome type 8) in domestic abuse-related crimes, against
the national rate, each other and the guidance.

National guidance (ACPO from 2008-2012, the College of Policing's APP from 2015; paraphrased in
``data/raw/published/guidance.csv``, G01-G05) treats community resolutions as not appropriate, or
only rarely appropriate, for domestic abuse. It gives no number: the "rare" threshold is an
adjustable parameter (default 1%, the level police leaders described as current practice in July
2014, figure ``ACPO14-share``), not a figure from the guidance.

The guidance verdict is a separate statement from the two comparisons with the national rate:
a force is **above the guidance threshold** when a one-sided exact binomial test of its rate
against the threshold rejects at 5% after Holm's correction across the forces with data
(unadjusted for between-force variation: the threshold is a fixed ceiling, not the national
mean). The rule is logged in ``docs/assumptions_log.md``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.analysis import measure, statistics

SPEC = measure.MeasureSpec(
    key="community_resolution",
    numerator=("community_resolution",),
    label="community resolution rate",
    short_label="community resolutions",
    better="falling",
    benchmark="the guidance",
    outcome_types="outcome 8",
    closed_as="by community resolution (outcome 8)",
)
#: default "rare" threshold: share of outcomes assigned (see the module docstring)
RARE_THRESHOLD = 0.01
#: family-wise error rate of the guidance test, and the multiplicity correction across forces
GUIDANCE_ALPHA = 0.05
GUIDANCE_CORRECTION = "holm"


def measure_community_resolutions(
    da: pd.DataFrame,
    year: str | None = None,
    threshold: float = RARE_THRESHOLD,
    denominator: str = "total_outcomes",
    level: float = measure.DEFAULT_LEVEL,
    funnel_method: str = "exact",
) -> measure.MeasureResult:
    """The community resolution measure with its guidance verdict.

    Everything ``measure.build`` computes, plus the verdict column ``guidance``: 'above the
    threshold' (``threshold_test``), 'not shown above' or 'no data'; ``extras`` holds the
    threshold, the per-force test table (``statistics.threshold_test``) and ``zero_use`` (forces with data and no community
    resolution in the year).
    """
    result = measure.build(SPEC, da, year, denominator, level, funnel_method)
    tested = statistics.threshold_test(
        result.latest["successes"],
        result.latest["trials"],
        threshold,
        method=GUIDANCE_CORRECTION,
        alpha=GUIDANCE_ALPHA,
    ).set_index(result.latest["force_code"])
    verdicts = result.verdicts
    verdicts["guidance_p_adjusted"] = verdicts["force_code"].map(tested["p_adjusted"])
    above = verdicts["force_code"].map(tested["above_threshold"])
    verdicts["guidance"] = np.select(
        [above.eq(True), above.eq(False)], ["above the threshold", "not shown above"], "no data"
    )
    result.extras.update(
        threshold=threshold,
        threshold_test=tested.reset_index(),
        zero_use=int((result.latest["successes"] == 0).sum()),
        correction=GUIDANCE_CORRECTION,
    )
    return result
