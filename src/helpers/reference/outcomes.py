"""Home Office outcome types, outcome categories and the offence lenses used for context.

Outcome types are the Home Office Counting Rules outcomes framework (0-22); the table with
labels, groups, dates and sources is ``data/reference/outcome_types.csv``. Outcome 0 ("not yet
assigned an outcome") is never an outcome: it is excluded from every denominator of assigned
outcomes.

The ONS domestic abuse tables report outcome *categories*, not types; ``CATEGORY_TYPES`` says
which types each canonical category holds, so that the Home Office open data can be put on the
same footing.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from helpers.core import config

#: outcome types that exist in the main open-data files (1a/2a/3a live only in a separate file)
VALID_OUTCOME_TYPES: frozenset[int] = frozenset(range(0, 23))
NOT_YET_ASSIGNED = 0
CHARGED_SUMMONSED = 1
COMMUNITY_RESOLUTION = 8
EVIDENTIAL_SUSPECT_NOT_IDENTIFIED_VICTIM_NOT_SUPPORTING = 14
EVIDENTIAL_VICTIM_SUPPORTS = 15
EVIDENTIAL_VICTIM_DOES_NOT_SUPPORT = 16

#: canonical outcome categories of the ONS domestic abuse outcome tables, in display order
OUTCOME_CATEGORIES: tuple[str, ...] = (
    "charged_summonsed",
    "caution",
    "community_resolution",
    "evidential_difficulties_victim_does_not_support",
    "evidential_difficulties_victim_supports",
    "no_suspect_identified",
    "other",
)
#: totals that may appear beside the categories in an ONS table (used as denominators)
TOTAL_CATEGORIES: tuple[str, ...] = ("total_outcomes", "crimes_recorded")

#: which Home Office outcome types each canonical category holds. Outcome 14 (suspect not
#: identified, victim does not support) is in the ONS "victim does not support" category with 16;
#: the open data let the two be separated, the ONS tables may not (see docs/assumptions_log.md).
CATEGORY_TYPES: dict[str, tuple[int, ...]] = {
    "charged_summonsed": (1,),
    "caution": (2, 3),
    "community_resolution": (8,),
    "evidential_difficulties_victim_does_not_support": (14, 16),
    "evidential_difficulties_victim_supports": (15,),
    "no_suspect_identified": (18,),
    "other": (4, 5, 6, 7, 9, 10, 11, 12, 13, 17, 19, 20, 21, 22),
}

CATEGORY_LABELS: dict[str, str] = {
    "charged_summonsed": "Charged or summonsed (outcome 1)",
    "caution": "Caution (outcomes 2, 3)",
    "community_resolution": "Community resolution (outcome 8)",
    "evidential_difficulties_victim_does_not_support": "Evidential difficulties, victim does not support (14, 16)",
    "evidential_difficulties_victim_supports": "Evidential difficulties, victim supports (15)",
    "no_suspect_identified": "No suspect identified (18)",
    "other": "Other outcomes",
    "total_outcomes": "All outcomes assigned",
    "crimes_recorded": "Domestic abuse-related crimes recorded",
}


@lru_cache(maxsize=1)
def outcome_types() -> pd.DataFrame:
    """The outcome-type table (types 0-22 only): outcome_type (int), label, outcome_group, introduced, notes, source."""
    table = pd.read_csv(
        config.REFERENCE_DIR / "outcome_types.csv", dtype=str, keep_default_na=False
    )
    table = table[table["outcome_type"].str.fullmatch(r"\d+")].copy()
    table["outcome_type"] = table["outcome_type"].astype(int)
    return table.reset_index(drop=True)


# --- offence lenses for the Home Office open data (no domestic-abuse flag there) ---------------

#: Lenses on the open data. Each is matched by offence code *and* by description/subgroup text,
#: and notebooks report what matched. None of them is domestic-abuse specific.
OFFENCE_LENSES: dict[str, dict[str, object]] = {
    "stalking_harassment": {
        "label": "Stalking and harassment",
        "codes": ("8L", "8Q", "8M"),
        "subgroup_pattern": r"stalking and harassment",
        "description_pattern": r"\bharass|\bstalk",
    },
    "controlling_coercive": {
        "label": "Controlling or coercive behaviour",
        "codes": ("8U",),
        "subgroup_pattern": None,
        "description_pattern": r"controlling.*coercive|coercive.*controlling",
    },
    "violence_without_injury": {
        "label": "Violence without injury",
        "codes": (),
        "subgroup_pattern": r"^violence without injury$",
        "description_pattern": None,
    },
    "violence_with_injury": {
        "label": "Violence with injury",
        "codes": (),
        "subgroup_pattern": r"^violence with injury$",
        "description_pattern": None,
    },
    "violence_against_the_person": {
        "label": "All violence against the person",
        "codes": (),
        "subgroup_pattern": None,
        "group_pattern": r"^violence against the person$",
        "description_pattern": None,
    },
}


def _norm(series: pd.Series) -> pd.Series:
    return (
        series.fillna("").astype(str).str.lower().str.replace(r"\s+", " ", regex=True).str.strip()
    )


def lens_mask(offences: pd.DataFrame, lens: str) -> pd.Series:
    """Boolean mask of the offence rows that fall in a lens (by code or by text).

    ``offences`` needs offence_code, offence_description, offence_group, offence_subgroup.
    """
    spec = OFFENCE_LENSES[lens]
    mask = pd.Series(False, index=offences.index)
    codes = {c.upper() for c in spec.get("codes", ())}  # type: ignore[union-attr]
    if codes:
        mask |= offences["offence_code"].astype(str).str.upper().isin(codes)
    for column, key in (
        ("offence_subgroup", "subgroup_pattern"),
        ("offence_description", "description_pattern"),
        ("offence_group", "group_pattern"),
    ):
        pattern = spec.get(key)
        if pattern:
            mask |= _norm(offences[column]).str.contains(str(pattern), regex=True)
    if lens == "violence_without_injury":
        # harassment, stalking and controlling behaviour sit in their own subgroup in recent
        # files; keep them out of the non-domestic comparison whatever the year's grouping
        mask &= ~lens_mask(offences, "stalking_harassment")
        mask &= ~lens_mask(offences, "controlling_coercive")
    return mask


def lens_matches(offences: pd.DataFrame) -> pd.DataFrame:
    """What each lens matched: one row per lens x offence code x description, with how it matched.

    Columns: lens, offence_code, offence_description, offence_subgroup, matched_by ('code',
    'text' or 'code and text'). Sorted, so it can be printed in a notebook as the record of
    which offences were used.
    """
    columns = ["offence_code", "offence_description", "offence_group", "offence_subgroup"]
    distinct = offences[columns].drop_duplicates().reset_index(drop=True)
    frames = []
    for lens, spec in OFFENCE_LENSES.items():
        mask = lens_mask(distinct, lens)
        if not mask.any():
            continue
        found = distinct[mask].copy()
        codes = {c.upper() for c in spec.get("codes", ())}  # type: ignore[union-attr]
        by_code = found["offence_code"].str.upper().isin(codes)
        text_patterns = [
            spec.get(k) for k in ("subgroup_pattern", "description_pattern", "group_pattern")
        ]
        by_text = pd.Series(False, index=found.index)
        for column, pattern in zip(
            ["offence_subgroup", "offence_description", "offence_group"], text_patterns, strict=True
        ):
            if pattern:
                by_text |= _norm(found[column]).str.contains(str(pattern), regex=True)
        found["matched_by"] = (
            by_code.map({True: "code", False: ""}) + by_text.map({True: " and text", False: ""})
        ).str.strip()
        found["matched_by"] = found["matched_by"].replace({"and text": "text"})
        found.insert(0, "lens", lens)
        frames.append(found)
    if not frames:
        return pd.DataFrame(columns=["lens", *columns, "matched_by"])
    result = pd.concat(frames, ignore_index=True)
    return result.sort_values(["lens", "offence_code", "offence_description"]).reset_index(
        drop=True
    )


#: breaks in the domestic abuse outcome series that a trend cannot see, with their source:
#: (first financial year affected, what changed, where it is documented)
SERIES_BREAKS: tuple[tuple[str, str, str], ...] = (
    (
        "2015/16",
        "the domestic abuse flag became a mandatory return from April 2015 and settled in during the year",
        "published figure ADR-DAflag-start (data/raw/published)",
    ),
    (
        "2019/20",
        "outcome 22 (diversionary, educational or intervention activity) in force from April 2019, voluntary until April 2021",
        "data/reference/outcome_types.csv (outcome 22)",
    ),
    (
        "2019/20",
        "Greater Manchester left out of the ONS tables (data supply after an IT change)",
        "docs/data_log.md, ONS source entry",
    ),
    (
        "2022/23",
        "Devon and Cornwall supplied no usable data after a records-system change (left out of the first ONS figures)",
        "docs/data_log.md, ONS source entry",
    ),
)


def series_breaks() -> pd.DataFrame:
    """``SERIES_BREAKS`` as a table: financial_year, change, source."""
    return pd.DataFrame(SERIES_BREAKS, columns=["financial_year", "change", "source"])
