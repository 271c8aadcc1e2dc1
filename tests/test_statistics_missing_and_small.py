"""compare_to_target and overdispersion with missing data, exact tails and small numbers.

Expected values come from the complete-case data (computed separately), hand calculations of
binomial tails, or scipy.stats.binomtest; never from the code under test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from helpers.analysis import statistics


def planted_frame(k: int = 30, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = rng.integers(2000, 8000, k).astype(float)
    x = rng.binomial(n.astype(int), 0.1).astype(float)
    x[5] = int(n[5] * 0.2)
    return pd.DataFrame({"unit": [f"u{i}" for i in range(k)], "successes": x, "trials": n})


@pytest.mark.parametrize(
    "damage",
    [
        ("successes", np.nan),
        ("trials", np.nan),
        ("trials", 0.0),
    ],
)
def test_missing_unit_left_out_and_shown_as_no_data(damage):
    column, value = damage
    frame = planted_frame()
    damaged = frame.copy()
    if column == "trials" and value == 0.0:
        damaged.loc[12, "successes"] = 0.0
    damaged.loc[12, column] = value
    complete = frame.drop(index=12).reset_index(drop=True)

    full = statistics.compare_to_target(complete, "successes", "trials")
    result = statistics.compare_to_target(damaged, "successes", "trials")

    # pooled target: hand sum over the complete cases
    assert result.target == pytest.approx(complete["successes"].sum() / complete["trials"].sum())
    assert np.isfinite(result.overdispersion.phi)
    assert result.overdispersion.phi == pytest.approx(full.overdispersion.phi)
    assert result.overdispersion.tau2 == pytest.approx(full.overdispersion.tau2)
    assert result.overdispersion.n_units == 29
    assert result.overdispersion.n_excluded == 1
    row = result.table.loc[12]
    assert not row["has_data"]
    for column_name in result.table.columns:
        if column_name.startswith("position_"):
            assert row[column_name] == "no data"
    kept = result.table.drop(index=12).reset_index(drop=True)
    assert kept["position_99_8_adjusted"].tolist() == full.table["position_99_8_adjusted"].tolist()
    assert result.outside(0.998)["unit"].tolist() == ["u5"]
    assert result.no_data()["unit"].tolist() == ["u12"]


def test_overdispersion_never_nan_from_missing_counts():
    frame = planted_frame()
    x = frame["successes"].to_numpy().copy()
    n = frame["trials"].to_numpy().copy()
    x[[1, 2]] = np.nan
    target = np.nansum(x) / n[np.isfinite(x)].sum()
    result = statistics.overdispersion(x, n, target)
    reference = statistics.overdispersion(np.delete(x, [1, 2]), np.delete(n, [1, 2]), target)
    assert result.phi == pytest.approx(reference.phi)
    assert result.n_excluded == 2 and reference.n_excluded == 0
    assert "2 unit(s) without data excluded" in result.describe()


def test_outside_counts_only_above_and_below():
    frame = pd.DataFrame(
        {"unit": ["a", "b", "c"], "successes": [5.0, np.nan, 200.0], "trials": [1000, 1000, 1000]}
    )
    comparison = statistics.compare_to_target(frame, "successes", "trials", target=0.01)
    assert comparison.table["position_99_8"].tolist() == ["within", "no data", "above"]
    assert comparison.outside(0.998, adjusted=False)["unit"].tolist() == ["c"]


def test_city_of_london_single_event_not_flagged():
    # 1 event in 3 trials against 1.23%: P(X >= 1) = 1 - (1 - p)^3 by hand = 0.0364
    p = 0.0123
    hand = 1 - (1 - p) ** 3
    assert hand == pytest.approx(0.0364, abs=5e-4)
    # the interpolated exact upper 99.8% limit lies below 1/3: the limits alone would flag it
    assert statistics.funnel_limits([3], p, levels=(0.998,))["upper_99_8"][0] < 1 / 3
    frame = pd.DataFrame({"unit": ["CoL", "big"], "successes": [1, 400], "trials": [3, 30000]})
    loose = statistics.compare_to_target(
        frame, "successes", "trials", target=p, min_events=0, tail_agreement=False, adjust=False
    )
    assert loose.table.loc[0, "position_99_8"] == "above"  # the defect the reviewer described
    strict = statistics.compare_to_target(
        frame, "successes", "trials", target=p, min_events=0, adjust=False
    )
    assert strict.table.loc[0, "p_upper_tail"] == pytest.approx(hand, rel=1e-9)
    assert strict.table.loc[0, "position_99_8"] == "within"
    assert strict.table.loc[0, "position_95"] == "within"  # 0.036 > 0.025 too


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_single_event_never_flagged_at_one_percent(n):
    # the issue: interpolated exact limits flag one event for n = 1, 2, 3, 5 at 1%
    assert statistics.funnel_limits([n], 0.01, levels=(0.998,))["upper_99_8"][0] < 1 / n
    frame = pd.DataFrame({"successes": [1, 50], "trials": [n, 5000]})
    result = statistics.compare_to_target(frame, "successes", "trials", target=0.01, min_events=0)
    tail = sps.binomtest(1, n, 0.01, alternative="greater").pvalue
    assert result.table.loc[0, "p_upper_tail"] == pytest.approx(tail)
    assert result.table.loc[0, "position_99_8_adjusted"] == "within"


def test_min_events_on_observed_for_above_and_expected_for_below():
    frame = pd.DataFrame(
        {
            "unit": ["few_high", "zero_large", "zero_small", "many_high"],
            "successes": [8, 0, 0, 60],
            "trials": [100, 2000, 500, 1000],
        }
    )
    result = statistics.compare_to_target(frame, "successes", "trials", target=0.01, adjust=False)
    table = result.table.set_index("unit")
    # few_high: P(X >= 8 | 100, 0.01) is tiny, but only 8 events (< 10): small numbers
    assert sps.binom.sf(7, 100, 0.01) < 1e-5
    assert table.loc["few_high", "small_numbers"]
    assert table.loc["few_high", "position_99_8"] == "within"
    # zero_large: expected 20 events; P(X = 0) = 0.99^2000 by hand
    assert table.loc["zero_large", "p_lower_tail"] == pytest.approx(0.99**2000, rel=1e-9)
    assert not table.loc["zero_large", "small_numbers"]
    assert table.loc["zero_large", "position_99_8"] == "below"
    # zero_small: expected 5 (< 10) and observed 0: small numbers, never below
    assert table.loc["zero_small", "small_numbers"]
    assert table.loc["zero_small", "position_99_8"] == "within"
    assert table.loc["many_high", "position_99_8"] == "above"
    # min_events = 0 lets few_high be classified on its limit and tail
    loose = statistics.compare_to_target(
        frame, "successes", "trials", target=0.01, adjust=False, min_events=0
    )
    assert loose.table.set_index("unit").loc["few_high", "position_99_8"] == "above"


def test_no_unit_with_data_raises():
    frame = pd.DataFrame({"successes": [np.nan, 1.0], "trials": [10.0, 0.0]})
    with pytest.raises(ValueError):
        statistics.compare_to_target(frame, "successes", "trials")
