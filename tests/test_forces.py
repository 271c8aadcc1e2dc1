from __future__ import annotations

import csv

import pytest

from helpers.core import config
from helpers.reference import forces


def test_43_territorial_codes():
    codes = forces.territorial_codes()
    assert len(codes) == 43
    assert codes == sorted(
        [f"E23{n:06d}" for n in range(1, 40)] + [f"W15{n:06d}" for n in range(1, 5)]
    )


def test_every_name_and_variant_in_the_reference_maps_to_its_code():
    reference = (
        list(
            csv.DictReader(
                open(config.PROJECT_ROOT.parent / "shared" / "reference" / "police_force_areas.csv")
            )
        )
        if (config.PROJECT_ROOT.parent / "shared").exists()
        else []
    )
    rows = reference or [
        r
        for r in csv.DictReader(open(config.REFERENCE_DIR / "police_force_areas.csv"))
        if r["territorial"] == "true"
    ]
    assert len(rows) == 43
    for row in rows:
        for name in [
            row["name"],
            *[v.strip() for v in row["name_variants"].split(";") if v.strip()],
        ]:
            assert forces.to_code(name) == row["code"], name


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("London, City of", "E23000034"),
        ("City of London", "E23000034"),
        ("devon and cornwall", "E23000035"),
        ("Devon & Cornwall", "E23000035"),
        ("Hampshire and Isle of Wight", "E23000030"),
        ("Dyfed Powys", "W15000004"),
        ("Metropolitan Police Service", "E23000001"),
        ("AVON & SOMERSET", "E23000036"),
        ("Gwent Constabulary", "W15000002"),
        ("British Transport Police", "NT-BTP"),
        ("Kent Police", "E23000032"),
    ],
)
def test_published_variants(name, code):
    assert forces.to_code(name) == code


def test_unknown_name_raises_with_closest_candidates():
    with pytest.raises(
        forces.UnknownForceError,
        match=r"unknown police force name 'Devon and Cornwal'; closest known names: 'Devon & Cornwall' \(E23000035\)",
    ):
        forces.to_code("Devon and Cornwal")


def test_non_territorial_bodies():
    assert not forces.is_territorial(forces.to_code("Action Fraud"))
    assert forces.is_territorial("E23000001")


def test_grid_has_every_force_once():
    grid = forces.force_grid()
    assert sorted(grid["code"]) == forces.territorial_codes()
    assert not grid.duplicated(["row", "col"]).any()
    assert set(grid.loc[grid["country"] == "Wales", "code"]) == {
        "W15000001",
        "W15000002",
        "W15000003",
        "W15000004",
    }
