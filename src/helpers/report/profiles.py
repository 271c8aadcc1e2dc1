"""``make profiles``: notebook 04 rendered for every one of the 43 forces into reports/profiles/.

Runs in parallel across the available cores with a progress bar, reusing ``data/processed/``
(raw files are not read again: if the processed tables are missing or from another data mode,
notebook 01 is run once first). Writes ``reports/profiles/<code>.html`` (code hidden) and an
index page with each force's headline numbers.
"""

from __future__ import annotations

import argparse
import html
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from helpers.analysis import profile, rates
from helpers.core import config, datamode
from helpers.data import sources
from helpers.reference import forces
from helpers.report.reproduce import STYLE, execute, to_html

PROFILE_NOTEBOOK = "04_force_profile.ipynb"


def render_one(code: str, mode_name: str) -> tuple[str, float]:
    """Execute and export one force's profile; returns (code, seconds)."""
    started = time.perf_counter()
    out = config.reports_dir() / "profiles"
    target = out / "notebooks" / f"{code}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    execute(
        config.NOTEBOOKS_DIR / PROFILE_NOTEBOOK,
        target,
        {"DATA": mode_name, "FORCE": code, "INTERACTIVE": False},
    )
    to_html(target, out / f"{code}.html", exclude_input=True)
    return code, time.perf_counter() - started


def ensure_processed(mode: datamode.DataMode) -> dict:
    """The processed tables for this mode, running notebook 01 once if they are missing."""
    try:
        return rates.load_processed(mode.name)
    except rates.ProcessedDataMissing as error:
        print(f"[profiles] {error}; running notebook 01 first", flush=True)
        target = config.reports_dir() / "notebooks" / "01_clean_outcome_data.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        execute(config.NOTEBOOKS_DIR / "01_clean_outcome_data.ipynb", target, {"DATA": mode.name})
        return rates.load_processed(mode.name)


def write_index(mode: datamode.DataMode, processed: dict, seconds: float) -> Path:
    esc = html.escape
    rows = []
    for name, code in profile.force_options():
        built = profile.build_profile(processed, code)
        cr, o16, charge = (built.rates.iloc[i] for i in range(3))
        rows.append(
            f"<tr><td><a href='{code}.html'>{esc(name)}</a></td><td>{code}</td><td>{esc(built.year)}</td>"
            f"<td>{rates.pct(cr['force_rate'], 2)}</td><td>{esc(cr['position'])}</td><td>{rates.pct(o16['force_rate'])}</td><td>{esc(o16['position'])}</td><td>{rates.pct(charge['force_rate'])}</td></tr>"
        )
    banner_class = "synthetic" if mode.synthetic else "official"
    text = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Force profiles</title><style>{STYLE}</style></head><body>
<h1>Force profiles: domestic abuse-related crime outcomes</h1>
<div class="banner {banner_class}">{esc(mode.banner())}</div>
<p>{len(rows)} profiles rendered in {seconds:.0f} s. Rates are shares of outcomes assigned (excluding outcome 0); positions are against the national rate's overdispersion-adjusted 99.8% funnel limits. <a href="../index.html">Back to the report</a>.</p>
<table><tr><th>force</th><th>code</th><th>year</th><th>community resolution</th><th>position</th><th>outcome 16</th><th>position</th><th>charge rate</th></tr>{"".join(rows)}</table>
</body></html>
"""
    path = config.reports_dir() / "profiles" / "index.html"
    path.write_text(text, encoding="utf-8")
    return path


def render_all(requested: str = "auto", workers: int | None = None) -> Path:
    from tqdm.auto import tqdm

    started = time.perf_counter()
    mode = sources.resolve_mode(requested)
    print(f"[profiles] {mode.banner()}", flush=True)
    processed = ensure_processed(mode)
    codes = forces.territorial_codes()
    workers = workers or os.cpu_count() or 1
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(render_one, code, mode.name) for code in codes]
        for future in tqdm(
            as_completed(futures),
            total=len(futures),
            desc=f"profiles ({workers} workers)",
            unit="force",
            file=sys.stderr,
        ):
            future.result()
    seconds = time.perf_counter() - started
    index = write_index(mode, processed, seconds)
    print(
        f"[profiles] {len(codes)} profiles and {config.relative(index)} in {seconds:.1f} s",
        flush=True,
    )
    return index


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.report.profiles", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--data", default="auto", choices=datamode.MODES)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args(argv)
    render_all(args.data, args.workers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
