"""Benchmark of the outcomes open-data reader on a replica of one real-size year.

Builds (once, outside git, in benchmarks/_replica/) a workbook in the official layout with about
670,000 rows x 13 columns (~8.7 million cells, like the real 26-44 MB files), then times in one
run: pandas.read_excel with its default openpyxl engine, the project reader cold (no cache) and
the project reader warm (parquet cache). Prints the times and ratios and writes RESULTS.md.

``--all-years`` also builds one replica per year ending March 2015 to 2026 (12 files, as
``make data`` installs them) and times ``helpers.data.tidy.read_all`` on them: the cold read
(parallel over the cores, empty cache) and the warm rerun (parquet cache). ``--tiny`` builds
small replicas (a few forces and offence codes) in benchmarks/_replica/tiny/ to check the code
path in seconds; it writes no RESULTS.md.

Run: ``make bench BENCH_ARGS=--real-size`` (or python benchmarks/bench_readers.py [--all-years]
[--tiny]). Targets on a 2-core machine: cold <= 15 s and at least 4x faster than openpyxl; warm
<= 1 s. It rewrites the reader section of RESULTS.md only (``write_section``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPLICA = HERE / "_replica" / "prc-outcomes-open-data-mar2025-tables-REPLICA.xlsx"
RESULTS = HERE / "RESULTS.md"
YEARS = range(2015, 2027)  # years ending March: the 12 outcomes open-data files


def build_replica(
    path: Path, year_end: int = 2025, n_forces: int | None = None, n_codes: int = 55
) -> None:
    """Write a replica of one outcomes open-data year (financial year ending March ``year_end``)
    with every force (or the first ``n_forces``) and ``n_codes`` x 3 offence codes."""
    from openpyxl import Workbook

    from helpers.data.sample import open_data_header
    from helpers.reference import forces, outcomes

    rng = np.random.default_rng(1)
    names = list(forces.force_names()[forces.territorial_codes()]) + ["British Transport Police"]
    names = names[:n_forces] if n_forces else names
    year = f"{year_end - 1}/{year_end % 100:02d}"
    types = outcomes.outcome_types().set_index("outcome_type")
    offences = [
        (
            f"{n}{s}",
            f"Offence {n}{s}",
            "Violence against the person" if n < 40 else "Theft offences",
            f"Subgroup {n % 12}",
            n % 9 == 0,
        )
        for n in range(1, n_codes + 1)
        for s in ("", "A", "B")
    ]
    workbook = Workbook(write_only=True)
    for name in ("Cover_sheet", "Notes", "Pivot"):
        workbook.create_sheet(name).append([f"{name} (replica for benchmarking; synthetic)"])
    sheet = workbook.create_sheet(f"Outcomes open data {year.replace('/', '_')}")
    sheet.append(open_data_header())
    labels = [(t, types.loc[t, "label"], types.loc[t, "outcome_group"]) for t in range(23)]
    for quarter in (1, 2, 3, 4):
        for force in names:
            counts = rng.poisson(3, size=(len(offences), 23))
            for i, (code, description, group, subgroup, expired) in enumerate(offences):
                for t, label, outcome_group in labels:
                    if expired:
                        recorded, closed = (
                            "N/A - Offence code expired",
                            "N/A - offence code expired",
                        )
                    else:
                        recorded = int(counts[i, t])
                        closed = "N/A" if t == 0 else int(counts[i, t])
                    sheet.append(
                        [
                            year,
                            quarter,
                            force,
                            code,
                            description,
                            group,
                            subgroup,
                            "x" if expired else None,
                            t,
                            label,
                            outcome_group,
                            recorded,
                            closed,
                        ]
                    )
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)


INTRO = """# Benchmarks

Written by `make bench` (`benchmarks/bench.py`: the pipeline on the synthetic sample, minutes) and
`make bench BENCH_ARGS=--real-size` (also `benchmarks/bench_readers.py`: the reader on a
real-size replica). Each section carries its date and the machine it ran on; the sections between
the `bench:` markers are rewritten by the scripts, the rest is written by hand.
"""


def write_section(name: str, text: str) -> None:
    """Put ``text`` between the ``<!-- bench:NAME -->`` markers of RESULTS.md (appended, with
    the markers, when they are not there yet); the rest of the file is kept."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    current = RESULTS.read_text() if RESULTS.exists() else INTRO
    block = f"{start}\n{text.rstrip()}\n{end}"
    if start in current and end in current:
        before, rest = current.split(start, 1)
        current = before + block + rest.split(end, 1)[1]
    else:
        current = current.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(current)


def timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def replica_year_path(folder: Path, year_end: int) -> Path:
    return (
        folder
        / "ho_outcomes_open_data"
        / f"prc-outcomes-open-data-mar{year_end}-tables-REPLICA.xlsx"
    )


def bench_all_years(folder: Path, tiny: bool) -> tuple[float, float, int]:
    """Build (once) the 12 yearly replicas under ``folder`` plus the sample ONS table, then time
    ``tidy.read_all`` cold (fresh cache, parallel) and warm (cache). Returns (cold s, warm s,
    rows)."""
    for year_end in YEARS:
        path = replica_year_path(folder, year_end)
        if not path.exists():
            print(f"building {path.name} (once)...", flush=True)
            build_replica(path, year_end, *((3, 4) if tiny else (None, 55)))
    from helpers.core import config
    from helpers.core.datamode import DataMode
    from helpers.data import tidy

    ons = folder / "ons_da_outcomes"
    ons.mkdir(parents=True, exist_ok=True)
    for sample in (config.SAMPLE_DIR / "ons_da_outcomes").glob("*.xlsx"):
        shutil.copyfile(sample, ons / sample.name)
    mode = DataMode("official", "official", folder, "benchmark replica (synthetic)")
    cold_s, cold = timed(lambda: tidy.read_all(mode))
    warm_s, warm = timed(lambda: tidy.read_all(mode))
    assert len(cold.open_data) == len(warm.open_data)
    assert sorted(cold.open_data["financial_year"].unique()) == [
        f"{y - 1}/{y % 100:02d}" for y in YEARS
    ]
    print(
        f"read_all, 12 years, cold ({os.cpu_count()} cores): {cold_s:.1f} s for "
        f"{len(cold.open_data):,} rows; warm rerun: {warm_s:.2f} s",
        flush=True,
    )
    return cold_s, warm_s, len(cold.open_data)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--all-years", action="store_true", help="also time read_all on 12 years")
    parser.add_argument("--tiny", action="store_true", help="small replicas: check the code path")
    args = parser.parse_args(argv)
    if args.tiny:
        cache = Path(tempfile.mkdtemp(prefix="bench-cache-"))
        os.environ["DA_CACHE_DIR"] = str(cache)
        try:
            bench_all_years(HERE / "_replica" / "tiny", tiny=True)
        finally:
            shutil.rmtree(cache)
        return
    if not REPLICA.exists():
        print(f"building {REPLICA.name} (once)...", flush=True)
        seconds, _ = timed(lambda: build_replica(REPLICA))
        print(f"  built in {seconds:.0f} s", flush=True)
    size_mb = REPLICA.stat().st_size / 1e6
    cache = Path(tempfile.mkdtemp(prefix="bench-cache-"))
    os.environ["DA_CACHE_DIR"] = str(cache)
    import pandas as pd

    from helpers.data import readers

    openpyxl_s, raw = timed(
        lambda: pd.read_excel(REPLICA, sheet_name="Outcomes open data 2024_25", engine="openpyxl")
    )
    rows, cols = raw.shape
    print(
        f"pandas.read_excel (openpyxl): {openpyxl_s:.1f} s for {rows:,} rows x {cols} columns",
        flush=True,
    )
    cold_s, frame = timed(lambda: readers.read_outcomes_open_data(REPLICA))
    print(
        f"project reader, cold: {cold_s:.1f} s ({len(frame):,} rows, validated, cached)", flush=True
    )
    warm_s, warm = timed(lambda: readers.read_outcomes_open_data(REPLICA))
    assert warm.attrs["from_cache"] and len(warm) == len(frame)
    print(f"project reader, warm: {warm_s:.2f} s (from the parquet cache, validated)", flush=True)
    all_years = None
    if args.all_years:
        for leftover in cache.iterdir():
            leftover.unlink()
        all_years = bench_all_years(HERE / "_replica", tiny=False)
    shutil.rmtree(cache)
    ratio = openpyxl_s / cold_s
    checks = [
        ("cold <= 15 s", cold_s <= 15),
        ("cold at least 4x faster than openpyxl", ratio >= 4),
        ("warm <= 1 s", warm_s <= 1),
    ]
    text = (
        f"""## Reader on a real-size replica (`make bench BENCH_ARGS=--real-size`)

Measured by `benchmarks/bench_readers.py` on {dt.date.today().isoformat()}: {os.cpu_count()} cores,
Python {platform.python_version()}, {platform.machine()}. One run, times in seconds (wall clock).

Replica: `{REPLICA.name}` (built by the script, not committed), the official layout with
{rows:,} rows x {cols} columns ({rows * cols / 1e6:.1f} million cells), {size_mb:.1f} MB; 44 forces x 4 quarters x
{len(frame) // (44 * 4 * 23)} offence codes x 23 outcome types, with expired codes and N/A markers.

| reader | seconds | vs openpyxl |
|---|---:|---:|
| `pandas.read_excel` (default engine, openpyxl), raw cells only | {openpyxl_s:.1f} | 1.0x |
| project reader, cold (calamine, parse, pandera validation, parquet cache write) | {cold_s:.1f} | {ratio:.1f}x faster |
| project reader, warm (parquet cache, pandera validation) | {warm_s:.2f} | {openpyxl_s / warm_s:.0f}x faster |

Targets on this 2-core machine:

| target | met? |
|---|---|
"""
        + "".join(f"| {name} | {'yes' if ok else 'NO'} |\n" for name, ok in checks)
        + (
            f"""
All 12 years (`--all-years`): `helpers.data.tidy.read_all` on one replica per year ending March
2015 to 2026 ({all_years[2]:,} rows): cold read {all_years[0]:.1f} s (parallel over
{os.cpu_count()} cores, empty cache), warm rerun {all_years[1]:.2f} s (parquet cache).
"""
            if all_years
            else ""
        )
        + """
The openpyxl baseline only reads cells into a frame; the project reader also converts every column,
maps force names to codes, checks duplicates and validates the schema, so the comparison favours
the baseline.
"""
    )
    write_section("readers", text)
    print(text)


if __name__ == "__main__":
    main()
