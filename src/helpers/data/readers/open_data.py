"""Reader for the Home Office police recorded crime outcomes open data (one xlsx per financial year)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.data import schemas
from helpers.data.readers.common import (
    LayoutError,
    code_text,
    column_letter,
    normalise_financial_year,
    normalise_header,
    normalise_sheet_name,
    parse_counts,
    parse_quarter,
    parse_unique,
    read_sheet_rows,
    sheet_names,
)
from helpers.reference import forces
from helpers.reference.outcomes import VALID_OUTCOME_TYPES

# ------------------------------------------------------------------------------------------
# Home Office outcomes open data
# ------------------------------------------------------------------------------------------

#: normalised header -> canonical column (every spelling seen across the 12 years, plus
#: harmless variants in case and wording)
OPEN_DATA_HEADER_SYNONYMS: dict[str, str] = {
    "financial year": "financial_year",
    "financial quarter": "quarter",
    "quarter": "quarter",
    "force name": "force_name",
    "force": "force_name",
    "offence code": "offence_code",
    "offence description": "offence_description",
    "offence group": "offence_group",
    "offence subgroup": "offence_subgroup",
    "offence sub group": "offence_subgroup",
    "offence code expired": "offence_code_expired",
    "outcome type": "outcome_type",
    "outcome description": "outcome_description",
    "outcome group": "outcome_group",
    "number of outcomes for offences that were recorded in the quarter": "outcomes_recorded",
    "outcomes for offences that were recorded in the quarter": "outcomes_recorded",
    "outcomes recorded in the quarter": "outcomes_recorded",
    "number of outcomes recorded in quarter": "outcomes_recorded",
    "outcomes for offences recorded in the quarter": "outcomes_recorded",
    "number of outcomes for offences recorded in the quarter": "outcomes_recorded",
    "number of outcomes for investigations that were closed in the quarter": "outcomes_closed",
    "outcomes for investigations that were closed in the quarter": "outcomes_closed",
    "outcomes for investigations closed in the quarter": "outcomes_closed",
    "outcomes closed in the quarter": "outcomes_closed",
    "number of outcomes closed in quarter": "outcomes_closed",
    "number of outcomes for investigations closed in the quarter": "outcomes_closed",
    # older CSV/ODS releases (issue 15): outcomes for offences recorded in the quarter is the
    # recorded basis; outcomes recorded (assigned) in the quarter, whatever the offence date, is
    # the closed basis. docs/assumptions_log.md, "Official files and discovery".
    "force outcomes for offences recorded in quarter": "outcomes_recorded",
    "force outcomes for offences recorded in the quarter": "outcomes_recorded",
    "force outcomes recorded in quarter": "outcomes_closed",
    "force outcomes recorded in the quarter": "outcomes_closed",
}
OPEN_DATA_REQUIRED = ("financial_year", "quarter", "force_name", "offence_code", "outcome_type")
OPEN_DATA_SKIP_SHEETS = {"coversheet", "notes", "notes_", "pivot", "contents"}
OPEN_DATA_COLUMNS = list(schemas.OUTCOMES_OPEN_DATA_COLUMNS)


def _map_open_data_header(row: list[object]) -> tuple[dict[int, str], list[tuple[int, object]]]:
    mapped, unknown = {}, []
    for index, cell in enumerate(row):
        if cell is None or str(cell).strip() == "":
            continue
        canonical = OPEN_DATA_HEADER_SYNONYMS.get(normalise_header(cell))
        if canonical is None:
            unknown.append((index, cell))
        else:
            mapped[index] = canonical
    return mapped, unknown


def _is_open_data_header(row: list[object]) -> bool:
    mapped, _ = _map_open_data_header(row)
    found = set(mapped.values())
    return set(OPEN_DATA_REQUIRED) <= found and bool(
        {"outcomes_recorded", "outcomes_closed"} & found
    )


def find_open_data_sheet(path: Path | str) -> str:
    """The data sheet of an outcomes open-data workbook: by normalised name ('outcomesopendata'),
    else the first sheet (not Cover_sheet, Notes or Pivot) whose first row maps every required
    header. Raises LayoutError listing the sheets found."""
    names = sheet_names(path)
    by_name = [n for n in names if "outcomesopendata" in normalise_sheet_name(n)]
    if len(by_name) == 1:
        return by_name[0]
    if len(by_name) > 1:
        raise LayoutError(
            f"{Path(path).name}: more than one sheet looks like the outcomes data: {by_name}; "
            "expected exactly one sheet named like 'Outcomes open data YYYY_YY'"
        )
    for name in names:
        if normalise_sheet_name(name) in OPEN_DATA_SKIP_SHEETS:
            continue
        rows = read_sheet_rows(path, name, nrows=1)
        if rows and _is_open_data_header(rows[0]):
            return name
    raise LayoutError(
        f"{Path(path).name}: no sheet named like 'Outcomes open data YYYY_YY' and no sheet whose "
        f"first row holds the outcome headers; sheets found: {names}. The Home Office may have "
        "changed the layout."
    )


def _locate_header(
    path: Path, sheet: str, rows: list[list[object]], allow_moved_header: bool
) -> int:
    if rows and _is_open_data_header(rows[0]):
        return 0
    for index, row in enumerate(rows[:15]):
        if _is_open_data_header(row):
            if allow_moved_header:
                return index
            raise LayoutError(
                f"{path.name}, sheet {sheet!r}: the header is expected on row 1 but was found on "
                f"row {index + 1} (rows above it: {[r[:3] for r in rows[:index]]}). The layout has "
                "changed; check the file, then read it with allow_moved_header=True."
            )
    first = rows[0] if rows else []
    mapped, unknown = _map_open_data_header(first)
    missing = [c for c in OPEN_DATA_REQUIRED if c not in mapped.values()]
    if not {"outcomes_recorded", "outcomes_closed"} & set(mapped.values()):
        missing.append("outcomes_recorded or outcomes_closed")
    raise LayoutError(
        f"{path.name}, sheet {sheet!r}: row 1 is not the outcomes header. Missing: {missing}; "
        f"unrecognised cells: {[f'{column_letter(i)}1={v!r}' for i, v in unknown]}; "
        f"expected headers like {sorted(set(OPEN_DATA_HEADER_SYNONYMS))[:6]}... "
        "The Home Office may have changed the layout."
    )


def _parse_outcome_type(value: object) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if not re.fullmatch(r"\d+", text) or int(text) not in VALID_OUTCOME_TYPES:
        raise ValueError(
            f"unknown outcome type {value!r} (expected an integer 0-22; subset types 1a/2a/3a "
            "belong to the alternate-offences file and must not be read here)"
        )
    return int(text)


def _parse_expired(value: object) -> bool:
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return False
    if isinstance(value, str) and value.strip().lower() == "x":
        return True
    raise ValueError(f"offence-code-expired flag {value!r} is neither blank nor 'x'")


KEY = ["financial_year", "quarter", "force_code", "offence_code", "outcome_type"]
COUNT_COLUMNS = ["outcomes_recorded", "outcomes_closed"]


def _rows_text(excel_rows: np.ndarray, positions: np.ndarray, limit: int = 8) -> str:
    shown = [int(excel_rows[p]) for p in positions[:limit]]
    more = f" and {len(positions) - limit} more" if len(positions) > limit else ""
    return f"rows {shown}{more}"


def _key_text(frame: pd.DataFrame, position: int) -> list[object]:
    return [v.item() if hasattr(v, "item") else v for v in frame.iloc[position][KEY]]


def _resolve_repeated_keys(
    frame: pd.DataFrame, excel_rows: np.ndarray, where: str, strict: bool
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Rows that repeat a key (year, quarter, force, offence code, outcome type).

    Exact duplicates (every parsed column equal) are dropped, keeping the first, with a warning
    naming the rows. Rows repeating a key with different counts are summed (missing stays
    missing when every part is missing; ``not_provided`` if any part was) with a warning, or
    raise ``LayoutError`` naming the rows when ``strict``. Returns the frame and the numbers of
    rows dropped and summed (for ``attrs``). Rule: the Home Office tables are a dense
    cross-product with one row per key (docs/data_log.md); a repeat is a publishing slip,
    counted once.
    """
    counts = {"duplicate_rows_dropped": 0, "repeated_key_rows_summed": 0}
    repeated = frame.duplicated(KEY, keep=False).to_numpy()
    if not repeated.any():
        return frame, counts
    exact = frame.duplicated(keep="first").to_numpy()
    if exact.any():
        positions = np.flatnonzero(exact)
        first = _key_text(frame, positions[0])
        warnings.warn(
            f"{where}: {len(positions)} row(s) exactly repeat an earlier row and were dropped "
            f"(counted once): {_rows_text(excel_rows, positions)}; first key {first}",
            UserWarning,
            stacklevel=3,
        )
        counts["duplicate_rows_dropped"] = len(positions)
        keep = ~exact
        frame = frame[keep].reset_index(drop=True)
        excel_rows = excel_rows[keep]
        repeated = frame.duplicated(KEY, keep=False).to_numpy()
    if not repeated.any():
        return frame, counts
    positions = np.flatnonzero(repeated)
    first = _key_text(frame, positions[0])
    message = (
        f"{where}: {len(positions)} rows repeat a key (year, quarter, force, offence code, "
        f"outcome type) with different counts: {_rows_text(excel_rows, positions)}; first key "
        f"{first}"
    )
    if strict:
        raise LayoutError(
            f"{message}. Expected one row per key. Counting them twice would inflate totals: "
            "check the file, or read it with strict=False to sum them with a warning."
        )
    warnings.warn(f"{message}. They were summed.", UserWarning, stacklevel=3)
    counts["repeated_key_rows_summed"] = len(positions)
    order = frame.index.to_series()
    aggregations = {
        name: ("first" if name not in COUNT_COLUMNS else (lambda v: v.sum(min_count=1)))
        for name in frame.columns
        if name not in KEY
    }
    aggregations["not_provided"] = "any"
    summed = (
        frame.assign(_order=order)
        .groupby(KEY, sort=False, dropna=False)
        .agg({**aggregations, "_order": "min"})
        .reset_index()
        .sort_values("_order")
        .drop(columns="_order")
        .reset_index(drop=True)
    )
    for name in COUNT_COLUMNS:
        summed[name] = summed[name].astype("Int64")
    return summed[list(frame.columns)], counts


def parse_outcomes_open_data(
    path: Path, allow_moved_header: bool = False, strict: bool = False
) -> pd.DataFrame:
    """Parse one outcomes open-data file (xlsx, or an older ODS/CSV release) into the columns of
    ``schemas.OUTCOMES_OPEN_DATA`` (see ``read_outcomes_open_data``). Raises ``LayoutError``
    naming sheet, column, row and value for anything not in the known layout."""
    sheet = find_open_data_sheet(path)
    rows = read_sheet_rows(path, sheet)
    header_index = _locate_header(path, sheet, rows, allow_moved_header)
    header = rows[header_index]
    mapped, unknown = _map_open_data_header(header)
    if unknown:
        cells = ", ".join(f"column {column_letter(i)} = {v!r}" for i, v in unknown)
        raise LayoutError(
            f"{path.name}, sheet {sheet!r}: unknown header(s): {cells}. Known headers (normalised): "
            f"{sorted(OPEN_DATA_HEADER_SYNONYMS)}. The Home Office may have changed the layout; "
            "add the new wording to OPEN_DATA_HEADER_SYNONYMS once checked."
        )
    seen: dict[str, int] = {}
    for index, canonical in mapped.items():
        if canonical in seen:
            raise LayoutError(
                f"{path.name}, sheet {sheet!r}: columns {column_letter(seen[canonical])} and "
                f"{column_letter(index)} both map to {canonical!r}"
            )
        seen[canonical] = index
    body = rows[header_index + 1 :]
    while body and all(cell is None or cell == "" for cell in body[-1]):
        body.pop()
    width = len(header)
    # one object matrix (calamine gives rectangular rows; pad if a file does not)
    if not body:
        matrix = np.empty((0, width), dtype=object)
    elif all(len(r) == width for r in body):
        matrix = np.array(body, dtype=object)
    else:
        matrix = np.array([(r + [None] * (width - len(r)))[:width] for r in body], dtype=object)
    columns = [matrix[:, i] for i in range(width)]
    excel_rows = np.arange(header_index + 2, header_index + 2 + len(body))

    def column(canonical: str) -> pd.Series:
        if canonical not in seen:
            return pd.Series([None] * len(body), dtype=object)
        return pd.Series(columns[seen[canonical]], dtype=object)

    def where(canonical: str) -> str:
        index = seen.get(canonical, -1)
        return f"{path.name}, sheet {sheet!r}, column {column_letter(index)} ({header[index]!r})"

    frame = pd.DataFrame(index=range(len(body)))
    frame["financial_year"] = parse_unique(
        column("financial_year"), normalise_financial_year, where("financial_year"), excel_rows
    )
    frame["quarter"] = parse_unique(
        column("quarter"), parse_quarter, where("quarter"), excel_rows
    ).astype("int8")
    frame["force_name"] = column("force_name").astype(str).str.strip()
    try:
        frame["force_code"] = forces.codes_for(frame["force_name"])
    except forces.UnknownForceError as error:
        bad = str(error).split("'")[1] if "'" in str(error) else ""
        position = (
            int(np.flatnonzero((frame["force_name"] == bad).to_numpy())[0])
            if bad in set(frame["force_name"])
            else 0
        )
        raise LayoutError(f"{where('force_name')}, row {excel_rows[position]}: {error}") from None
    frame["territorial"] = ~frame["force_code"].str.startswith("NT-")
    codes = column("offence_code")
    frame["offence_code"] = codes.map({value: code_text(value) for value in pd.unique(codes)})
    for name in ("offence_description", "offence_group", "offence_subgroup", "outcome_group"):
        values = column(name)
        frame[name] = values.where(values.isna(), values.astype(str).str.strip())
    frame["offence_code_expired"] = parse_unique(
        column("offence_code_expired"), _parse_expired, where("offence_code_expired"), excel_rows
    ).astype(bool)
    frame["outcome_type"] = parse_unique(
        column("outcome_type"), _parse_outcome_type, where("outcome_type"), excel_rows
    ).astype("int8")
    not_provided = np.zeros(len(body), dtype=bool)
    for name in ("outcomes_recorded", "outcomes_closed"):
        if name in seen:
            counts, flagged = parse_counts(column(name), where(name), excel_rows)
            frame[name] = counts
            not_provided |= flagged
        else:
            frame[name] = pd.array([pd.NA] * len(body), dtype="Int64")
    frame["not_provided"] = not_provided
    empty_codes = frame["offence_code"].eq("")
    if empty_codes.any():
        position = int(np.flatnonzero(empty_codes.to_numpy())[0])
        raise LayoutError(
            f"{where('offence_code')}, row {excel_rows[position]}: empty offence code"
        )
    frame, duplicates = _resolve_repeated_keys(
        frame, excel_rows, f"{path.name}, sheet {sheet!r}", strict
    )
    for name in ("force_name", "offence_code", "financial_year"):
        frame[name] = frame[name].astype(str)
    for name in ("offence_description", "offence_group", "offence_subgroup", "outcome_group"):
        frame[name] = frame[name].astype("str")
    frame = frame[OPEN_DATA_COLUMNS]
    frame.attrs = {
        "sheet": sheet,
        "header_row": header_index + 1,
        "rows": len(frame),
        **duplicates,
    }
    return frame


def read_outcomes_open_data(
    path: Path | str, use_cache: bool = True, allow_moved_header: bool = False, strict: bool = False
) -> pd.DataFrame:
    """Read one Home Office outcomes open-data workbook into the tidy table.

    Returns one row per financial year x quarter x force x offence code x outcome type with the
    columns of ``schemas.OUTCOMES_OPEN_DATA``. Counts are nullable integers (missing where the
    file says N/A, NA or "data not provided"; ``not_provided`` flags the last, which is *not*
    zero); negative corrections are kept; ``'1,234'`` reads as 1234. Exact duplicate rows are
    dropped and rows repeating a key with different counts summed, each with a warning naming
    the rows; ``strict=True`` makes the latter a ``LayoutError`` (and bypasses the cache, so the
    check always runs). ``attrs`` holds the file name, sha256, sheet, header row, row count and
    the numbers of rows dropped / summed. Cached as parquet keyed by the file's sha256 and the
    reader version. Accepts the xlsx files and older ODS/CSV releases (count headers 'Force
    outcomes for offences recorded in quarter' / 'Force outcomes recorded in quarter').
    """
    from helpers.data.sources import SOURCES

    source = SOURCES["ho_outcomes_open_data"]
    if not (allow_moved_header or strict):
        return source.read(path, use_cache)

    def parse(p: Path) -> pd.DataFrame:
        return parse_outcomes_open_data(p, allow_moved_header, strict)

    return source.read(path, use_cache and not strict, parse=parse)
