"""One reader for ONS house-style tables by area (police force area, region, country).

``read_ons_table(path, sheet)`` turns every table of a sheet into one tidy frame, one row per
area x column. It is used directly on the ONS police force area tables and by the domestic
abuse outcomes reader (``ons_da``). The conventions it handles, and where each was seen, are
listed in ``docs/data_log.md`` (section "ONS tables"); the rules for zeros, rounding and markers
in ``docs/assumptions_log.md``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.data.readers.common import (
    LayoutError,
    column_letter,
    normalise_header,
    read_sheet_rows,
)

#: GSS shorthand valid in every ONS table (GSS guidance on symbols; official_layouts.md section 3)
STANDARD_MARKERS = frozenset(
    ["[c]", "[u]", "[x]", "[z]", "[r]", "[p]", "[b]", "[e]", "[f]", "[n]", "[w]", "[d]"]
)
#: symbols without brackets: '+' (Table P3, year ending December 2021), '-' '..' ':' '*' (older
#: ONS tables; '-' marks a base below 50 or no value, never zero), 'na' / 'n/a' (missing)
PLAIN_MARKERS = frozenset(["+", "-", "..", ":", "*", "~", "x", "na", "n/a"])
BRACKETED = re.compile(r"\[([a-z]+\d*)\]")
NOTE = re.compile(r"\s*\[\s*notes?\s*[\d,\s]*\]", flags=re.IGNORECASE)
GLUED_FOOTNOTE = re.compile(r"(?<=[A-Za-z]{2})\d+(?:\s*,\s*\d+)*(?=\)|\s|$)")
AREA_CODE = re.compile(r"^[EWKSN]\d{8}$")
UNITS = re.compile(
    r"^(numbers?|rates?( per [\d,]+( population| households?)?)?|percentages?|per ?cent|%|"
    r"thousands|proportions?|£( ?(thousands|millions))?)$",
    flags=re.IGNORECASE,
)
PERIOD_HEADING = re.compile(r"^((financial )?year( ending)?|(time )?period|reference period)$")
NAME_HEADINGS = {
    "area name",
    "name",
    "police force area",
    "police force area name",
    "force",
    "force name",
    "police force",
}
AREA_TYPES = (
    (re.compile(r"^K0[2-4]"), "national"),
    (re.compile(r"^[EWSN]92"), "country"),
    (re.compile(r"^E12"), "region"),
    (re.compile(r"^(E23|W15)"), "force"),
)
#: marker given to a force-year whose row is 0 in every category and in the total: the force
#: supplied nothing (ONS printed zeros for Devon and Cornwall, year ending March 2023)
ZERO_TOTAL_MARKER = "(zero total: not supplied)"
OUTPUT_COLUMNS = [
    "table",
    "area_code",
    "area_name",
    "area_type",
    "column",
    "value",
    "marker",
    "group",
    "unit",
    "period",
    "sheet_row",
    "sheet_column",
]


# ------------------------------------------------------------------------------------------
# cells and labels
# ------------------------------------------------------------------------------------------


def clean_label(value: object) -> str:
    """An area name or heading as printed -> clean text: ``[note N]`` removed, footnote numbers
    glued to a word removed ('ENGLAND AND WALES7,8' -> 'ENGLAND AND WALES', '(excluding fraud3)'
    -> '(excluding fraud)'), line breaks and runs of spaces to one space, trimmed. Case is kept.
    """
    text = NOTE.sub(" ", "" if value is None else str(value))
    text = re.sub(r"\s+", " ", text).strip()
    return GLUED_FOOTNOTE.sub("", text).strip()


def defined_markers(rows: list[list[object]]) -> frozenset[str]:
    """Bracketed markers a sheet defines in its own text ('[u1] indicates that rate per 1,000
    population data for City of London have been suppressed', Table P3), besides the standard
    ones. A cell defines a marker when it holds words besides the marker itself."""
    found = set()
    for row in rows:
        for cell in row:
            if not isinstance(cell, str) or "[" not in cell:
                continue
            words = BRACKETED.sub(" ", NOTE.sub(" ", cell.lower()))
            if re.search(r"[a-z]{3,}", words):
                found |= {f"[{m}]" for m in BRACKETED.findall(cell.lower())}
    return frozenset(m for m in found if not m.startswith("[note"))


def parse_cell(
    value: object, markers: frozenset[str] = STANDARD_MARKERS
) -> tuple[float | None, str | None]:
    """One ONS cell -> (number or None, marker or None).

    Numbers pass through (NaN -> None); '1,234' and '"1,234"' -> 1234; '12.5%' -> 12.5;
    '12 [u]' -> (12, '[u]'); '12*' and '1,234,567*' -> the number with marker '*'; a marker
    alone ('[x]', '[u1]' where the sheet defines it, '[r][e]', '+', '-', '..', ':', 'NA') ->
    (None, marker in lower case). Never turns a marker into 0. Raises ValueError for anything
    else, including a bracketed marker that is neither standard nor in ``markers``.
    """
    if value is None:
        return None, None
    if isinstance(value, bool):
        raise ValueError(f"value {value!r} is a boolean, neither a number nor a marker")
    if isinstance(value, int | float):
        return (None, None) if math.isnan(value) else (float(value), None)
    text = str(value).strip().strip("\"'\u201c\u201d").strip().lower()
    if text == "":
        return None, None
    tokens = [f"[{t}]" for t in BRACKETED.findall(text) if not t.startswith("note")]
    unknown = [t for t in tokens if t not in markers and t not in STANDARD_MARKERS]
    if unknown:
        raise ValueError(
            f"value {value!r} holds the marker {unknown[0]}, which the sheet does not define "
            f"(markers known here: {sorted(markers | STANDARD_MARKERS)}); look for its meaning in "
            "the publication and add it to the sheet's notes or to STANDARD_MARKERS"
        )
    marker = "".join(tokens)
    rest = NOTE.sub("", BRACKETED.sub("", text)).strip()
    if rest == "":
        return None, marker or None
    if rest in PLAIN_MARKERS:
        return None, marker + rest
    starred = re.fullmatch(r"(.*?)\s*(\*+)", rest)
    if starred:
        rest, marker = starred.group(1), marker + starred.group(2)
    try:
        return float(rest.replace(",", "").replace("%", "").strip()), marker or None
    except ValueError:
        raise ValueError(
            f"value {value!r} is neither a number nor a known marker "
            f"({', '.join(sorted(STANDARD_MARKERS | markers | PLAIN_MARKERS))})"
        ) from None


def area_type(code: str | None) -> str:
    """'K04000001' -> 'national', 'E92'/'W92' -> 'country', 'E12' -> 'region', 'E23'/'W15' ->
    'force'; no code or another code (British Transport Police, 'Unknown') -> 'other'."""
    for pattern, kind in AREA_TYPES:
        if code and pattern.match(code):
            return kind
    return "other"


def decimals_of(values: pd.Series, most: int = 6) -> int:
    """The number of decimals the published values carry (the largest over ``values``), up to
    ``most``. 12.5 -> 1; 1.24 -> 2; 12 -> 0. Missing values are ignored."""
    found = 0
    for value in pd.Series(values, dtype=float).dropna():
        places = next((d for d in range(most + 1) if abs(round(value, d) - value) < 1e-9), most)
        found = max(found, places)
    return found


def rounded_share_count_range(share_pct: float, total: float, decimals: int) -> tuple[float, float]:
    """The whole-number counts consistent with a share published as ``share_pct`` per cent
    rounded to ``decimals`` places of ``total`` items: (lowest, highest).

    The true share lies within half a unit of the last published decimal (round half up or half
    even, either way), so the count lies within ``total * (share_pct -/+ 0.5 * 10**-decimals) /
    100``, cut to whole numbers in [0, total]. (0.0, total) gives no information. Missing
    inputs give (nan, nan).
    """
    if any(pd.isna(x) for x in (share_pct, total, decimals)):
        return (math.nan, math.nan)
    half = 0.5 * 10.0 ** (-int(decimals))
    low = math.ceil(total * (share_pct - half) / 100 - 1e-9)
    high = math.floor(total * (share_pct + half) / 100 + 1e-9)
    return (float(max(low, 0)), float(min(high, total)))


def share_columns(categories) -> list[str]:
    """Names of the columns keeping each category's published share: 'published_share_<c>'."""
    return [f"published_share_{c}" for c in categories]


def rounding_tolerance(total: float, decimals: int, shares: int) -> int:
    """How far counts derived as round(share x total / 100) from ``shares`` shares published to
    ``decimals`` places can miss ``total`` in sum: each derived count differs from the true one by
    at most half a unit of the share's last decimal times the total, plus 0.5 for rounding to a
    whole number, and the true counts add up to the total. Returns the whole-number bound."""
    if pd.isna(total) or pd.isna(decimals) or shares == 0:
        return 0
    per_share = 0.5 * 10.0 ** (-int(decimals)) * float(total) / 100 + 0.5
    return int(math.floor(shares * per_share + 1e-9))


# ------------------------------------------------------------------------------------------
# locating tables
# ------------------------------------------------------------------------------------------


@dataclass
class OnsColumn:
    """A value column of a table: where it is and what its headings say."""

    index: int
    heading: str
    raw: object
    header_row: int  # 1-based sheet row of the cell the heading came from
    group: str = ""
    unit: str = ""

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass
class OnsTable:
    """One table of a sheet: its number, the text above it, its columns and its tidy values."""

    number: int
    title: str
    header_row: int
    code_col: int
    name_col: int
    period_col: int | None
    columns: list[OnsColumn] = field(default_factory=list)
    frame: pd.DataFrame = field(default_factory=pd.DataFrame)


def _text(row: list[object], col: int) -> str:
    cell = row[col] if col < len(row) else None
    return "" if cell is None else str(cell).strip()


def _is_code_label(text: str) -> bool:
    return text in {"code", "codes", "pfa code", "ons code"} or bool(
        re.search(r"\barea codes?$", text)
    )


def _first_data_row(rows: list[list[object]], start: int, code_col: int) -> int | None:
    for index in range(start + 1, min(start + 8, len(rows))):
        if AREA_CODE.match(_text(rows[index], code_col)):
            return index
    return None


def _find_anchor(rows: list[list[object]], start: int) -> tuple[int, int, int] | None:
    """(row of the area-code label, code column, first data row) of the next table at or below
    ``start``, or None."""
    for index in range(start, len(rows)):
        for col, cell in enumerate(rows[index]):
            if isinstance(cell, str) and _is_code_label(normalise_header(cell)):
                first = _first_data_row(rows, index, col)
                if first is not None:
                    return index, col, first
    return None


def _is_units_row(row: list[object], label_cols: set[int]) -> bool:
    texts = [_text(row, c) for c in range(len(row)) if c not in label_cols and _text(row, c)]
    return bool(texts) and all(UNITS.match(clean_label(t)) for t in texts)


def _is_group_row(row: list[object], label_cols: set[int]) -> bool:
    """A row above the headings with text over the value columns only (a title or note row has
    its text in the first column)."""
    return not any(_text(row, c) for c in label_cols) and any(
        _text(row, c) for c in range(len(row)) if c not in label_cols
    )


def _filled(row: list[object], width: int, skip: set[int], spacers: set[int]) -> list[str]:
    """Cells of a group or units row carried right across the columns they span (merged cells
    keep their text in the first column); an empty spacer column ends a span."""
    out, current = [], ""
    for col in range(width):
        text = clean_label(row[col]) if col < len(row) and row[col] is not None else ""
        if col in skip or col in spacers:
            current = ""
        elif text:
            current = text
        out.append(current if col not in skip else "")
    return out


def _locate(rows: list[list[object]], start: int, sheet: str) -> OnsTable | None:
    anchor = _find_anchor(rows, start)
    if anchor is None:
        return None
    label_row, code_col, first = anchor
    header = rows[label_row]
    texts = {c: normalise_header(cell) for c, cell in enumerate(header)}
    name_col = next(
        (
            c
            for c, t in texts.items()
            if c != code_col and (t in NAME_HEADINGS or t.endswith("area name"))
        ),
        code_col + 1,
    )
    period_col = next((c for c, t in texts.items() if PERIOD_HEADING.match(t)), None)
    label_cols = {code_col, name_col} | ({period_col} if period_col is not None else set())
    block = list(range(label_row, first))
    if label_row > start and _is_group_row(rows[label_row - 1], label_cols):
        block.insert(0, label_row - 1)
    units = [i for i in block if i != label_row and _is_units_row(rows[i], label_cols)]
    headings = [i for i in block if i not in units]
    table_rows = _table_rows(rows, first, code_col, name_col, label_cols)
    width = max(len(rows[i]) for i in block + table_rows)
    spacers = {
        c
        for c in range(width)
        if c not in label_cols
        and not any(_text(rows[i], c) for i in headings + units)
        and not any(_text(rows[i], c) for i in table_rows)
    }
    columns = []
    groups = {i: _filled(rows[i], width, label_cols, spacers) for i in headings[:-1]}
    unit_text = [_filled(rows[i], width, label_cols, spacers) for i in units]
    for col in range(width):
        if col in label_cols or col in spacers:
            continue
        source = next((i for i in reversed(headings) if _text(rows[i], col)), None)
        if source is None:
            raise LayoutError(
                f"sheet {sheet!r}, column {column_letter(col)}, rows {headings[0] + 1}-"
                f"{headings[-1] + 1}: values below but no heading in the heading rows. Expected "
                "a heading (or a group heading above it) over every column holding values."
            )
        group = " ".join(
            g[col] for i, g in groups.items() if i != source and g[col] and g[col] != ""
        )
        columns.append(
            OnsColumn(
                index=col,
                heading=clean_label(rows[source][col]),
                raw=rows[source][col],
                header_row=source + 1,
                group=group,
                unit=" ".join(u[col] for u in unit_text if u[col]),
            )
        )
    title_rows = rows[start : block[0]]
    title = " ".join(
        str(c).strip() for r in title_rows for c in r if c is not None and str(c).strip()
    )
    table = OnsTable(0, title, headings[-1] + 1, code_col, name_col, period_col, columns)
    table.frame = pd.DataFrame({"_rows": table_rows})
    return table


def _table_rows(
    rows: list[list[object]], first: int, code_col: int, name_col: int, label_cols: set[int]
) -> list[int]:
    """Rows from the first data row to the end of the table: the table ends at the first row
    with nothing outside the label columns (a blank row, a footnote, a source line or the title
    of the next table)."""
    out = []
    for index in range(first, len(rows)):
        row = rows[index]
        if not any(_text(row, c) for c in range(len(row)) if c not in label_cols):
            break
        out.append(index)
    return out


# ------------------------------------------------------------------------------------------
# reading
# ------------------------------------------------------------------------------------------


def _tidy(table: OnsTable, rows: list[list[object]], markers: frozenset[str], where: str):
    records = []
    for index in table.frame["_rows"]:
        row = rows[index]
        code = _text(row, table.code_col)
        name = clean_label(row[table.name_col]) if table.name_col < len(row) else ""
        if code and not AREA_CODE.match(code):  # 'Total for 36 forces' in the code column
            name, code = name or clean_label(code), ""
        period = _text(row, table.period_col) if table.period_col is not None else None
        for column in table.columns:
            cell = row[column.index] if column.index < len(row) else None
            try:
                value, marker = parse_cell(cell, markers)
            except ValueError as error:
                raise LayoutError(
                    f"{where}, column {column.letter} ({column.raw!r}), row {index + 1}: {error}"
                ) from None
            records.append(
                (
                    table.number,
                    code or None,
                    name,
                    area_type(code),
                    column.heading,
                    np.nan if value is None else value,
                    marker,
                    column.group,
                    column.unit,
                    period or None,
                    index + 1,
                    column.letter,
                )
            )
    frame = pd.DataFrame(records, columns=OUTPUT_COLUMNS)
    frame["value"] = frame["value"].astype(float)
    return frame


def parse_ons_tables(rows: list[list[object]], sheet: str, source: str = "") -> list[OnsTable]:
    """Every table of one sheet's rows (as ``read_sheet_rows`` gives them), top to bottom.

    A table starts at a heading row holding an area-code label ('Area code', 'Area Code',
    'Area Codes', 'Police Force\\nArea code') with ONS area codes below it; a group heading row
    directly above and units rows ('Numbers', 'Rate per 1,000 population') between the headings
    and the data are read too. Each :class:`OnsTable` has its title (all text above it), columns
    and ``frame`` (the tidy values, columns as :func:`read_ons_table`). Raises LayoutError naming
    the sheet, row and column for a cell that is neither a number nor a marker.
    """
    where = f"{source + ', ' if source else ''}sheet {sheet!r}"
    markers = STANDARD_MARKERS | defined_markers(rows)
    tables, start = [], 0
    while True:
        table = _locate(rows, start, sheet)
        if table is None:
            return tables
        table.number = len(tables) + 1
        row_numbers = list(table.frame["_rows"])
        table.frame = _tidy(table, rows, markers, where)
        table.frame.attrs = {"title": table.title, "markers": sorted(markers)}
        tables.append(table)
        start = (row_numbers[-1] if row_numbers else table.header_row) + 1


def read_ons_table(path: Path | str, sheet: str) -> pd.DataFrame:
    """Read every table of one sheet of an ONS house-style workbook into one tidy frame.

    Output: one row per area x value column, columns ``table`` (1, 2, ... down the sheet),
    ``area_code`` (None where the row has none, e.g. British Transport Police), ``area_name``
    (notes and glued footnote numbers removed, trimmed), ``area_type`` (national, country,
    region, force, other), ``column`` (the cleaned heading; from the group row above where the
    heading cell is empty), ``value`` (float; NaN where a marker or nothing stands), ``marker``
    (the symbol, lower case, or None), ``group`` and ``unit`` (group heading and units row over
    the column, '' when none), ``period`` (the row's time-period cell if the table has a time
    period column), ``sheet_row`` (1-based) and ``sheet_column`` (letter). ``attrs['titles']``
    holds each table's title text.

    Raises LayoutError when the sheet holds no table with an area-code heading, or when a cell
    is neither a number nor a marker (standard GSS markers, '+', '-', '..', ':', '*', 'NA', or
    one the sheet defines in its text such as '[u1]'), naming the sheet, row and column.
    Conventions and where they were seen: docs/data_log.md, "ONS tables".
    """
    path = Path(path)
    rows = read_sheet_rows(path, sheet)
    tables = parse_ons_tables(rows, sheet, path.name)
    if not tables:
        first = next((str(c) for r in rows[:5] for c in r if c not in (None, "")), "<empty>")
        raise LayoutError(
            f"{path.name}, sheet {sheet!r}: no ONS table by area found. Expected a heading row "
            "with an 'Area code' cell and ONS area codes (E23000001, K04000001, ...) below it; "
            f"the sheet starts with {first[:80]!r}."
        )
    frame = pd.concat([t.frame for t in tables], ignore_index=True)
    frame.attrs = {"sheet": sheet, "titles": {t.number: t.title for t in tables}}
    return frame
