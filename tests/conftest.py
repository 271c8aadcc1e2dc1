from __future__ import annotations

import copy
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from helpers.core import config

#: the data folders a test run points at temporary ones, with their environment variables
DATA_VARIABLES = {
    "raw": "DA_RAW_DIR",
    "processed": "DA_PROCESSED_DIR",
    "cache": "DA_CACHE_DIR",
    "reports": "DA_REPORTS_DIR",
}


#: ``make test`` sets this to one cache folder for nbval's run over the notebooks and the tests
#: that run the notebooks or the tidy stage on the sample (``shared_cache``). Both things kept
#: there are keyed by their inputs' content and written under a lock per entry, so sharing
#: changes no result: the readers' cache (a file's sha256, ``readers.common.cached_read``) and
#: the analysis memo (the table's digest, the arguments and the code, ``analysis.memo``). Each
#: sample file is then parsed, and each measure computed, once per ``make test`` instead of once
#: per process. Unset (plain ``pytest``), every test keeps its own cache.
SHARED_CACHE_VARIABLE = "DA_TEST_SHARED_CACHE"


def shared_cache() -> Path | None:
    """The shared cache folder of this test run (``SHARED_CACHE_VARIABLE``), or None."""
    folder = os.environ.get(SHARED_CACHE_VARIABLE, "").strip()
    return Path(folder) if folder else None


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


@dataclass(frozen=True)
class SampleData:
    """The synthetic sample's processed data and measures, built once per test session (once per
    xdist worker): ``processed`` and ``cache`` are its folders (the tidy stage's output and the
    readers' and analysis memo's cache), ``tables`` every processed table, ``da`` the processed
    DA table and ``measures`` ``profile.measure_all(da)``. Use ``fresh()`` for copies a test may
    change."""

    root: Path
    mode: object
    tables: dict
    measures: dict
    cache: Path

    @property
    def da(self) -> pd.DataFrame:
        return self.tables["da_outcomes_by_force"]

    @property
    def processed(self) -> Path:
        return self.root / "processed"

    def fresh(self) -> tuple[pd.DataFrame, dict]:
        """A copy of the DA table and of the measures (so that no test sees another's changes)."""
        return self.da.copy(), copy.deepcopy(self.measures)

    def point_at(self, patch: pytest.MonkeyPatch, root: Path) -> None:
        """Set the data folders as ``data_dirs`` does, under ``root``, except the processed data
        and the cache, which are this build's (read, not written: they were made from the same
        inputs). ``root`` gets its own raw and reports folders and its own copy of the lock."""
        for name, variable in DATA_VARIABLES.items():
            if name == "processed":
                patch.setenv(variable, str(self.processed))
            elif name == "cache":
                patch.setenv(variable, str(self.cache))
            else:
                (root / name).mkdir(exist_ok=True)
                patch.setenv(variable, str(root / name))
        lock = root / "SOURCES.lock"
        shutil.copyfile(config.SOURCES_LOCK, lock)
        patch.setenv("DA_SOURCES_LOCK", str(lock))
        patch.setenv("DA_SOURCES_OVERRIDE", str(root / "sources.override.toml"))
        patch.delenv("DA_DATA_MIRROR", raising=False)


@pytest.fixture(scope="session")
def sample_data(tmp_path_factory) -> SampleData:
    """The sample's tidy stage (written into a temporary processed folder) and its measures,
    computed once per session for every test that reads them (briefings, workbook, force pages,
    the small site, the missing-count cases) instead of once per test module."""
    from helpers.analysis import profile
    from helpers.data import sources, tidy

    root = tmp_path_factory.mktemp("sample-data")
    cache = shared_cache() or root / "cache"
    with pytest.MonkeyPatch.context() as patch:
        for name, variable in DATA_VARIABLES.items():
            folder = cache if name == "cache" else root / name
            folder.mkdir(parents=True, exist_ok=True)
            patch.setenv(variable, str(folder))
        lock = root / "SOURCES.lock"
        shutil.copyfile(config.SOURCES_LOCK, lock)
        patch.setenv("DA_SOURCES_LOCK", str(lock))
        patch.setenv("DA_SOURCES_OVERRIDE", str(root / "sources.override.toml"))
        patch.delenv("DA_DATA_MIRROR", raising=False)
        mode = sources.resolve_mode("sample")
        tables = tidy.load_or_build(mode, quiet=True)
        measures = profile.measure_all(tables["da_outcomes_by_force"])
    return SampleData(root, mode, tables, measures, cache)


@pytest.fixture
def shared_cache_dirs(data_dirs, monkeypatch) -> dict[str, Path]:
    """``data_dirs`` (empty temporary folders), except that the cache is this run's shared one
    when ``make test`` set it (``SHARED_CACHE_VARIABLE``): for the tests that run notebooks or
    the tidy stage on the sample, whose parsed files and measures nbval's run and the other
    workers also need."""
    folder = shared_cache()
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv("DA_CACHE_DIR", str(folder))
        data_dirs = {**data_dirs, "cache": folder}
    return data_dirs


@pytest.fixture(scope="session")
def small_site(sample_data, tmp_path_factory):
    """A small build of the site (``tests/small_site.py``), once per session."""
    from small_site import build

    return build(sample_data, tmp_path_factory.mktemp("small-site"))


#: the longest tests (measured: benchmarks/RESULTS.md, "make test"), longest first. With
#: ``-n W --dist worksteal`` (``make test``) each worker starts with one W-th of the collection,
#: in order (the first share to the first worker), and then steals from the others' queues: these
#: tests go to the front of the W shares in turn, so that the longest start at once, one on each
#: worker, and none starts last and leaves a core idle at the end.
LONGEST_FIRST = (
    "test_reports.py::test_reproduce_end_to_end_then_verify",
    "test_official_mode.py::test_notebooks_run_in_official_mode",
    "test_reproduce.py::test_side_by_side_then_reused_then_only_the_changed_one",
    "test_figure_text.py::test_every_figure_on_the_sample_is_clean",
    "test_reproduce.py::test_a_failing_notebook_is_named_and_the_others_finish",
    "test_notebook_harness.py::test_changed_number_in_an_output_fails",
    "test_sample.py::test_regenerating_gives_the_same_cells_as_the_committed_files",
)


def pytest_collection_modifyitems(config, items):
    def rank(item) -> int:
        for position, name in enumerate(LONGEST_FIRST):
            if name in item.nodeid:
                return position
        return len(LONGEST_FIRST)

    workers = max(1, int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")))
    ranked = sorted(items, key=rank)  # stable: the rest keep their order
    longest = [item for item in ranked if rank(item) < len(LONGEST_FIRST)]
    rest = ranked[len(longest) :]
    ordered = []
    for share in range(workers):  # the W shares, each led by its round-robin part of longest
        lead = longest[share::workers]
        size = len(items) * (share + 1) // workers - len(ordered) - len(lead)
        ordered += lead + rest[: max(0, size)]
        rest = rest[max(0, size) :]
    items[:] = ordered + rest
