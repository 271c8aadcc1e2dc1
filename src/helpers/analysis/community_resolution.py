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

from helpers.analysis import measure

SPEC = measure.MeasureSpec(
    key="community_resolution",
    numerator=("community_resolution",),
    label="community resolution rate",
    short_label="community resolutions",
    better="falling",
    benchmark="the guidance",
    outcome_types="outcome 8",
)
#: default "rare" threshold: share of outcomes assigned (see the module docstring)
RARE_THRESHOLD = 0.01
#: family-wise error rate of the guidance test, and the multiplicity correction across forces
GUIDANCE_ALPHA = 0.05
GUIDANCE_CORRECTION = "holm"


def threshold_test(
    latest: pd.DataFrame,
    threshold: float,
    alpha: float = GUIDANCE_ALPHA,
    correction: str = GUIDANCE_CORRECTION,
) -> pd.DataFrame:
    """Each force against a fixed threshold: one-sided exact binomial test of H0 rate <= threshold.

    In: ``latest`` with force_code, successes, trials (counts; one row per force with data) and
    ``threshold`` (a proportion in (0, 1)). Out: force_code, ``p_value`` (P(X >= successes) under
    Binomial(trials, threshold), ``scipy.stats.binom.sf``), ``p_adjusted`` (multiplicity-corrected
    across the forces with ``statsmodels.stats.multitest.multipletests``, method ``correction``:
    'holm' or 'fdr_bh'), ``above_threshold`` (p_adjusted < alpha). Raises ValueError for a
    threshold outside (0, 1).
    """
    from scipy.stats import binom
    from statsmodels.stats.multitest import multipletests

    if not 0 < threshold < 1:
        raise ValueError(f"threshold must be a proportion in (0, 1), not {threshold!r}")
    x = latest["successes"].to_numpy(float)
    n = latest["trials"].to_numpy(float)
    p_value = binom.sf(x - 1, n, threshold)
    out = pd.DataFrame({"force_code": latest["force_code"].to_numpy(), "p_value": p_value})
    if len(out):
        reject, adjusted, _, _ = multipletests(p_value, alpha=alpha, method=correction)
    else:
        reject, adjusted = np.array([], bool), np.array([], float)
    out["p_adjusted"] = adjusted
    out["above_threshold"] = reject
    return out


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
    threshold, the per-force test table and ``zero_use`` (forces with data and no community
    resolution in the year).
    """
    result = measure.build(SPEC, da, year, denominator, level, funnel_method)
    tested = threshold_test(result.latest, threshold).set_index("force_code")
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
