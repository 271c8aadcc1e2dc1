"""`make bench`: time the pipeline on the synthetic sample in one run on this machine and write the
figures, with the machine's cores and load, into benchmarks/RESULTS.md.

Times, each in fresh temporary data folders (nothing in data/ or reports/ is touched):

1. the outcomes open-data reader against ``pandas.read_excel`` (openpyxl) on a small replica in
   the official layout (built once in benchmarks/_replica/, not committed), cold and warm;
2. the tidy stage (``python -m helpers.data.tidy``) cold (empty parse cache) and warm;
3. the analysis layer (``helpers.analysis.profile.measure_all``: 43 forces x 3 measures);
4. one force page with and without its charts (``helpers.report.profiles.render_force``);
5. ``python -m helpers.report.reproduce --data sample`` cold (every notebook and the 43 force
   pages) with each step's time, the slowest cells of each notebook, and then warm (nothing
   changed: everything reused).

``--sequential`` adds a cold reproduce with one notebook at a time (the speed-up of running them
side by side); ``--real-size`` also runs ``benchmarks/bench_readers.py --all-years``: the reader on
the real-size replica of one year (about 670,000 rows) and ``tidy.read_all`` on the 12 yearly
replicas, cold and warm (issue 15; minutes, most of them openpyxl and the cold read), which
rewrites the reader section.

Every figure is a wall-clock time of one run on a shared machine: the load average before and
after is written with them; compare ratios within one run rather than runs across days.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import bench_readers  # noqa: E402  (the replica builder and the RESULTS.md sections)

SMALL_REPLICA = HERE / "_replica" / "small" / "prc-outcomes-open-data-mar2025-tables-REPLICA.xlsx"
SMALL_FORCES = 6


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def load() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover
        return "unknown"


def fresh_dirs(root: Path) -> dict[str, str]:
    """DA_* folders under ``root`` (made empty)."""
    shutil.rmtree(root, ignore_errors=True)
    env = {}
    for name, variable in (
        ("processed", "DA_PROCESSED_DIR"),
        ("cache", "DA_CACHE_DIR"),
        ("reports", "DA_REPORTS_DIR"),
    ):
        (root / name).mkdir(parents=True)
        env[variable] = str(root / name)
    return env


def cpu_of_children() -> float:
    """CPU seconds (user + system) of this process's finished children and their descendants
    (each process's usage is added to its parent's when it is waited for)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_timed(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the command and every process it started, standard
    output) of a command run from the project root with ``env`` added; its output is printed
    when it fails."""
    started, cpu = time.perf_counter(), cpu_of_children()
    result = subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    seconds, cpu = time.perf_counter() - started, cpu_of_children() - cpu
    if result.returncode:
        print(result.stdout[-4000:], result.stderr[-4000:], sep="\n")
        raise SystemExit(f"failed: {' '.join(command)}")
    return seconds, cpu, result.stdout


def run(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    """(wall seconds, standard output) of ``run_timed``."""
    seconds, _, output = run_timed(command, env)
    return seconds, output


def reported_step(output: str, name: str) -> float:
    """The seconds reproduce printed for a step ('[reproduce]   notebooks (...)   12.3 s')."""
    match = re.search(rf"^\[reproduce\]\s+{re.escape(name)}.*?([0-9.]+) s$", output, flags=re.M)
    return float(match.group(1)) if match else float("nan")


def bench_reader() -> dict:
    """openpyxl against the project reader on the small replica."""
    import pandas as pd

    from helpers.data import readers

    if not SMALL_REPLICA.exists():
        print(f"building {SMALL_REPLICA.name} ({SMALL_FORCES} forces; once)...", flush=True)
        bench_readers.build_replica(SMALL_REPLICA, n_forces=SMALL_FORCES)
    cache = Path(tempfile.mkdtemp(prefix="bench-cache-"))
    os.environ["DA_CACHE_DIR"] = str(cache)
    try:
        openpyxl_s, raw = bench_readers.timed(
            lambda: pd.read_excel(
                SMALL_REPLICA, sheet_name="Outcomes open data 2024_25", engine="openpyxl"
            )
        )
        cold_s, frame = bench_readers.timed(lambda: readers.read_outcomes_open_data(SMALL_REPLICA))
        warm_s, warm = bench_readers.timed(lambda: readers.read_outcomes_open_data(SMALL_REPLICA))
        assert warm.attrs["from_cache"] and len(warm) == len(frame)
    finally:
        shutil.rmtree(cache)
        del os.environ["DA_CACHE_DIR"]
    return {
        "rows": raw.shape[0],
        "cells": raw.shape[0] * raw.shape[1],
        "mb": SMALL_REPLICA.stat().st_size / 1e6,
        "openpyxl": openpyxl_s,
        "cold": cold_s,
        "warm": warm_s,
    }


def bench_in_process(env: dict[str, str]) -> dict:
    """The analysis layer and one force page, in this process (processed data already made)."""
    os.environ.update(env)
    import matplotlib

    matplotlib.use("Agg")
    from helpers import figures
    from helpers.analysis import profile
    from helpers.data import sources, tidy
    from helpers.report import profiles

    mode = sources.resolve_mode("sample")
    da = tidy.load_or_build(mode, quiet=True)["da_outcomes_by_force"]
    measure_s, measures = bench_readers.timed(lambda: profile.measure_all(da))
    figures.set_theme()
    order = [code for _, code in profile.force_options()]
    profiles._STATE.update(mode=mode, da=da, measures=measures, order=order, with_figures=True)
    codes = order[:3]
    with_s, _ = bench_readers.timed(lambda: [profiles.render_force(c) for c in codes])
    profiles._STATE.update(with_figures=False)
    without_s, _ = bench_readers.timed(lambda: [profiles.render_force(c) for c in codes])
    return {
        "measure_all": measure_s,
        "page_with_charts": with_s / len(codes),
        "page_without_charts": without_s / len(codes),
    }


def slowest_cells(notebook: Path, top: int = 3) -> list[tuple[float, str]]:
    """(seconds, first line) of the slowest code cells of an executed notebook (papermill's
    per-cell durations)."""
    cells = json.loads(notebook.read_text())["cells"]
    timed = [
        (
            c["metadata"].get("papermill", {}).get("duration") or 0.0,
            "".join(c["source"]).strip().splitlines()[0] if c["source"] else "",
        )
        for c in cells
        if c["cell_type"] == "code"
    ]
    return sorted(timed, reverse=True)[:top]


def bench_reproduce(root: Path, jobs: int | None = None) -> dict:
    """A cold ``make reproduce DATA=sample`` in fresh folders, then a warm one."""
    env = fresh_dirs(root)
    command = [sys.executable, "-m", "helpers.report.reproduce", "--data", "sample", "--no-fetch"]
    if jobs:
        command += ["--jobs", str(jobs)]
    cold, cold_cpu, output = run_timed(command, env)
    state = json.loads((Path(env["DA_REPORTS_DIR"]) / ".reproduce-state.json").read_text())
    notebooks = {stem: record["seconds"] for stem, record in sorted(state["notebooks"].items())}
    notebook_cpu = {
        stem: record.get("cpu") or float("nan")
        for stem, record in sorted(state["notebooks"].items())
    }
    cells = {
        stem: slowest_cells(Path(env["DA_REPORTS_DIR"]) / "notebooks" / f"{stem}.ipynb")
        for stem in notebooks
    }
    warm, warm_cpu, _ = run_timed(command, env)
    return {
        "env": env,
        "cold": cold,
        "cold_cpu": cold_cpu,
        "warm": warm,
        "warm_cpu": warm_cpu,
        "notebook_cpu": notebook_cpu,
        "site_cpu": state["site"].get("cpu") or float("nan"),
        "notebooks_phase": reported_step(output, "notebooks ("),
        "tidy": reported_step(output, "tidy stage"),
        "notebooks": notebooks,
        "cells": cells,
        "site": state["site"]["seconds"],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sequential", action="store_true", help="also a cold reproduce one notebook at a time"
    )
    parser.add_argument(
        "--real-size",
        action="store_true",
        help="also the real-size reader replicas: one year, and the 12 years (minutes)",
    )
    args = parser.parse_args(argv)
    src = str(ROOT / "src")
    os.environ["PYTHONPATH"] = os.pathsep.join([src, *filter(None, [os.environ.get("PYTHONPATH")])])
    sys.path.insert(0, src)
    started = time.perf_counter()
    load_before = load()
    work = Path(tempfile.mkdtemp(prefix="bench-pipeline-"))
    try:
        print("reader: openpyxl against the project reader (small replica)...", flush=True)
        reader = bench_reader()
        print("tidy stage: cold and warm...", flush=True)
        tidy_env = fresh_dirs(work / "tidy")
        tidy_command = [sys.executable, "-m", "helpers.data.tidy", "--data", "sample"]
        tidy_cold, _ = run(tidy_command, tidy_env)
        tidy_warm, _ = run(tidy_command, tidy_env)
        print("analysis layer and one force page...", flush=True)
        inside = bench_in_process(tidy_env)
        print("make reproduce DATA=sample: cold, then warm...", flush=True)
        whole = bench_reproduce(work / "reproduce")
        sequential = None
        if args.sequential:
            print("make reproduce DATA=sample, one notebook at a time: cold...", flush=True)
            sequential = bench_reproduce(work / "sequential", jobs=1)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    load_after = load()
    text = report(reader, tidy_cold, tidy_warm, inside, whole, sequential, load_before, load_after)
    bench_readers.write_section("pipeline", text)
    print(text)
    print(f"bench: {time.perf_counter() - started:.0f} s; wrote {bench_readers.RESULTS}")
    if args.real_size:
        bench_readers.main(["--all-years"])  # the 12 years too: issue 15's targets


def report(reader, tidy_cold, tidy_warm, inside, whole, sequential, load_before, load_after) -> str:
    notebook_total = sum(whole["notebooks"].values())
    lines = [
        "## Pipeline on the synthetic sample (`make bench`)",
        "",
        f"Measured by `benchmarks/bench.py` on {dt.date.today().isoformat()}: {cores()} cores, "
        f"Python {platform.python_version()}, {platform.machine()}; load average (1 / 5 / 15 min) "
        f"{load_before} before and {load_after} after. One run, wall-clock seconds; the machine "
        "is shared, so compare the figures of one run with each other.",
        "",
        "| step | seconds | CPU seconds |",
        "|---|---:|---:|",
        f"| reader, `pandas.read_excel` (openpyxl), small replica ({reader['rows']:,} rows, "
        f"{reader['mb']:.1f} MB) | {reader['openpyxl']:.1f} | |",
        f"| reader, project reader cold (calamine, validation, cache write): "
        f"{reader['openpyxl'] / reader['cold']:.1f}x faster | {reader['cold']:.1f} | |",
        f"| reader, project reader warm (parquet cache): "
        f"{reader['openpyxl'] / reader['warm']:.0f}x faster | {reader['warm']:.2f} | |",
        f"| tidy stage, cold (`python -m helpers.data.tidy`, empty cache; whole process) | {tidy_cold:.1f} | |",
        f"| tidy stage, warm (inputs unchanged: skipped; whole process) | {tidy_warm:.1f} | |",
        f"| analysis layer, `profile.measure_all` (43 forces x 3 measures, joinpoint fits) | {inside['measure_all']:.1f} | |",
        f"| one force page with its 3 charts (Plotly JSON + CSV each) | {inside['page_with_charts']:.2f} | |",
        f"| one force page without charts | {inside['page_without_charts']:.2f} | |",
        f"| **`make reproduce DATA=sample`, cold** (fresh folders; whole process and every "
        f"process it started) | **{whole['cold']:.1f}** | {whole['cold_cpu']:.1f} |",
    ]
    for stem, seconds in whole["notebooks"].items():
        lines.append(
            f"| &nbsp;&nbsp;notebook {stem} (execute + HTML pages; worker and kernel) "
            f"| {seconds:.1f} | {whole['notebook_cpu'][stem]:.1f} |"
        )
    lines += [
        f"| &nbsp;&nbsp;site pages beside the notebooks (measures, 43 force pages, national "
        f"pages, workbook, 44 briefings; two tasks, sum of their times) | {whole['site']:.1f} | {whole['site_cpu']:.1f} |",
        f"| &nbsp;&nbsp;tidy stage inside reproduce (notebook 00 runs beside it) | {whole['tidy']:.1f} | |",
        f"| &nbsp;&nbsp;notebooks and site pages, sum of their times | "
        f"{notebook_total + whole['site']:.1f} | |",
        f"| &nbsp;&nbsp;notebooks and site pages, wall clock ({cores()} at a time): "
        f"{(notebook_total + whole['site']) / whole['notebooks_phase']:.2f}x the speed of one at a time "
        f"| {whole['notebooks_phase']:.1f} | |",
        f"| **`make reproduce DATA=sample`, warm** (nothing changed: all reused) "
        f"| **{whole['warm']:.1f}** | {whole['warm_cpu']:.1f} |",
    ]
    if sequential:
        lines.append(
            f"| `make reproduce DATA=sample`, cold, one task at a time (`--jobs 1`) "
            f"| {sequential['cold']:.1f} | {sequential['cold_cpu']:.1f} |"
        )
    lines += [
        "",
        "Slowest cells of each notebook in the cold run (papermill's per-cell times):",
        "",
        "| notebook | seconds | cell starts with |",
        "|---|---:|---|",
    ]
    for stem, cells in whole["cells"].items():
        for seconds, first in cells:
            lines.append(f"| {stem} | {seconds:.1f} | `{first[:70].replace('|', '/')}` |")
    targets = [
        ("cold `make reproduce DATA=sample` <= 60 s", whole["cold"] <= 60),
        ("warm `make reproduce DATA=sample` <= 15 s", whole["warm"] <= 15),
    ]
    lines += ["", "| target | met in this run? |", "|---|---|"]
    lines += [f"| {name} | {'yes' if ok else 'NO'} |" for name, ok in targets]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
