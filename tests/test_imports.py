"""What is imported when: skipping the unused 'iri' format checker keeps notebook validation
intact; pandera is imported only when a schema is used."""

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


LAZY_SCHEMAS = """
import sys
from helpers.data import sources, tidy
from helpers.report import publish
assert "pandera" not in sys.modules, "pandera imported by loading the modules"
from helpers.data import schemas
for name in schemas.SCHEMA_NAMES:
    schema = getattr(schemas, name)
    assert tuple(schema.columns) == getattr(schemas, name + "_COLUMNS"), name
assert sources.SOURCES["ons_da_outcomes"].schema is schemas.ONS_DA_OUTCOMES
print("pandera" in sys.modules)
"""


def test_pandera_is_imported_only_when_a_schema_is_used():
    """A notebook kernel that loads the processed tables does not pay for importing pandera
    (about 0.4 s of CPU); a schema, once asked for, has its ``*_COLUMNS`` in order."""
    result = subprocess.run(
        [sys.executable, "-c", LAZY_SCHEMAS], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "True"


def test_every_module_the_setup_warm_up_names_imports():
    """``make setup`` compiles the modules of ``helpers.core.warmup.GROUPS`` by importing them: a
    renamed or removed module would only be reported there, so it is caught here."""
    from helpers.core import warmup

    for name in warmup.GROUPS:
        assert warmup.import_group(name) == [], name
