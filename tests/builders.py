"""Small workbooks in the official layouts, built by the tests themselves."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook

OPEN_DATA_HEADER = [
    "Financial Year",
    "Financial Quarter",
    "Force Name",
    "Offence Code",
    "Offence Description",
    "Offence Group",
    "Offence Subgroup",
    "Offence code expired",
    "Outcome Type",
    "Outcome Description",
    "Outcome Group",
    "Outcomes for offences that were recorded in the quarter",
    "Outcomes for investigations closed in the quarter",
]


def open_data_row(
    year="2024/25",
    quarter=1,
    force="Kent",
    code="8L",
    description="Harassment",
    group="Violence against the person",
    subgroup="Stalking and harassment",
    expired=None,
    outcome=16,
    recorded=5,
    closed=4,
):
    return [
        year,
        quarter,
        force,
        code,
        description,
        group,
        subgroup,
        expired,
        outcome,
        "label",
        "group",
        recorded,
        closed,
    ]


def write_open_data(
    path: Path,
    rows: list[list],
    header: list | None = None,
    sheet: str = "Outcomes open data 2024_25",
    rows_above: list[list] | None = None,
    sheets_before: tuple[str, ...] = ("Cover_sheet", "Notes", "Pivot"),
) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name in sheets_before:
        extra = workbook.create_sheet(name)
        extra.append([f"{name} text"])
        if name == "Pivot":
            extra.append(OPEN_DATA_HEADER)  # a pivot is not the data sheet, even with headers
    data = workbook.create_sheet(sheet)
    for row in rows_above or []:
        data.append(row)
    data.append(header or OPEN_DATA_HEADER)
    for row in rows:
        data.append(row)
    workbook.save(path)
    return path


ONS_HEADER = [
    "Police Force\nArea code",
    "Police Force\nArea name",
    "Charged/summonsed [note 2]",
    "Caution",
    "Community resolution [note 3]",
    "Evidential difficulties: suspect identified; victim supports action",
    "Evidential difficulties: suspect identified; victim does not support action",
    "Investigation complete: no suspect identified",
    "Other outcomes",
    "Total outcomes assigned",
]


def write_ons(
    path: Path,
    tables: dict[str, list[list]],
    header: list | None = None,
    title: str = "Outcomes of domestic abuse-related crimes by police force area, England and Wales, year ending March {year} [note 1]",
    years: dict[str, int] | None = None,
) -> Path:
    """One sheet per table; each gets a title row, a note row and the header, then its rows."""
    workbook = Workbook()
    workbook.active.title = "Cover"
    workbook.active.append(["Domestic abuse tables"])
    notes = workbook.create_sheet("Notes")
    notes.append(["Note number", "Note text"])
    for sheet, rows in tables.items():
        ws = workbook.create_sheet(sheet)
        ws.append([title.format(year=(years or {}).get(sheet, 2024))])
        ws.append(["This worksheet contains one table."])
        ws.append(header or ONS_HEADER)
        for row in rows:
            ws.append(row)
    workbook.save(path)
    return path


def ons_row(code="E23000032", name="Kent", values=(10, 2, 1, 20, 55, 3, 14)):
    values = list(values)
    return [code, name, *values, sum(v for v in values if isinstance(v, int | float))]


def snapshot(folder: Path) -> dict[str, tuple[int, float, bytes]]:
    """Every file below a folder with its size, mtime and content (to prove nothing changed)."""
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def lens_table(counts: dict[tuple[str, str], tuple[int, int]], year="2024/25") -> pd.DataFrame:
    """Open-data lens rows (the processed ``open_data_lens`` table's columns):
    ``counts[(force code, lens)] = (community resolutions, other outcomes)``, as outcome types 8
    and 1, closed and recorded alike."""
    rows = []
    for (code, lens), (cr, rest) in counts.items():
        for outcome_type, value in ((8, cr), (1, rest)):
            rows.append(
                {
                    "financial_year": year,
                    "force_code": code,
                    "lens": lens,
                    "outcome_type": outcome_type,
                    "outcomes_closed": value,
                    "outcomes_recorded": value,
                }
            )
    return pd.DataFrame(rows)


def tiny_notebook(path, body: str) -> None:
    """A notebook with a title cell, a papermill parameters cell (``DATA = "sample"``) and one
    code cell ``body``, for the reproduce runner's tests (a kernel start costs seconds)."""
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    notebook.metadata["language_info"] = {"name": "python"}
    parameters = nbformat.v4.new_code_cell('DATA = "sample"')
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells = [
        nbformat.v4.new_markdown_cell(f"# {path.stem} title\n\nText."),
        parameters,
        nbformat.v4.new_code_cell(body),
    ]
    nbformat.write(notebook, str(path))
