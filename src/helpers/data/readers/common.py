"""What every reader shares: the layout error, header and year normalisation, sheet access (calamine,
or csv), and the parquet cache keyed by the file's sha256 and the reader version."""

from __future__ import annotations

import csv
import json
import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.core import config
from helpers.core.hashing import sha256_file
from helpers.data.readers import periods


class LayoutError(ValueError):
    """An official file is not in the layout the reader knows. The message says what was
    expected, what was found and where (sheet, column, row, value)."""


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
    """A financial-year label -> 'YYYY/YY' ('2014/15', '2014-15', '2014_15', '2014 15',
    '2014/2015', 'Apr 2014 to Mar 2015', 'year ending March 2015 [note 1]', ...).

    Delegates to :func:`helpers.data.readers.periods.financial_year`; raises ValueError for a
    label that names no financial year, including a calendar year ('Jan 2020 to Dec 2020').
    """
    text = str(value).strip()
    spaced = re.fullmatch(r"(\d{4}) (\d{2}|\d{4})", text)  # '2014 15': only as a whole cell
    return periods.financial_year(f"{spaced.group(1)}/{spaced.group(2)}" if spaced else text)


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


def code_text(value: object) -> str:
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


def cached_read(
    source_id: str,
    reader_version: int,
    schema,
    path: Path,
    parse: Callable[[Path], pd.DataFrame],
    use_cache: bool,
) -> pd.DataFrame:
    """Parse ``path`` with ``parse``, validate against the pandera ``schema``, and cache the result
    as parquet in ``config.cache_dir()`` keyed by the file's sha256 and ``reader_version`` (both
    from the source registry, ``helpers.data.sources``), so a rerun reads nothing twice.

    A cache entry is a parquet file and a JSON meta file beside it. It is written only after the
    schema validated the parsed frame, so a cache hit does not run the schema again: the whole
    pandera validation took 0.69 s of a 1.1 s warm read of one real-size year (667,920 rows,
    profiled; ``docs/data_log.md``), re-proving what was proven when the entry was written. Instead
    the meta records, at write time, the sha256 of the parquet file and its columns, dtypes and
    row count; a hit is used only when the parquet file still has that sha256 (any changed,
    removed or added byte: a dropped column, removed rows, an edited value, a truncated or
    foreign file) and reads back with exactly those columns (the schema's, in order), dtypes
    and rows (a pandas or pyarrow that reads the same bytes differently). Anything else (and
    an entry written before these checks existed) is re-read from the source file with a
    ``UserWarning`` saying why, and the entry rewritten. The checks cost about 1 ms a year (the
    sha256 of a 0.7 MB parquet file).

    ``attrs`` of the result: file name, sha256, reader (the source id), reader version, whatever
    the parser set, and ``from_cache``. Raises what the parser or the schema raises.
    """
    digest = sha256_file(path)
    info = {
        "file": path.name,
        "sha256": digest,
        "reader": source_id,
        "reader_version": reader_version,
    }
    cache_file, meta_file = _cache_files(source_id, reader_version, digest)
    if use_cache and cache_file.exists() and meta_file.exists():
        frame, problem = _load_checked(cache_file, meta_file, schema)
        if frame is not None:
            return frame
        warnings.warn(
            f"cache entry {cache_file.name} for {path.name} is not the one written after "
            f"validation ({problem}); reading the source file again and rewriting the entry",
            UserWarning,
            stacklevel=2,
        )
    frame = parse(path)
    frame = schema.validate(frame)
    attrs = {**info, **frame.attrs}
    frame.attrs = {**attrs, "from_cache": False}
    if use_cache:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_file.with_suffix(".tmp")
        frame.to_parquet(tmp, index=False)
        check = {
            "parquet_sha256": sha256_file(tmp),
            "rows": len(frame),
            "columns": list(frame.columns),
            "dtypes": [str(dtype) for dtype in frame.dtypes],
        }
        tmp.replace(cache_file)
        meta_tmp = meta_file.with_suffix(".json.tmp")
        meta_tmp.write_text(json.dumps({"attrs": attrs, "check": check}, sort_keys=True, indent=1))
        meta_tmp.replace(meta_file)
    return frame


def read_cache_entry(
    source_id: str, reader_version: int, schema, path: Path
) -> pd.DataFrame | None:
    """The frame ``cached_read`` would return from the cache for ``path`` (checked the same way),
    or None when ``path`` has no intact cache entry; then ``cached_read`` parses the file and
    says why an entry it found was not used. For callers that read cache hits in their own
    process and send only the files to parse to worker processes (``tidy.read_all``)."""
    cache_file, meta_file = _cache_files(source_id, reader_version, sha256_file(path))
    if not (cache_file.exists() and meta_file.exists()):
        return None
    return _load_checked(cache_file, meta_file, schema)[0]


def _cache_files(source_id: str, reader_version: int, digest: str) -> tuple[Path, Path]:
    """The parquet file and the JSON meta file of a cache entry."""
    cache_file = config.cache_dir() / f"{source_id}-v{reader_version}-{digest[:24]}.parquet"
    return cache_file, cache_file.with_suffix(".json")


def _load_checked(
    cache_file: Path, meta_file: Path, schema
) -> tuple[pd.DataFrame | None, str | None]:
    """The cached frame when the entry is intact (see ``cached_read``), else (None, why not)."""
    try:
        meta = json.loads(meta_file.read_text())
        attrs = meta["attrs"]
        check = {key: meta["check"][key] for key in ("parquet_sha256", "columns", "dtypes", "rows")}
    except (ValueError, KeyError, TypeError):
        return None, "its meta file is unreadable or from an older cache format"
    if sha256_file(cache_file) != check["parquet_sha256"]:
        return None, "the parquet file's sha256 differs from the one recorded when it was written"
    if check["columns"] != list(schema.columns):
        return None, f"recorded columns {check['columns']} are not the schema's"
    try:
        frame = _restore_dtypes(pd.read_parquet(cache_file), schema)
    except Exception as error:  # any failure to read or convert means: read the source
        return None, f"the parquet file does not read ({type(error).__name__}: {error})"
    found = {
        "columns": list(frame.columns),
        "dtypes": [str(dtype) for dtype in frame.dtypes],
        "rows": len(frame),
    }
    differences = [
        f"{key} {found[key]} (written: {check[key]})" for key in found if found[key] != check[key]
    ]
    if differences:
        return None, "it reads back with other " + "; ".join(differences)
    frame.attrs = {**attrs, "from_cache": True}
    return frame, None


def _restore_dtypes(frame: pd.DataFrame, schema) -> pd.DataFrame:
    """Columns of the schema's numeric and boolean dtypes converted to them when parquet gave
    another (a column missing from ``frame`` is left to the caller's check)."""
    for name, column in schema.columns.items():
        dtype = str(column.dtype)
        if (
            name in frame.columns
            and dtype in {"int8", "Int64", "bool", "float64"}
            and str(frame[name].dtype) != dtype
        ):
            frame[name] = frame[name].astype(dtype)
    return frame


def parse_counts(
    values: Iterable[object],
    where: str,
    excel_rows: np.ndarray,
    round_allowed: np.ndarray | None = None,
    labels: Sequence[object] | None = None,
) -> tuple[pd.Series, np.ndarray]:
    """Counts to nullable integers (``Int64``), one per input value, plus a boolean array
    flagging 'N/A - data not provided'.

    Accepted: numbers (``9`` or ``9.0``), digit text with padding or thousands separators
    (``' 66776 '``, ``'1,234'``), and negative corrections (kept). Every 'N/A...'/'NA' spelling
    and blanks become missing, never 0 (Home Office markers, docs/data_log.md). A count that is
    not a whole number raises ``LayoutError`` unless ``round_allowed`` (a boolean array aligned
    with ``values``) is True at that row: then it is rounded to the nearest whole number and a
    ``UserWarning`` names the rows (with ``labels``, e.g. force names). Rule source: the national
    fraud bodies' counts in some recorded-crime exports are not whole numbers
    (../shared/real/README.md beside the project). Any other text raises ``LayoutError`` naming row and value.
    """
    raw = pd.Series(values, dtype=object).reset_index(drop=True)
    numbers = pd.to_numeric(raw, errors="coerce")
    not_provided = np.zeros(len(raw), dtype=bool)
    text_positions = np.flatnonzero(numbers.isna().to_numpy() & raw.notna().to_numpy())
    if len(text_positions):
        text = raw.iloc[text_positions].astype(str).str.strip().str.lower()
        for value in text.unique():
            holders = text_positions[(text == value).to_numpy()]
            if value == "" or value.startswith("n/a") or value == "na" or value.startswith("na "):
                if "not provided" in value:
                    not_provided[holders] = True
                continue
            if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", value):  # '1,234' written as text
                numbers.iloc[holders] = float(value.replace(",", ""))
                continue
            position = holders[0]
            raise LayoutError(
                f"{where}, row {excel_rows[position]}: value {raw.iloc[position]!r} is not a count "
                "(expected a number such as 12, ' 12 ', 12.0 or '1,234') nor a known marker "
                "('N/A - Offence code expired', 'N/A', 'NA', 'N/A - data not provided'). Check "
                "the file; if the publisher added a new marker, add it to parse_counts."
            )
    numbers = numbers.astype(float)
    fractional = (numbers.notna() & (numbers % 1 != 0)).to_numpy()
    if fractional.any():
        allowed = (
            np.zeros(len(raw), dtype=bool)
            if round_allowed is None
            else np.asarray(round_allowed, dtype=bool)
        )
        refused = np.flatnonzero(fractional & ~allowed)
        if len(refused):
            position = int(refused[0])
            label = f" ({labels[position]})" if labels is not None else ""
            raise LayoutError(
                f"{where}, row {excel_rows[position]}{label}: count {raw.iloc[position]!r} is not a "
                f"whole number ({len(refused)} such row(s)). Counts of a territorial force must be "
                "whole numbers: check the file before reading it."
            )
        rounded = np.flatnonzero(fractional)
        shown = [
            f"row {excel_rows[p]}"
            + (f" ({labels[p]})" if labels is not None else "")
            + f": {raw.iloc[p]!r}"
            for p in rounded[:8]
        ]
        more = f" and {len(rounded) - 8} more" if len(rounded) > 8 else ""
        warnings.warn(
            f"{where}: {len(rounded)} count(s) that are not whole numbers were rounded to the "
            f"nearest whole number (non-territorial rows only): {'; '.join(shown)}{more}",
            UserWarning,
            stacklevel=2,
        )
    return numbers.round().astype("Int64"), not_provided


def parse_unique(
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
