"""Police force areas: codes, names, name variants and the tile-map grid.

The lookup is ``data/reference/police_force_areas.csv``: the 43 territorial police force areas
of England and Wales with their ONS codes (E23000001-E23000039, W15000001-W15000004), plus the
non-territorial bodies that appear in Home Office files (British Transport Police, Action Fraud,
CIFAS, UK Finance) under project codes starting ``NT-`` with ``territorial = False``.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

import pandas as pd

from helpers.core import config

#: number of territorial police force areas in England and Wales
N_TERRITORIAL_FORCES = 43


class UnknownForceError(KeyError):
    """A force name that matches no police force area or known variant."""

    def __str__(self) -> str:  # KeyError quotes its message; show it plainly
        return str(self.args[0])


def normalise_force_name(name: str) -> str:
    """Canonical matching key for a force name.

    Lower case; '&' read as 'and'; punctuation dropped; a trailing 'police', 'constabulary' or
    'police service' dropped; 'London, City of' and 'City of London' both become
    'city of london'.
    """
    text = str(name).strip().lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    if text in {"london city of", "london city of police"}:
        text = "city of london"
    text = re.sub(r"\s+(police service|police force|police|constabulary)$", "", text)
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=1)
def force_table() -> pd.DataFrame:
    """The force lookup: code, name, country, territorial (bool), name_variants, evidence_note."""
    table = pd.read_csv(
        config.REFERENCE_DIR / "police_force_areas.csv",
        dtype={"code": str, "name": str, "country": str, "name_variants": str, "territorial": str},
        keep_default_na=False,
    )
    table["territorial"] = table["territorial"].str.lower().eq("true")
    return table


@lru_cache(maxsize=1)
def _alias_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for row in force_table().itertuples(index=False):
        names = [row.name, *[v.strip() for v in row.name_variants.split(";") if v.strip()]]
        for variant in names:
            key = normalise_force_name(variant)
            if key in index and index[key] != row.code:
                raise ValueError(f"force name variant {variant!r} maps to two codes")
            index[key] = row.code
    return index


def to_code(name: str) -> str:
    """ONS police force area code for a published force name (any known variant).

    Non-territorial bodies get their ``NT-`` project code. Raises ``UnknownForceError`` naming
    the closest known names when the name matches nothing.

    >>> to_code("London, City of")
    'E23000034'
    >>> to_code("Devon and Cornwall")
    'E23000035'
    """
    key = normalise_force_name(name)
    index = _alias_index()
    if key in index:
        return index[key]
    candidates = difflib.get_close_matches(key, list(index), n=3, cutoff=0.5)
    names = force_table().set_index("code")["name"]
    suggestions = ", ".join(f"{names[index[c]]!r} ({index[c]})" for c in candidates) or "none"
    raise UnknownForceError(
        f"unknown police force name {name!r}; closest known names: {suggestions}. "
        "If this is a new spelling, add it to name_variants in data/reference/police_force_areas.csv."
    )


def codes_for(names: pd.Series) -> pd.Series:
    """Vectorised ``to_code`` for a column of names (each distinct name is looked up once)."""
    mapping = {name: to_code(name) for name in pd.unique(names.dropna())}
    return names.map(mapping)


def territorial_codes() -> list[str]:
    """The 43 ONS police force area codes, sorted."""
    table = force_table()
    return sorted(table.loc[table["territorial"], "code"])


def is_territorial(code: str) -> bool:
    """True for the 43 police force areas, False for BTP and the national fraud bodies."""
    return not str(code).startswith("NT-")


def force_names() -> pd.Series:
    """Canonical (ONS-style) name for each code, indexed by code."""
    return force_table().set_index("code")["name"]


def country_of() -> pd.Series:
    """'England' or 'Wales' for each code, indexed by code."""
    return force_table().set_index("code")["country"]


@lru_cache(maxsize=1)
def force_grid() -> pd.DataFrame:
    """Tile-map positions of the 43 force areas: code, name, label (short), row, col, country.

    Row 0 is the north; column 0 the west. Positions are designed so that neighbouring forces
    stay roughly neighbours; Wales is the four westernmost tiles of its rows.
    """
    grid = pd.read_csv(config.REFERENCE_DIR / "force_grid.csv", dtype={"code": str})
    return grid.merge(force_table()[["code", "country"]], on="code", how="left", validate="1:1")


def slug(code: str) -> str:
    """A readable, stable file name for a force's pages: 'E23000032' (Kent) -> 'kent',
    'Devon & Cornwall' -> 'devon-and-cornwall', 'London, City of' -> 'london-city-of'. Raises
    KeyError for a code that is not one of the 43."""
    name = str(force_names()[code]).lower().replace("&", " and ")
    return re.sub(r"[^a-z0-9]+", "-", name).strip("-")
