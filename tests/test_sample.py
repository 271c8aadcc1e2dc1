"""The synthetic sample regenerates identically and keeps the official layouts' quirks."""

from __future__ import annotations

import pandas as pd

from helpers.core import config
from helpers.data import readers, sample
from helpers.reference import published


def cells(value):
    """A generated cell as a workbook reader gives it back: numbers as floats, text as text, an
    empty cell as ''."""
    if value is None:
        return ""
    return float(value) if isinstance(value, int) else value


def workbook_cells(path) -> dict[str, list[list[object]]]:
    """Every sheet's cells as written in the file (python-calamine), trailing empty rows and
    columns trimmed as a workbook stores them."""
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    return {name: workbook.get_sheet_by_name(name).to_python() for name in workbook.sheet_names}


def generated_cells(sheets) -> dict[str, list[list[object]]]:
    """``sample``'s sheets with each row padded to its sheet's width and cells as read back."""
    out = {}
    for name, rows in sheets.items():
        width = max(len(row) for row in rows)
        out[name] = [[cells(v) for v in row] + [""] * (width - len(row)) for row in rows]
    return out


def test_regenerating_gives_the_same_cells_as_the_committed_files():
    """The seeded code regenerates every committed sample workbook cell for cell (values and
    types as stored; sheets in order), and the calibration targets byte for byte."""
    generated = {
        **sample.open_data_sample_sheets(),
        sample.ONS_SAMPLE_FILE: sample.ons_sample_sheets(),
    }
    committed = sorted(config.SAMPLE_DIR.rglob("*.xlsx"))
    assert sorted(generated) == [p.relative_to(config.SAMPLE_DIR).as_posix() for p in committed]
    for path in committed:
        name = path.relative_to(config.SAMPLE_DIR).as_posix()
        stored = workbook_cells(path)
        fresh = generated_cells(generated[name])
        assert list(stored) == list(fresh), name  # the same sheets in the same order
        for sheet in stored:
            assert stored[sheet] == fresh[sheet], f"{name}, sheet {sheet}"
    assert (
        sample.calibration_table().to_csv(index=False, lineterminator="\n")
        == (config.SAMPLE_DIR / "calibration_targets.csv").read_text()
    )


def test_written_workbook_holds_the_cells_given_and_reads_as_the_committed_file(tmp_path):
    """``write_workbook`` writes exactly the cells it is given (the first 400 rows of a year's
    data sheet and the other sheets whole), and the ONS-style workbook written afresh parses to
    the committed file's table."""
    name, sheets = next(iter(sample.open_data_sample_sheets().items()))
    part = {sheet: rows[:400] for sheet, rows in sheets.items()}
    written = sample.write_workbook(tmp_path / "part.xlsx", part)
    assert workbook_cells(written) == generated_cells(part)
    fresh = sample.write_ons_sample(tmp_path)
    pd.testing.assert_frame_equal(
        readers.read_ons_da_outcomes(config.SAMPLE_DIR / sample.ONS_SAMPLE_FILE, use_cache=False),
        readers.read_ons_da_outcomes(fresh, use_cache=False),
    )


def test_sample_is_small_and_marked():
    files = list(config.SAMPLE_DIR.rglob("*.xlsx"))
    assert sum(f.stat().st_size for f in files) < 8_000_000
    assert all("SAMPLE" in f.name for f in files)
    assert "not real data" in (config.SAMPLE_DIR / "README.md").read_text()


def test_sample_quirks_present():
    frames = [
        readers.read_outcomes_open_data(p, use_cache=False)
        for p in sorted((config.SAMPLE_DIR / "ho_outcomes_open_data").glob("*.xlsx"))
    ]
    data = pd.concat(frames)
    assert data["not_provided"].any()
    assert data["offence_code_expired"].any()
    assert (data["outcomes_recorded"] < 0).any()
    assert "London, City of" in set(data["force_name"])
    assert {"Devon & Cornwall", "Devon and Cornwall", "Hampshire and Isle of Wight"} <= set(
        data["force_name"]
    )
    gmp = data[(data["force_code"] == "E23000005") & (data["financial_year"] == "2019/20")]
    assert sorted(gmp["quarter"].unique()) == [1, 2]  # a force missing quarters
    sheets = {f.attrs["sheet"] for f in frames}
    assert sheets == {
        "Outcomes_open_data_2019_20",
        "Outcomes_open_data_2023_24",
        "Outcomes open data 2024_25",
    }


def test_calibrated_to_published_national_volumes():
    ons = readers.read_ons_da_outcomes(
        config.SAMPLE_DIR / "ons_da_outcomes" / "domestic-abuse-outcomes-by-pfa-SAMPLE.xlsx",
        use_cache=False,
    )
    crimes = (
        ons[ons["outcome_category"] == "crimes_recorded"].groupby("financial_year")["value"].sum()
    )
    assert crimes["2017/18"] == published.figure("ONS18-crimes")
    assert crimes["2019/20"] == published.figure("ONS20-crimes")  # the 42 forces ONS kept
