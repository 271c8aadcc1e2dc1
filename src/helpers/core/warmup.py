"""``python -m helpers.core.warmup``: compile, once, the modules every run imports.

``make setup`` leaves bytecode to Python (``Makefile``: no ``uv --compile-bytecode``, which took
15 to 28 s compiling all 10,000 modules of the environment; ``PYTHONDONTWRITEBYTECODE`` cleared
for make's commands). Python then writes a module's ``.pyc`` at its first import. Left to the
first ``make reproduce``, that first import happened in several processes at once (the tidy
stage, two workers, the kernels), each compiling the same modules: 110 CPU s instead of 98 for a
cold run on a fresh clone. Importing the modules here, in two processes side by side (one per
group, about 8 s on 2 cores), writes about 2,400 ``.pyc`` files once. A module missing from the
lists is only compiled later, at its first import; nothing depends on this for correctness.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import time

#: the modules to import, in two groups of about equal cost (measured: 7.6 and 7.9 CPU s)
GROUPS: dict[str, tuple[str, ...]] = {
    "analysis": (
        "helpers.report.site",
        "helpers.report.publish",
        "helpers.report.briefings",
        "helpers.report.workbook",
        "helpers.report.profiles",
        "helpers.figures.interactive",
        "helpers.analysis.profile",
        "helpers.analysis.robustness",
        "helpers.data.tidy",
        "matplotlib.backends.backend_agg",
        "matplotlib.backends.backend_pdf",
        "matplotlib.backends.backend_svg",
        "statsmodels.genmod.generalized_linear_model",
        "statsmodels.stats.multitest",
        "statsmodels.stats.proportion",
        "statsmodels.robust.robust_linear_model",
    ),
    "notebooks": (
        "helpers.report.reproduce",
        "helpers.report.notebook_pages",
        "pandera.pandas",
        "pyarrow.parquet",
        "python_calamine",
        "openpyxl",
        "ipykernel.kernelapp",
        "ipykernel.ipkernel",
        "matplotlib_inline.backend_inline",
        "ipywidgets",
        "papermill",
        "nbclient",
        "nbconvert",
        "jinja2",
        "plotly",
        "pytest",
        "xdist",
        "nbval.plugin",
    ),
}


def import_group(name: str) -> list[str]:
    """Import every module of ``GROUPS[name]``; return the ones that could not be imported (each
    with the error), which are reported, not raised: a warm-up never fails a setup."""
    failed = []
    for module in GROUPS[name]:
        try:
            importlib.import_module(module)
        except Exception as error:  # an optional module missing: compiled later, if ever
            failed.append(f"{module} ({type(error).__name__}: {error})")
    return failed


def main(argv: list[str] | None = None) -> int:
    """With a group name: import that group. Without: run every group in its own process, side
    by side, and print the time taken. Returns 0 (failures are printed, not raised)."""
    argv = sys.argv[1:] if argv is None else argv
    if argv:
        for line in import_group(argv[0]):
            print(f"[setup] warm-up: could not import {line}")
        return 0
    start = time.perf_counter()
    children = [
        subprocess.Popen([sys.executable, "-m", "helpers.core.warmup", name]) for name in GROUPS
    ]
    for child in children:
        child.wait()
    print(f"[setup] modules compiled at their first import in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
