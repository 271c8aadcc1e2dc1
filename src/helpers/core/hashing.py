"""Checksums of files, of folders of files, and of what a computed output depends on (the
``helpers`` package, the shipped reference data, the installed packages)."""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import platform
from pathlib import Path

from helpers.core import config

#: shipped, versioned inputs that notebooks and pages read besides ``src/helpers``
SHIPPED = (
    "data/reference",
    "data/raw/published",
    "data/raw/SOURCES.lock",
    "data/processed/README.md",
)

# ------------------------------------------------------------------------------------------
# small shared utilities
# ------------------------------------------------------------------------------------------


def sha256_file(path: Path | str, chunk_size: int = 1 << 20) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()


def hash_tree(paths: list[Path], root: Path) -> str:
    """Hex sha256 over the path (relative to ``root``) and content of each file, in path order."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(f"{path.relative_to(root).as_posix()}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def code_fingerprint() -> str:
    """sha256 over the path and content of every file of the ``helpers`` package (modules,
    templates, data files; not ``__pycache__``)."""
    package = config.PROJECT_ROOT / "src" / "helpers"
    files = [
        p
        for p in package.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    ]
    return hash_tree(files, package)


def shipped_fingerprint() -> str:
    """sha256 over the shipped reference data (``SHIPPED``: lookups, transcribed published
    figures, the source lock, the data dictionary)."""
    files = []
    for name in SHIPPED:
        path = config.PROJECT_ROOT / name
        files += [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]
    return hash_tree([p for p in files if p.exists()], config.PROJECT_ROOT)


def environment_fingerprint() -> str:
    """sha256 over the Python version and the name and version of every installed package."""
    installed = sorted(
        f"{d.metadata['Name']}=={d.version}".lower()
        for d in importlib.metadata.distributions()
        if d.metadata["Name"]
    )
    return hashlib.sha256("\n".join([platform.python_version(), *installed]).encode()).hexdigest()


@functools.lru_cache(maxsize=1)
def inputs_fingerprint() -> str:
    """The code, shipped data and environment fingerprints together, computed once per process
    (a memo keyed by it is invalidated by any change to the package, the reference data or an
    installed package)."""
    return hashlib.sha256(
        "\n".join([code_fingerprint(), shipped_fingerprint(), environment_fingerprint()]).encode()
    ).hexdigest()
