"""Reader for the ONS tables of outcomes of domestic abuse-related crimes by police force area."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.data import schemas
from helpers.data.readers.common import (
    LayoutError,
    column_letter,
    normalise_financial_year,
    normalise_header,
    normalise_sheet_name,
    read_sheet_rows,
    sheet_names,
)

# ------------------------------------------------------------------------------------------
# ONS domestic abuse-related crime outcomes by police force area
# ------------------------------------------------------------------------------------------

PFA_CODE = re.compile(r"^(E23|W15)\d{6}$")
NATIONAL_CODE = re.compile(r"^(K04|K03|E92|W92|E12)\d{6}$")
MARKER = re.compile(r"\[[a-z]\]")
PLAIN_MARKERS = {"..", ":", "*", "-", "~", "x"}

#: ordered keyword rules: first match wins (normalised header text)
ONS_COLUMN_RULES: list[tuple[str, str]] = [
    (r"\bnot yet assigned\b", "not_yet_assigned"),
    (
        r"\bdoes not support\b|\bnot supporting\b|\bvictim does not\b",
        "evidential_difficulties_victim_does_not_support",
    ),
    (r"\bvictim supports\b|\bvictim support action\b", "evidential_difficulties_victim_supports"),
    (r"\bcharge|\bsummons", "charged_summonsed"),
    (r"\bcommunity resolution", "community_resolution"),
    (r"\bout of court informal\b", "community_resolution"),
    (r"\bcaution|\bout of court formal\b", "caution"),
    (r"\bno suspect\b|\bsuspect not identified\b", "no_suspect_identified"),
    (r"\btotal\b|\ball outcomes\b|\bnumber of outcomes\b|^outcomes assigned", "total_outcomes"),
    (
        r"\bcrimes recorded\b|\bnumber of domestic abuse related (crimes|offences)\b|\boffences recorded\b|\bcrimes\b",
        "crimes_recorded",
    ),
    (
        r"\bother\b|\bprosecution prevented\b|\bnot in the public interest\b|\btaken into consideration\b|\bdiversion|\btransferred\b",
        "other",
    ),
]
ONS_IGNORED_COLUMNS = re.compile(
    r"\brate per\b|\bper 1 ?000\b|\bchange\b|\bpopulation\b|\bregion\b|\bcountry\b"
)
ONS_SKIP_SHEETS = re.compile(r"^(cover|contents|notes?|information|about|metadata)")


def ons_column_category(header: object) -> str | None:
    """Canonical category for an ONS outcome column header, or None when no rule matches."""
    text = normalise_header(header).replace("%", " ")
    for pattern, category in ONS_COLUMN_RULES:
        if re.search(pattern, text):
            return category
    return None


def _is_code(cell: object, pattern: re.Pattern[str] = PFA_CODE) -> bool:
    return isinstance(cell, str) and bool(pattern.match(cell.strip()))


def _find_ons_header(rows: list[list[object]]) -> tuple[int, int, int] | None:
    """(header row, code column, name column) of an ONS PFA table, or None.

    The header is the first row with an 'area code' heading that has E23/W15 (or national)
    codes below it; failing that, the last non-empty row above the first row holding an
    E23/W15 code.
    """

    def has_codes_below(index: int, col: int) -> bool:
        return any(
            col < len(r) and (_is_code(r[col]) or _is_code(r[col], NATIONAL_CODE))
            for r in rows[index + 1 : index + 60]
        )

    located = None
    for index, row in enumerate(rows[:40]):
        texts = [normalise_header(c) for c in row]
        for col, text in enumerate(texts):
            if (
                "area code" in text or text in {"code", "pfa code", "area codes"}
            ) and has_codes_below(index, col):
                located = (index, col)
                break
        if located:
            break
    if located is None:
        for index, row in enumerate(rows[:80]):
            col = next((c for c, cell in enumerate(row) if _is_code(cell)), None)
            if col is None:
                continue
            above = [
                i for i in range(index - 1, -1, -1) if any(c not in (None, "") for c in rows[i])
            ]
            while above and _is_code(
                rows[above[0]][col] if col < len(rows[above[0]]) else None, NATIONAL_CODE
            ):
                above.pop(0)
            if above:
                located = (above[0], col)
            break
    if located is None:
        return None
    header_index, code_col = located
    texts = [normalise_header(c) for c in rows[header_index]]
    name_col = next(
        (
            col
            for col, text in enumerate(texts)
            if col != code_col
            and (
                "area name" in text
                or text in {"name", "police force area", "force", "force name", "police force"}
            )
        ),
        code_col + 1,
    )
    return header_index, code_col, name_col


def _ons_year(sheet: str, title_rows: list[list[object]]) -> str | None:
    texts = [sheet] + [str(c) for r in title_rows for c in r if c is not None]
    for text in texts:
        match = re.search(r"year ending march\s+(\d{4})", text, flags=re.IGNORECASE)
        if match:
            end = int(match.group(1))
            return f"{end - 1}/{end % 100:02d}"
    for text in texts:
        match = re.search(r"(?<!\d)(20\d{2})\s*(?:/|-|_| to )\s*(\d{2}|20\d{2})(?!\d)", text)
        if match:
            try:
                return normalise_financial_year(f"{match.group(1)}/{match.group(2)}")
            except ValueError:
                continue
    return None


def parse_ons_value(value: object) -> tuple[float | None, str | None]:
    """An ONS cell -> (number or None, marker or None).

    Numbers pass through; '1,234' -> 1234; '12.5%' -> 12.5; '[x]', '[z]', '[c]', '[u]' and
    combinations, '..', ':', '*', '-' -> (None, marker); '12 [u]' -> (12, '[u]'). Anything else
    raises ValueError.
    """
    if value is None:
        return None, None
    if isinstance(value, bool):
        raise ValueError(f"unexpected boolean {value!r}")
    if isinstance(value, int | float):
        return (None, None) if np.isnan(value) else (float(value), None)
    text = str(value).strip()
    if text == "":
        return None, None
    markers = "".join(MARKER.findall(text.lower()))
    rest = MARKER.sub("", text.lower()).strip()
    if rest == "":
        return None, markers or None
    if rest in PLAIN_MARKERS:
        return None, (markers + rest) if markers else rest
    number = rest.replace(",", "").replace("%", "").strip()
    try:
        return float(number), markers or None
    except ValueError:
        raise ValueError(
            f"value {value!r} is neither a number nor a known marker ([x], [z], [c], [u], '..')"
        ) from None


def _parse_ons_sheet(
    path: Path, sheet: str, rows: list[list[object]], found: list[str]
) -> pd.DataFrame | None:
    located = _find_ons_header(rows)
    if located is None:
        first = next((str(c) for r in rows[:5] for c in r if c not in (None, "")), "<empty>")
        found.append(f"sheet {sheet!r}: no police force area header (first text: {first[:60]!r})")
        return None
    header_index, code_col, name_col = located
    header = rows[header_index]
    title_rows = rows[:header_index]
    title_text = " ".join(str(c) for r in title_rows for c in r if c is not None).lower()
    categories: dict[int, str] = {}
    ignored, unknown = [], []
    year_col = None
    for col, cell in enumerate(header):
        if col in (code_col, name_col) or cell is None or str(cell).strip() == "":
            continue
        text = normalise_header(cell)
        if re.fullmatch(r"(financial )?year|period|year ending|time period", text):
            year_col = col
            continue
        if ONS_IGNORED_COLUMNS.search(text):
            ignored.append(str(cell))
            continue
        category = ons_column_category(cell)
        if category is None:
            unknown.append(f"{column_letter(col)}{header_index + 1}={cell!r}")
        else:
            categories[col] = category
    outcome_like = [
        c
        for c in categories.values()
        if c not in ("total_outcomes", "crimes_recorded", "not_yet_assigned")
    ]
    if len(outcome_like) < 2:
        found.append(
            f"sheet {sheet!r}: force table without outcome columns (headers: {[str(c) for c in header if c]})"
        )
        return None
    if unknown:
        raise LayoutError(
            f"{path.name}, sheet {sheet!r}: outcome column(s) not recognised: {unknown}. Expected "
            "headers naming charged/summonsed, caution, community resolution, evidential "
            "difficulties (victim does / does not support), no suspect identified, other, total. "
            "ONS may have changed the table; extend ONS_COLUMN_RULES once checked."
        )
    percent_table = bool(re.search(r"percentage|per cent|proportion", title_text))
    year = None if year_col is not None else _ons_year(sheet, title_rows)
    if year_col is None and year is None:
        raise LayoutError(
            f"{path.name}, sheet {sheet!r}: cannot tell which financial year the table covers: no "
            "year column and no 'year ending March YYYY' or 'YYYY/YY' in the sheet name or title rows "
            f"(title: {title_text[:120]!r})"
        )
    records = []
    for offset, row in enumerate(rows[header_index + 1 :]):
        excel_row = header_index + 2 + offset
        code = row[code_col] if code_col < len(row) else None
        if not isinstance(code, str) or not PFA_CODE.match(code.strip()):
            continue
        name = (
            str(row[name_col]).strip() if name_col < len(row) and row[name_col] is not None else ""
        )
        row_year = year
        if year_col is not None:
            try:
                row_year = normalise_financial_year(row[year_col])
            except ValueError as error:
                raise LayoutError(
                    f"{path.name}, sheet {sheet!r}, column {column_letter(year_col)}, row {excel_row}: {error}"
                ) from None
        for col, category in categories.items():
            cell = row[col] if col < len(row) else None
            try:
                value, marker = parse_ons_value(cell)
            except ValueError as error:
                raise LayoutError(
                    f"{path.name}, sheet {sheet!r}, column {column_letter(col)} ({header[col]!r}), row {excel_row}: {error}"
                ) from None
            header_text = str(header[col]).lower()
            is_percent = (
                "%" in header_text or "percent" in header_text or "proportion" in header_text
            )
            records.append((row_year, code.strip(), name, category, value, marker, is_percent, col))
    if not records:
        found.append(f"sheet {sheet!r}: header found but no E23/W15 rows below it")
        return None
    table = pd.DataFrame(
        records,
        columns=[
            "financial_year",
            "force_code",
            "force_name",
            "outcome_category",
            "value",
            "marker",
            "is_percent",
            "col",
        ],
    )
    # counts or percentages? headers first, then the title, then the numbers themselves
    outcome_rows = ~table["outcome_category"].isin(["total_outcomes", "crimes_recorded"])
    if table.loc[outcome_rows, "is_percent"].any() or percent_table:
        table["measure"] = np.where(
            outcome_rows & (table["is_percent"] | percent_table), "percent", "count"
        )
    else:
        sums = (
            table[outcome_rows & table["outcome_category"].ne("not_yet_assigned")]
            .groupby(["financial_year", "force_code"])["value"]
            .sum(min_count=1)
        )
        max_value = table.loc[outcome_rows, "value"].max()
        looks_percent = (
            bool(len(sums.dropna()))
            and max_value <= 100
            and bool(((sums.dropna() - 100).abs() <= 1.5).mean() > 0.9)
        )
        table["measure"] = np.where(outcome_rows & looks_percent, "percent", "count")
    # several columns may map to one category (e.g. two 'other' columns): add them up
    grouped = (
        table.groupby(["financial_year", "force_code", "outcome_category", "measure"], sort=True)
        .agg(
            force_name=("force_name", "first"),
            value=("value", lambda v: v.sum(min_count=1)),
            marker=(
                "marker",
                lambda m: "".join(sorted({x for x in m if isinstance(x, str) and x})) or None,
            ),
        )
        .reset_index()
    )
    grouped["source_sheet"] = sheet
    grouped.attrs = {"ignored_columns": ignored, "categories": sorted(set(categories.values()))}
    return grouped


def parse_ons_da_outcomes(path: Path) -> pd.DataFrame:
    frames, found, ignored = [], [], []
    for sheet in sheet_names(path):
        if ONS_SKIP_SHEETS.match(normalise_sheet_name(sheet)):
            continue
        rows = read_sheet_rows(path, sheet)
        parsed = _parse_ons_sheet(path, sheet, rows, found)
        if parsed is not None:
            ignored.extend(parsed.attrs.get("ignored_columns", []))
            frames.append(parsed)
    if not frames:
        raise LayoutError(
            f"{path.name}: no table of domestic abuse outcomes by police force area was found. "
            "Expected a header row with a police force area code column (E23/W15 codes below it) and "
            f"outcome columns. Found: {found or ['no sheets besides cover/contents/notes']}"
        )
    table = pd.concat(frames, ignore_index=True)
    duplicated = table.duplicated(
        ["financial_year", "force_code", "outcome_category", "measure"], keep=False
    )
    if duplicated.any():
        example = table[duplicated].head(2)
        raise LayoutError(
            f"{path.name}: the same force, year and outcome appear in more than one place "
            f"(sheets {sorted(set(example['source_sheet']))}, e.g. {example.iloc[0][['financial_year', 'force_code', 'outcome_category']].tolist()})"
        )
    table["value"] = table["value"].astype(float)
    for name in (
        "financial_year",
        "force_code",
        "force_name",
        "outcome_category",
        "measure",
        "source_sheet",
    ):
        table[name] = table[name].astype(str)
    table["marker"] = table["marker"].astype("str")
    table = table[list(schemas.ONS_DA_OUTCOMES.columns)]
    table = table.sort_values(
        ["financial_year", "force_code", "outcome_category", "measure"]
    ).reset_index(drop=True)
    table.attrs = {
        "sheets": sorted(set(table["source_sheet"])),
        "rows": len(table),
        "ignored_columns": sorted(set(ignored)),
        "skipped": found,
    }
    return table


def read_ons_da_outcomes(path: Path | str, use_cache: bool = True) -> pd.DataFrame:
    """Read an ONS table of outcomes of domestic abuse-related crimes by police force area.

    Works on any sheet holding such a table: the header row is found by label (a police force
    area code heading with E23/W15 codes below it); headers are unwrapped and stripped of
    ``[note N]``; outcome columns are mapped by keyword to the canonical categories in
    ``helpers.reference.outcomes.OUTCOME_CATEGORIES`` (plus ``total_outcomes``, ``crimes_recorded`` and
    ``not_yet_assigned``); the financial year comes from a year column or the title; values are
    classed as counts or percentages; suppression symbols become missing values with the symbol
    kept in ``marker``. Output columns: financial_year, force_code, force_name, outcome_category,
    value, measure ('count'/'percent'), marker, source_sheet.
    """
    from helpers.data.sources import SOURCES

    return SOURCES["ons_da_outcomes"].read(path, use_cache)
