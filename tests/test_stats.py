"""helpers.stats against values computed independently of the implementation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps
from statsmodels.stats.proportion import proportion_confint

from helpers.analysis import statistics


@given(
    st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.sampled_from([0.9, 0.95, 0.99]),
)
@settings(max_examples=60, deadline=None)
def test_intervals_match_statsmodels(case, level):
    x, n = case
    for method, sm_method in (("wilson", "wilson"), ("exact", "beta")):
        lower, upper = statistics.proportion_ci(x, n, level, method)
        expected = proportion_confint(x, n, alpha=1 - level, method=sm_method)
        assert lower == pytest.approx(expected[0], abs=1e-9)
        assert upper == pytest.approx(expected[1], abs=1e-9)


def test_intervals_vectorised_and_zero_trials_nan():
    lower, upper = statistics.proportion_ci([0, 3, 5], [0, 10, 5])
    assert np.isnan(lower[0]) and np.isnan(upper[0])
    assert upper[2] == 1.0 and 0 < lower[1] < 0.3 < upper[1]
    with pytest.raises(ValueError):
        statistics.proportion_ci(6, 5)


def brute_force_limit(n: int, target: float, p: float) -> float:
    """Spiegelhalter (2005) A.1.1 by direct search over r: no scipy ppf."""
    cdf = 0.0
    for r in range(n + 1):
        previous = cdf
        cdf += sps.binom.pmf(r, n, target)
        if cdf >= p:
            alpha = (cdf - p) / (cdf - previous)
            return (r - alpha) / n
    return 1.0


@pytest.mark.parametrize("target", [0.01, 0.1, 0.3, 0.55])
@pytest.mark.parametrize("n", [1, 7, 20, 50, 333, 2000])
def test_exact_limits_match_brute_force(n, target):
    limits = statistics.funnel_limits([n], target, levels=(0.95, 0.998)).iloc[0]
    for level in (0.95, 0.998):
        label = statistics.level_label(level)
        assert limits[f"lower_{label}"] == pytest.approx(
            np.clip(brute_force_limit(n, target, (1 - level) / 2), 0, 1), abs=1e-9
        )
        assert limits[f"upper_{label}"] == pytest.approx(
            np.clip(brute_force_limit(n, target, 1 - (1 - level) / 2), 0, 1), abs=1e-9
        )


def test_worked_example_from_the_issue():
    limits = statistics.funnel_limits([20, 50], 0.30, levels=(0.998,))
    assert limits["lower_99_8"].round(4).tolist() == [0.0015, 0.1031]
    assert limits["upper_99_8"].round(3).tolist() == [0.614, 0.499]


@pytest.mark.parametrize("method", ["exact", "wilson", "arcsine"])
def test_limits_narrow_with_trials_and_converge_to_normal(method):
    n = np.array([50, 100, 500, 1000, 5000, 20000, 100000, 1000000])
    limits = statistics.funnel_limits(n, 0.2, levels=(0.998,), method=method)
    assert (np.diff(limits["upper_99_8"]) <= 1e-12).all()
    assert (np.diff(limits["lower_99_8"]) >= -1e-12).all()
    z = sps.norm.ppf(0.999)
    normal = 0.2 + z * np.sqrt(0.2 * 0.8 / n[-1])
    assert limits["upper_99_8"].iloc[-1] == pytest.approx(normal, rel=2e-3)


def test_tau2_widens_limits_and_clips():
    plain = statistics.funnel_limits([1000], 0.05, method="arcsine")
    wide = statistics.funnel_limits([1000], 0.05, method="arcsine", tau2=0.01)
    assert wide["upper_99_8"][0] > plain["upper_99_8"][0]
    assert wide["lower_99_8"][0] == 0.0  # clipped to [0, 1]


def simulate(seed: int, k: int = 43, tau: float = 0.0, target: float = 0.3):
    rng = np.random.default_rng(seed)
    n = rng.integers(300, 6000, k)
    true = (
        np.sin(np.arcsin(np.sqrt(target)) + rng.normal(0, tau, k)) ** 2
        if tau
        else np.full(k, target)
    )
    return rng.binomial(n, true), n


def test_no_overdispersion_gives_tau2_zero():
    zeros = 0
    for seed in range(40):
        x, n = simulate(seed)
        result = statistics.overdispersion(x, n, x.sum() / n.sum())
        zeros += result.tau2 == 0
    assert zeros >= 37  # the significance test keeps tau2 at 0 in (nearly) every in-control sample


def test_overdispersion_recovers_simulated_tau2():
    tau = 0.04
    x, n = simulate(7, k=600, tau=tau)
    untrimmed = statistics.overdispersion(x, n, x.sum() / n.sum(), trim=0.0)
    assert untrimmed.tau2 == pytest.approx(tau**2, rel=0.2)
    assert untrimmed.phi > 5
    trimmed = statistics.overdispersion(x, n, x.sum() / n.sum())
    assert 0.4 * tau**2 < trimmed.tau2 < tau**2  # winsorising shrinks phi, as Spiegelhalter notes


def test_compare_to_target_flags_planted_outlier_only():
    rng = np.random.default_rng(3)
    n = rng.integers(2000, 8000, 30)
    x = rng.binomial(n, 0.1)
    x[5] = int(n[5] * 0.2)  # planted: twice the rate
    frame = pd.DataFrame({"unit": [f"u{i}" for i in range(30)], "successes": x, "trials": n})
    comparison = statistics.compare_to_target(frame, "successes", "trials")
    outside = comparison.outside(0.998)
    assert outside["unit"].tolist() == ["u5"]
    assert outside["position_99_8_adjusted"].tolist() == ["above"]


def test_external_target():
    frame = pd.DataFrame({"successes": [5, 200], "trials": [1000, 1000]})
    comparison = statistics.compare_to_target(frame, "successes", "trials", target=0.01)
    assert comparison.target == 0.01 and comparison.target_kind == "external"
    assert comparison.table["position_99_8"].tolist() == ["within", "above"]


def test_trend_recovers_a_known_slope_and_flags_none_for_flat():
    years = [f"{y}/{(y + 1) % 100:02d}" for y in range(2015, 2025)]
    rng = np.random.default_rng(11)
    rows = []
    for unit, slope in (("down", -0.1), ("flat", 0.0)):
        for i, year in enumerate(years):
            p = 1 / (1 + np.exp(-(-2 + slope * (i - 4.5))))
            rows.append({"unit": unit, "year": year, "x": rng.binomial(20000, p), "n": 20000})
    result = statistics.trend(pd.DataFrame(rows), "x", "n", "year", unit="unit").set_index("unit")
    assert (
        result.loc["down", "odds_ratio_lower"]
        < np.exp(-0.1)
        < result.loc["down", "odds_ratio_upper"]
    )
    assert result.loc["down", "direction"] == "falling"
    assert result.loc["flat", "direction"] == "no clear change"
    assert result.loc["pooled", "n_periods"] == 10


def test_weighted_association_matches_numpy():
    rng = np.random.default_rng(5)
    x = rng.uniform(0, 1, 50)
    y = 2 - 0.5 * x + rng.normal(0, 0.05, 50)
    w = rng.uniform(1, 3, 50)
    fit = statistics.weighted_association(x, y, w)
    slope = np.polyfit(x, y, 1, w=np.sqrt(w))[0]
    assert fit["slope"] == pytest.approx(slope, rel=1e-9)
    assert fit["r"] < -0.9
