"""threshold_test and the t-based, status-reporting trend against independent references."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats as sps

from helpers.analysis import statistics


def test_threshold_test_issue_example():
    # a force at 2.39% of 35,452 outcomes against the 1% "rare" reading: p about 1e-110
    x = round(0.0239 * 35452)
    result = statistics.threshold_test([x, 30, np.nan], [35452, 3000, 100], threshold=0.01)
    reference = sps.binomtest(x, 35452, 0.01, alternative="greater").pvalue
    assert result.loc[0, "p_value"] == pytest.approx(reference, rel=1e-9)
    assert 1e-111 < result.loc[0, "p_value"] < 1e-109
    assert bool(result.loc[0, "above_threshold"])
    # 30 of 3000 is exactly 1%: not above
    assert result.loc[1, "p_value"] == pytest.approx(
        sps.binomtest(30, 3000, 0.01, alternative="greater").pvalue
    )
    assert not result.loc[1, "above_threshold"]
    assert np.isnan(result.loc[2, "p_value"]) and not result.loc[2, "above_threshold"]
    assert result.attrs == {"n_tested": 2, "n_no_data": 1}
    assert set(result["method"]) == {"holm"}


def test_threshold_test_holm_and_bh_by_hand():
    n = np.array([1000, 1000, 1000, 1000])
    x = np.array([22, 18, 15, 9])
    raw = np.array([sps.binomtest(int(k), 1000, 0.01, alternative="greater").pvalue for k in x])
    # Holm by hand: sort ascending, multiply by (m - rank), cumulative max, cap at 1
    order = np.argsort(raw)
    m = len(raw)
    holm_sorted = np.minimum(1, np.maximum.accumulate(raw[order] * (m - np.arange(m))))
    holm = np.empty(m)
    holm[order] = holm_sorted
    # Benjamini-Hochberg by hand: p * m / rank, cumulative min from the top
    bh_sorted = np.minimum(
        1, np.minimum.accumulate((raw[order] * m / np.arange(1, m + 1))[::-1])[::-1]
    )
    bh = np.empty(m)
    bh[order] = bh_sorted
    result_holm = statistics.threshold_test(x, n, 0.01, method="holm")
    result_bh = statistics.threshold_test(x, n, 0.01, method="fdr_bh")
    assert result_holm["p_value"].to_numpy() == pytest.approx(raw)
    assert result_holm["p_adjusted"].to_numpy() == pytest.approx(holm)
    assert result_bh["p_adjusted"].to_numpy() == pytest.approx(bh)
    assert result_holm["above_threshold"].tolist() == list(holm < 0.05)
    assert result_bh["above_threshold"].tolist() == list(bh < 0.05)


def test_threshold_test_less_and_errors():
    result = statistics.threshold_test([0], [2000], 0.01, alternative="less")
    assert result.loc[0, "p_value"] == pytest.approx(0.99**2000)
    with pytest.raises(ValueError):
        statistics.threshold_test([1], [10], 1.5)
    with pytest.raises(ValueError):
        statistics.threshold_test([1], [10], 0.1, method="sidak_magic")


def overdispersed_series(seed=4, years=10, slope=-0.03):
    rng = np.random.default_rng(seed)
    t = np.arange(years, dtype=float)
    n = rng.integers(40000, 60000, years).astype(float)
    logit = -3 + slope * (t - t.mean()) + rng.normal(0, 0.06, years)
    x = rng.binomial(n.astype(int), 1 / (1 + np.exp(-logit))).astype(float)
    return x, n, t + 2014


def test_trend_t_inference_matches_statsmodels_quasibinomial():
    x, n, t = overdispersed_series()
    fitted = statistics._fit_trend(x, n, t, 0.95)
    # independent path: proportion response with var_weights, Pearson X2 scale, t inference
    exog = sm.add_constant(t - t.mean())
    reference = sm.GLM(x / n, exog, family=sm.families.Binomial(), var_weights=n).fit(
        scale="X2", use_t=True
    )
    assert reference.scale > 1  # the series is overdispersed, so the floor at 1 is not in play
    assert fitted["status"] == "ok" and fitted["df_resid"] == 8
    assert fitted["p_value"] == pytest.approx(float(reference.pvalues[1]), rel=1e-5)
    lower, upper = reference.conf_int(alpha=0.05)[1]
    assert np.log(fitted["odds_ratio_lower"]) == pytest.approx(lower, rel=1e-5)
    assert np.log(fitted["odds_ratio_upper"]) == pytest.approx(upper, rel=1e-5)
    normal = statistics._fit_trend(x, n, t, 0.95, inference="normal")
    assert normal["p_value"] < fitted["p_value"]


def test_t_versus_normal_p_value_from_issue():
    # the issue's national example: p = 0.023 under the normal is about 0.053 on 8 df (10 years)
    z = sps.norm.isf(0.023 / 2)
    assert 2 * sps.t.sf(z, 8) == pytest.approx(0.053, abs=1e-3)


@pytest.mark.parametrize(
    "x, n, status",
    [
        ([0, 0, 1], [4, 4, 3], statistics.TREND_FEW_EVENTS),
        ([0, 0, 0, 0], [50, 50, 50, 50], statistics.TREND_FEW_EVENTS),
        ([5, 5], [50, 50], statistics.TREND_FEW_PERIODS),
        ([0, 0, 40, 40], [40, 40, 40, 40], statistics.TREND_SEPARATION),
    ],
)
def test_trend_refuses_to_estimate_without_information(x, n, status):
    t = np.arange(len(x), dtype=float)
    fitted = statistics._fit_trend(np.array(x, float), np.array(n, float), t, 0.95)
    assert fitted["status"] == status
    for key in ("odds_ratio_lower", "odds_ratio_upper", "p_value", "pp_change_per_year"):
        assert np.isnan(fitted[key])
    frame = pd.DataFrame({"x": x, "n": n, "year": t})
    assert statistics.trend(frame, "x", "n", "year")["direction"].tolist() == ["too few data"]


def test_separation_by_hand():
    # events only in the last period, non-events everywhere: quasi-complete separation
    assert statistics.separated([0, 0, 1], [4, 4, 3], [1, 2, 3])
    assert not statistics.separated([1, 0, 1], [4, 4, 3], [1, 2, 3])
    assert statistics.separated([4, 4, 0], [4, 4, 3], [1, 2, 3])


def test_direction_word():
    words = statistics.direction_word([0.01, 0.01, 0.2, np.nan], [-1, 1, 1, 1])
    assert words.tolist() == ["falling", "rising", "no clear change", "too few data"]
