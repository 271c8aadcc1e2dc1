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
    """Selected figures in the given order (an id given twice is shown once), with the columns a
    cited table needs."""
    ids = list(dict.fromkeys(ids))
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
#: coverage and what each counts (the series must not be joined to each other or to the
#: official series; the 2014 study counts community resolutions *and* restorative justice)
FOI_15_FORCES = "community resolutions: 15 forces, FOI (Labour, July 2014)"
HISTORY_POINTS = (
    ("LAB14-2009", 2009, FOI_15_FORCES),
    ("LAB14-2013", 2013, FOI_15_FORCES),
    (
        "WJM-2014-total",
        2014,
        "community resolutions + restorative justice: 45 forces, UK excl. Scotland "
        "(Westmarland et al. 2018)",
    ),
)
#: implied values: (year, group, id of a published total, id of the published part subtracted)
IMPLIED_POINTS = ((2012, FOI_15_FORCES, "LAB14-2012+2013", "LAB14-2013"),)


def community_resolution_history(implied: bool = False) -> pd.DataFrame:
    """The published pre-2015 points (``HISTORY_POINTS``): id, year (calendar), count (cases),
    coverage_group (what is counted, where and by whom), source_url, ``derived`` (False) and
    ``derivation`` (empty), from ``published_figures``.

    With ``implied=True`` it adds the 2012 count implied by the same FOI release: the
    published 2012 and 2013 total (``LAB14-2012+2013``, 6,861) minus the published 2013 count
    (``LAB14-2013``, 3,305) = 3,556, so 2012 was higher than 2013 and a line from 2009 to 2013
    would hide that. That row has ``derived`` True, the id of the total it comes from, the
    total's source URL and ``derivation`` in words (saying it is implied, not published). Nothing is estimated: it is subtraction of
    two published figures of the same 15 forces. Rows are sorted by year. The history figure
    (notebook 02) should use ``community_resolution_history(implied=True)`` with
    ``figures.published_points_plot``, which draws the derived point hollow and lists its
    derivation under the chart.
    """
    table = published_figures().set_index("id")
    rows = [
        {
            "id": figure_id,
            "year": year,
            "count": float(table.loc[figure_id, "value_numeric"]),
            "coverage_group": group,
            "source_url": table.loc[figure_id, "source_url"],
            "derived": False,
            "derivation": "",
        }
        for figure_id, year, group in HISTORY_POINTS
    ]
    if implied:
        for year, group, total_id, part_id in IMPLIED_POINTS:
            total, part = figure(total_id), figure(part_id)
            rows.append(
                {
                    "id": total_id,
                    "year": year,
                    "count": total - part,
                    "coverage_group": group,
                    "source_url": table.loc[total_id, "source_url"],
                    "derived": True,
                    "derivation": (
                        f"{year} is implied, not published: the published {total_id} "
                        f"({total:,.0f}) minus the published {part_id} ({part:,.0f}) = "
                        f"{total - part:,.0f}"
                    ),
                }
            )
    return pd.DataFrame(rows).sort_values(["year", "id"], kind="stable").reset_index(drop=True)
