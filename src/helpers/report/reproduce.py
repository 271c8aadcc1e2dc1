"""``make reproduce``: official files (or the sample) -> every numbered notebook -> reports/.

1. Data: with DATA=auto or official, run ``helpers.data.fetch`` (mirror first, then the official URLs).
   DATA=auto falls back to the shipped synthetic sample when the official files cannot be had and
   says so; DATA=official stops with the offline message; DATA=sample skips fetching.
2. Execute every numbered notebook with papermill into ``reports/notebooks/`` (the sources in
   ``notebooks/`` are not modified), passing the resolved data mode, and export each to HTML.
3. Render the 43 force pages in-process (``helpers.report.profiles``) into ``reports/profiles/``.
4. Write ``reports/index.html``: data mode, force pages, notebooks, figures with their CSVs,
   processed tables, the source files with checksums, package versions and the run time.

The data mode is announced at the start and at the end, on the index page and on every figure.
"""

from __future__ import annotations

import argparse
import html
import importlib.metadata
import json
import platform
import sys
import time
from pathlib import Path

from helpers.core import config, datamode
from helpers.data import sources
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


def numbered_notebooks() -> list[Path]:
    """notebooks/NN_*.ipynb in order."""
    return sorted(config.NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))


def resolve_data(requested: str, fetch_first: bool = True) -> datamode.DataMode:
    """Fetch when asked, then resolve the mode (see module docstring)."""
    if requested in ("auto", "official") and fetch_first:
        from helpers.data import fetch

        print(
            f"[reproduce] DATA={requested}: fetching the official files (mirror first if DA_DATA_MIRROR is set)...",
            flush=True,
        )
        result = fetch.run_fetch(mirror=config.data_mirror(), progress=sys.stderr.isatty())
        if not result.ok:
            message = (
                fetch.offline_message(result)
                if any(r.status in {"missing", "no url"} for r in result.reports)
                else "\n".join(r.message for r in result.reports if not r.ok)
            )
            if requested == "official":
                raise datamode.OfficialDataMissing(message)
            print(
                f"[reproduce] official files not available:\n{message}\n[reproduce] falling back to the synthetic sample.",
                flush=True,
            )
    return sources.resolve_mode(requested)


def execute(notebook: Path, output: Path, parameters: dict, log_output: bool = False) -> None:
    import papermill

    papermill.execute_notebook(
        str(notebook),
        str(output),
        parameters=parameters,
        kernel_name="python3",
        progress_bar=False,
        log_output=log_output,
        cwd=str(config.NOTEBOOKS_DIR),
    )


def to_html(notebook: Path, output: Path, exclude_input: bool = False) -> None:
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input = exclude_input
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nbformat.read(str(notebook), as_version=4))
    output.write_text(body, encoding="utf-8")


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


def reproduce(requested: str = "auto", fetch_first: bool = True) -> Path:
    """Run the whole collection; returns the index page path."""
    started = time.perf_counter()
    mode = resolve_data(requested, fetch_first)
    print(f"[reproduce] {mode.banner()}", flush=True)
    out = config.reports_dir() / "notebooks"
    out.mkdir(parents=True, exist_ok=True)
    done = []
    for notebook in numbered_notebooks():
        step = time.perf_counter()
        target = out / notebook.name
        # the notebooks resolve the same request to the same mode and say why in their banner
        execute(notebook, target, {"DATA": requested})
        to_html(target, target.with_suffix(".html"))
        title = (
            "".join(json.loads(notebook.read_text())["cells"][0]["source"])
            .splitlines()[0]
            .lstrip("# ")
            .strip()
        )
        done.append((notebook.stem, title))
        print(
            f"[reproduce] {notebook.name}: executed and exported in {time.perf_counter() - step:.1f} s",
            flush=True,
        )
    from helpers.report import profiles

    step = time.perf_counter()
    profiles.render_all(mode)
    print(f"[reproduce] 43 force pages rendered in {time.perf_counter() - step:.1f} s", flush=True)
    seconds = time.perf_counter() - started
    index = write_index(mode, done, seconds, requested)
    print(f"[reproduce] wrote {config.relative(index)}; wall time {seconds:.1f} s", flush=True)
    print(f"[reproduce] {mode.banner()}", flush=True)
    return index


def refresh_sources() -> None:
    """Re-execute the committed notebooks in place on the synthetic sample (``make refresh``):
    timing metadata dropped, so that a rerun changes only what the code changed."""
    import nbformat
    from nbclient import NotebookClient

    for path in numbered_notebooks():
        notebook = nbformat.read(str(path), as_version=4)
        for cell in notebook.cells:
            cell.metadata.pop("execution", None)
        client = NotebookClient(
            notebook,
            timeout=1200,
            kernel_name="python3",
            record_timing=False,
            resources={"metadata": {"path": str(config.NOTEBOOKS_DIR)}},
        )
        client.execute()
        nbformat.write(notebook, str(path))
        print(f"[refresh] {path.name}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.report.reproduce", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--data", default="auto", choices=datamode.MODES)
    parser.add_argument(
        "--no-fetch", action="store_true", help="do not try to download (use what is in data/raw)"
    )
    parser.add_argument(
        "--refresh-sources",
        action="store_true",
        help="re-execute notebooks/ in place on the sample (make refresh)",
    )
    args = parser.parse_args(argv)
    if args.refresh_sources:
        refresh_sources()
        return 0
    try:
        reproduce(args.data, fetch_first=not args.no_fetch)
    except datamode.OfficialDataMissing as error:
        print(f"[reproduce] {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
