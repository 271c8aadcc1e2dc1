"""The analysis memo: a stored result is reused only for the same table, arguments and inputs."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.analysis import memo


@pytest.fixture
def memo_dirs(data_dirs, monkeypatch):
    monkeypatch.delenv("DA_MEMO", raising=False)
    return data_dirs


def test_frame_digest_changes_with_one_cell_and_not_with_a_copy():
    frame = pd.DataFrame({"a": [1.0, 2.0, float("nan")], "b": ["x", "y", "z"]})
    first = memo.frame_digest(frame)
    assert memo.frame_digest(frame.copy()) == first
    changed = frame.copy()
    changed.loc[1, "a"] = 2.5
    assert memo.frame_digest(changed) != first
    assert memo.frame_digest(frame.rename(columns={"a": "c"})) != first
    assert memo.frame_digest(frame.astype({"a": "float32"})) != first


def test_cached_computes_once_then_reads_and_keys_apart(memo_dirs, monkeypatch):
    calls = []

    def compute(value):
        calls.append(value)
        return {"value": value, "table": pd.DataFrame({"x": [value]})}

    first = memo.cached("test", {"n": 1}, lambda: compute(1))
    again = memo.cached("test", {"n": 1}, lambda: compute(1))
    assert calls == [1]  # the second call read the memo
    assert again["table"].equals(first["table"]) and again is not first  # its own copy
    memo.cached("test", {"n": 2}, lambda: compute(2))
    memo.cached("other", {"n": 1}, lambda: compute(3))
    assert calls == [1, 2, 3]  # other arguments or another kind: computed
    # another package version (inputs fingerprint) gives another key
    monkeypatch.setattr(memo.hashing, "inputs_fingerprint", lambda: "changed")
    memo.cached("test", {"n": 1}, lambda: compute(4))
    assert calls == [1, 2, 3, 4]


def test_damaged_memo_is_recomputed_and_memo_can_be_switched_off(memo_dirs, monkeypatch):
    memo.cached("test", {"n": 1}, lambda: 1)
    (path,) = memo.memo_dir().glob("*.pickle")
    path.write_bytes(b"not a pickle")
    assert memo.cached("test", {"n": 1}, lambda: 2) == 2
    assert memo.cached("test", {"n": 1}, lambda: 3) == 2  # replaced by the recomputed one
    monkeypatch.setenv("DA_MEMO", "0")
    assert memo.cached("test", {"n": 1}, lambda: 4) == 4


def test_measure_from_memo_equals_measure_computed_afresh(memo_dirs, sample_data, monkeypatch):
    from helpers.analysis import community_resolution

    da = sample_data.fresh()[0]  # the sample's processed DA table (its memo is elsewhere)
    stored = community_resolution.measure_community_resolutions(da)
    read = community_resolution.measure_community_resolutions(da)
    monkeypatch.setenv("DA_MEMO", "0")
    fresh = community_resolution.measure_community_resolutions(da)
    for result in (stored, read):
        pd.testing.assert_frame_equal(result.verdicts, fresh.verdicts)
        pd.testing.assert_frame_equal(result.trends, fresh.trends)
        pd.testing.assert_frame_equal(result.national, fresh.national)
    assert len(list(memo.memo_dir().glob("*.pickle"))) == 1  # stored once, read once
    changed = da.copy()
    changed.loc[changed.index[-1], "community_resolution"] += 1  # one cell: computed again
    monkeypatch.setenv("DA_MEMO", "1")
    community_resolution.measure_community_resolutions(changed)
    assert len(list(memo.memo_dir().glob("*.pickle"))) == 2
