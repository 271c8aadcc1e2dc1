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
import json
import sys
import time
from pathlib import Path

from helpers.core import config, datamode
from helpers.data import sources


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
    from helpers.report import site

    index = site.build_site(mode, done, started, requested)
    seconds = time.perf_counter() - started
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
