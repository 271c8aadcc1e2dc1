"""Checksums of files."""

from __future__ import annotations

import hashlib
from pathlib import Path

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
