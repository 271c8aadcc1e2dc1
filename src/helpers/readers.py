"""Readers: one per official layout, each returning one validated tidy table.

* ``read_outcomes_open_data``  Home Office police recorded crime outcomes open data (xlsx)
* ``read_ons_da_outcomes``     ONS outcomes of domestic abuse-related crimes by police force area
* ``read_pfa_recorded_crime``  Home Office police force area recorded crime tables (ODS)

The layouts are described, with their evidence, in ``docs/data_log.md`` and in the project's
reference notes. The readers locate sheets and headers by label, never by position, map header
synonyms, and stop with a ``LayoutError`` that names the sheet, column, row and value whenever
something is not as expected. Every result is checked against its pandera schema
(``helpers.schemas``) and cached as parquet keyed by the file's sha256 and the reader version,
so a rerun reads nothing twice.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import config, forces, schemas
from helpers.outcomes import VALID_OUTCOME_TYPES

#: bump a reader's version whenever its output changes: the cache is keyed by it
READER_VERSIONS: dict[str, int] = {
    "outcomes_open_data": 3,
    "ons_da_outcomes": 2,
    "pfa_recorded_crime": 1,
}


class LayoutError(ValueError):
    """An official file is not in the layout the reader knows. The message says what was
    expected, what was found and where (sheet, column, row, value)."""


# ------------------------------------------------------------------------------------------
# small shared utilities
# ------------------------------------------------------------------------------------------


def sha256_file(path: Path | str, chunk_size: int = 1 << 20) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()


def normalise_header(text: object) -> str:
    """Header text for matching: newlines unwrapped, ``[note N]``/``[x]`` and footnote digits
    stripped, lower case, non-alphanumerics to single spaces."""
    value = "" if text is None else str(text)
    value = re.sub(r"\[[^\]]*\]", " ", value)  # [note 1], [x], [r]
    value = value.replace("\u2013", "-").replace("\u2014", "-").lower()
    value = re.sub(r"[^a-z0-9%]+", " ", value)
    return re.sub(r"\s+", " ", value).strip()


def normalise_sheet_name(name: str) -> str:
    """Sheet name for matching: lower case, only ``[a-z0-9]`` kept."""
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def column_letter(index: int) -> str:
    """Excel column letter for a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def normalise_financial_year(value: object) -> str:
    """'2014/15', '2014-15', '2014_15', '2014/2015' (or 'year ending March 2015') -> '2014/15'."""
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})\s*[/\-_ ]\s*(\d{2}|\d{4})", text)
    if match:
        start, end = int(match.group(1)), match.group(2)
        end_full = int(end) if len(end) == 4 else (start // 100) * 100 + int(end)
        if len(end) == 2 and end_full < start:
            end_full += 100
        if end_full != start + 1:
            raise ValueError(f"financial year {text!r} does not span consecutive years")
        return f"{start}/{end_full % 100:02d}"
    match = re.search(r"year ending march\s+(\d{4})", text, flags=re.IGNORECASE)
    if match:
        end = int(match.group(1))
        return f"{end - 1}/{end % 100:02d}"
    raise ValueError(
        f"not a financial year: {text!r} (expected like '2014/15', '2014-15', '2014/2015')"
    )


def parse_quarter(value: object) -> int:
    """1, 1.0, '1', 'Q1', 'Quarter 1' -> 1."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 1 <= int(value) <= 4:
            return int(value)
        raise ValueError(f"not a quarter: {value!r}")
    match = re.fullmatch(r"(?:q|quarter)?\s*([1-4])(?:\.0)?", str(value).strip().lower())
    if not match:
        raise ValueError(f"not a quarter: {value!r} (expected 1-4, 'Q1'-'Q4' or 'Quarter 1')")
    return int(match.group(1))


def _code_text(value: object) -> str:
    """Offence codes are text ('8L', '105A', '1/4.1/4.10/4.2'); a number stored by Excel becomes
    its integer text ('86.0' -> '86')."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


# ------------------------------------------------------------------------------------------
# raw workbook access
# ------------------------------------------------------------------------------------------


def sheet_names(path: Path | str) -> list[str]:
    """Sheet names of a workbook (xlsx, xls, ods) in file order; a CSV has one, 'csv'."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        return ["csv"]
    from python_calamine import CalamineWorkbook

    return list(CalamineWorkbook.from_path(str(path)).sheet_names)


def read_sheet_rows(path: Path | str, sheet: str, nrows: int | None = None) -> list[list[object]]:
    """The cells of one sheet as a list of rows (empty cells as ``None``), read with calamine."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = []
            for i, row in enumerate(csv.reader(handle)):
                if nrows is not None and i >= nrows:
                    break
                rows.append([cell if cell != "" else None for cell in row])
            return rows
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    # calamine gives "" for empty cells; every parser below treats "" and None alike
    return workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False, nrows=nrows)


# ------------------------------------------------------------------------------------------
# parquet cache keyed by file sha256 and reader version
# ------------------------------------------------------------------------------------------


def _cached(
    reader: str, path: Path, parse: Callable[[Path], pd.DataFrame], use_cache: bool
) -> pd.DataFrame:
    schema = {
        "outcomes_open_data": schemas.OUTCOMES_OPEN_DATA,
        "ons_da_outcomes": schemas.ONS_DA_OUTCOMES,
        "pfa_recorded_crime": schemas.PFA_RECORDED_CRIME,
    }[reader]
    digest = sha256_file(path)
    info = {
        "file": path.name,
        "sha256": digest,
        "reader": reader,
        "reader_version": READER_VERSIONS[reader],
    }
    cache_file = config.cache_dir() / f"{reader}-v{READER_VERSIONS[reader]}-{digest[:24]}.parquet"
    meta_file = cache_file.with_suffix(".json")
    if use_cache and cache_file.exists() and meta_file.exists():
        frame = pd.read_parquet(cache_file)
        frame = _restore_dtypes(frame, schema)
        schema.validate(frame)
        frame.attrs = {**json.loads(meta_file.read_text()), "from_cache": True}
        return frame
    frame = parse(path)
    frame = schema.validate(frame)
    attrs = {**info, **frame.attrs}
    frame.attrs = {**attrs, "from_cache": False}
    if use_cache:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_file.with_suffix(".tmp")
        frame.to_parquet(tmp, index=False)
        tmp.replace(cache_file)
        meta_file.write_text(json.dumps(attrs, sort_keys=True, indent=1))
    return frame


def _restore_dtypes(frame: pd.DataFrame, schema) -> pd.DataFrame:
    for name, column in schema.columns.items():
        dtype = str(column.dtype)
        if dtype in {"int8", "Int64", "bool", "float64"} and str(frame[name].dtype) != dtype:
            frame[name] = frame[name].astype(dtype)
    return frame


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
}
OPEN_DATA_REQUIRED = ("financial_year", "quarter", "force_name", "offence_code", "outcome_type")
OPEN_DATA_SKIP_SHEETS = {"coversheet", "notes", "notes_", "pivot", "contents"}
OPEN_DATA_COLUMNS = list(schemas.OUTCOMES_OPEN_DATA.columns)


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


def _parse_counts(
    values: Iterable[object], where: str, excel_rows: np.ndarray
) -> tuple[pd.Series, np.ndarray]:
    """Counts to nullable integers. Every 'N/A...' or 'NA' spelling and blanks become missing;
    'N/A - data not provided' is flagged (second return value). Negative corrections are kept.
    Anything else raises LayoutError naming the row and value."""
    raw = pd.Series(values, dtype=object)
    numbers = pd.to_numeric(raw, errors="coerce")
    not_provided = np.zeros(len(raw), dtype=bool)
    text_positions = np.flatnonzero(numbers.isna().to_numpy() & raw.notna().to_numpy())
    if len(text_positions):
        text = raw.iloc[text_positions].astype(str).str.strip().str.lower()
        for value in text.unique():
            if value == "" or value.startswith("n/a") or value == "na" or value.startswith("na "):
                if "not provided" in value:
                    not_provided[text_positions[(text == value).to_numpy()]] = True
                continue
            position = text_positions[(text == value).to_numpy()][0]
            raise LayoutError(
                f"{where}, row {excel_rows[position]}: value {raw.iloc[position]!r} is not a count "
                "or a known marker ('N/A - Offence code expired', 'N/A', 'NA', 'N/A - data not "
                "provided'). The Home Office may have added a new marker."
            )
    fractional = numbers.notna() & (numbers % 1 != 0)
    if fractional.any():
        position = int(np.flatnonzero(fractional.to_numpy())[0])
        raise LayoutError(
            f"{where}, row {excel_rows[position]}: count {raw.iloc[position]!r} is not a whole number"
        )
    return numbers.round().astype("Int64"), not_provided


def _parse_unique(
    values: pd.Series, parser: Callable[[object], object], where: str, excel_rows: np.ndarray
) -> pd.Series:
    """Apply ``parser`` to each distinct value once; a failure names the first row holding it."""
    mapping = {}
    for value in pd.unique(values):
        try:
            mapping[value] = parser(value)
        except (ValueError, TypeError) as error:
            position = (
                int(np.flatnonzero((values == value).to_numpy())[0])
                if value is not None
                else int(np.flatnonzero(values.isna().to_numpy())[0])
            )
            raise LayoutError(f"{where}, row {excel_rows[position]}: {error}") from None
    return values.map(mapping)


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


def _parse_open_data(path: Path, allow_moved_header: bool = False) -> pd.DataFrame:
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
    frame["financial_year"] = _parse_unique(
        column("financial_year"), normalise_financial_year, where("financial_year"), excel_rows
    )
    frame["quarter"] = _parse_unique(
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
    frame["offence_code"] = codes.map({value: _code_text(value) for value in pd.unique(codes)})
    for name in ("offence_description", "offence_group", "offence_subgroup", "outcome_group"):
        values = column(name)
        frame[name] = values.where(values.isna(), values.astype(str).str.strip())
    frame["offence_code_expired"] = _parse_unique(
        column("offence_code_expired"), _parse_expired, where("offence_code_expired"), excel_rows
    ).astype(bool)
    frame["outcome_type"] = _parse_unique(
        column("outcome_type"), _parse_outcome_type, where("outcome_type"), excel_rows
    ).astype("int8")
    not_provided = np.zeros(len(body), dtype=bool)
    for name in ("outcomes_recorded", "outcomes_closed"):
        if name in seen:
            counts, flagged = _parse_counts(column(name), where(name), excel_rows)
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
    key = ["financial_year", "quarter", "force_code", "offence_code", "outcome_type"]
    duplicated = frame.duplicated(key, keep=False)
    if duplicated.any():
        positions = np.flatnonzero(duplicated.to_numpy())[:6]
        raise LayoutError(
            f"{path.name}, sheet {sheet!r}: {int(duplicated.sum())} rows repeat a key "
            f"(year, quarter, force, offence code, outcome type); first at rows "
            f"{[int(excel_rows[p]) for p in positions]}: "
            f"{frame.iloc[positions[0]][key].tolist()}. Counting them twice would inflate totals."
        )
    for name in ("force_name", "offence_code", "financial_year"):
        frame[name] = frame[name].astype(str)
    for name in ("offence_description", "offence_group", "offence_subgroup", "outcome_group"):
        frame[name] = frame[name].astype("str")
    frame = frame[OPEN_DATA_COLUMNS]
    frame.attrs = {"sheet": sheet, "header_row": header_index + 1, "rows": len(frame)}
    return frame


def read_outcomes_open_data(
    path: Path | str, use_cache: bool = True, allow_moved_header: bool = False
) -> pd.DataFrame:
    """Read one Home Office outcomes open-data workbook into the tidy table.

    Returns one row per financial year x quarter x force x offence code x outcome type with the
    columns of ``schemas.OUTCOMES_OPEN_DATA``. Counts are nullable integers (missing where the
    file says N/A, NA or "data not provided"; ``not_provided`` flags the last, which is *not*
    zero); negative corrections are kept. ``attrs`` holds the file name, sha256, sheet, header row
    and row count. Cached as parquet keyed by the file's sha256 and the reader version.
    """
    path = Path(path)
    return _cached(
        "outcomes_open_data", path, lambda p: _parse_open_data(p, allow_moved_header), use_cache
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


def _parse_ons(path: Path) -> pd.DataFrame:
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
    ``helpers.outcomes.OUTCOME_CATEGORIES`` (plus ``total_outcomes``, ``crimes_recorded`` and
    ``not_yet_assigned``); the financial year comes from a year column or the title; values are
    classed as counts or percentages; suppression symbols become missing values with the symbol
    kept in ``marker``. Output columns: financial_year, force_code, force_name, outcome_category,
    value, measure ('count'/'percent'), marker, source_sheet.
    """
    path = Path(path)
    return _cached("ons_da_outcomes", path, _parse_ons, use_cache)


# ------------------------------------------------------------------------------------------
# Home Office police force area recorded crime (ODS, one sheet per year)
# ------------------------------------------------------------------------------------------

PFA_HEADER_SYNONYMS: dict[str, str] = {
    "financial year": "financial_year",
    "financial quarter": "quarter",
    "force name": "force_name",
    "offence description": "offence_description",
    "offence group": "offence_group",
    "offence subgroup": "offence_subgroup",
    "offence code": "offence_code",
    "number of offences": "offences",
}


def _parse_pfa(path: Path) -> pd.DataFrame:
    frames = []
    names = sheet_names(path)
    year_sheets = [n for n in names if re.fullmatch(r"\d{4}_\d{2}", n.strip())]
    if not year_sheets:
        raise LayoutError(
            f"{path.name}: no year sheets named like '2024_25'; sheets found: {names}"
        )
    for sheet in year_sheets:
        rows = read_sheet_rows(path, sheet)
        header = rows[0] if rows else []
        mapped = {
            i: PFA_HEADER_SYNONYMS.get(normalise_header(c))
            for i, c in enumerate(header)
            if c not in (None, "")
        }
        unknown = [f"{column_letter(i)}1={header[i]!r}" for i, v in mapped.items() if v is None]
        missing = {"financial_year", "quarter", "force_name", "offences"} - set(mapped.values())
        if unknown or missing:
            raise LayoutError(
                f"{path.name}, sheet {sheet!r}: unknown headers {unknown}, missing {sorted(missing)}"
            )
        body = [r for r in rows[1:] if any(c not in (None, "") for c in r)]
        table = pd.DataFrame(
            [[r[i] if i < len(r) else None for i in mapped] for r in body],
            columns=list(mapped.values()),
            dtype=object,
        )
        excel_rows = np.arange(2, 2 + len(table))
        where = f"{path.name}, sheet {sheet!r}"
        out = pd.DataFrame(index=table.index)
        out["financial_year"] = _parse_unique(
            table["financial_year"], normalise_financial_year, where, excel_rows
        )
        out["quarter"] = _parse_unique(table["quarter"], parse_quarter, where, excel_rows).astype(
            "int8"
        )
        out["force_name"] = table["force_name"].astype(str).str.strip()
        out["force_code"] = forces.codes_for(out["force_name"])
        out["territorial"] = ~out["force_code"].str.startswith("NT-")
        out["offence_code"] = (
            table["offence_code"].map(_code_text).astype("str")
            if "offence_code" in table
            else pd.Series(pd.NA, index=table.index, dtype="str")
        )
        for name in ("offence_description", "offence_group", "offence_subgroup"):
            out[name] = (
                table[name].astype("str")
                if name in table
                else pd.Series(pd.NA, index=table.index, dtype="str")
            )
        counts, _ = _parse_counts(
            table["offences"], f"{where}, column 'Number of Offences'", excel_rows
        )
        out["offences"] = counts
        frames.append(out)
    result = pd.concat(frames, ignore_index=True)
    result.attrs = {"sheets": year_sheets, "rows": len(result)}
    return result[list(schemas.PFA_RECORDED_CRIME.columns)]


def read_pfa_recorded_crime(path: Path | str, use_cache: bool = True) -> pd.DataFrame:
    """Read the Home Office police force area recorded crime ODS (one sheet per financial year,
    header on row 1, numeric quarter) into one tidy table of offence counts."""
    path = Path(path)
    return _cached("pfa_recorded_crime", path, _parse_pfa, use_cache)
