"""The site that ``make reproduce`` leaves in ``reports/``: the index page (the front door), the
43 force pages (``helpers.report.profiles``) and links to the executed notebooks, the figures
with their CSVs, the processed tables, the source files read and the package versions.

Everything is written with relative links so that the site opens from disk with no network.
"""

from __future__ import annotations

import html
import importlib.metadata
import platform
import time
from pathlib import Path

from helpers.core import config, datamode
from helpers.report.pages import STYLE

PACKAGES = [
    "pandas",
    "numpy",
    "scipy",
    "statsmodels",
    "matplotlib",
    "seaborn",
    "pandera",
    "python-calamine",
    "openpyxl",
    "pyarrow",
    "pooch",
    "papermill",
    "nbval",
    "jupyterlab",
]


def _package_versions() -> list[tuple[str, str]]:
    versions = []
    for name in PACKAGES:
        try:
            versions.append((name, importlib.metadata.version(name)))
        except importlib.metadata.PackageNotFoundError:
            versions.append((name, "not installed"))
    return versions


def _read_log() -> list[dict]:
    path = config.processed_dir() / "read_log.csv"
    if not path.exists():
        return []
    import pandas as pd

    return pd.read_csv(path).to_dict("records")


def _manifest() -> list[dict]:
    path = config.figures_dir() / "MANIFEST.csv"
    if not path.exists():
        return []
    import csv

    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def write_index(
    mode: datamode.DataMode, notebooks: list[tuple[str, str]], seconds: float, requested: str
) -> Path:
    """reports/index.html (relative links only)."""
    esc = html.escape
    banner_class = "synthetic" if mode.synthetic else "official"
    rows_nb = "".join(
        f"<tr><td><a href='notebooks/{esc(n)}.html'>{esc(n)}</a></td><td>{esc(title)}</td><td><a href='notebooks/{esc(n)}.ipynb'>ipynb</a></td></tr>"
        for n, title in notebooks
    )
    figures = "".join(
        f"<div class='fig'><a href='figures/{esc(r['figure'])}.png'><img src='figures/{esc(r['figure'])}.png' alt='{esc(r['figure'])}'></a>"
        f"<br><b>{esc(r['figure'])}</b><br>{esc(r['notebook'])}, section {esc(r['section'])}<br>data: <a href='figures/{esc(r['data_csv'])}'>{esc(r['data_csv'])}</a> "
        f"<code>{esc(r['data_sha256'][:16])}</code> ({esc(r['data_mode'])})</div>"
        for r in _manifest()
    )
    processed = "".join(
        f"<tr><td>{esc(p.name)}</td><td>{p.stat().st_size / 1e6:.2f} MB</td></tr>"
        for p in sorted(config.processed_dir().glob("*.csv"))
    )
    sources = "".join(
        f"<tr><td>{esc(str(r['source']))}</td><td>{esc(str(r['file']))}</td><td><code>{esc(str(r['sha256']))}</code></td><td>{esc(str(r['rows']))}</td></tr>"
        for r in _read_log()
    )
    packages = "".join(
        f"<tr><td>{esc(n)}</td><td>{esc(v)}</td></tr>" for n, v in _package_versions()
    )
    text = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Police responses to domestic abuse: reproduced report</title><style>{STYLE}</style></head><body>
<h1>Police responses to domestic abuse in England and Wales: reproduced report</h1>
<div class="banner {banner_class}">{esc(mode.banner())}</div>
<p>Made by <code>make reproduce DATA={esc(requested)}</code> in {seconds:.0f} s (Python {esc(platform.python_version())}). Every figure below links to the CSV of the numbers it plots; <code>MANIFEST.csv</code> lists their checksums for <code>make verify</code>.
</p>
<h2>Each force</h2><p><a href="profiles/index.html">The 43 force pages</a>: each force's community resolution rate, outcome 16 share and charge rate with their verdicts, trends and charts.</p>
<h2>Notebooks</h2><table><tr><th>notebook</th><th>what it answers</th><th>source</th></tr>{rows_nb}</table>
<h2>Figures</h2><p><a href="figures/MANIFEST.csv">figures/MANIFEST.csv</a></p><div class="figs">{figures}</div>
<h2>Source files read (with checksums)</h2><table><tr><th>source</th><th>file</th><th>sha256</th><th>rows</th></tr>{sources}</table>
<h2>Processed data</h2><p>In <code>data/processed/</code> (data dictionary: <code>data/processed/README.md</code>).</p><table>{processed}</table>
<h2>Package versions</h2><table>{packages}</table>
<div class="banner {banner_class}">{esc(mode.banner())}</div>
</body></html>
"""
    path = config.reports_dir() / "index.html"
    path.write_text(text, encoding="utf-8")
    return path


def build_site(
    mode: datamode.DataMode, notebooks: list[tuple[str, str]], started: float, requested: str
) -> Path:
    """Render the force pages and the index after the notebooks have run; ``notebooks``: (stem,
    title) of each executed notebook; ``started``: ``time.perf_counter()`` at the start of the
    run (for the run time shown). Returns the index page path."""
    from helpers.report import profiles

    step = time.perf_counter()
    profiles.render_all(mode)
    print(f"[reproduce] 43 force pages rendered in {time.perf_counter() - step:.1f} s", flush=True)
    return write_index(mode, notebooks, time.perf_counter() - started, requested)
