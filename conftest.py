"""pytest configuration shared by the unit tests and the nbval notebook run.

nbval compares every output of every notebook exactly (not lax). Stderr is not compared:
warnings and progress bars go there and are not results.
"""

from __future__ import annotations

from helpers.core import imports

# nbval reads every notebook with nbformat: skip jsonschema's unused 'iri' checker (about 3 CPU s
# per process; helpers.core.imports says why it is unused)
imports.skip_unused_format_checkers()

try:
    from nbval.plugin import IPyNbFile
except ImportError:  # pragma: no cover - nbval is in the lock
    IPyNbFile = None

if IPyNbFile is not None:
    _original_init = IPyNbFile.__init__

    def _init_without_stderr(self, *args, **kwargs):
        _original_init(self, *args, **kwargs)
        self.skip_compare = (*self.skip_compare, "stderr")

    IPyNbFile.__init__ = _init_without_stderr
