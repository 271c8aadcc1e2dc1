"""One lock file per result, so that processes wanting the same result at once compute it once."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the file ``path`` (created if missing; ``fcntl.flock``, released
    when the block ends or the process dies) for the duration of the block. Where fcntl is
    missing (not POSIX) nothing is locked: the callers' results are written atomically, so the
    only cost is computing a result twice. Used by the analysis memo (``<key>.lock``) and the
    readers' cache (``<entry>.lock``): the process that gets the lock computes and stores the
    result; the others wait, then read it."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
