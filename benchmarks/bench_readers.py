"""Benchmark of the outcomes open-data reader on a replica of one real-size year.

Builds (once, outside git, in benchmarks/_replica/) a workbook in the official layout with about
670,000 rows x 13 columns (~8.7 million cells, like the real 26-44 MB files), then times in one
run: pandas.read_excel with its default openpyxl engine, the project reader cold (no cache) and
the project reader warm (parquet cache). Prints the times and ratios and writes RESULTS.md.

Run: make bench (or python benchmarks/bench_readers.py). Targets on a 2-core machine: cold <= 15 s
and at least 4x faster than openpyxl; warm <= 1 s.
"""

from __future__ import annotations

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


def build_replica(path: Path) -> None:
    from openpyxl import Workbook

    from helpers.data.sample import open_data_header
    from helpers.reference import forces, outcomes

    rng = np.random.default_rng(1)
    names = list(forces.force_names()[forces.territorial_codes()]) + ["British Transport Police"]
    types = outcomes.outcome_types().set_index("outcome_type")
    offences = [
        (
            f"{n}{s}",
            f"Offence {n}{s}",
            "Violence against the person" if n < 40 else "Theft offences",
            f"Subgroup {n % 12}",
            n % 9 == 0,
        )
        for n in range(1, 56)
        for s in ("", "A", "B")
    ]
    workbook = Workbook(write_only=True)
    for name in ("Cover_sheet", "Notes", "Pivot"):
        workbook.create_sheet(name).append([f"{name} (replica for benchmarking; synthetic)"])
    sheet = workbook.create_sheet("Outcomes open data 2024_25")
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
                            "2024/25",
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


def timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def main() -> None:
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
    shutil.rmtree(cache)
    ratio = openpyxl_s / cold_s
    checks = [
        ("cold <= 15 s", cold_s <= 15),
        ("cold at least 4x faster than openpyxl", ratio >= 4),
        ("warm <= 1 s", warm_s <= 1),
    ]
    text = (
        f"""# Reader benchmark

Measured by `benchmarks/bench_readers.py` (`make bench`) on {dt.date.today().isoformat()}: {os.cpu_count()} cores,
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
        + """
The openpyxl baseline only reads cells into a frame; the project reader also converts every column,
maps force names to codes, checks duplicates and validates the schema, so the comparison favours
the baseline.
"""
    )
    RESULTS.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
