"""What every reader shares: the layout error, header and year normalisation, sheet access (calamine,
or csv), and the parquet cache keyed by the file's sha256 and the reader version."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.core import config, locking
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
    ``UserWarning`` saying why, and the entry rewritten.

    Two sha256 are not recomputed on every read (issue 15: 12 real-size years are 387 MB of
    workbooks, about 0.8 s of hashing at ~500 MB/s, every warm read): the source file's
    (``file_sha256``) and the parquet file's. Each is recorded with the file's stat (size,
    modification and status-change times in nanoseconds, inode and device) and recomputed only
    when the stat differs, as git does for its index. A stat is recorded only for a file last
    changed more than ``STAT_SETTLED_S`` seconds before (a file written within the current tick
    of the file system's clock could be rewritten with the same size and times); the
    status-change time cannot be set by a program (``touch`` and ``os.utime`` set it to now),
    so a changed or replaced file is always hashed again. With ``use_cache=False`` the source
    is hashed afresh.

    ``attrs`` of the result: file name, sha256, reader (the source id), reader version, whatever
    the parser set, and ``from_cache``. Raises what the parser or the schema raises.
    """
    digest = file_sha256(path) if use_cache else sha256_file(path)
    info = {
        "file": path.name,
        "sha256": digest,
        "reader": source_id,
        "reader_version": reader_version,
    }
    if not use_cache:
        return _parse_and_store(path, parse, schema, info, None, None)
    cache_file, meta_file = _cache_files(source_id, reader_version, digest)
    frame = _cache_hit(cache_file, meta_file, schema)[0]
    if frame is not None:
        return frame
    # one process parses a file at a time: another wanting the same entry waits for it and
    # reads what it wrote (processes sharing a cache: notebooks side by side, test workers)
    with locking.exclusive(cache_file.with_suffix(".lock")):
        frame, problem = _cache_hit(cache_file, meta_file, schema)
        if frame is not None:
            return frame
        if problem is not None:  # said only by the process that reads the source again
            warnings.warn(
                f"cache entry {cache_file.name} for {path.name} is not the one written after "
                f"validation ({problem}); reading the source file again and rewriting the entry",
                UserWarning,
                stacklevel=2,
            )
        return _parse_and_store(path, parse, schema, info, cache_file, meta_file)


def _cache_hit(cache_file: Path, meta_file: Path, schema):
    """(the cached frame, None) for an intact entry; (None, why not) for a damaged one;
    (None, None) when there is no entry."""
    if not (cache_file.exists() and meta_file.exists()):
        return None, None
    with small_pages():  # a warm read writes fresh memory: see ``small_pages``
        return _load_checked(cache_file, meta_file, schema)


def _parse_and_store(path, parse, schema, info, cache_file, meta_file) -> pd.DataFrame:
    """``parse(path)`` validated by ``schema`` with ``info`` in its attrs, written to the cache
    entry (``cache_file``, ``meta_file``; None: not cached). See ``cached_read``."""
    frame = parse(path)
    frame = schema.validate(frame)
    attrs = {**info, **frame.attrs}
    frame.attrs = {**attrs, "from_cache": False}
    if cache_file is not None:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_file.with_suffix(f".{os.getpid()}.tmp")
        frame.to_parquet(tmp, index=False)
        check = {
            "parquet_sha256": sha256_file(tmp),
            "rows": len(frame),
            "columns": list(frame.columns),
            "dtypes": [str(dtype) for dtype in frame.dtypes],
        }
        tmp.replace(cache_file)
        _write_meta(meta_file, {"attrs": attrs, "check": check, "stat": _settled_stat(cache_file)})
    return frame


#: a file's stat is recorded (and later trusted in place of its sha256) only when the file was
#: last changed at least this many seconds before: a later write within one tick of the file
#: system's clock could leave size and times as they were
STAT_SETTLED_S = 2.0
#: the memo of source files' sha256 by path and stat, in the cache folder
SHA256_MEMO = "sha256-by-stat.json"


def _stat_key(path: Path) -> list[int]:
    """Size, modification and status-change times (ns), inode and device of ``path``."""
    st = os.stat(path)
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]


def _settled_stat(path: Path) -> list[int] | None:
    """``_stat_key(path)`` when the file was last changed ``STAT_SETTLED_S`` or more seconds ago,
    else None (not to be trusted: see ``cached_read``)."""
    key = _stat_key(path)
    newest = max(key[1], key[2])
    return key if time.time_ns() - newest >= STAT_SETTLED_S * 1e9 else None


def _write_meta(meta_file: Path, meta: dict) -> None:
    """Write a cache entry's meta file atomically (a unique temporary file, then a rename)."""
    tmp = meta_file.with_suffix(f".json.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(meta, sort_keys=True, indent=1))
    tmp.replace(meta_file)


def file_sha256(path: Path | str) -> str:
    """The sha256 of ``path``, taken from the memo ``SHA256_MEMO`` in ``config.cache_dir()``
    when the file's stat is the one recorded with it, else computed (and recorded when the
    stat is settled and did not change while hashing). The rule and why it is safe:
    ``cached_read``. A damaged memo is ignored and rewritten."""
    path = Path(path)
    memo_file = config.cache_dir() / SHA256_MEMO
    name = str(path.resolve())
    try:
        memo = json.loads(memo_file.read_text())
        if not isinstance(memo, dict):
            memo = {}
    except (OSError, ValueError):
        memo = {}
    key = _stat_key(path)
    entry = memo.get(name)
    if isinstance(entry, dict) and entry.get("stat") == key and entry.get("sha256"):
        return entry["sha256"]
    digest = sha256_file(path)
    settled = _settled_stat(path)
    if settled is not None and settled == key:  # not changed while it was hashed
        memo[name] = {"stat": key, "sha256": digest}
        memo_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = memo_file.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(memo, sort_keys=True, indent=0))
        tmp.replace(memo_file)  # a concurrent writer may win: its entries or ours are re-hashed
    return digest


def read_cache_entry(
    source_id: str, reader_version: int, schema, path: Path, as_arrow: bool = False
) -> pd.DataFrame | ArrowEntry | None:
    """The frame ``cached_read`` would return from the cache for ``path`` (checked the same way),
    or None when ``path`` has no intact cache entry; then ``cached_read`` parses the file and
    says why an entry it found was not used. For callers that read cache hits in their own
    process and send only the files to parse to worker processes (``tidy.read_all``).

    ``as_arrow``: an ``ArrowEntry`` instead of a frame, its text columns (dtype ``str``)
    dictionary-encoded as the parquet file stores them (no string is built per row), for
    ``frame_from_arrow``. The entry is checked as for ``cached_read``: its columns, dtypes and
    rows as ``pd.read_parquet`` would read them (from the file's stored schema and metadata)
    must be the recorded ones."""
    cache_file, meta_file = _cache_files(source_id, reader_version, file_sha256(path))
    if not (cache_file.exists() and meta_file.exists()):
        return None
    return _load_checked(cache_file, meta_file, schema, as_arrow)[0]


@dataclass
class ArrowEntry:
    """A cache entry read as an Arrow table (text columns dictionary-encoded) with the attrs
    its frame would carry (``from_cache`` True)."""

    table: object  # pyarrow.Table
    attrs: dict

    def __len__(self) -> int:
        return self.table.num_rows


def _cache_files(source_id: str, reader_version: int, digest: str) -> tuple[Path, Path]:
    """The parquet file and the JSON meta file of a cache entry."""
    cache_file = config.cache_dir() / f"{source_id}-v{reader_version}-{digest[:24]}.parquet"
    return cache_file, cache_file.with_suffix(".json")


def _load_checked(
    cache_file: Path, meta_file: Path, schema, as_arrow: bool = False
) -> tuple[pd.DataFrame | ArrowEntry | None, str | None]:
    """The cached frame when the entry is intact (see ``cached_read``), else (None, why not).
    ``as_arrow``: see ``read_cache_entry``."""
    try:
        meta = json.loads(meta_file.read_text())
        attrs = meta["attrs"]
        check = {key: meta["check"][key] for key in ("parquet_sha256", "columns", "dtypes", "rows")}
    except (ValueError, KeyError, TypeError):
        return None, "its meta file is unreadable or from an older cache format"
    recorded_stat = meta.get("stat")
    if recorded_stat is None or recorded_stat != _stat_key(cache_file):
        if sha256_file(cache_file) != check["parquet_sha256"]:
            return None, (
                "the parquet file's sha256 differs from the one recorded when it was written"
            )
        settled = _settled_stat(cache_file)
        if settled is not None:  # the digest holds for this stat: next time, no hashing
            _write_meta(meta_file, {**meta, "stat": settled})
    if check["columns"] != list(schema.columns):
        return None, f"recorded columns {check['columns']} are not the schema's"
    try:
        if as_arrow:
            frame, found = _read_arrow(cache_file, check, schema)
        else:
            frame = _restore_dtypes(pd.read_parquet(cache_file), schema)
            found = {
                "columns": list(frame.columns),
                "dtypes": [str(dtype) for dtype in frame.dtypes],
                "rows": len(frame),
            }
    except Exception as error:  # any failure to read or convert means: read the source
        return None, f"the parquet file does not read ({type(error).__name__}: {error})"
    differences = [
        f"{key} {found[key]} (written: {check[key]})" for key in found if found[key] != check[key]
    ]
    if differences:
        return None, "it reads back with other " + "; ".join(differences)
    frame.attrs = {**attrs, "from_cache": True}
    return frame, None


def _read_arrow(cache_file: Path, check: dict, schema) -> tuple[ArrowEntry, dict[str, object]]:
    """The entry as an Arrow table with its text columns (recorded dtype ``str``) read from the
    parquet dictionary pages, and what ``pd.read_parquet`` would have found (columns and dtypes
    from the file's stored schema, rows from its metadata), for the check against the record."""
    import pyarrow.parquet as pq

    stored = pq.read_schema(cache_file)
    plain = _restore_dtypes(stored.empty_table().to_pandas(), schema)
    text = [n for n, d in zip(check["columns"], check["dtypes"], strict=True) if d == "str"]
    parquet = pq.ParquetFile(cache_file, read_dictionary=text)
    found = {
        "columns": list(plain.columns),
        "dtypes": [str(dtype) for dtype in plain.dtypes],
        "rows": parquet.metadata.num_rows,
    }
    table = parquet.read()
    if table.num_rows != found["rows"] or table.column_names != found["columns"]:
        raise ValueError(f"read {table.num_rows} rows, columns {table.column_names}")
    return ArrowEntry(table, {}), found


@contextlib.contextmanager
def small_pages():
    """For the duration: numpy does not ask the kernel for transparent huge pages for its large
    arrays (``madvise``; numpy's default on Linux) and pyarrow allocates from the system
    allocator instead of mimalloc; both are restored after. Why: on the project's 2-core
    virtual machine (transparent huge pages on ``madvise``, with ``defrag`` on ``madvise``, so
    a fault in such a region compacts memory first), writing fresh memory measured 3.6-7.3
    CPU ms per MB for a numpy array with huge pages and 0.8 without, and reading the 12 cache
    entries of the real-size replicas in a fresh process took 3.5-6.4 CPU s with mimalloc and
    1.0 with the system allocator (0.6-0.9 when the memory was reused;
    ``docs/data_log.md``). The values read are the same either way."""
    import pyarrow as pa

    try:
        from numpy._core import multiarray
    except ImportError:  # pragma: no cover - numpy < 2
        from numpy.core import multiarray
    set_madvise = getattr(multiarray, "_set_madvise_hugepage", None)
    previous_madvise = set_madvise(False) if set_madvise else None
    previous_pool = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield
    finally:
        pa.set_memory_pool(previous_pool)
        if set_madvise:
            set_madvise(previous_madvise)


def _code_dtype(categories: int) -> type:
    """The integer type pandas uses for the codes of that many categories."""
    return np.int8 if categories < 2**7 else np.int16 if categories < 2**15 else np.int32


def frame_from_arrow(tables: list, dtypes: dict[str, str]) -> pd.DataFrame:
    """One frame of the Arrow ``tables`` (one after another, same columns), each column
    written once into its final array, without a frame per table and a ``pd.concat`` (on this
    virtual machine, writing memory it has not used recently is the dearest part of a warm
    read: ``docs/data_log.md``).

    ``dtypes``: the pandas dtype of each column as the readers give it ('str', 'int8', 'bool',
    'Int64'). A 'str' column comes as a categorical of the same values (missing stays
    missing) whose categories (dtype ``str``) are the sorted distinct values of all the
    tables, so that grouping and sorting by it order rows as by the text; it may arrive
    dictionary-encoded or as strings. Raises ValueError for any other dtype, or for missing
    values in an 'int8' or 'bool' column."""
    import pyarrow as pa
    import pyarrow.compute as pc

    rows = sum(table.num_rows for table in tables)
    columns = {}
    for name, dtype in dtypes.items():
        chunks = [c for table in tables for c in table.column(name).chunks if len(c)]
        if dtype == "str":
            chunks = [
                chunk if pa.types.is_dictionary(chunk.type) else pc.dictionary_encode(chunk)
                for chunk in chunks
            ]
            values = sorted(set().union(*(chunk.dictionary.to_pylist() for chunk in chunks)))
            position = {value: i for i, value in enumerate(values)}
            codes = np.empty(rows, dtype=_code_dtype(len(values)))
            start = 0
            for chunk in chunks:
                mapping = np.array(
                    [position[v] for v in chunk.dictionary.to_pylist()], dtype=codes.dtype
                )
                indices = chunk.indices
                raw = np.frombuffer(indices.buffers()[1], dtype=indices.type.to_pandas_dtype())[
                    indices.offset : indices.offset + len(chunk)
                ]
                target = codes[start : start + len(chunk)]
                np.take(mapping, raw, out=target, mode="clip")  # a null's index is arbitrary
                if chunk.null_count:
                    target[chunk.is_null().to_numpy(zero_copy_only=False)] = -1
                start += len(chunk)
            categories = pd.CategoricalDtype(pd.Index(values, dtype="str"))
            columns[name] = pd.Categorical.from_codes(codes, dtype=categories, validate=False)
        elif dtype in ("int8", "bool"):
            out = np.empty(rows, dtype=dtype)
            start = 0
            for chunk in chunks:
                if chunk.null_count:
                    raise ValueError(f"column {name} ({dtype}) has missing values")
                out[start : start + len(chunk)] = chunk.to_numpy(zero_copy_only=False)
                start += len(chunk)
            columns[name] = out
        elif dtype == "Int64":
            out = np.empty(rows, dtype=np.int64)
            mask = np.zeros(rows, dtype=bool)
            start = 0
            for chunk in chunks:
                chunk = chunk.cast(pa.int64())
                out[start : start + len(chunk)] = np.frombuffer(chunk.buffers()[1], dtype=np.int64)[
                    chunk.offset : chunk.offset + len(chunk)
                ]
                if chunk.null_count:
                    mask[start : start + len(chunk)] = chunk.is_null().to_numpy(
                        zero_copy_only=False
                    )
                start += len(chunk)
            out[mask] = 0
            columns[name] = pd.arrays.IntegerArray(out, mask)
        else:
            raise ValueError(f"column {name}: dtype {dtype!r} is not one frame_from_arrow makes")
    return pd.DataFrame(columns, copy=False)


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
