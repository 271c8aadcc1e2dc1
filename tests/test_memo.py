"""The analysis memo: a stored result is reused only for the same table, arguments and inputs."""

from __future__ import annotations

import numpy as np
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


def test_per_series_reuses_equal_series_and_refits_a_changed_one(monkeypatch):
    monkeypatch.delenv("DA_MEMO", raising=False)
    calls = []

    @memo.per_series
    def fit(successes, trials, level=0.95):
        calls.append(level)
        return {"rate": float(sum(successes) / sum(trials)), "table": pd.DataFrame({"x": [1]})}

    first = fit([1, 2], [10, 10])
    again = fit(np.array([1.0, 2.0]), pd.Series([10, 10]))  # the same values, other types
    assert calls == [0.95] and again["rate"] == first["rate"] and again is not first
    again["table"].loc[0, "x"] = 99  # a caller's change reaches nobody else
    assert fit([1, 2], [10, 10])["table"].loc[0, "x"] == 1
    fit([1, 3], [10, 10])  # one value changed
    fit([1, 2], [10, 10], level=0.998)  # another setting
    assert calls == [0.95, 0.95, 0.998]
    monkeypatch.setenv("DA_MEMO", "0")
    fit([1, 2], [10, 10])
    assert len(calls) == 4  # switched off: computed afresh


def test_per_series_keys_any_array_like_by_its_values_not_its_repr(monkeypatch):
    """A pandas Index (or any array-like other than a scalar) is keyed by its values: its repr is
    cut short, so two long series differing in one value must not share a key."""
    monkeypatch.delenv("DA_MEMO", raising=False)
    calls = []

    @memo.per_series
    def total(values):
        calls.append(1)
        return float(np.sum(values))

    first = np.arange(200.0)
    second = first.copy()
    second[100] = -1.0
    assert repr(pd.Index(first)) == repr(pd.Index(second))  # the repr cannot tell them apart
    assert total(pd.Index(first)) == first.sum()
    assert total(pd.Index(second)) == second.sum() and len(calls) == 2
    assert total(pd.array(second)) == second.sum() and len(calls) == 2  # same values: reused

    @memo.per_series
    def count(values):
        calls.append(2)
        return len(values)

    years = pd.Index(["2019/20", "2020/21"])
    assert count(years) == count(years) == 2 and calls.count(2) == 2  # text: not memoised


def test_trend_fits_from_the_memo_equal_fits_computed_afresh(monkeypatch):
    """The per-force fits of ``statistics.trend`` and ``models.segmented_trend`` are taken from
    the in-process memo on a second call with the same series; they equal a fresh fit."""
    from helpers.analysis import models, statistics

    rng = np.random.default_rng(7)
    trials = rng.integers(200, 400, 12).astype(float)
    successes = np.round(trials * np.linspace(0.1, 0.2, 12) + rng.normal(0, 5, 12))
    years = np.arange(2012.0, 2024.0)
    monkeypatch.setenv("DA_MEMO", "0")
    afresh = models.segmented_trend(successes, trials, years)
    line = statistics._fit_trend(successes, trials, years, 0.95)
    monkeypatch.delenv("DA_MEMO")
    for _ in range(2):
        memoised = models.segmented_trend(successes, trials, years)
        assert {k: v for k, v in memoised.items() if k != "profile"} == {
            k: v for k, v in afresh.items() if k != "profile"
        }
        pd.testing.assert_frame_equal(memoised["profile"], afresh["profile"])
        assert statistics._fit_trend(successes, trials, years, 0.95) == line


def test_quasi_binomial_interval_equals_statsmodels_refit_with_the_scale():
    """The trend interval uses the first fit's covariance times the scale instead of refitting
    with ``scale=``: statsmodels gives the same estimate and standard error (to the IRLS
    convergence tolerance: its deviance test is divided by the scale, so the iterations may
    stop one step apart)."""
    import statsmodels.api as sm

    from helpers.analysis import statistics

    rng = np.random.default_rng(3)
    trials = rng.integers(300, 600, 10).astype(float)
    successes = np.round(trials * 0.3 + rng.normal(0, 25, 10))  # overdispersed
    years = np.arange(2014.0, 2024.0)
    ours = statistics._fit_trend.__wrapped__(successes, trials, years, 0.95)
    assert ours["dispersion"] > 1
    exog = sm.add_constant(years - years.mean())
    endog = np.column_stack([successes, trials - successes])
    refit = sm.GLM(endog, exog, family=sm.families.Binomial()).fit(scale=ours["dispersion"])
    critical = float(statistics.sps.t.ppf(0.975, 8))
    upper = float(np.exp(refit.params[1] + critical * refit.bse[1]))
    assert ours["odds_ratio_per_year"] == pytest.approx(float(np.exp(refit.params[1])), rel=1e-9)
    assert ours["odds_ratio_upper"] == pytest.approx(upper, rel=1e-6)
