from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers.core import config


@pytest.fixture
def data_dirs(tmp_path, monkeypatch) -> dict[str, Path]:
    """Point every writable data folder at a temporary one (and copy the lock file there)."""
    dirs = {name: tmp_path / name for name in ("raw", "processed", "cache", "reports")}
    for path in dirs.values():
        path.mkdir()
    lock = tmp_path / "SOURCES.lock"
    shutil.copyfile(config.SOURCES_LOCK, lock)
    dirs["lock"] = lock
    dirs["override"] = tmp_path / "sources.override.toml"
    monkeypatch.setenv("DA_RAW_DIR", str(dirs["raw"]))
    monkeypatch.setenv("DA_PROCESSED_DIR", str(dirs["processed"]))
    monkeypatch.setenv("DA_CACHE_DIR", str(dirs["cache"]))
    monkeypatch.setenv("DA_REPORTS_DIR", str(dirs["reports"]))
    monkeypatch.setenv("DA_SOURCES_LOCK", str(lock))
    monkeypatch.setenv("DA_SOURCES_OVERRIDE", str(dirs["override"]))
    monkeypatch.delenv("DA_DATA_MIRROR", raising=False)
    return dirs
