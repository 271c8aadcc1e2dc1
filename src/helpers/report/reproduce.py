"""``make reproduce``: official files (or the sample) -> every numbered notebook -> reports/.

1. Data: with DATA=auto or official, run ``helpers.data.fetch`` (mirror first, then the official URLs).
   DATA=auto falls back to the shipped synthetic sample when the official files cannot be had and
   says so; DATA=official stops with the offline message; DATA=sample skips fetching.
2. The tidy stage (``helpers.data.tidy``): raw files -> ``data/processed/``, skipped when the
   processed data were made from the same input files (``mode.json`` "inputs"). It runs in this
   process while a worker already executes the notebooks that read no processed data (00).
3. Every numbered notebook executed with papermill into ``reports/notebooks/`` (the sources in
   ``notebooks/`` are not modified), passing the requested data mode, and exported to HTML (02
   and 03 also as the analysts' pages without code). The notebooks are independent once the
   processed data exist, so they run side by side, as many at a time as there are cores
   (``--jobs``), longest first, each in its own kernel; worker processes take one task after
   another. Each kernel writes its figures (and notebook 01 its processed tables) into a private
   staging folder; they are moved into place, and the figure manifest merged, once every
   notebook has finished, so two notebooks never write the same file at the same time.
4. Beside the notebooks, in one more task of the same workers: the site's pages that need only
   the processed data (``helpers.report.site.build_pages``): the measures (shared with the
   notebooks through the analysis memo, each computed once), the 43 force pages, the national
   pages, the workbook, the briefings and the glossary.
5. ``reports/index.html`` (``helpers.report.site``), written last: data mode, force pages,
   notebooks, figures with their CSVs, processed tables, source files with checksums, package
   versions, run time.

Outputs are keyed by their inputs. A notebook is not executed again when its source, the
processed data fingerprint, the code of the ``helpers`` package and the shipped reference data,
the installed packages, the data mode and the parameters are all unchanged and its outputs
(executed notebook, HTML pages, figures with their manifest rows) are still there; the force pages
likewise. The keys are kept in ``reports/.reproduce-state.json``; ``--force`` ignores them. The
run says for every step whether it was executed or reused, and why, with its wall-clock and CPU
seconds.

The data mode is announced at the start and at the end, on the index page and on every figure.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import multiprocessing
import os
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from helpers.core import config, datamode, hashing, imports
from helpers.core.hashing import (  # noqa: F401 (re-exported: the keys of a run)
    SHIPPED,
    code_fingerprint,
    environment_fingerprint,
    shipped_fingerprint,
)

imports.skip_unused_format_checkers()  # about 3 CPU s less in each process reading notebooks

#: where the keys of the last run's outputs are kept (inside the reports folder)
STATE_NAME = ".reproduce-state.json"
#: bump when the meaning of the state file changes (an older state is then ignored)
STATE_VERSION = 1
#: seconds a notebook cell may run before the run stops with the cell named (the slowest cell
#: takes under 20 s on the sample on 2 cores)
CELL_TIMEOUT = 900
#: why an output was not reused: the key part that changed -> words
CHANGED = {
    "pages": "other force pages were asked for",
    "notebook": "the notebook changed",
    "processed": "the processed data changed",
    "code": "the helpers package changed",
    "shipped": "the shipped reference data changed",
    "environment": "the installed packages changed",
    "mode": "the data mode changed",
    "parameters": "the parameters changed",
}


class NotebookFailed(RuntimeError):
    """One or more notebooks raised an error; the message names each with its error."""


# ------------------------------------------------------------------------------------------
# what the outputs depend on
# ------------------------------------------------------------------------------------------


def numbered_notebooks() -> list[Path]:
    """notebooks/NN_*.ipynb in order."""
    return sorted(config.NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))


_hash_tree = hashing.hash_tree


def key_parts(
    common: dict[str, str], notebook: Path | None = None, parameters: dict | None = None
) -> dict[str, str]:
    """The key of one output: ``common`` (processed, code, shipped, environment, mode) plus, for
    a notebook, the sha256 of its source and its parameters."""
    parts = dict(common)
    if notebook is not None:
        parts["notebook"] = hashlib.sha256(notebook.read_bytes()).hexdigest()
        parts["parameters"] = json.dumps(parameters or {}, sort_keys=True)
    return parts


def why_not_reused(previous: dict | None, parts: dict[str, str], missing: list[str]) -> str:
    """'' when the output can be reused, else the reason in words."""
    if not previous:
        return "no previous run recorded"
    changed = [CHANGED.get(k, k) for k in parts if previous.get("parts", {}).get(k) != parts[k]]
    if changed:
        return ", ".join(changed)
    if missing:
        more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
        return f"outputs missing ({missing[0]}{more})"
    return ""


def state_path() -> Path:
    """``reports/.reproduce-state.json``."""
    return config.reports_dir() / STATE_NAME


def load_state() -> dict:
    """The keys recorded by the last run ({} when none, unreadable or of another version)."""
    try:
        state = json.loads(state_path().read_text())
    except (OSError, ValueError):
        return {}
    return state if state.get("version") == STATE_VERSION else {}


def save_state(state: dict) -> None:
    path = state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    state["version"] = STATE_VERSION
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(state, indent=1, sort_keys=True) + "\n")
    os.replace(temporary, path)


# ------------------------------------------------------------------------------------------
# data
# ------------------------------------------------------------------------------------------


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
    from helpers.data import sources

    return sources.resolve_mode(requested)


def tidy_stage(mode: datamode.DataMode) -> tuple[str, str]:
    """Make ``data/processed/`` for ``mode`` unless it was made from the same inputs; returns
    (fingerprint of the inputs, 'reused' or 'built')."""
    from helpers.data import tidy

    fingerprint = tidy.input_fingerprint(mode)
    present = all(
        (config.processed_dir() / f"{name}.parquet").exists() for name in tidy.PROCESSED_TABLES
    )
    if present and tidy.processed_fingerprint() == fingerprint:
        try:
            tidy.load_processed(mode.name)  # same mode, every table readable
            return fingerprint, "reused"
        except tidy.ProcessedDataMissing:
            pass
    result = tidy.build(mode)
    tidy.write_processed(result.tables, mode, result.fingerprint)
    return result.fingerprint, "built"


# ------------------------------------------------------------------------------------------
# notebooks
# ------------------------------------------------------------------------------------------


def _ipc_fits() -> bool:
    """Whether kernel sockets as files in the Jupyter runtime folder stay under the 107-byte
    limit of a Unix socket path (kernel-<uuid>-ipc-<n>)."""
    from jupyter_core.paths import jupyter_runtime_dir

    return (
        os.name == "posix" and len(jupyter_runtime_dir()) + len("/kernel-123456789012-ipc-5") < 100
    )


def kernel_options() -> dict:
    """papermill/nbclient options for a quiet kernel start: the kernel talks to us over local
    socket files (IPC transport) instead of TCP, so ipykernel has no 'running over TCP without
    encryption' warning to give (and nothing crosses the network stack). Where the socket paths
    would be too long, TCP is kept and the kernel's own log shows errors only."""
    if not _ipc_fits():
        return {"extra_arguments": ["--IPKernelApp.log_level=ERROR"]}
    import uuid

    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.paths import jupyter_runtime_dir
    from traitlets import default

    class IPCKernelManager(AsyncKernelManager):
        """A kernel manager whose kernels listen on local socket files (IPC transport), each
        kernel on its own files in the Jupyter runtime folder (jupyter_client's default,
        ``kernel-ipc-N`` in the working folder, would be shared by kernels started at once)."""

        @default("transport")
        def _default_transport(self) -> str:
            return "ipc"

        @default("ip")
        def _default_ip(self) -> str:
            runtime = Path(jupyter_runtime_dir())
            runtime.mkdir(parents=True, exist_ok=True, mode=0o700)
            return str(runtime / f"kernel-{uuid.uuid4().hex[:12]}-ipc")

    return {"kernel_manager_class": IPCKernelManager}


def execute(notebook: Path, output: Path, parameters: dict, log_output: bool = False) -> None:
    """Execute ``notebook`` with papermill into ``output`` (``notebooks/`` as working folder).
    Raises papermill's PapermillExecutionError (with the failing cell's traceback) on an error."""
    import papermill

    # the kernel inherits this: widgets show their default view as static output (a headless run
    # has nobody to move a control, and ipywidgets' comm traffic has left kernels hanging under
    # nbclient: jupyter/nbclient#312), and no cell may wait for ever
    os.environ[config.STATIC_WIDGETS_VARIABLE] = "1"
    papermill.execute_notebook(
        str(notebook),
        str(output),
        parameters=parameters,
        kernel_name="python3",
        progress_bar=False,
        log_output=log_output,
        cwd=str(config.NOTEBOOKS_DIR),
        execution_timeout=CELL_TIMEOUT,
        **kernel_options(),
    )


def title_of(notebook: Path) -> str:
    """The first line of the notebook's first cell, without the heading marks."""
    first = json.loads(notebook.read_text())["cells"][0]["source"]
    return "".join(first).splitlines()[0].lstrip("# ").strip()


def writes_processed(notebook: Path) -> bool:
    """Whether the notebook writes ``data/processed/`` (calls ``tidy.write_processed``)."""
    return "write_processed(" in notebook.read_text()


def reads_processed(notebook: Path) -> bool:
    """Whether a code cell of the notebook mentions the tidy stage or the processed data (``tidy``
    or ``processed``); one that does not (notebook 00) may run while the tidy stage runs."""
    cells = json.loads(notebook.read_text())["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return "tidy" in code or "processed" in code


def export_html(output: Path) -> None:
    """The HTML pages of an executed notebook, from one reading of it: ``reports/notebooks/
    <stem>.html`` (with its code, loading nothing from a network, linking back to the index)
    and, for a notebook of ``notebook_pages.ANALYST_REPORTS``, the analysts' page without code
    (``reports/<short>.html``)."""
    import nbformat

    from helpers.report import notebook_pages

    node = nbformat.read(str(output), as_version=4)
    body = notebook_pages.notebook_html(node, home="../index.html")
    output.with_suffix(".html").write_text(body, encoding="utf-8")
    if output.stem in notebook_pages.ANALYST_REPORTS:
        notebook_pages.write_analyst_report(output.stem, node)


def _run_one(task: dict) -> dict:
    """In a worker process: point the kernel at the task's staging folders, execute the notebook
    and export it (or, for the site task, build the site's pages: ``_build_site_pages``).
    Returns the stem, the seconds taken and the error text (None when it ran)."""
    saved = {name: os.environ.get(name) for name in task["env"]}
    os.environ.update(task["env"])
    try:
        return _run_task(task)
    finally:  # the worker may take another task: it must not see this one's folders
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _cpu_seconds() -> float:
    """CPU seconds (user + system) of this process and of its finished children (the kernels)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _run_task(task: dict) -> dict:
    """One task with its wall-clock and CPU seconds (``cpu``: the worker's and its kernel's)."""
    started, cpu = time.perf_counter(), _cpu_seconds()
    result = _run_site_or_notebook(task, started)
    result["cpu"] = _cpu_seconds() - cpu
    return result


def _run_site_or_notebook(task: dict, started: float) -> dict:
    if task.get("kind") == "site":
        return _build_site_pages(task, started)
    output = Path(task["output"])
    error = None
    try:
        execute(Path(task["notebook"]), output, task["parameters"])
    except Exception as exc:  # reported by the parent with the notebook's name
        error = f"{type(exc).__name__}: {exc}"
    if output.exists():
        try:
            export_html(output)
        except Exception as exc:
            error = error or f"HTML export failed: {type(exc).__name__}: {exc}"
    return {"stem": task["stem"], "seconds": time.perf_counter() - started, "error": error}


def _build_site_pages(task: dict, started: float) -> dict:
    """In a worker process: one part (``task['site_part']``, of ``site.SITE_PARTS``) of the
    site's pages that need the processed data but no notebook (``site.build_pages``: the force
    and national pages, or the workbook, briefings and glossary), made while notebooks run on
    the other cores."""
    from helpers.data import sources
    from helpers.report import site

    error = None
    try:
        mode = sources.resolve_mode(task["requested"])
        site.build_pages(mode, workers=1, codes=task["codes"], parts=(task["site_part"],))
    except Exception as exc:
        import traceback

        error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"
    return {"stem": task["stem"], "seconds": time.perf_counter() - started, "error": error}


def _read_manifest(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _write_manifest(rows: list[dict[str, str]], path: Path) -> None:
    from helpers.figures.saving import MANIFEST_COLUMNS

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=MANIFEST_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in sorted(rows, key=lambda r: r["figure"]):
            writer.writerow({c: row.get(c, "") for c in MANIFEST_COLUMNS})


def _merge_staged(stem: str, staging: Path) -> list[dict[str, str]]:
    """Move what one notebook wrote into its staging folder into place: the reports files
    (figures merged into the manifest, replacing the notebook's earlier rows) and, when it wrote
    them, the processed tables. Returns the notebook's manifest rows."""
    reports = config.reports_dir()
    staged_reports = staging / "reports"
    rows = _read_manifest(staged_reports / "figures" / "MANIFEST.csv")
    for path in sorted(staged_reports.rglob("*")) if staged_reports.exists() else []:
        if path.is_file() and path != staged_reports / "figures" / "MANIFEST.csv":
            target = reports / path.relative_to(staged_reports)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
    manifest = config.figures_dir() / "MANIFEST.csv"
    produced = {r["figure"] for r in rows}
    kept = [
        r
        for r in _read_manifest(manifest)
        if r["figure"] not in produced and r.get("notebook") != stem
    ]
    if rows or len(kept) != len(_read_manifest(manifest)):
        _write_manifest(kept + rows, manifest)
    staged_processed = staging / "processed"
    if staged_processed.exists():
        config.processed_dir().mkdir(parents=True, exist_ok=True)
        for path in sorted(staged_processed.iterdir()):
            if path.is_file():
                os.replace(path, config.processed_dir() / path.name)
    return rows


def _outputs_missing(stem: str, record: dict) -> list[str]:
    """Which of a notebook's recorded outputs are gone (or no longer in the manifest)."""
    reports = config.reports_dir()
    wanted = [reports / "notebooks" / f"{stem}.ipynb", reports / "notebooks" / f"{stem}.html"]
    analysts = _analyst_pages().get(stem)
    if analysts:
        wanted.append(reports / f"{analysts}.html")
    manifest = {r["figure"]: r for r in _read_manifest(config.figures_dir() / "MANIFEST.csv")}
    missing = [config.relative(p) for p in wanted if not p.exists()]
    for row in record.get("figures", []):
        if manifest.get(row["figure"]) != row:
            missing.append(f"manifest row {row['figure']}")
        for suffix in (".png", ".svg", ".csv"):
            path = config.figures_dir() / f"{row['figure']}{suffix}"
            if not path.exists():
                missing.append(config.relative(path))
    return missing


def _analyst_pages() -> dict[str, str]:
    """Notebook stem -> the short name of its analysts' page (``ANALYST_REPORTS``)."""
    from helpers.report.notebook_pages import ANALYST_REPORTS

    return {stem: short for stem, (short, _) in ANALYST_REPORTS.items()}


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def plan_notebooks(
    notebooks: list[Path],
    parameters: dict,
    common: dict[str, str],
    state: dict,
    force: bool = False,
) -> tuple[dict[str, dict], list[dict]]:
    """Which notebooks must be executed: (steps by stem, tasks). A step has stem, title, reason
    ('' when the notebook is reused, with status 'reused'); a task is what a worker needs (and
    ``needs_processed``, ``order``: the last recorded seconds, for longest-first)."""
    records = state.setdefault("notebooks", {})
    out = config.reports_dir() / "notebooks"
    out.mkdir(parents=True, exist_ok=True)
    steps, tasks = {}, []
    for notebook in notebooks:
        stem = notebook.stem
        parts = key_parts(common, notebook, parameters)
        previous = records.get(stem)
        missing = _outputs_missing(stem, previous) if previous else []
        reason = "--force" if force else why_not_reused(previous, parts, missing)
        steps[stem] = {"stem": stem, "title": title_of(notebook), "reason": reason}
        if not reason:
            steps[stem].update(status="reused", seconds=0.0)
            print(
                f"[reproduce] {notebook.name}: reused (notebook, data, code, packages and "
                "parameters unchanged; outputs present)",
                flush=True,
            )
            continue
        staging = config.reports_dir() / ".staging" / stem
        shutil.rmtree(staging, ignore_errors=True)
        env = {"DA_REPORTS_DIR": str(staging / "reports")}
        if writes_processed(notebook):
            env["DA_PROCESSED_DIR"] = str(staging / "processed")
        tasks.append(
            {
                "kind": "notebook",
                "stem": stem,
                "notebook": str(notebook),
                "output": str(out / notebook.name),
                "parameters": parameters,
                "env": env,
                "parts": parts,
                "staging": staging,
                "needs_processed": reads_processed(notebook),
                "order": (previous or {}).get("seconds", notebook.stat().st_size / 1e5),
            }
        )
    return steps, tasks


def execute_tasks(tasks: list[dict], jobs: int | None = None, prepare=None) -> list[tuple]:
    """Run ``tasks`` (notebooks, and the site task) in worker processes, ``jobs`` at a time
    (default: the cores): first those that do not need the processed data, then ``prepare()``
    (the tidy stage) in this process while they run, then the rest, longest first by their
    ``order``. Prints a line as each finishes; returns (task, result) pairs."""
    results = []
    if not tasks:
        if prepare is not None:
            prepare()
        return results
    jobs = max(1, min(jobs or default_jobs(), len(tasks)))
    early = [t for t in tasks if not t.get("needs_processed", True)]
    later = sorted((t for t in tasks if t.get("needs_processed", True)), key=lambda t: -t["order"])
    print(
        f"[reproduce] running {len(tasks)} task(s), {jobs} at a time: "
        + ", ".join(t["stem"] for t in [*early, *later]),
        flush=True,
    )
    # worker processes spawned, not forked (the parent holds threads); each takes task after
    # task (``_run_one`` restores its environment after each), so only ``jobs`` processes start
    context = multiprocessing.get_context("spawn")
    sendable = ("parts", "staging")
    with ProcessPoolExecutor(jobs, mp_context=context) as pool:
        futures = {
            pool.submit(_run_one, {k: t[k] for k in t if k not in sendable}): t for t in early
        }
        if prepare is not None:
            try:
                prepare()
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
        for t in later:
            futures[pool.submit(_run_one, {k: t[k] for k in t if k not in sendable})] = t
        for future in as_completed(futures):
            task, result = futures[future], future.result()
            results.append((task, result))
            word = "FAILED" if result["error"] else task.get("done_word", "executed and exported")
            print(
                f"[reproduce] {task['label']}: {word} in {result['seconds']:.1f} s, "
                f"{result.get('cpu', float('nan')):.1f} CPU s ({task['reason']})",
                flush=True,
            )
    return results


def finish_notebooks(results: list[tuple], steps: dict[str, dict], state: dict) -> list[str]:
    """Once every task has finished: move each executed notebook's staged outputs into place,
    one notebook at a time, and record it in ``state['notebooks']``. Returns the failures
    ('stem: error') of the notebooks."""
    records = state.setdefault("notebooks", {})
    failures = []
    for task, result in sorted(results, key=lambda pair: pair[0]["stem"]):
        if task.get("kind") != "notebook":
            continue
        stem = task["stem"]
        if result["error"]:
            shutil.rmtree(task["staging"], ignore_errors=True)
            records.pop(stem, None)
            steps[stem].update(status="failed", seconds=result["seconds"])
            failures.append(f"{stem}: {result['error']}")
            continue
        rows = _merge_staged(stem, task["staging"])
        shutil.rmtree(task["staging"], ignore_errors=True)
        records[stem] = {
            "parts": task["parts"],
            "seconds": result["seconds"],
            "cpu": result.get("cpu"),
            "figures": rows,
        }
        steps[stem].update(status="executed", seconds=result["seconds"])
    staging_root = config.reports_dir() / ".staging"
    if staging_root.exists() and not any(staging_root.iterdir()):
        staging_root.rmdir()
    return failures


def _notebook_failed(failures: list[str]) -> NotebookFailed:
    out = config.reports_dir() / "notebooks"
    return NotebookFailed(
        "notebook(s) failed (the executed copies with the error are in "
        f"{config.relative(out)}/):\n" + "\n\n".join(failures)
    )


def _labelled(tasks: list[dict], steps: dict[str, dict]) -> list[dict]:
    for task in tasks:
        task["label"] = f"{task['stem']}.ipynb"
        task["reason"] = steps[task["stem"]]["reason"]
    return tasks


def run_notebooks(
    notebooks: list[Path],
    parameters: dict,
    common: dict[str, str],
    state: dict,
    jobs: int | None = None,
    force: bool = False,
) -> list[dict]:
    """Execute the notebooks whose key changed (all with ``force``), ``jobs`` at a time (default:
    the number of cores), longest first by the last recorded times; record each in
    ``state['notebooks']``. Returns one step per notebook: stem, title, status ('executed' or
    'reused'), reason, seconds. Raises NotebookFailed, after the others have finished, naming
    every notebook that raised an error (its partial output is in reports/notebooks/)."""
    steps, tasks = plan_notebooks(notebooks, parameters, common, state, force)
    results = execute_tasks(_labelled(tasks, steps), jobs)
    failures = finish_notebooks(results, steps, state)
    if failures:
        raise _notebook_failed(failures)
    return [steps[n.stem] for n in notebooks]


# ------------------------------------------------------------------------------------------
# the site
# ------------------------------------------------------------------------------------------


def _site_outputs() -> list[str]:
    directory = config.reports_dir() / "profiles"
    if not directory.exists():
        return []
    return sorted(p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file())


SITE_STEP = "force pages"


def _import_site() -> None:
    import importlib

    importlib.import_module("helpers.report.site")


def site_order(notebook_tasks: list[dict], jobs: int | None = None) -> float:
    """Where the site task goes in the longest-first order: just after the ``jobs`` longest
    notebooks (default: the cores), so that those (02 and 03, which compute the measures) start
    first and the site reads the measures from the analysis memo instead of computing them while
    a notebook waits for them (a process waiting for a measure leaves its core idle); it still
    starts before the short notebooks, which fill the other core meanwhile."""
    orders = sorted((t["order"] for t in notebook_tasks), reverse=True)
    if not orders:
        return 0.0
    slot = max(1, min(jobs or default_jobs(), len(orders)))
    return orders[slot - 1] - 1e-6


def plan_site(
    common: dict[str, str], state: dict, force: bool = False, codes: list[str] | None = None
) -> tuple[dict[str, str], str]:
    """The key of the site's pages (``common`` and which force pages) and why they must be
    built again ('' when they can be reused: key unchanged and every page recorded present)."""
    parts = {**key_parts(common), "pages": "all" if codes is None else ",".join(sorted(codes))}
    previous = state.get("site")
    directory = config.reports_dir() / "profiles"
    missing = (
        [o for o in previous.get("outputs", []) if not (directory / o).exists()] if previous else []
    )
    return parts, "--force" if force else why_not_reused(previous, parts, missing)


def _record_site(
    state: dict, parts: dict[str, str], seconds: float, cpu: float | None = None
) -> None:
    state["site"] = {"parts": parts, "seconds": seconds, "cpu": cpu, "outputs": _site_outputs()}


def site_stage(
    mode: datamode.DataMode,
    notebooks: list[tuple[str, str]],
    started: float,
    requested: str,
    common: dict[str, str],
    state: dict,
    force: bool = False,
    codes: list[str] | None = None,
) -> tuple[Path, dict]:
    """The site in this process, after the notebooks: the force pages (re-rendered only when
    their key changed; ``codes``: only those forces' pages, the profiles index always lists all
    43) and the index page (always rewritten: it shows this run's time). Returns (index path,
    step). (``reproduce`` builds the pages in a worker beside the notebooks instead.)"""
    from helpers.report import profiles, site

    parts, reason = plan_site(common, state, force, codes)
    step = time.perf_counter()
    if reason:
        if codes is None:
            index = site.build_site(mode, notebooks, started, requested)
        else:
            profiles.render_all(mode, codes=codes)
            index = site.write_index(mode, notebooks, time.perf_counter() - started, requested)
        seconds = time.perf_counter() - step
        _record_site(state, parts, seconds)
        return index, {
            "stem": SITE_STEP,
            "status": "executed",
            "reason": reason,
            "seconds": seconds,
        }
    print(
        "[reproduce] force pages: reused (data, code and packages unchanged; pages present)",
        flush=True,
    )
    index = site.write_index(mode, notebooks, time.perf_counter() - started, requested)
    return index, {"stem": SITE_STEP, "status": "reused", "reason": "", "seconds": 0.0}


# ------------------------------------------------------------------------------------------
# the whole run
# ------------------------------------------------------------------------------------------


def reproduce(
    requested: str = "auto",
    fetch_first: bool = True,
    jobs: int | None = None,
    force: bool = False,
    notebooks: list[Path] | None = None,
    codes: list[str] | None = None,
) -> Path:
    """Run the whole collection (``notebooks``: all numbered ones by default; ``codes``: the
    forces whose pages are rendered, default all 43); returns the index page path. Raises
    OfficialDataMissing (DATA=official without the files) and NotebookFailed (naming every
    notebook, or the site's pages, that failed, after the others have finished).

    Every core is kept busy: the notebooks that do not read the processed data (00) start
    while this process runs the tidy stage; then the other notebooks and the site's pages
    (``site.build_pages``: force pages, national pages, workbook, briefings) run side by side,
    longest first; the index is written last, here, after importing the site's module in a
    thread while the workers run (it imports the analysis layer: seconds that would otherwise
    come at the end, with the workers idle)."""
    started = time.perf_counter()
    import threading

    from helpers.data import tidy

    mode = resolve_data(requested, fetch_first)
    print(f"[reproduce] {mode.banner()}", flush=True)
    timings = []

    step = time.perf_counter()
    fingerprint = tidy.input_fingerprint(mode)
    common = {
        "processed": fingerprint,
        "code": code_fingerprint(),
        "shipped": shipped_fingerprint(),
        "environment": environment_fingerprint(),
        "mode": mode.banner(),
    }
    state = {} if force else load_state()
    chosen = notebooks if notebooks is not None else numbered_notebooks()
    steps, tasks = plan_notebooks(chosen, {"DATA": requested}, common, state, force)
    _labelled(tasks, steps)
    site_parts, site_reason = plan_site(common, state, force, codes)
    if site_reason:
        # two tasks (the pages; the workbook and briefings), so that the cores share the work
        # evenly, both after the longest notebooks (``site_order``), the larger half first
        order = site_order([t for t in tasks if t["needs_processed"]], jobs)
        for part, label, offset in (
            ("downloads", "workbook, briefings and glossary", 0.0),
            ("pages", "force pages and national pages", 1e-7),
        ):
            tasks.append(
                {
                    "kind": "site",
                    "site_part": part,
                    "stem": f"{SITE_STEP}: {part}",
                    "label": label,
                    "done_word": "built",
                    "reason": site_reason,
                    "env": {},
                    "requested": requested,
                    "codes": codes,
                    "needs_processed": True,
                    "order": order - offset,
                }
            )
    else:
        print(
            "[reproduce] force pages: reused (data, code and packages unchanged; pages present)",
            flush=True,
        )
    timings.append(("input keys", "computed", time.perf_counter() - step))

    def prepare() -> None:
        step = time.perf_counter()
        built, status = tidy_stage(mode)
        if built != fingerprint:
            raise RuntimeError("the tidy stage's input fingerprint changed during the run")
        timings.append(("tidy stage", status, time.perf_counter() - step))
        print(
            "[reproduce] tidy stage: "
            + (
                "processed data reused (input files unchanged)"
                if status == "reused"
                else "processed data built"
            )
            + f" in {timings[-1][2]:.1f} s",
            flush=True,
        )
        # the index needs the site's module: imported while the workers run
        threading.Thread(target=_import_site, name="import-site", daemon=True).start()

    step = time.perf_counter()
    try:
        results = execute_tasks(tasks, jobs, prepare)
        failures = finish_notebooks(results, steps, state)
        site_step = {"stem": SITE_STEP, "status": "reused", "reason": "", "seconds": 0.0}
        site_results = [result for task, result in results if task["kind"] == "site"]
        for result in site_results:
            if result["error"]:
                failures.append(f"the site's {result['stem']}: {result['error']}")
        if site_results:
            seconds = sum(r["seconds"] for r in site_results)
            failed = any(r["error"] for r in site_results)
            if failed:
                state.pop("site", None)
            else:
                cpu = sum(r.get("cpu") or 0.0 for r in site_results)
                _record_site(state, site_parts, seconds, cpu)
            site_step.update(
                status="failed" if failed else "executed", reason=site_reason, seconds=seconds
            )
    finally:
        save_state(state)
    done = [steps[n.stem] for n in chosen]
    executed = [d for d in done if d["status"] == "executed"]
    timings.append(
        (
            f"notebooks ({len(executed)} executed, {len(done) - len(executed)} reused) "
            f"and site pages ({site_step['status']}), side by side",
            "",
            time.perf_counter() - step,
        )
    )
    if failures:
        raise _notebook_failed(failures)

    step = time.perf_counter()
    from helpers.report import site  # already imported by the thread, unless it is still going

    index = site.write_index(
        mode,
        [(d["stem"], d["title"]) for d in done],
        time.perf_counter() - started,
        requested,
        site.site_measures(mode),
    )
    timings.append(("index page", "", time.perf_counter() - step))

    seconds = time.perf_counter() - started
    print("[reproduce] times:", flush=True)
    for name, _status, spent in timings:
        print(f"[reproduce]   {name:<45} {spent:6.1f} s", flush=True)
    for d in [*done, site_step]:
        print(f"[reproduce]     {d['stem']:<41} {d['seconds']:6.1f} s  {d['status']}", flush=True)
    print(f"[reproduce]   {'total (wall clock)':<45} {seconds:6.1f} s", flush=True)
    reused = [d["stem"] for d in [*done, site_step] if d["status"] == "reused"]
    if reused:
        print(
            f"[reproduce] reused from the previous run (inputs unchanged): {', '.join(reused)}; "
            "`make reproduce FORCE=1` re-executes everything",
            flush=True,
        )
    print(f"[reproduce] wrote {config.relative(index)}; wall time {seconds:.1f} s", flush=True)
    print(f"[reproduce] {mode.banner()}", flush=True)
    return index


def refresh_sources() -> None:
    """Re-execute the committed notebooks in place on the synthetic sample (``make refresh``):
    timing metadata dropped, so that a rerun changes only what the code changed. The controls
    are committed as their default view (static output, as in ``make reproduce``): a widget's
    live view needs a running kernel, and without one a reader would see an error in its
    place; running the cell in JupyterLab brings the controls back."""
    import nbformat
    from nbclient import NotebookClient

    os.environ[config.STATIC_WIDGETS_VARIABLE] = "1"  # the kernels inherit it
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
            **kernel_options(),
        )
        client.execute()
        # widget views need a kernel: no stale widget state is committed
        notebook.metadata.pop("widgets", None)
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
        "--jobs", type=int, default=None, help="notebooks run at a time (default: the cores)"
    )
    parser.add_argument(
        "--force", action="store_true", help="re-execute everything, ignoring the recorded keys"
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
        reproduce(args.data, fetch_first=not args.no_fetch, jobs=args.jobs, force=args.force)
    except (datamode.OfficialDataMissing, NotebookFailed) as error:
        print(f"[reproduce] {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    # run through the package module, so that worker processes find the same functions
    from helpers.report.reproduce import main as _main

    raise SystemExit(_main())
