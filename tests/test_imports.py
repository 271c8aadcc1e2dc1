"""Skipping the unused 'iri' format checker keeps notebook validation intact."""

from __future__ import annotations

import subprocess
import sys

from helpers.core import config

CHECK = """
from helpers.core import imports
imports.skip_unused_format_checkers()
import sys, nbformat
assert sys.modules["rfc3987_syntax"] is None
path = sys.argv[1]
node = nbformat.read(path, as_version=4)
nbformat.validate(node)  # a valid notebook passes
node.cells[0]["cell_type"] = "not a cell type"
try:
    nbformat.validate(node)
except nbformat.ValidationError:
    print("invalid notebook rejected")
"""


def test_notebooks_are_still_validated_without_the_iri_checker():
    notebook = config.NOTEBOOKS_DIR / "00_start_here.ipynb"
    result = subprocess.run(
        [sys.executable, "-c", CHECK, str(notebook)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "invalid notebook rejected"
