"""The CPS stage and the 2020 evidence-led prosecution inspection, from the transcribed published
figures (``data/raw/published/published_figures.csv``).

No CPS microdata are used: every number here is a published figure with its source URL. Periods
are harmonised to financial years ('2013/14') only where the source states a financial year or a
year ending March; other periods are left as printed and marked.
"""

from __future__ import annotations

import re

import pandas as pd

from helpers.reference import published

#: measure -> published figure ids (England and Wales, domestic abuse, CPS)
CPS_SERIES: dict[str, list[str]] = {
    "police referrals to the CPS (suspects)": [
        "HANS-1314-referrals",
        "LG-1617-referrals-1516",
        "LG-1617-referrals-1617",
        "ONS20-referrals-1819",
        "ONS20-referrals-1920",
        "ONS21-referrals",
        "ONS23-2-referrals",
    ],
    "CPS charging rate (%)": [
        "HANS-1314-chargerate",
        "ONS16-chargerate",
        "ONS17-chargerate",
        "ONS20-chargerate-1718",
        "ONS20-chargerate-1819",
        "ONS20-chargerate-1920",
        "ONS21-chargerate",
        "ONS22-chargerate",
        "ONS23-2-chargerate",
    ],
    "completed prosecutions": [
        "HANS-1314-prosecutions",
        "VAWG1516-DAprosecutions",
        "ONS20-prosecutions-1819",
        "ONS20-prosecutions-1920",
        "ONS23-prosecutions-2122",
        "ONS23-prosecutions",
        "ONS24-prosecutions",
    ],
    "conviction rate (%)": [
        "VAWG1314-convrate",
        "VAWG1516-DAconvrate-EW",
        "ONS17-convrate",
        "ONS20-convrate-1819",
        "ONS20-convrate-1920",
    ],
    "unsuccessful outcomes due to victim issues (%)": [
        "VAWG1516-victimissues-1415",
        "VAWG1516-victimissues-1516",
    ],
    "unsuccessful outcomes due to victim retraction (%)": [
        "VAWG1516-retraction-1415",
        "VAWG1516-retraction-1516",
    ],
}

#: the 2020 joint inspection of evidence-led domestic abuse prosecutions (HMCPSI/HMICFRS)
INSPECTION_FIGURES = [
    "ELP-pubdate",
    "ELP-files",
    "ELP-policeNFA",
    "ELP-policeNFA-missed",
    "ELP-delays",
    "ELP-delays-negative",
    "ELP-nosupervisor",
    "ELP-lines-considered",
    "ELP-CPSNFA",
    "ELP-plan-needed",
    "ELP-plan-failed",
    "ELP-charge-noconsid",
    "ELP-review-noconsid",
]


def financial_year_of(period: str) -> str | None:
    """'2013-14' / '2013/14' / 'year ending March 2019' -> '2013/14' / '2018/19'; else None."""
    text = str(period).strip()
    match = re.fullmatch(r"(\d{4})[-/](\d{2})", text)
    if match:
        return f"{match.group(1)}/{match.group(2)}"
    match = re.fullmatch(r"year ending March (\d{4})", text, flags=re.IGNORECASE)
    if match:
        end = int(match.group(1))
        return f"{end - 1}/{end % 100:02d}"
    return None


def cps_series() -> pd.DataFrame:
    """One row per published CPS figure: measure, financial_year, value, unit, source (id,
    publisher, kind, URL) and coverage. Sorted by measure and year."""
    table = published.published_figures().set_index("id")
    rows = []
    for measure, ids in CPS_SERIES.items():
        for figure_id in ids:
            row = table.loc[figure_id]
            rows.append(
                {
                    "measure": measure,
                    "financial_year": financial_year_of(row["period"]),
                    "value": float(row["value_numeric"]),
                    "unit": row["unit"],
                    "id": figure_id,
                    "source_publisher": row["source_publisher"],
                    "source_kind": row["source_kind"],
                    "coverage": row["coverage"],
                    "source_url": row["source_url"],
                }
            )
    series = pd.DataFrame(rows)
    if series["financial_year"].isna().any():
        raise ValueError(
            f"periods not read as financial years: {series.loc[series['financial_year'].isna(), 'id'].tolist()}"
        )
    return series.sort_values(["measure", "financial_year", "id"]).reset_index(drop=True)


def cps_wide(series: pd.DataFrame) -> pd.DataFrame:
    """The series as a year x measure table (official statistics preferred where a year has two
    figures for the same measure; otherwise the first by id)."""
    preference = {
        "official_statistics": 0,
        "official_report": 1,
        "parliamentary": 2,
        "press": 3,
        "charity": 4,
        "other": 5,
    }
    ranked = series.assign(_rank=series["source_kind"].map(preference).fillna(9)).sort_values(
        ["measure", "financial_year", "_rank", "id"]
    )
    chosen = ranked.drop_duplicates(["measure", "financial_year"])
    return (
        chosen.pivot(index="financial_year", columns="measure", values="value")
        .reset_index()
        .rename_axis(columns=None)
    )


def inspection_table() -> pd.DataFrame:
    """The 2020 inspection's key findings as published (values kept as printed), with a
    computed share where the published figures give a numerator and a denominator."""
    table = published.figures(
        INSPECTION_FIGURES,
        (
            "id",
            "period",
            "measure",
            "value",
            "unit",
            "source_publisher",
            "source_kind",
            "source_url",
        ),
    )
    shares = {
        "ELP-policeNFA-missed": ("ELP-policeNFA-missed", "ELP-policeNFA"),
        "ELP-plan-failed": ("ELP-plan-failed", "ELP-plan-needed"),
        "ELP-delays-negative": ("ELP-delays-negative", "ELP-delays"),
    }
    values = table.set_index("id")["value"]
    table["computed_share"] = table["id"].map(
        lambda i: (
            f"{100 * float(values[shares[i][0]]) / float(values[shares[i][1]]):.1f}% ({values[shares[i][0]]} of {values[shares[i][1]]})"
            if i in shares
            else ""
        )
    )
    return table
