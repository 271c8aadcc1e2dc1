"""Import-time costs we can avoid.

nbformat (used by papermill, nbconvert and nbval to read and validate notebooks) validates with
jsonschema, whose format checkers import ``rfc3987_syntax`` when it is installed (JupyterLab's
``jupyter-events`` requires it). That import compiles 39 grammars: about 3 CPU seconds in every
process that reads a notebook (measured 2.9 s on the 2-core machine of ``benchmarks/RESULTS.md``).
The notebook schemas use no string formats at all (nbformat's ``v3``/``v4`` JSON schemas have no
``"format"`` key), so that checker is never used when reading notebooks: a process that only
reads and runs notebooks can skip it.
"""

from __future__ import annotations

import sys

#: modules that only serve jsonschema format checks the notebook schemas never ask for
UNUSED_FOR_NOTEBOOKS = ("rfc3987_syntax",)


def skip_unused_format_checkers() -> None:
    """Make ``import rfc3987_syntax`` fail fast in this process (jsonschema then leaves out the
    'iri' format check, which it does whenever the package is absent). Call before nbformat is
    first imported; a module already imported is left alone."""
    for name in UNUSED_FOR_NOTEBOOKS:
        sys.modules.setdefault(name, None)  # None in sys.modules: ImportError on import
