"""The notebook harness is strict: a changed number in a committed output fails nbval."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from helpers.core import config


def run_nbval(notebooks, cwd):
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-rf",
        "-p",
        "no:cacheprovider",
        "--rootdir",
        str(cwd),
        "--nbval",
        "--nbval-current-env",
        "--nbval-sanitize-with",
        str(config.PROJECT_ROOT / "tests" / "nbval_sanitize.cfg"),
        *map(str, notebooks),
    ]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_changed_number_in_an_output_fails(tmp_path):
    source = config.NOTEBOOKS_DIR / "00_start_here.ipynb"
    notebook = json.loads(source.read_text())
    untouched = tmp_path / "untouched.ipynb"
    untouched.write_text(json.dumps(notebook))
    changed = False
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/plain")
            if text and not changed and any("0.05" in line for line in text):
                output["data"]["text/plain"] = [line.replace("0.05", "0.06") for line in text]
                output["data"].pop("text/html", None)
                changed = True
    assert changed, "the start notebook shows the sample file sizes"
    edited = tmp_path / "edited.ipynb"
    edited.write_text(json.dumps(notebook))
    # one nbval run over both copies: the untouched one passes, the edited one fails at that cell
    result = run_nbval([untouched, edited], tmp_path)
    assert result.returncode == 1, result.stdout[-2000:]
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAILED")]
    assert len(failed) == 1 and failed[0].startswith("FAILED edited.ipynb::Cell 2 "), failed
    assert "1 failed" in result.stdout  # the untouched copy passed every cell
