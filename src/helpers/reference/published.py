"""The transcribed published figures and guidance statements (``data/raw/published/``).

These are real figures copied by hand from official and published sources, one per row with
its source URL. They are context series and validation targets, never microdata. Cite the
``source_url`` of a row, not this project.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from helpers.core import config


@lru_cache(maxsize=1)
def published_figures() -> pd.DataFrame:
    """All transcribed figures (one per row), with every source column kept."""
    table = pd.read_csv(
        config.PUBLISHED_DIR / "published_figures.csv", dtype=str, keep_default_na=False
    )
    table["value_numeric"] = pd.to_numeric(table["value_numeric"].replace("", None))
    return table


@lru_cache(maxsize=1)
def guidance() -> pd.DataFrame:
    """Guidance and policy statements (paraphrased), with document, date, URL and how seen."""
    return pd.read_csv(config.PUBLISHED_DIR / "guidance.csv", dtype=str, keep_default_na=False)


def figure(figure_id: str) -> float:
    """The numeric value of one published figure by id; raises if it has no single number."""
    table = published_figures().set_index("id")
    if figure_id not in table.index:
        raise KeyError(f"no published figure with id {figure_id!r}")
    value = table.loc[figure_id, "value_numeric"]
    if pd.isna(value):
        raise ValueError(
            f"published figure {figure_id!r} is not a single number: {table.loc[figure_id, 'value']!r}"
        )
    return float(value)


def figures(
    ids: list[str],
    columns: tuple[str, ...] = (
        "id",
        "period",
        "coverage",
        "measure",
        "value",
        "unit",
        "source_publisher",
        "source_url",
    ),
) -> pd.DataFrame:
    """Selected figures in the given order, with the columns a cited table needs."""
    table = published_figures().set_index("id", drop=False)
    missing = [i for i in ids if i not in table.index]
    if missing:
        raise KeyError(f"no published figures with ids {missing}")
    return table.loc[ids, list(columns)].reset_index(drop=True)


def topic(name: str) -> pd.DataFrame:
    """All figures of one topic (e.g. 'cps_da_prosecutions'), in file order."""
    table = published_figures()
    return table[table["topic"] == name].reset_index(drop=True)


#: the pre-2015 published counts of community resolutions in domestic abuse cases, with the
#: coverage of each series (they must not be joined to each other or to the official series)
HISTORY_POINTS = (
    ("LAB14-2009", 2009, "15 forces, FOI (Labour, July 2014)"),
    ("LAB14-2013", 2013, "15 forces, FOI (Labour, July 2014)"),
    ("WJM-2014-total", 2014, "45 forces, UK excl. Scotland (Westmarland et al. 2018)"),
)


def community_resolution_history() -> pd.DataFrame:
    """The published pre-2015 points (``HISTORY_POINTS``): id, year (calendar), count (cases),
    coverage_group and source_url, from ``published_figures``."""
    table = published_figures().set_index("id")
    rows = [
        {
            "id": figure_id,
            "year": year,
            "count": float(table.loc[figure_id, "value_numeric"]),
            "coverage_group": group,
            "source_url": table.loc[figure_id, "source_url"],
        }
        for figure_id, year, group in HISTORY_POINTS
    ]
    return pd.DataFrame(rows)
