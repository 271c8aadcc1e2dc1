"""The tidy stage: read every file of a data mode, validate, flag what is dropped, reconcile,
and write ``data/processed/`` (``make processed``, ``python -m helpers.data.tidy``; notebook 01
reports on it).

Data flow: official file -> reader -> validated tidy table -> the tables here -> processed.
The analysis reads only ``data/processed/`` (``load_or_build``).
"""

from __future__ import annotations

import builtins
import hashlib
import json
import os
import sys
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.core import config
from helpers.core.datamode import DataMode
from helpers.core.hashing import sha256_file
from helpers.data import readers, sources
from helpers.reference import forces, outcomes, published
from helpers.reference.outcomes import OUTCOME_CATEGORIES


@dataclass
class ReadResult:
    """Everything notebook 01 read, before any filtering.

    ``log``: one row per file read (source, file, sha256, sheets, rows). ``set_aside``: one row
    per file present but not read (source, file, current, reason): older editions.
    """

    mode: DataMode
    ons: pd.DataFrame
    open_data: pd.DataFrame
    log: pd.DataFrame
    lens_matches: pd.DataFrame = field(default_factory=pd.DataFrame)
    set_aside: pd.DataFrame = field(default_factory=pd.DataFrame)


READ_SOURCES = ("ons_da_outcomes", "ho_outcomes_open_data")


def _read_one(task: tuple[str, str, bool]) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """Read one file in a worker process; its warnings come back as (category, message) so the
    parent can repeat them (a worker's warnings are otherwise lost)."""
    source_id, path, use_cache = task
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = sources.SOURCES[source_id].read(Path(path), use_cache=use_cache)
    return frame, [(w.category.__name__, str(w.message)) for w in caught]


def _read_cached(
    task: tuple[str, str, bool],
) -> tuple[pd.DataFrame | readers.common.ArrowEntry, list[tuple[str, str]]] | None:
    """A file's intact cache entry read in this process (as ``_read_one`` returns it, with the
    parser's warnings repeated as ``Source.read`` repeats them), or None when it must be parsed.
    For the sources in ``CATEGORICAL_SOURCES``, an ``ArrowEntry`` in place of the frame (its
    frame is made by ``read_all``, with the other files', in one piece).

    Cache hits are never sent to worker processes: a worker returns its frame pickled through a
    pipe (136 MB for one real-size year); the 12 cache entries of the real-size replicas took
    13.6 s in 2 worker processes and 2.8 s in one process (``benchmarks/RESULTS.md``)."""
    source_id, path, _ = task
    source = sources.SOURCES[source_id]
    frame = readers.common.read_cache_entry(
        source.id,
        source.reader_version,
        source.schema,
        Path(path),
        as_arrow=source_id in CATEGORICAL_SOURCES,
    )
    if frame is None:
        return None
    return frame, [
        ("UserWarning", f"{m} (from the cache)") for m in frame.attrs.get("warnings", [])
    ]


#: sources whose text columns ``read_all`` hands over as categoricals (see ``read_all``)
CATEGORICAL_SOURCES = ("ho_outcomes_open_data",)


def _one_frame(
    parts: list[pd.DataFrame | readers.common.ArrowEntry], schema
) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """The tidy tables of one source's files as one frame, text columns as categoricals
    (``readers.common.frame_from_arrow``: the same values; categories sorted, dtype ``str``),
    and each file's rows of it (slices, not copies). ``parts``: cache entries read as Arrow
    tables and parsed frames (turned into Arrow tables here)."""
    import pyarrow as pa

    dtypes = {
        name: "str" if str(column.dtype) in ("str", "string[pyarrow]") else str(column.dtype)
        for name, column in schema.columns.items()
    }
    tables = [
        part.table
        if isinstance(part, readers.common.ArrowEntry)
        else pa.Table.from_pandas(part, preserve_index=False)
        for part in parts
    ]
    frame = readers.common.frame_from_arrow(tables, dtypes)
    bounds = np.cumsum([0] + [len(part) for part in parts])
    return frame, [frame.iloc[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


def plain_text(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its categorical columns as text (dtype ``str``), the dtype the readers
    give; other columns unchanged."""
    names = [n for n, d in frame.dtypes.items() if isinstance(d, pd.CategoricalDtype)]
    return frame.astype(dict.fromkeys(names, "str")) if names else frame


#: the columns of the open data that ``outcomes.lens_matches`` reads
LENS_COLUMNS = ("offence_code", "offence_description", "offence_group", "offence_subgroup")


def _distinct_rows(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``frame[columns].drop_duplicates()`` (the same rows, index and order), computed on the
    rows that differ from the row before them in one of ``columns``: a row equal to the one
    before it is a repeat, and the first row of each distinct value never is. The open data
    repeats each offence on 23 consecutive rows and each (year, force) on thousands, so this
    reads a few percent of the 8 million rows of 12 years: on them, 0.5 CPU s instead of 2.7
    for the offence columns and 0.15 instead of 1.1 for (year, force) (``docs/data_log.md``).
    Missing values count as a change, so they are only kept more often."""
    part = frame[columns]
    changed = np.zeros(len(part), dtype=bool)
    changed[:1] = True
    for column in columns:
        values = part[column].array  # compared as two views, without a shifted copy
        if isinstance(values, pd.Categorical):  # one category code per row: compare the codes
            codes = values.codes
            changed[1:] |= codes[1:] != codes[:-1]
            continue
        differs = pd.array(values[1:] != values[:-1], dtype="boolean")
        changed[1:] |= differs.to_numpy(dtype=bool, na_value=True)
    return part[changed].drop_duplicates()


def _check_one_edition(source_id: str, frames: list[pd.DataFrame], paths: list[Path]) -> None:
    """Raise ``sources.EditionConflict`` when one (year, force) key comes from two files."""
    seen: dict[tuple[str, str], str] = {}
    for frame, path in zip(frames, paths, strict=True):
        keys = frame[["financial_year", "force_code"]].drop_duplicates().itertuples(index=False)
        clashes = []
        for year, force in keys:
            other = seen.get((year, force))
            if other is not None and other != path.name:
                clashes.append((year, force, other))
            seen.setdefault((year, force), path.name)
        if clashes:
            year, force, other = clashes[0]
            years = sorted({c[0] for c in clashes})
            raise sources.EditionConflict(
                f"{source_id}: financial year {year}, force {force} (and {len(clashes) - 1} other "
                f"year-force pair(s), years {years}) arrive from two files, {other} and "
                f"{path.name}. Expected one edition per source and year; adding them would count "
                f"every offence twice. Keep only the current edition in "
                f"{config.relative(path.parent)}/ (data/raw/SOURCES.lock names it; `make data` "
                "fetches it) and move the other out."
            )


#: below this many bytes of files, ``read_all`` reads in its own process: measured on the sample
#: (4 files, 4.4 MB) on 2 cores, one process took 4.0 s and two 5.2 s (each worker process
#: imports pandas and the readers before reading)
PARALLEL_READ_BYTES = 16_000_000


def read_all(mode: DataMode, use_cache: bool = True, workers: int | None = None) -> ReadResult:
    """Read every file of the mode's ONS and Home Office outcome sources through the readers.

    Files: ``sources.select_files`` per source (one edition per source and year; older
    editions set aside with a warning naming both files). Reads run in parallel in
    ``workers`` processes (at most one per file; 1 reads in this process; default: one per
    core when the files to parse add up to ``PARALLEL_READ_BYTES`` or more, else 1, since
    starting a process costs more than reading a small file); files with an intact cache entry
    are read in this process, never in a worker (``_read_cached``); results come back in the
    order of the files (source, then name), so the output
    does not depend on timing. Warnings of the readers are repeated here. Output: a
    ``ReadResult`` whose ``ons`` and ``open_data`` are the concatenated tidy tables. The text
    columns of ``open_data`` (year, force, offence and outcome-group labels) are categoricals
    (``_one_frame``: the same values, categories sorted, dtype ``str``; ``plain_text`` turns
    them back into text): 12 real-size years are 8 million rows, 1.6 GB in memory as
    text and a few hundred MB as category codes, and a cache hit is read from the parquet
    file's dictionary pages without building a string per row (issue 15, item 3;
    ``docs/data_log.md``). The tidy tables made from it are the same as from text columns.

    Raises ``FileNotFoundError`` when no ONS table is present, ``sources.EditionConflict``
    when one (source, financial year, force) key arrives from two files (never summed), and
    whatever a reader raises (``LayoutError``).
    """
    registry = sources.registry()
    tasks: list[tuple[str, str, bool]] = []
    set_aside_rows = []
    for source_id in READ_SOURCES:
        selection = sources.select_files(mode, source_id, registry)
        for item in selection.set_aside:
            warnings.warn(item.reason, UserWarning, stacklevel=2)
            set_aside_rows.append(
                {
                    "source": source_id,
                    "file": item.path.name,
                    "current": item.current.name,
                    "reason": item.reason,
                }
            )
        for note in selection.notes:
            warnings.warn(note, UserWarning, stacklevel=2)
        tasks += [(source_id, str(path), use_cache) for path in selection.read]
    with readers.common.small_pages():
        return _read_tasks(mode, tasks, set_aside_rows, use_cache, workers)


def _read_tasks(
    mode: DataMode,
    tasks: list[tuple[str, str, bool]],
    set_aside_rows: list[dict],
    use_cache: bool,
    workers: int | None,
) -> ReadResult:
    """``read_all`` once the files are chosen: ``tasks`` are (source id, path, use_cache)."""
    results = [_read_cached(task) if use_cache else None for task in tasks]
    to_parse = [task for task, result in zip(tasks, results, strict=True) if result is None]
    if workers is None:
        size = sum(Path(path).stat().st_size for _, path, _ in to_parse)
        workers = (os.cpu_count() or 1) if size >= PARALLEL_READ_BYTES else 1
    workers = min(len(to_parse), workers)
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            parsed = iter(list(pool.map(_read_one, to_parse)))
    else:
        parsed = iter([_read_one(task) for task in to_parse])
    results = [result if result is not None else next(parsed) for result in results]
    log_rows = []
    frames: dict[str, list[pd.DataFrame]] = {s: [] for s in READ_SOURCES}
    paths: dict[str, list[Path]] = {s: [] for s in READ_SOURCES}
    for (source_id, path, _), (frame, caught) in zip(tasks, results, strict=True):
        for category, message in caught:
            kind = getattr(builtins, category, UserWarning)
            warnings.warn(message, kind if isinstance(kind, type) else UserWarning, stacklevel=3)
        frames[source_id].append(frame)  # an ArrowEntry for a cache hit of CATEGORICAL_SOURCES
        paths[source_id].append(Path(path))
        sheets = frame.attrs.get("sheets") or [frame.attrs.get("sheet", "")]
        log_rows.append(
            {
                "source": source_id,
                "file": Path(path).name,
                "sha256": frame.attrs["sha256"],
                "sheets": ", ".join(sheets),
                "rows": len(frame),
            }
        )
    joined: dict[str, pd.DataFrame] = {}
    for source_id in CATEGORICAL_SOURCES:
        if frames[source_id]:
            schema = sources.SOURCES[source_id].schema
            joined[source_id], frames[source_id] = _one_frame(frames[source_id], schema)
    for source_id in READ_SOURCES:
        keys = [_distinct_rows(f, ["financial_year", "force_code"]) for f in frames[source_id]]
        _check_one_edition(source_id, keys, paths[source_id])
    ons_frames = frames["ons_da_outcomes"]
    if not ons_frames:
        raise FileNotFoundError(
            f"no ONS domestic abuse outcome table in {config.relative(mode.root)}/ons_da_outcomes/"
        )
    ons = pd.concat(ons_frames, ignore_index=True)
    open_data = joined.get("ho_outcomes_open_data", pd.DataFrame(columns=readers.OPEN_DATA_COLUMNS))
    log = pd.DataFrame(log_rows).sort_values(["source", "file"]).reset_index(drop=True)
    matches = (
        outcomes.lens_matches(plain_text(_distinct_rows(open_data, list(LENS_COLUMNS))))
        if len(open_data)
        else pd.DataFrame()
    )
    set_aside = pd.DataFrame(set_aside_rows, columns=["source", "file", "current", "reason"])
    return ReadResult(mode, ons, open_data, log, matches, set_aside)


# ------------------------------------------------------------------------------------------
# the domestic abuse table
# ------------------------------------------------------------------------------------------

DA_COUNT_COLUMNS = [*OUTCOME_CATEGORIES, "total_outcomes", "not_yet_assigned", "crimes_recorded"]


def da_by_force(ons: pd.DataFrame) -> pd.DataFrame:
    """One row per force x year with a count column per outcome category.

    Where a table gave percentages with a count of total outcomes beside them, counts are
    derived as percent x total / 100 (rounded) and ``counts_derived`` is True; the published
    shares are kept in ``published_share_<category>`` (per cent) with ``share_decimals`` (the
    decimals they were published to), so the analysis can bound each derived count
    (``readers.ons_table.rounded_share_count_range``). ``total_outcomes`` missing in the table
    is the sum of the categories. ``excluded`` is True where every value of the force-year is
    suppressed (ONS left the force out), where the force has no row that year (``marker``
    '(no row)'), or where its row is 0 in every category and in the total: such a force
    supplied nothing (Devon and Cornwall, 2022/23), its zeros become missing and ``marker`` says
    '(zero total: not supplied)'. ``marker`` keeps the symbols. Every year has all 43 forces.
    """

    share_cols = readers.ons_table.share_columns(OUTCOME_CATEGORIES)
    zero_marker = readers.ons_table.ZERO_TOTAL_MARKER

    def spread(measure: str) -> pd.DataFrame:
        subset = ons[ons["measure"] == measure]
        return (
            subset.groupby(["financial_year", "force_code", "outcome_category"])["value"]
            .sum(min_count=1)
            .unstack("outcome_category")
        )

    counts, percents = spread("count"), spread("percent")
    wide = counts.reindex(columns=DA_COUNT_COLUMNS)
    derived = pd.Series(False, index=wide.index)
    shares = pd.DataFrame(index=wide.index, columns=share_cols, dtype=float)
    if len(percents):
        wide = wide.reindex(wide.index.union(percents.index))
        derived = pd.Series(False, index=wide.index)
        total = wide["total_outcomes"]
        published = percents.reindex(index=wide.index, columns=list(OUTCOME_CATEGORIES))
        for category in percents.columns:
            if category in OUTCOME_CATEGORIES:
                estimate = (percents[category].reindex(wide.index) * total / 100).round()
                fill = wide[category].isna() & estimate.notna()
                wide.loc[fill, category] = estimate[fill]
                derived |= fill
        shares = published.where(derived, axis=0).set_axis(share_cols, axis=1)
    decimals = shares.apply(lambda row: readers.ons_table.decimals_of(row), axis=1)
    category_sum = wide[list(OUTCOME_CATEGORIES)].sum(axis=1, min_count=1)
    wide["total_outcomes"] = wide["total_outcomes"].fillna(category_sum)
    wide[share_cols] = shares.reindex(wide.index)
    wide["share_decimals"] = decimals.reindex(wide.index).where(derived).astype("Int64")
    wide = wide.reset_index()
    names = ons.groupby("force_code")["force_name"].first()
    markers = ons.groupby(["financial_year", "force_code"])["marker"].agg(
        lambda m: "".join(sorted({x for x in m if isinstance(x, str) and x}))
    )
    wide["force_name"] = (
        wide["force_code"].map(forces.force_names()).fillna(wide["force_code"].map(names))
    )
    wide["published_name"] = wide["force_code"].map(names)
    wide["country"] = wide["force_code"].map(forces.country_of())
    wide["marker"] = wide.set_index(["financial_year", "force_code"]).index.map(markers).fillna("")
    wide["counts_derived"] = derived.to_numpy()
    unknown = sorted(set(wide["force_code"]) - set(forces.territorial_codes()))
    if unknown:
        raise ValueError(f"the DA table has codes that are not police force areas: {unknown}")
    # a force with no row at all in a year is treated like one the publisher left out
    grid = pd.MultiIndex.from_product(
        [sorted(wide["financial_year"].unique()), forces.territorial_codes()],
        names=["financial_year", "force_code"],
    )
    had_row = wide.set_index(["financial_year", "force_code"]).index
    wide = wide.set_index(["financial_year", "force_code"]).reindex(grid).reset_index()
    no_row = ~wide.set_index(["financial_year", "force_code"]).index.isin(had_row)
    wide.loc[no_row, "force_name"] = wide.loc[no_row, "force_code"].map(forces.force_names())
    wide.loc[no_row, "country"] = wide.loc[no_row, "force_code"].map(forces.country_of())
    wide.loc[no_row, "marker"] = "(no row)"
    wide["marker"] = wide["marker"].fillna("")
    wide["counts_derived"] = wide["counts_derived"].fillna(False).astype(bool)
    # zeros in every category and the total: the force supplied nothing (assumptions log)
    categories = wide[list(OUTCOME_CATEGORIES)]
    zero_total = wide["total_outcomes"].eq(0) & categories.notna().any(axis=1)
    zero_total &= categories.fillna(0).eq(0).all(axis=1)
    zero_columns = [*DA_COUNT_COLUMNS, *share_cols]
    wide.loc[zero_total, zero_columns] = np.nan
    wide.loc[zero_total, "marker"] = (
        wide.loc[zero_total, "marker"] + " " + zero_marker
    ).str.strip()
    wide["excluded"] = wide[list(OUTCOME_CATEGORIES)].isna().all(axis=1)
    wide["category_sum"] = wide[list(OUTCOME_CATEGORIES)].sum(axis=1, min_count=1)
    columns = [
        "financial_year",
        "force_code",
        "force_name",
        "published_name",
        "country",
        *DA_COUNT_COLUMNS,
        "category_sum",
        "excluded",
        "counts_derived",
        *share_cols,
        "share_decimals",
        "marker",
    ]
    wide = wide[columns].sort_values(["financial_year", "force_code"]).reset_index(drop=True)
    wide.columns.name = None
    for column in DA_COUNT_COLUMNS + ["category_sum"]:
        wide[column] = (
            wide[column].astype("Int64")
            if wide[column].dropna().mod(1).eq(0).all()
            else wide[column]
        )
    for column in share_cols:
        wide[column] = wide[column].astype(float)
    wide["share_decimals"] = wide["share_decimals"].astype("Int64")
    return wide


def coverage(da: pd.DataFrame) -> pd.DataFrame:
    """Force x year grid of the DA table, all 43 forces: 'present', 'excluded <marker>' (e.g.
    'excluded [x]'), 'excluded (not supplied)' (a row of zeros, see :func:`da_by_force`; the
    first word stays 'excluded' for the coverage map) or 'absent'."""
    years = sorted(da["financial_year"].unique())
    grid = pd.MultiIndex.from_product(
        [forces.territorial_codes(), years], names=["force_code", "financial_year"]
    ).to_frame(index=False)
    merged = grid.merge(
        da[["force_code", "financial_year", "excluded", "marker"]],
        how="left",
        on=["force_code", "financial_year"],
    )
    not_supplied = (
        merged["marker"].fillna("").str.contains(readers.ons_table.ZERO_TOTAL_MARKER, regex=False)
    )
    merged["status"] = np.where(
        merged["excluded"].isna(),
        "absent",
        np.where(
            not_supplied,
            "excluded (not supplied)",
            np.where(
                merged["excluded"].astype(bool),
                "excluded " + merged["marker"].fillna(""),
                "present",
            ),
        ),
    )
    merged["force_name"] = merged["force_code"].map(forces.force_names())
    return (
        merged[["force_code", "force_name", "financial_year", "status"]]
        .sort_values(["force_code", "financial_year"])
        .reset_index(drop=True)
    )


#: known gaps from the reference notes, to annotate the coverage picture
KNOWN_GAPS = pd.DataFrame(
    [
        (
            "E23000005",
            "2019/20",
            "Greater Manchester left out of ONS DA figures (data supply after an IT change); HO open data missing Jul 2019-Mar 2020",
        ),
        (
            "E23000035",
            "2022/23",
            "Devon and Cornwall left out of ONS DA figures and the HO outcomes bulletin",
        ),
    ],
    columns=["force_code", "financial_year", "known_gap"],
)


#: what the suppression and status symbols of the ONS tables mean (ONS house style; a sheet's
#: own notes may define more, e.g. "[u1]", which the reader keeps as markers)
MARKER_MEANINGS = {
    "(none)": "a number",
    "[x]": "not available (force left out)",
    "[u]": "low reliability",
    "[c]": "confidential",
    "[z]": "not applicable",
    "(zero total: not supplied)": "a row of zeros: the force supplied nothing",
}


def marker_counts(ons: pd.DataFrame) -> pd.DataFrame:
    """How many values of the ONS table carry each marker, with its meaning (``MARKER_MEANINGS``;
    'see table notes' for a symbol defined only in the sheet)."""
    counts = ons["marker"].fillna("(none)").value_counts().rename_axis("marker")
    table = counts.reset_index(name="values")
    table["meaning"] = table["marker"].map(MARKER_MEANINGS).fillna("see table notes")
    return table


def national_totals(da: pd.DataFrame) -> pd.DataFrame:
    """National sums per year over the forces present (count columns), with the number of forces."""
    present = da[~da["excluded"]]
    sums = present.groupby("financial_year")[DA_COUNT_COLUMNS].sum(min_count=1)
    sums["forces"] = present.groupby("financial_year")["force_code"].nunique()
    return sums.reset_index()


#: published national figures the DA table can be checked against: (year, column, figure id)
RECONCILIATION_TARGETS = [
    ("2015/16", "crimes_recorded", "ONS16-crimes"),
    ("2017/18", "crimes_recorded", "ONS18-crimes"),
    ("2018/19", "crimes_recorded", "ONS19-crimes-PA"),
    ("2019/20", "crimes_recorded", "ONS20-crimes"),
    ("2020/21", "crimes_recorded", "ONS21-crimes"),
    ("2021/22", "crimes_recorded", "ONS22-crimes"),
    ("2022/23", "crimes_recorded", "ONS23-crimes"),
    ("2023/24", "crimes_recorded", "ONS24-crimes"),
    ("2019/20", "share:evidential_difficulties_victim_does_not_support", "HMICFRS21-OC16"),
    ("2019/20", "share:evidential_difficulties_victim_supports", "HMICFRS21-OC15"),
    ("2019/20", "share:charged_summonsed", "HMICFRS21-charge-2020"),
    ("2019/20", "lowest:evidential_difficulties_victim_does_not_support", "HMICFRS21-OC16-range"),
    ("2019/20", "highest:evidential_difficulties_victim_does_not_support", "HMICFRS21-OC16-range"),
]
#: agreement expected with a published figure, by kind: totals within 1% of the published
#: count; national shares within 1 percentage point (published to the nearest 0.1 or whole
#: point, and over the forces in the publisher's data); force extremes within 2 points
#: (published as whole points). Stated in docs/assumptions_log.md.
RECONCILIATION_TOLERANCE = {"total": ("%", 1.0), "share": ("points", 1.0), "range": ("points", 2.0)}


def reconcile(da: pd.DataFrame) -> pd.DataFrame:
    """National totals and shares against the published figures where they overlap.

    Shares are per cent of outcomes assigned (excluding outcome 0). Published figures carry
    their own coverage (which forces) and rounding; the table shows both, with the tolerance of
    ``RECONCILIATION_TOLERANCE`` and whether the computed figure is within it.
    """
    totals = national_totals(da).set_index("financial_year")
    table = published.published_figures().set_index("id")
    rows = []
    for year, column, figure_id in RECONCILIATION_TARGETS:
        if year not in totals.index:
            continue
        kind, _, category = column.partition(":")
        published_text = str(table.loc[figure_id, "value"])
        if kind in ("lowest", "highest"):
            year_rows = da[(da["financial_year"] == year) & ~da["excluded"]]
            shares = 100 * year_rows[category] / year_rows["total_outcomes"]
            computed = float(shares.min() if kind == "lowest" else shares.max())
            low, high = (float(v) for v in published_text.split("-"))
            value = low if kind == "lowest" else high
            measure, tolerance_kind = f"% of outcomes assigned, {kind} force: {category}", "range"
        elif kind == "share":
            computed = (
                100 * float(totals.loc[year, category]) / float(totals.loc[year, "total_outcomes"])
            )
            value = float(table.loc[figure_id, "value_numeric"])
            measure, tolerance_kind = f"% of outcomes assigned: {category}", "share"
        else:
            computed = float(totals.loc[year, column])
            value = float(table.loc[figure_id, "value_numeric"])
            measure, tolerance_kind = column.replace("_", " "), "total"
        unit, tolerance = RECONCILIATION_TOLERANCE[tolerance_kind]
        difference = computed - value
        gap = abs(100 * difference / value) if unit == "%" else abs(difference)
        rows.append(
            {
                "financial_year": year,
                "measure": measure,
                "computed": computed,
                "published": value,
                "difference": difference,
                "difference_pct": 100 * difference / value,
                "tolerance": f"{tolerance:g} {'per cent' if unit == '%' else 'points'}",
                "within_tolerance": bool(gap <= tolerance),
                "forces_in_computed": int(totals.loc[year, "forces"]),
                "published_id": figure_id,
                "published_coverage": table.loc[figure_id, "coverage"],
                "source_kind": table.loc[figure_id, "source_kind"]
                if "source_kind" in table
                else "",
                "source_url": table.loc[figure_id, "source_url"],
            }
        )
    return pd.DataFrame(rows)


def check_invariants(da: pd.DataFrame) -> list[str]:
    """The invariants later notebooks rely on; returns the list of checks that passed and raises
    AssertionError naming the first that fails.

    Counts derived from published shares (``counts_derived``) may miss the total by what the
    rounding of the shares allows (``readers.ons_table.rounding_tolerance``: from the number of
    decimals, the total and the number of shares) and by no more; published counts must add up
    exactly."""

    def rounding_allowance(da: pd.DataFrame) -> pd.Series:
        """How far derived counts may miss the total (0 where counts were published)."""
        share_columns = readers.ons_table.share_columns(OUTCOME_CATEGORIES)
        if "share_decimals" not in da or not da["counts_derived"].any():
            return pd.Series(0, index=da.index)
        shares = da[[c for c in share_columns if c in da]].notna().sum(axis=1)
        allowed = [
            readers.ons_table.rounding_tolerance(total, places, int(n)) if derived else 0
            for total, places, n, derived in zip(
                da["total_outcomes"],
                da["share_decimals"],
                shares,
                da["counts_derived"],
                strict=True,
            )
        ]
        return pd.Series(allowed, index=da.index)

    passed = []
    codes = set(forces.territorial_codes())
    assert set(da["force_code"]) <= codes, (
        f"codes outside the 43 force areas: {sorted(set(da['force_code']) - codes)}"
    )
    passed.append("every force code is one of the 43 police force areas")
    assert not da.duplicated(["financial_year", "force_code"]).any(), "duplicate force-year rows"
    passed.append("one row per force and year")
    present = da[~da["excluded"]]
    difference = (present[list(OUTCOME_CATEGORIES)].sum(axis=1) - present["total_outcomes"]).abs()
    allowed = rounding_allowance(present)
    over_by = difference.fillna(0) - allowed
    assert (over_by <= 0).all(), (
        f"categories do not add up to total outcomes in {int((over_by > 0).sum())} force-years "
        f"(beyond what rounded published shares allow), e.g. "
        f"{present.loc[over_by > 0, ['financial_year', 'force_code']].head(3).values.tolist()}"
    )
    passed.append(
        "outcome categories add up to total outcomes assigned in every force-year (counts "
        "derived from rounded shares: within the rounding the published decimals allow)"
    )
    over = present["total_outcomes"] > present["crimes_recorded"]
    assert not over.fillna(False).any(), "more outcomes than crimes recorded in some force-year"
    passed.append("outcomes assigned never exceed crimes recorded")
    for year, group in da.groupby("financial_year"):
        assert group["force_code"].nunique() == 43, (
            f"{year}: {group['force_code'].nunique()} forces, expected 43 rows (present or excluded)"
        )
    passed.append("all 43 forces have a row in every year (present or marked excluded)")
    return passed


# ------------------------------------------------------------------------------------------
# the Home Office open data
# ------------------------------------------------------------------------------------------


def drop_summary(open_data: pd.DataFrame) -> pd.DataFrame:
    """What notebook 01 drops or flags in the open data and why, with rows and counts affected."""
    rows = []

    def add(what: str, mask: pd.Series, why: str) -> None:
        rows.append(
            {
                "what": what,
                "rows": int(mask.sum()),
                "outcomes_recorded": int(open_data.loc[mask, "outcomes_recorded"].fillna(0).sum()),
                "outcomes_closed": int(open_data.loc[mask, "outcomes_closed"].fillna(0).sum()),
                "treatment": why,
            }
        )

    add(
        "outcome 0 (not yet assigned)",
        open_data["outcome_type"] == 0,
        "dropped from every outcome share: not an outcome",
    )
    add(
        "expired offence codes",
        open_data["offence_code_expired"],
        "dropped: no counts (N/A - offence code expired)",
    )
    add(
        "'N/A - data not provided'",
        open_data["not_provided"],
        "kept as missing, never zero; the force-quarter is flagged",
    )
    add(
        "non-territorial bodies (e.g. BTP)",
        ~open_data["territorial"],
        "dropped from force comparisons",
    )
    add(
        "negative counts (published corrections)",
        open_data["outcomes_recorded"].fillna(0).lt(0)
        | open_data["outcomes_closed"].fillna(0).lt(0),
        "kept: they are corrections",
    )
    return pd.DataFrame(rows)


def _usable_open_data(open_data: pd.DataFrame) -> pd.DataFrame:
    keep = (
        open_data["territorial"]
        & ~open_data["offence_code_expired"]
        & (open_data["outcome_type"] > 0)
    )
    return open_data[keep]


def _sum_by_force_year_outcome(rows: pd.DataFrame, not_provided: bool) -> pd.DataFrame:
    """Open-data rows summed by financial_year x force_code x outcome_type: the two counts (a
    group whose counts are all missing stays missing: ``min_count=1``), the number of quarters
    with rows and, with ``not_provided``, the rows marked 'not provided'."""
    groups = rows.groupby(["financial_year", "force_code", "outcome_type"], observed=True)
    out = groups[["outcomes_recorded", "outcomes_closed"]].sum(min_count=1)
    out["quarters"] = groups["quarter"].nunique()
    if not_provided:
        out["not_provided_rows"] = groups["not_provided"].sum()
    return out


def open_data_lens(open_data: pd.DataFrame) -> pd.DataFrame:
    """Open data summed by force x year x lens x outcome type (territorial forces, expired codes
    and outcome 0 dropped), on both count bases, with the quarters covered."""
    usable = _usable_open_data(open_data)
    # the lenses are decided per distinct offence (a few hundred), not per row
    offence_columns = ["offence_code", "offence_description", "offence_group", "offence_subgroup"]
    offences = usable[offence_columns].drop_duplicates().reset_index(drop=True)
    offences_text = plain_text(offences)
    frames = []
    for lens in outcomes.OFFENCE_LENSES:
        chosen = offences[outcomes.lens_mask(offences_text, lens).to_numpy()]
        subset = usable.merge(chosen, on=offence_columns, how="inner") if len(chosen) else chosen
        if subset.empty:
            continue
        grouped = plain_text(_sum_by_force_year_outcome(subset, not_provided=True).reset_index())
        grouped.insert(2, "lens", lens)
        frames.append(grouped)
    if not frames:
        return pd.DataFrame(
            columns=[
                "financial_year",
                "force_code",
                "lens",
                "outcome_type",
                "outcomes_recorded",
                "outcomes_closed",
                "quarters",
                "not_provided_rows",
            ]
        )
    result = pd.concat(frames, ignore_index=True)
    result["force_name"] = result["force_code"].map(forces.force_names())
    for column in ("outcomes_recorded", "outcomes_closed"):
        result[column] = result[column].astype("Int64")
    return result.sort_values(["financial_year", "force_code", "lens", "outcome_type"]).reset_index(
        drop=True
    )


def open_data_force_year(open_data: pd.DataFrame) -> pd.DataFrame:
    """All offences summed by force x year x outcome type (the all-crime context)."""
    usable = _usable_open_data(open_data)
    result = plain_text(_sum_by_force_year_outcome(usable, not_provided=False).reset_index())
    result["force_name"] = result["force_code"].map(forces.force_names())
    for column in ("outcomes_recorded", "outcomes_closed"):
        result[column] = result[column].astype("Int64")
    return result


def open_data_quarter_coverage(open_data: pd.DataFrame) -> pd.DataFrame:
    """Per force and year of the open data: ``quarters`` with rows (4 = complete),
    ``quarters_not_provided`` (a 'data not provided' marker) and ``quarters_all_zero``: quarters
    in which every count of the force is 0, flagged in ``note`` as probably not supplied (a force
    that supplied nothing can appear as zeros, as Devon and Cornwall did in 2022/23 after a
    records-system change; such a quarter is not evidence of no outcomes)."""
    usable = open_data[open_data["territorial"]]
    quarters = plain_text(
        usable.groupby(["force_code", "financial_year"], observed=True)["quarter"]
        .nunique()
        .rename("quarters")
        .reset_index()
    )
    grid = pd.MultiIndex.from_product(
        [forces.territorial_codes(), sorted(usable["financial_year"].unique())],
        names=["force_code", "financial_year"],
    ).to_frame(index=False)
    merged = grid.merge(quarters, how="left").fillna({"quarters": 0})
    not_provided = plain_text(
        usable[usable["not_provided"]]
        .groupby(["force_code", "financial_year"], observed=True)["quarter"]
        .nunique()
        .rename("quarters_not_provided")
        .reset_index()
    )
    merged = merged.merge(not_provided, how="left").fillna({"quarters_not_provided": 0})
    counts = usable[["outcomes_recorded", "outcomes_closed"]].astype(float).abs()
    totals = plain_text(
        usable.assign(_total=counts.sum(axis=1, min_count=1))
        .groupby(["force_code", "financial_year", "quarter"], observed=True)["_total"]
        .sum(min_count=1)
        .reset_index()
    )
    zero = (
        totals[totals["_total"] == 0]
        .groupby(["force_code", "financial_year"])["quarter"]
        .nunique()
        .rename("quarters_all_zero")
        .reset_index()
    )
    merged = merged.merge(zero, how="left").fillna({"quarters_all_zero": 0})
    for column in ("quarters", "quarters_not_provided", "quarters_all_zero"):
        merged[column] = merged[column].astype(int)
    merged["note"] = np.where(
        merged["quarters_all_zero"] > 0,
        "every count zero in "
        + merged["quarters_all_zero"].astype(str)
        + " quarter(s): probably not supplied",
        "",
    )
    return merged


# ------------------------------------------------------------------------------------------
# writing
# ------------------------------------------------------------------------------------------


#: the tables the tidy stage writes to ``data/processed/`` (parquet and CSV), in order
PROCESSED_TABLES = (
    "da_outcomes_by_force",
    "da_outcomes_long",
    "open_data_lens",
    "open_data_lens_matches",
    "open_data_force_year",
    "coverage",
    "read_log",
)
#: bump when the tidy stage's output changes for the same inputs (part of the input fingerprint)
TIDY_VERSION = 1
DICTIONARY = "README.md"


@dataclass
class TidyResult:
    """What the tidy stage read and made: the reader output, the tidy tables, the checks run on
    them and the fingerprint of the inputs they came from."""

    read: ReadResult
    tables: dict[str, pd.DataFrame]
    checks: list[str]
    fingerprint: str


def build(mode: DataMode, use_cache: bool = True) -> TidyResult:
    """Read every file of the data mode, validate, and make the processed tables (without
    writing them). Raises what the readers raise (``LayoutError``), ``FileNotFoundError`` when
    the mode has no ONS table, and AssertionError when an invariant of the DA table fails."""
    result = read_all(mode, use_cache=use_cache)
    da = da_by_force(result.ons)
    checks = check_invariants(da)
    tables = {
        "da_outcomes_by_force": da,
        "da_outcomes_long": result.ons,
        "open_data_lens": open_data_lens(result.open_data),
        "open_data_lens_matches": result.lens_matches,
        "open_data_force_year": open_data_force_year(result.open_data),
        "coverage": coverage(da),
        "read_log": result.log,
    }
    return TidyResult(result, tables, checks, input_fingerprint(mode))


def input_fingerprint(mode: DataMode) -> str:
    """sha256 over the tidy version, each source's reader version, and the name and sha256 of
    every file the mode reads: processed data made from the same inputs by the same code have
    the same fingerprint."""
    digest = hashlib.sha256(f"tidy-v{TIDY_VERSION};mode={mode.name}".encode())
    for source_id in ("ons_da_outcomes", "ho_outcomes_open_data"):
        source = sources.SOURCES[source_id]
        digest.update(f";{source_id}-v{source.reader_version}".encode())
        for path in sources.source_files(mode, source_id):
            digest.update(f";{path.name}={sha256_file(path)}".encode())
    return digest.hexdigest()


def undocumented_columns(tables: dict[str, pd.DataFrame], dictionary: str) -> list[str]:
    """'table.column' for every column not described (as `column`) in the data dictionary."""
    return sorted(
        f"{name}.{column}"
        for name, table in tables.items()
        for column in table.columns
        if f"`{column}`" not in dictionary
    )


def write_processed(
    tables: dict[str, pd.DataFrame], mode: DataMode, fingerprint: str | None = None
) -> pd.DataFrame:
    """Write each table as parquet and CSV into ``data/processed/`` plus ``mode.json`` (data
    mode and input fingerprint); return a listing (table, rows, columns, files).

    Raises ValueError, writing nothing, when a column is not described in the data dictionary
    ``data/processed/README.md``."""
    directory = config.processed_dir()
    dictionary = (config.PROJECT_ROOT / "data" / "processed" / DICTIONARY).read_text()
    missing = undocumented_columns(tables, dictionary)
    if missing:
        raise ValueError(
            f"columns missing from the data dictionary data/processed/{DICTIONARY}: {missing}; "
            "describe them there before writing"
        )
    directory.mkdir(parents=True, exist_ok=True)
    listing = []
    for name, table in tables.items():
        table.to_parquet(directory / f"{name}.parquet", index=False)
        table.to_csv(
            directory / f"{name}.csv", index=False, float_format="%.10g", lineterminator="\n"
        )
        listing.append(
            {
                "table": name,
                "rows": len(table),
                "columns": len(table.columns),
                "files": f"{name}.parquet, {name}.csv",
            }
        )
    (directory / "mode.json").write_text(
        json.dumps(
            {
                "data_mode": mode.name,
                "synthetic": mode.synthetic,
                "requested": mode.requested,
                "inputs": fingerprint,
            },
            indent=1,
        )
        + "\n"
    )
    return pd.DataFrame(listing)


class ProcessedDataMissing(FileNotFoundError):
    """data/processed/ is empty, incomplete or was made from another data mode."""


def load_processed(expected_mode: str | None = None) -> dict[str, pd.DataFrame]:
    """The tables of ``data/processed/`` by name (``PROCESSED_TABLES``), plus ``mode`` (the data
    mode they came from, 'sample' or 'official').

    Raises ProcessedDataMissing when they are absent or incomplete, or were made in a different
    data mode from ``expected_mode``. ``load_or_build`` makes them when needed.
    """
    directory = config.processed_dir()
    mode_file = directory / "mode.json"
    if not mode_file.exists():
        raise ProcessedDataMissing(
            f"no processed data in {config.relative(directory)}/: run `make processed` "
            "(python -m helpers.data.tidy)"
        )
    mode = json.loads(mode_file.read_text())["data_mode"]
    if expected_mode is not None and mode != expected_mode:
        raise ProcessedDataMissing(
            f"data/processed/ holds {mode!r} data, not {expected_mode!r}: run "
            f"`make processed DATA={expected_mode}`"
        )
    tables = {}
    for name in PROCESSED_TABLES:
        path = directory / f"{name}.parquet"
        if not path.exists():
            raise ProcessedDataMissing(f"{config.relative(path)} is missing: run `make processed`")
        tables[name] = pd.read_parquet(path)
    tables["mode"] = mode
    return tables


def processed_fingerprint() -> str | None:
    """The input fingerprint recorded with ``data/processed/``, or None."""
    mode_file = config.processed_dir() / "mode.json"
    if not mode_file.exists():
        return None
    return json.loads(mode_file.read_text()).get("inputs")


def load_or_build(mode: DataMode, use_cache: bool = True, quiet: bool = False) -> dict:
    """The processed tables for ``mode``: loaded from ``data/processed/`` when they were made
    from the same inputs (same input fingerprint), otherwise built by the tidy stage and written
    first. So any notebook run alone on a fresh clone has its data. Says on stderr when it built
    them (so a notebook's compared outputs do not depend on it), unless ``quiet``."""
    fingerprint = input_fingerprint(mode)
    if processed_fingerprint() == fingerprint:
        try:
            return load_processed(mode.name)
        except ProcessedDataMissing:
            pass
    result = build(mode, use_cache=use_cache)
    write_processed(result.tables, mode, result.fingerprint)
    if not quiet:  # on stderr: a notebook's outputs are the same whether it built the data or not
        print(
            f"tidy stage: processed data built from {len(result.read.log)} files "
            f"into {config.relative(config.processed_dir())}/",
            file=sys.stderr,
        )
    return load_processed(mode.name)


def main(argv: list[str] | None = None) -> int:
    """``python -m helpers.data.tidy [--data auto|official|sample] [--force]``: raw ->
    validated -> ``data/processed/`` (skipped when the inputs are unchanged)."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m helpers.data.tidy", description="the tidy stage: raw -> data/processed/"
    )
    parser.add_argument("--data", default="auto", help="auto, official or sample")
    parser.add_argument("--force", action="store_true", help="rebuild even if unchanged")
    args = parser.parse_args(argv)
    mode = sources.resolve_mode(args.data)
    print(mode.banner())
    if not args.force and processed_fingerprint() == input_fingerprint(mode):
        print("tidy stage: inputs unchanged, data/processed/ is up to date")
        return 0
    result = build(mode)
    for check in result.checks:
        print("ok:", check)
    listing = write_processed(result.tables, mode, result.fingerprint)
    for row in listing.itertuples(index=False):
        print(f"wrote {row.table}: {row.rows:,} rows x {row.columns} columns")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
