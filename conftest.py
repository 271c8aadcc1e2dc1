"""pytest configuration shared by the unit tests and the nbval notebook run.

nbval compares every output of every notebook exactly (not lax). Stderr is not compared:
warnings and progress bars go there and are not results.

When the tests run side by side (pytest-xdist, ``make test``), the cells of every notebook go
to one worker, in order: a notebook's cells share one kernel, and notebook 01 writes the
processed data that 02-04 read, so the notebooks run one after another as in ``make notebooks``
while the unit tests share the other cores.
"""

from __future__ import annotations

import pytest

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


def pytest_collection_modifyitems(config, items):
    if IPyNbFile is None or not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        if isinstance(item.parent, IPyNbFile):
            item.add_marker(pytest.mark.xdist_group("notebooks"))
