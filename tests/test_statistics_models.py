"""helpers.analysis.models against published worked examples, hand calculations and
independent scipy/statsmodels/numpy computations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats as sps

from helpers.analysis import models


def expit(v):
    return 1 / (1 + np.exp(-v))


# ---------------------------------------------------------------- segmented trend


def joinpoint_series(k=2019.0, before=-0.12, after=0.0, n=1e7):
    t = np.arange(2014.0, 2025.0)
    logit = -2.5 + before * (t - k) + (after - before) * np.maximum(t - k, 0)
    trials = np.full(len(t), n)
    return trials * expit(logit), trials, t  # noise-free expected counts


@pytest.mark.filterwarnings("ignore::statsmodels.tools.sm_exceptions.PerfectSeparationWarning")
def test_segmented_trend_recovers_a_noise_free_joinpoint():
    x, n, t = joinpoint_series()
    fit = models.segmented_trend(x, n, t)
    assert fit["status"] == "ok"
    assert fit["joinpoint"] == 2019.0
    assert fit["slope_before"] == pytest.approx(-0.12, abs=1e-6)
    assert fit["slope_recent"] == pytest.approx(0.0, abs=1e-6)
    assert fit["deviance_segmented"] == pytest.approx(0.0, abs=1e-6)
    assert fit["deviance_linear"] > 100
    assert fit["recent_direction"] == "no clear change"
    # allowed joinpoints leave at least 3 periods on each side: 2016 .. 2022
    assert fit["profile"]["joinpoint"].tolist() == list(np.arange(2016.0, 2023.0))


@pytest.mark.filterwarnings("ignore::statsmodels.tools.sm_exceptions.PerfectSeparationWarning")
def test_segmented_trend_on_a_straight_line_gives_the_linear_slope():
    t = np.arange(2014.0, 2024.0)
    n = np.full(len(t), 1e6)
    x = n * expit(-3 + 0.05 * (t - 2019))
    fit = models.segmented_trend(x, n, t)
    assert fit["slope_recent"] == pytest.approx(0.05, abs=1e-6)
    assert fit["slope_before"] == pytest.approx(0.05, abs=1e-6)
    assert fit["recent_direction"] == "rising"
    # pp per year at the last period's rate, by hand (delta method)
    p_last = expit(-3 + 0.05 * 4)
    assert fit["recent_pp_per_year"] == pytest.approx(100 * p_last * (1 - p_last) * 0.05, rel=1e-5)


def test_segmented_trend_interval_matches_statsmodels_t_contrast():
    rng = np.random.default_rng(2)
    x0, n, t = joinpoint_series(n=20000)
    x = rng.binomial(n.astype(int), x0 / n).astype(float)
    fit = models.segmented_trend(x, n, t)
    k = fit["joinpoint"]
    exog = np.column_stack([np.ones(len(t)), t - t.mean(), np.maximum(t - k, 0)])
    endog = np.column_stack([x, n - x])
    first = sm.GLM(endog, exog, family=sm.families.Binomial()).fit()
    scale = max(1.0, first.pearson_chi2 / (len(t) - 3))
    ref = sm.GLM(endog, exog, family=sm.families.Binomial()).fit(scale=scale, use_t=True)
    test = ref.t_test(np.array([[0, 1, 1]]))
    assert fit["recent_p_value"] == pytest.approx(float(test.pvalue), rel=1e-6)
    lower, upper = np.asarray(test.conf_int(alpha=0.05)).ravel()
    assert np.log(fit["recent_odds_ratio_lower"]) == pytest.approx(lower, rel=1e-6)
    assert np.log(fit["recent_odds_ratio_upper"]) == pytest.approx(upper, rel=1e-6)


def test_segmented_trend_statuses():
    assert models.segmented_trend([1, 2, 3, 4], [10] * 4, [1, 2, 3, 4])["status"].startswith(
        "too few periods"
    )
    few = models.segmented_trend([0, 0, 1, 0, 0, 1], [4] * 6, range(6))
    assert few["status"] == "too few events to estimate a trend"
    assert np.isnan(few["recent_odds_ratio_lower"])


def test_segmented_trend_skips_joinpoints_with_a_separated_segment():
    t = np.arange(2014.0, 2024.0)
    x = np.array([0, 0, 0, 0, 5, 9, 20, 26, 41, 50], dtype=float)
    n = np.full(10, 100.0)
    fit = models.segmented_trend(x, n, t)
    assert fit["status"] == "ok"
    # up to 2018 the events sit only in the last year (0, 0, 0, 0, 5): quasi-separated by hand
    # (every event year is at or after every non-event year), so 2019 is the earliest joinpoint
    assert fit["profile"]["joinpoint"].min() == 2019.0
    assert fit["joinpoint"] >= 2019.0


@pytest.mark.parametrize(
    "long_run, recent, shape",
    [
        ("falling", "no clear change", "levelled off"),
        ("falling", "falling", "continuing"),
        ("rising", "falling", "reversed"),
        ("no clear change", "rising", "recent rise"),
        ("no clear change", "no clear change", "no clear change"),
        ("too few data", "rising", "too few data"),
    ],
)
def test_trend_shape(long_run, recent, shape):
    assert models.trend_shape(long_run, recent) == shape


# ---------------------------------------------------------------- recent change


def test_recent_change_newcombe_published_examples():
    # Newcombe (1998) Stat Med 17:873, Table II, method 10: 56/70 - 48/80 -> 0.0524 to 0.3339;
    # 9/10 - 3/10 -> 0.1705 to 0.8090
    table = models.recent_change([48, 56], [80, 70], [2022, 2023], lags=(1, 3))
    row = table.iloc[0]
    assert row["difference_pp"] == pytest.approx(20.0)
    assert row["lower_pp"] == pytest.approx(5.24, abs=0.01)
    assert row["upper_pp"] == pytest.approx(33.39, abs=0.01)
    assert row["direction"] == "rising"
    assert table.iloc[1]["direction"] == "too few data"  # no 2020 row
    other = models.recent_change([3, 0, 0, 9], [10, 1, 1, 10], [2020, 2021, 2022, 2023])
    three = other.set_index("lag").loc[3]
    assert three["lower_pp"] == pytest.approx(17.05, abs=0.01)
    assert three["upper_pp"] == pytest.approx(80.90, abs=0.01)


def test_recent_change_no_clear_change():
    table = models.recent_change([100, 102], [1000, 1000], [2022, 2023], lags=(1,))
    assert table.iloc[0]["direction"] == "no clear change"


# ---------------------------------------------------------------- multiplicity


def test_count_movements_holm_by_hand():
    p = np.array([0.001, 0.02, 0.04, np.nan, 0.3])
    slopes = np.array([-0.1, -0.05, 0.02, np.nan, 0.01])
    table, counts = models.count_movements(p, slopes, toward="falling")
    # Holm on the 4 tested: sorted 0.001, 0.02, 0.04, 0.3 x 4, 3, 2, 1 -> 0.004, 0.06, 0.08, 0.3
    assert table["p_adjusted"].tolist()[:3] == pytest.approx([0.004, 0.06, 0.08])
    assert np.isnan(table["p_adjusted"][3])
    assert table["direction"].tolist() == [
        "falling",
        "falling",
        "rising",
        "too few data",
        "no clear change",
    ]
    assert table["movement_adjusted"].tolist() == [
        "toward",
        "no clear change",
        "no clear change",
        "too few data",
        "no clear change",
    ]
    assert counts == {
        "toward": 1,
        "away": 0,
        "no clear change": 3,
        "too few data": 1,
        "tested": 4,
        "method": "holm",
    }


# ---------------------------------------------------------------- relations


def panel(seed=0, forces=12, years=6, within=-0.3, between=0.5):
    rng = np.random.default_rng(seed)
    level = rng.normal(0.3, 0.05, forces)
    rows = []
    for f in range(forces):
        for y in range(years):
            x = level[f] + rng.normal(0, 0.02) + 0.01 * y
            out = 0.2 + between * (level[f] - 0.3) + within * (x - level[f]) + rng.normal(0, 0.005)
            rows.append(
                {"force": f"f{f}", "year": 2015 + y, "x": x, "y": out, "w": rng.integers(500, 5000)}
            )
    return pd.DataFrame(rows)


def test_association_by_year_matches_numpy():
    frame = panel()
    result = models.association_by_year(frame, "x", "y", "w", "year")
    assert len(result) == 6
    for _, row in result.iterrows():
        g = frame[frame["year"] == row["year"]]
        slope = np.polyfit(g["x"], g["y"], 1, w=np.sqrt(g["w"]))[0]
        cov = np.cov(g["x"], g["y"], aweights=g["w"])
        assert row["slope"] == pytest.approx(slope, rel=1e-9)
        assert row["r"] == pytest.approx(cov[0, 1] / np.sqrt(cov[0, 0] * cov[1, 1]), rel=1e-9)
        assert row["n"] == 12


def test_fixed_effects_slope_by_demeaning_and_cluster_se_by_hand():
    frame = panel()
    result = models.fixed_effects_association(frame, "x", "y", "force", "year").set_index("model")
    # Frisch-Waugh-Lovell on a balanced panel: two-way demeaning
    d = frame.copy()
    for col in ("x", "y"):
        d[col + "_d"] = (
            d[col]
            - d.groupby("force")[col].transform("mean")
            - d.groupby("year")[col].transform("mean")
            + d[col].mean()
        )
    slope = (d["x_d"] * d["y_d"]).sum() / (d["x_d"] ** 2).sum()
    row = result.loc["force and year fixed effects"]
    assert row["slope"] == pytest.approx(slope, rel=1e-8)
    assert abs(row["slope"] - (-0.3)) < 0.05  # the within-force effect, not the between one
    # clustered sandwich by hand: sum over forces of (sum x_d e)^2 / (sum x_d^2)^2,
    # times G/(G-1) * (N-1)/(N-K), K = 1 + 11 force + 5 year dummies + slope = 18
    e = d["y_d"] - slope * d["x_d"]
    score = (d["x_d"] * e).groupby(d["force"]).sum()
    n_obs, groups, k = len(d), 12, 18
    variance = (score**2).sum() / (d["x_d"] ** 2).sum() ** 2
    variance *= groups / (groups - 1) * (n_obs - 1) / (n_obs - k)
    half = sps.t.ppf(0.975, groups - 1) * np.sqrt(variance)
    assert row["slope_lower"] == pytest.approx(slope - half, rel=1e-6)
    assert row["n_clusters"] == 12 and row["n"] == 72
    between = result.loc["year fixed effects only"]
    assert between["slope"] > 0  # pooled across forces the between-force link dominates


def test_shared_denominator_baseline_is_exact_when_other_share_constant():
    n = np.array([1000.0, 2000, 1500, 3000, 2500])
    a = np.array([100.0, 500, 300, 1200, 700])
    b = 0.25 * (n - a)  # y' = B / (N - A) = 0.25 exactly, unrelated to x
    result = models.shared_denominator_association(a, b, n)
    assert result["shares"]["slope"] == pytest.approx(-0.25, rel=1e-9)
    assert result["other_outcomes"]["slope"] == pytest.approx(0.0, abs=1e-9)
    assert result["arithmetic_slope"] == pytest.approx(-0.25)
    assert result["n"] == 5 and result["n_dropped"] == 0


# ---------------------------------------------------------------- shrinkage


def dl_by_hand(y, v):
    w = 1 / v
    mean_fe = (w * y).sum() / w.sum()
    q = (w * (y - mean_fe) ** 2).sum()
    tau2 = max(0.0, (q - (len(y) - 1)) / (w.sum() - (w**2).sum() / w.sum()))
    w_re = 1 / (v + tau2)
    return tau2, (w_re * y).sum() / w_re.sum(), 1 / w_re.sum()


def test_shrunken_rates_against_hand_dersimonian_laird():
    x = np.array([12, 40, 9, 80, 30, 3, 55])
    n = np.array([1000, 2500, 1800, 4000, 1500, 900, 3000])
    result = models.shrunken_rates(x, n)
    y = np.log((x + 0.5) / (n - x + 0.5))
    v = 1 / (x + 0.5) + 1 / (n - x + 0.5)
    tau2, mu, var_mu = dl_by_hand(y, v)
    assert tau2 > 0
    assert result.attrs["tau2"] == pytest.approx(tau2, rel=1e-9)
    assert result.attrs["mu"] == pytest.approx(mu, rel=1e-9)
    b = v / (v + tau2)
    theta = mu + (1 - b) * (y - mu)
    sd = np.sqrt(v * (1 - b) + b**2 * var_mu)
    assert result["shrunken"].to_numpy() == pytest.approx(expit(theta), rel=1e-9)
    assert result["lower"].to_numpy() == pytest.approx(expit(theta - 1.959964 * sd), rel=1e-5)
    # shrunken estimates lie between the raw rate and the mean rate
    raw, mean = x / n, expit(mu)
    assert np.all((result["shrunken"] - raw) * (result["shrunken"] - mean) <= 1e-15)


def test_shrinkage_to_the_mean_without_heterogeneity_and_missing_units():
    n = np.array([1000, 1000, 1000, 1000, 1000, 1000])
    x = np.array([10.0, 10, 11, 9, 10, np.nan])
    result = models.shrunken_rates(x, n)
    y = np.log((x[:5] + 0.5) / (n[:5] - x[:5] + 0.5))
    v = 1 / (x[:5] + 0.5) + 1 / (n[:5] - x[:5] + 0.5)
    tau2, mu, _ = dl_by_hand(y, v)
    assert tau2 == 0.0 and result.attrs["tau2"] == 0.0
    assert result.attrs["mu"] == pytest.approx(mu, rel=1e-9)  # the inverse-variance mean
    assert result["shrunken"][:5].to_numpy() == pytest.approx(np.full(5, expit(result.attrs["mu"])))
    assert np.isnan(result["shrunken"][5]) and not result["has_data"][5]


def test_between_force_spread():
    x = np.array([12, 40, 9, 80, 30, 3, 55])
    n = np.array([1000, 2500, 1800, 4000, 1500, 900, 3000])
    spread = models.between_force_spread(x, n)
    rates = x / n
    assert spread["iqr_pp"] == pytest.approx(
        100 * (np.percentile(rates, 75) - np.percentile(rates, 25))
    )
    assert spread["p10_p90_pp"] == pytest.approx(
        100 * (np.percentile(rates, 90) - np.percentile(rates, 10))
    )
    y = np.log((x + 0.5) / (n - x + 0.5))
    v = 1 / (x + 0.5) + 1 / (n - x + 0.5)
    tau2, mu, _ = dl_by_hand(y, v)
    p = expit(mu)
    assert spread["tau_pp"] == pytest.approx(100 * np.sqrt(tau2) * p * (1 - p), rel=1e-9)
    assert spread["true_p10"] == pytest.approx(expit(mu - 1.2815516 * np.sqrt(tau2)), rel=1e-6)


# ---------------------------------------------------------------- standardisation


def test_indirect_standardisation_exact_poisson_limits():
    counts = np.array([[100, 300], [400, 100], [50, 50]])
    national = np.array([0.02, 0.05])
    observed = np.array([20, 8, 0])
    result = models.indirect_standardisation(observed, counts, national)
    expected = np.array([100 * 0.02 + 300 * 0.05, 400 * 0.02 + 100 * 0.05, 50 * 0.02 + 50 * 0.05])
    assert result["expected"].to_numpy() == pytest.approx(expected)
    assert result["ratio"].to_numpy() == pytest.approx(observed / expected)
    # exact Poisson limits solve P(X >= O | mu_L) = 0.025 and P(X <= O | mu_U) = 0.025
    for i, o in enumerate(observed):
        mu_u = result["ratio_upper"][i] * expected[i]
        assert sps.poisson.cdf(o, mu_u) == pytest.approx(0.025, rel=1e-6)
        if o > 0:
            mu_l = result["ratio_lower"][i] * expected[i]
            assert sps.poisson.sf(o - 1, mu_l) == pytest.approx(0.025, rel=1e-6)
        else:
            assert result["ratio_lower"][i] == 0
    crude = expected.sum() / counts.sum()
    assert result["standardised_rate"].to_numpy() == pytest.approx(observed / expected * crude)


def test_indirect_standardisation_byar_by_hand():
    result = models.indirect_standardisation([20], [[1000]], [0.015], method="byar")
    o, e, z = 20, 15.0, 1.959964
    lower = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3 / e
    upper = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * np.sqrt(o + 1))) ** 3 / e
    assert result["ratio_lower"][0] == pytest.approx(lower, rel=1e-6)
    assert result["ratio_upper"][0] == pytest.approx(upper, rel=1e-6)
    with pytest.raises(ValueError):
        models.indirect_standardisation([1, 2], [[1, 2]], [0.1, 0.2])


def test_direct_standardisation_by_hand():
    x = np.array([[10, 40], [30, 5]])
    n = np.array([[200, 400], [300, 100]])
    weights = np.array([3000, 1000])
    result = models.direct_standardisation(x, n, weights)
    p = x / n
    rate0 = 0.75 * p[0, 0] + 0.25 * p[0, 1]
    var0 = 0.75**2 * p[0, 0] * (1 - p[0, 0]) / 200 + 0.25**2 * p[0, 1] * (1 - p[0, 1]) / 400
    assert result["standardised_rate"][0] == pytest.approx(rate0)
    assert result["upper"][0] == pytest.approx(rate0 + 1.959964 * np.sqrt(var0), rel=1e-6)
    assert result["crude_rate"][1] == pytest.approx(35 / 400)
