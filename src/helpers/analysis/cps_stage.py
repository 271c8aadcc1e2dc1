"""The CPS stage after the police: arithmetic on the published CPS and ONS figures
(``helpers.reference.cps``): the change in police referrals for a charging decision, and the
share of unsuccessful prosecutions failing on victim issues and on victim retraction.

Every input is a published figure with its source; nothing here is modelled. A change is computed
only between two figures of the same publisher, so that endpoints from different sources (with
different definitions) are never compared.
"""

from __future__ import annotations

import pandas as pd

REFERRALS = "police referrals to the CPS (suspects)"
VICTIM_ISSUES = "unsuccessful outcomes due to victim issues (%)"
RETRACTION = "unsuccessful outcomes due to victim retraction (%)"
#: the panels of the CPS stage figure: (measure, panel title, is a percentage)
STAGE_PANELS = [
    (REFERRALS, "police referrals (suspects)", False),
    ("CPS charging rate (%)", "CPS charging rate", True),
    ("completed prosecutions", "completed prosecutions", False),
    ("conviction rate (%)", "conviction rate", True),
    (VICTIM_ISSUES, "unsuccessful: victim issues", True),
]


def referral_change(series: pd.DataFrame) -> dict:
    """The longest run of police referral figures from one publisher: first and last year,
    values (suspects) and the change in per cent.

    In: ``cps.cps_series()`` (measure, financial_year, value, source_publisher, ...). Out: dict
    with publisher, first_year, first, last_year, last, change_pct. Raises ValueError when no
    publisher gives two referral figures.
    """
    referrals = series[series["measure"] == REFERRALS].sort_values("financial_year")
    runs = {
        publisher: group
        for publisher, group in referrals.groupby("source_publisher")
        if group["financial_year"].nunique() >= 2
    }
    if not runs:
        raise ValueError(
            "no publisher gives two police referral figures: no change can be computed"
        )
    publisher, run = max(
        runs.items(), key=lambda item: (item[1]["financial_year"].nunique(), item[0])
    )
    first, last = run.iloc[0], run.iloc[-1]
    return {
        "publisher": publisher,
        "first_year": first["financial_year"],
        "first": float(first["value"]),
        "last_year": last["financial_year"],
        "last": float(last["value"]),
        "change_pct": 100 * (float(last["value"]) / float(first["value"]) - 1),
    }


def victim_reasons(series: pd.DataFrame) -> pd.DataFrame:
    """The published shares of unsuccessful prosecutions failing on victim issues and on victim
    retraction, one row per year with both (per cent of unsuccessful outcomes)."""
    subset = series[series["measure"].isin([VICTIM_ISSUES, RETRACTION])]
    return (
        subset.pivot_table(
            index="financial_year", columns="measure", values="value", aggfunc="first"
        )
        .rename(columns={VICTIM_ISSUES: "victim_issues_pct", RETRACTION: "retraction_pct"})
        .reset_index()
        .rename_axis(columns=None)
    )


def plot_frame(wide: pd.DataFrame) -> pd.DataFrame:
    """``cps.cps_wide`` output with the per-cent measures as proportions (for the stage figure)."""
    frame = wide.copy()
    for column in [c for c in frame.columns if c.endswith("(%)")]:
        frame[column] = frame[column] / 100
    return frame
