"""How two measures relate across forces: outcome 16 closures and charging (notebook 03), or a
force's domestic abuse rate and its general practice (notebook 02).

A relation across forces is computed within a year (between forces: one weighted least squares
fit per year); change is analysed within forces (force and year fixed effects, errors clustered
by force). Pooling all force-years as if independent mixes the two with the national trend that
all forces share, so the pooled fit is shown only beside them. When both measures are shares of
the same outcomes, part of a negative link is arithmetic: the baseline relates the second
measure's share of the outcomes *other than* the first (``models.shared_denominator_association``).
Every estimate is an association, not a cause.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from helpers.analysis import models, rates, statistics
from helpers.analysis.measure import MeasureResult


@dataclass
class Relation:
    """``pairs``: one row per force-year with both rates (rate_x, rate_y, trials); ``by_year``:
    the between-force fit of each year (slope with 95% interval, weighted r, n);
    ``fixed_effects``: the within-force estimates (two models, clustered by force);
    ``baseline``: per year, the slope on the shares and on the other-outcomes share with the
    arithmetic slope; ``pooled``: the fit over all force-years (shown only for comparison)."""

    x_label: str
    y_label: str
    pairs: pd.DataFrame
    by_year: pd.DataFrame
    fixed_effects: pd.DataFrame
    baseline: pd.DataFrame
    pooled: dict


def between_and_within(x: MeasureResult, y: MeasureResult) -> Relation:
    """Relate measure ``y`` to measure ``x`` (both from the same DA table and denominator).

    Raises AssertionError when the two measures do not cover the same force-years."""
    pairs = x.rates[
        ["financial_year", "force_code", "force_name", "successes", "rate", "trials"]
    ].merge(
        y.rates[["financial_year", "force_code", "successes", "rate"]],
        on=["financial_year", "force_code"],
        suffixes=("_x", "_y"),
        validate="1:1",
    )
    assert len(pairs) == len(x.rates) == len(y.rates), "both measures on the same force-years"
    pairs = rates.with_force_labels(pairs)
    by_year = models.association_by_year(pairs, "rate_x", "rate_y", "trials", "financial_year")
    fixed = models.fixed_effects_association(
        pairs, "rate_x", "rate_y", "force_code", "financial_year", weight="trials"
    )
    baseline = []
    for year, group in pairs.groupby("financial_year", sort=True):
        fit = models.shared_denominator_association(
            group["successes_x"], group["successes_y"], group["trials"]
        )
        baseline.append(
            {
                "financial_year": year,
                "slope_on_shares": fit["shares"]["slope"],
                "slope_on_other_outcomes": fit["other_outcomes"]["slope"],
                "other_outcomes_lower": fit["other_outcomes"]["slope_lower"],
                "other_outcomes_upper": fit["other_outcomes"]["slope_upper"],
                "arithmetic_slope": fit["arithmetic_slope"],
            }
        )
    pooled = statistics.weighted_association(pairs["rate_x"], pairs["rate_y"], pairs["trials"])
    return Relation(
        x.spec.label, y.spec.label, pairs, by_year, fixed, pd.DataFrame(baseline), pooled
    )
