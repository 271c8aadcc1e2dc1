"""The warm read of issue 15 (item 3): checksums taken from a memo keyed by the file's stat,
cache entries read as Arrow tables and joined once with text columns as categoricals, the same
content as the readers' frames."""

from __future__ import annotations

import hashlib
import json
import os

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from builders import open_data_row, write_open_data

from helpers.core import config
from helpers.data import sources, tidy
from helpers.data.readers import common

SOURCE = sources.SOURCES["ho_outcomes_open_data"]


@pytest.fixture
def hashed(monkeypatch):
    """Count the sha256 computations of the readers' cache code."""
    calls = []
    real = common.sha256_file

    def counting(path, *args, **kwargs):
        calls.append(os.path.basename(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(common, "sha256_file", counting)
    return calls


def test_memo_gives_the_sha256_and_is_used_only_for_the_recorded_stat(
    data_dirs, tmp_path, hashed, monkeypatch
):
    monkeypatch.setattr(common, "STAT_SETTLED_S", 0.0)  # trust a file written just now
    path = tmp_path / "source.bin"
    path.write_bytes(b"a" * 1000)
    assert common.file_sha256(path) == hashlib.sha256(b"a" * 1000).hexdigest()
    assert common.file_sha256(path) == hashlib.sha256(b"a" * 1000).hexdigest()
    assert hashed == ["source.bin"]  # the second came from the memo
    memo = json.loads((config.cache_dir() / common.SHA256_MEMO).read_text())
    assert list(memo.values())[0]["stat"] == common._stat_key(path)
    stat = os.stat(path)
    path.write_bytes(b"b" * 1000)  # same size; times set back: only the status change differs
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert common.file_sha256(path) == hashlib.sha256(b"b" * 1000).hexdigest()
    assert len(hashed) == 2


def test_a_file_changed_just_now_is_not_memoised(data_dirs, tmp_path, hashed):
    path = tmp_path / "source.bin"
    path.write_bytes(b"a" * 10)
    for _ in range(2):
        assert common.file_sha256(path) == hashlib.sha256(b"a" * 10).hexdigest()
    assert len(hashed) == 2  # a write within the clock's tick could keep the stat: hash again
    assert not (config.cache_dir() / common.SHA256_MEMO).exists()


def test_damaged_memo_is_ignored(data_dirs, tmp_path):
    path = tmp_path / "source.bin"
    path.write_bytes(b"x")
    config.cache_dir().mkdir(parents=True, exist_ok=True)
    (config.cache_dir() / common.SHA256_MEMO).write_text("[not a memo")
    assert common.file_sha256(path) == hashlib.sha256(b"x").hexdigest()


def test_entry_stat_replaces_its_sha256_until_the_file_changes(
    data_dirs, tmp_path, hashed, monkeypatch
):
    monkeypatch.setattr(common, "STAT_SETTLED_S", 0.0)
    path = write_open_data(tmp_path / "f.xlsx", [open_data_row(), open_data_row(outcome=8)])
    first = SOURCE.read(path)
    (parquet,) = config.cache_dir().glob(f"{SOURCE.id}-v*.parquet")
    meta = json.loads(parquet.with_suffix(".json").read_text())
    assert meta["stat"] == common._stat_key(parquet)
    hashed.clear()
    assert SOURCE.read(path).attrs["from_cache"]
    assert hashed == []  # neither the workbook nor the entry was hashed again
    frame = pd.read_parquet(parquet)
    frame.loc[0, "outcomes_recorded"] = 999
    frame.to_parquet(parquet, index=False)
    with pytest.warns(UserWarning, match="sha256 differs"):
        again = SOURCE.read(path)
    assert not again.attrs["from_cache"]
    pd.testing.assert_frame_equal(first, again)


def random_frame(rng, n):
    choices = np.array(["b", "a", None, "c", "é"], dtype=object)
    return pd.DataFrame(
        {
            "text": pd.Series(rng.choice(choices, n), dtype="str"),
            "year": pd.Series(rng.choice(choices[:2], n), dtype="str"),
            "small": rng.integers(-5, 5, n).astype("int8"),
            "flag": rng.integers(0, 2, n).astype(bool),
            "count": pd.array(rng.choice([1, 2**40, None, -3], n), dtype="Int64"),
        }
    )


@pytest.mark.parametrize("seed", range(4))
def test_frame_from_arrow_is_the_concatenation_with_categories(seed):
    rng = np.random.default_rng(seed)
    frames = [random_frame(rng, int(rng.integers(0, 300))) for _ in range(3)]
    tables = []
    for i, frame in enumerate(frames):
        table = pa.Table.from_pandas(frame, preserve_index=False)
        if i % 2 == 0:  # as a cache entry read with its dictionary pages
            table = table.set_column(0, "text", table.column("text").dictionary_encode())
        tables.append(table.slice(1) if i == 1 else table)  # an offset into the buffers
    frames[1] = frames[1].iloc[1:]
    dtypes = {"text": "str", "year": "str", "small": "int8", "flag": "bool", "count": "Int64"}
    joined = common.frame_from_arrow(tables, dtypes)
    expected = pd.concat(frames, ignore_index=True)
    assert [str(d) for d in joined.dtypes] == ["category", "category", "int8", "bool", "Int64"]
    pd.testing.assert_frame_equal(tidy.plain_text(joined), expected)
    for name in ("text", "year"):
        categories = list(joined[name].cat.categories)
        assert categories == sorted(expected[name].dropna().unique())


def test_frame_from_arrow_refuses_missing_flags():
    table = pa.table({"flag": pa.array([True, None])})
    with pytest.raises(ValueError, match="missing values"):
        common.frame_from_arrow([table], {"flag": "bool"})


def test_small_pages_restores_the_allocators():
    from numpy._core import multiarray

    pool = pa.default_memory_pool().backend_name
    madvise = multiarray._set_madvise_hugepage(True)
    multiarray._set_madvise_hugepage(madvise)
    with common.small_pages():
        assert pa.default_memory_pool().backend_name == "system"
    assert pa.default_memory_pool().backend_name == pool
    assert multiarray._set_madvise_hugepage(madvise) == madvise
