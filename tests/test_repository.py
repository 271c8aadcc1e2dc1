"""Repository hygiene: no machine paths, notebooks committed executed in order and marked."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from helpers.core import config

# built from parts so that this file does not contain the paths it looks for
MACHINE_PATH = re.compile(
    "(" + "|".join(["/" + "work/", "/" + "root/", "/" + "home/[a-z]", "/" + "tmp/pytest"]) + ")"
)


def tracked_files():
    try:
        out = subprocess.run(
            ["git", "ls-files"], cwd=config.PROJECT_ROOT, capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [config.PROJECT_ROOT / f for f in out.splitlines() if f]


def test_no_absolute_machine_paths_in_tracked_text_files():
    offenders = []
    for path in tracked_files():
        if path.suffix in {".xlsx", ".ods", ".png", ".parquet"} or not path.exists():
            continue
        text = path.read_text(errors="ignore")
        match = MACHINE_PATH.search(text)
        if match:
            offenders.append(f"{path.relative_to(config.PROJECT_ROOT)}: {match.group(0)}")
    assert not offenders, offenders


@pytest.mark.parametrize(
    "notebook", sorted(config.NOTEBOOKS_DIR.glob("*.ipynb")), ids=lambda p: p.name
)
def test_notebooks_committed_executed_in_order_without_errors(notebook):
    cells = json.loads(notebook.read_text())["cells"]
    counts = [c["execution_count"] for c in cells if c["cell_type"] == "code"]
    assert counts == list(range(1, len(counts) + 1))
    assert not [o for c in cells for o in c.get("outputs", []) if o["output_type"] == "error"]
    first = "".join(cells[0]["source"])
    assert first.startswith("# "), "the first cell says what the notebook answers"
    assert any("parameters" in c.get("metadata", {}).get("tags", []) for c in cells), (
        "a papermill parameters cell"
    )


@pytest.mark.parametrize(
    "notebook", sorted(config.NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.name
)
def test_committed_outputs_announce_the_synthetic_sample(notebook):
    text = notebook.read_text()
    assert "SYNTHETIC SAMPLE - not real data" in text


def test_licences_present():
    assert (config.PROJECT_ROOT / "LICENSE").exists()
    assert "Open Government Licence v3.0" in (config.PROJECT_ROOT / "DATA_LICENCE.md").read_text()
