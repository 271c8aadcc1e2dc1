"""A memo on disk for the analysis layer's results, so that the processes of one run (notebooks
02-04 side by side, then the site) and a second run compute each measure once.

A result is stored under ``<cache>/measures/<key>.pickle``, where the key is the sha256 of what
the computation depends on: the input table's content (``frame_digest``), the arguments, and
``hashing.inputs_fingerprint()`` (every file of the ``helpers`` package, the shipped reference
data and the installed packages). Any change to those gives a new key, so a stale result is never
read; set ``DA_MEMO=0`` to compute everything afresh. Files are written atomically (a temporary
file renamed), so processes running side by side never read half a file. Each call returns its
own copy (unpickled), so a caller changing a result does not change anyone else's.
"""

from __future__ import annotations

import collections
import copy
import functools
import hashlib
import json
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd

from helpers.core import config, hashing, locking

T = TypeVar("T")
#: bump when the pickled objects change meaning in a way the code fingerprint would not show
MEMO_VERSION = 1


def enabled() -> bool:
    """False when ``DA_MEMO`` is '0' (or 'false', 'no')."""
    return os.environ.get("DA_MEMO", "1").strip().lower() not in {"0", "false", "no"}


def memo_dir() -> Path:
    """``<cache>/measures/`` (``DA_CACHE_DIR``, default ``data/cache``)."""
    return config.cache_dir() / "measures"


def frame_digest(frame: pd.DataFrame) -> str:
    """Hex sha256 of a table's content: column names, dtypes, index and every value
    (``pandas.util.hash_pandas_object``). Equal tables give equal digests; changing one cell
    changes it."""
    digest = hashlib.sha256()
    digest.update(json.dumps([str(c) for c in frame.columns]).encode())
    digest.update(json.dumps([str(t) for t in frame.dtypes]).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    return digest.hexdigest()


def key(kind: str, parts: dict) -> str:
    """The memo key of a computation: ``kind`` (what is computed) and ``parts`` (its arguments,
    JSON-serialisable, tables given as ``frame_digest``) with the inputs fingerprint."""
    text = json.dumps(
        {
            "kind": kind,
            "parts": parts,
            "version": MEMO_VERSION,
            "inputs": hashing.inputs_fingerprint(),
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(text.encode()).hexdigest()


#: what ``_read`` returns when there is no readable result (a stored result may be None)
_MISSING = object()


def _read(path: Path):
    """The stored result, or ``_MISSING`` when there is none or it cannot be read."""
    if path.exists():
        try:
            with open(path, "rb") as handle:
                return pickle.load(handle)
        except Exception:  # a damaged or foreign file: compute again
            pass
    return _MISSING


def _locked(path: Path):
    """The lock of a memo file: ``<key>.lock`` beside it (``locking.exclusive``), so that
    processes wanting the same result at the same time compute it once: the others wait and
    then read it."""
    return locking.exclusive(path.with_suffix(".lock"))


def cached(kind: str, parts: dict, compute: Callable[[], T]) -> T:
    """``compute()``'s result, read from the memo when the same computation (``kind``,
    ``parts``, same package, data and environment) was stored before, else computed and stored.
    A memo file that cannot be read is computed again and replaced. While one process computes
    a result, another asking for the same one waits for it (a lock file per key) instead of
    computing it too."""
    if not enabled():
        return compute()
    path = memo_dir() / f"{key(kind, parts)}.pickle"
    result = _read(path)
    if result is not _MISSING:
        return result
    with _locked(path):
        result = _read(path)  # computed by another process while this one waited
        if result is not _MISSING:
            return result
        result = compute()
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".part") as handle:
            pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)
    return result


#: the most results ``per_series`` keeps in one process (each a few hundred bytes; a measure
#: fits 44 series, and a notebook's sensitivity runs a few hundred)
PER_SERIES_SIZE = 8192


def per_series(function: Callable[..., T]) -> Callable[..., T]:
    """Decorate a pure function of a few numeric series (array-likes) and plain settings so that
    a call with the same values and settings in the same process returns a copy of the first
    result instead of computing it again.

    Used for the per-force model fits (``models.segmented_trend``, ``statistics._fit_trend``):
    the measures' sensitivity runs (another denominator, interval level, funnel method or year)
    and a table changed in one force refit the same series of the other forces. The key is the
    exact bytes of every array-like argument (as float64) and the ``repr`` of every scalar one
    (a call with an argument that is neither is not memoised), so equal inputs give the stored
    result and any changed value computes afresh; ``DA_MEMO=0`` turns it off. At most
    ``PER_SERIES_SIZE`` results are kept (the oldest dropped first). Each call returns its own
    deep copy, so a caller changing a result changes nobody else's."""
    store: collections.OrderedDict = collections.OrderedDict()

    def part(value):
        # scalars (numbers, text, None) by their repr; anything else by its exact values (a
        # pandas Index or extension array's repr is cut short, so it cannot be the key)
        if value is None or isinstance(value, (str, bytes, bool, int, float, np.generic)):
            return ("value", type(value).__name__, repr(value))
        array = np.asarray(value, dtype=float)  # not numeric: TypeError/ValueError, no memo
        return ("array", array.shape, array.tobytes())

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        if not enabled():
            return function(*args, **kwargs)
        try:
            key = (
                tuple(part(a) for a in args),
                tuple(sorted((k, part(v)) for k, v in kwargs.items())),
            )
        except (TypeError, ValueError):  # not numeric: no memo
            return function(*args, **kwargs)
        if key in store:
            store.move_to_end(key)
            return copy.deepcopy(store[key])
        result = function(*args, **kwargs)
        store[key] = copy.deepcopy(result)
        if len(store) > PER_SERIES_SIZE:
            store.popitem(last=False)
        return result

    wrapper.cache_clear = store.clear  # type: ignore[attr-defined]
    return wrapper
