"""Regression-type models for force rates: segmented trends, recent change, relations across
forces, empirical Bayes shrinkage and standardisation.

Pure functions, no I/O. Rates are proportions in [0, 1]; columns named ``*_pp`` are percentage
points (proportion x 100). Units without data (a missing count or zero trials) are dropped or
reported as such, never silently turned into zeros. Methods and their sources are given in each
docstring; ``docs/methods.md`` ("Statistics added for the correctness review") explains them in
words.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sps

from helpers.analysis import memo
from helpers.analysis.statistics import (
    MULTITEST_METHODS,
    TREND_FEW_EVENTS,
    TREND_FEW_PERIODS,
    TREND_NOT_CONVERGED,
    TREND_OK,
    TREND_SEPARATION,
    adjust_p_values,
    direction_word,
    has_data,
    separated,
    weighted_association,
)


def _expit(v):
    return 1 / (1 + np.exp(-np.asarray(v, dtype=float)))


def _logit(p):
    p = np.asarray(p, dtype=float)
    return np.log(p / (1 - p))


# ------------------------------------------------------------------------------------------
# segmented (joinpoint) trend
# ------------------------------------------------------------------------------------------


@memo.per_series
def segmented_trend(
    successes,
    trials,
    time,
    min_points: int = 3,
    level: float = 0.95,
    alpha: float = 0.05,
    min_events: int = 10,
) -> dict:
    """Best single joinpoint in a logit-linear trend, chosen by profile deviance.

    Model (continuous hinge, as the NCI Joinpoint program with one joinpoint; Kim et al. 2000,
    Statistics in Medicine 19:335-351): logit(p_t) = a + b1 (t - c) + b2 max(t - k, 0), a
    binomial GLM (statsmodels) for each allowed joinpoint k among the observed times with at
    least ``min_points`` periods at or before k and at least ``min_points`` at or after k, and
    neither segment separated (``statistics.separated``); the k with the smallest binomial
    deviance is kept. The recent-segment slope is b1 + b2. Its
    interval and p-value are quasi-binomial (scale = max(1, Pearson X2 / (m - 3)), t on m - 3
    df, m periods) *conditional on k*: the search over k is not accounted for, so they are
    somewhat optimistic, and the deviance drop against the linear fit is descriptive (its
    chi-squared reference is not valid after a search; Hinkley 1969).

    Inputs: array-likes of equal length (successes, trials counts; time numeric, e.g. the year
    a financial year starts). Returns a dict: ``status`` ("ok" or a reason in words, as
    ``statistics.trend``), ``joinpoint``, ``slope_before``/``slope_recent`` (log-odds per time
    unit), ``recent_odds_ratio`` with ``recent_odds_ratio_lower``/``_upper``,
    ``recent_pp_per_year`` with ``_lower``/``_upper`` (percentage points per year at the fitted
    rate of the last period, delta method), ``recent_p_value``, ``recent_direction``,
    ``deviance_linear``, ``deviance_segmented``, ``dispersion``, ``n_periods``, and the
    candidate joinpoints tried with their deviances (``profile``: DataFrame). Estimates are NaN
    when the status is not "ok".
    """
    from statsmodels.genmod import families
    from statsmodels.genmod.generalized_linear_model import GLM
    from statsmodels.tools.tools import add_constant

    x, n, t = (np.asarray(v, dtype=float) for v in (successes, trials, time))
    keep = has_data(x, n) & np.isfinite(t)
    x, n, t = x[keep], n[keep], t[keep]
    order = np.argsort(t)
    x, n, t = x[order], n[order], t[order]
    m = len(t)
    fields = [
        "joinpoint",
        "slope_before",
        "slope_recent",
        "recent_odds_ratio",
        "recent_odds_ratio_lower",
        "recent_odds_ratio_upper",
        "recent_pp_per_year",
        "recent_pp_per_year_lower",
        "recent_pp_per_year_upper",
        "recent_p_value",
        "deviance_linear",
        "deviance_segmented",
        "dispersion",
    ]
    out = {"n_periods": m, "profile": pd.DataFrame(columns=["joinpoint", "deviance"])}
    empty = dict.fromkeys(fields, np.nan) | {"recent_direction": "too few data"}
    candidates = [
        k for k in np.unique(t) if (t <= k).sum() >= min_points and (t >= k).sum() >= min_points
    ]
    if m < 2 * min_points - 1 or not candidates:
        return out | empty | {"status": TREND_FEW_PERIODS}
    if min(x.sum(), (n - x).sum()) < max(min_events, 1):
        return out | empty | {"status": TREND_FEW_EVENTS}
    if separated(x, n, t):
        return out | empty | {"status": TREND_SEPARATION}
    # a joinpoint is allowed only where neither segment is separated (each slope has a finite MLE)
    candidates = [
        k
        for k in candidates
        if not separated(x[t <= k], n[t <= k], t[t <= k])
        and not separated(x[t >= k], n[t >= k], t[t >= k])
    ]
    if not candidates:
        return out | empty | {"status": TREND_SEPARATION}
    endog = np.column_stack([x, n - x])
    centre = t.mean()
    linear = GLM(endog, add_constant(t - centre), family=families.Binomial()).fit()
    profile = []
    fits = {}
    # each candidate's fit starts from the linear fit (hinge slope 0), which IRLS leaves in
    # about half the iterations of statsmodels' default start; the maximum found is the same
    # (to statsmodels' convergence tolerance)
    start = np.append(linear.params, 0.0)
    for k in candidates:
        exog = np.column_stack([np.ones(m), t - centre, np.maximum(t - k, 0)])
        fit = GLM(endog, exog, family=families.Binomial()).fit(start_params=start)
        if fit.converged and np.isfinite(fit.deviance):
            profile.append((float(k), float(fit.deviance)))
            fits[float(k)] = (fit, exog)
    if not profile:
        return out | empty | {"status": TREND_NOT_CONVERGED}
    profile_frame = pd.DataFrame(profile, columns=["joinpoint", "deviance"])
    best = float(profile_frame.loc[profile_frame["deviance"].idxmin(), "joinpoint"])
    fit, exog = fits[best]
    df_resid = m - 3
    dispersion = float(fit.pearson_chi2) / max(df_resid, 1)
    # the quasi-binomial covariance: a fixed scale does not change the IRLS estimates, and
    # statsmodels' covariance with it is normalized_cov_params * scale (as a refit would give)
    params = fit.params
    covariance = fit.normalized_cov_params * max(dispersion, 1.0)
    contrast = np.array([0.0, 1.0, 1.0])
    slope = float(contrast @ params)
    se = float(np.sqrt(contrast @ covariance @ contrast))
    if not (np.isfinite(se) and se > 0):
        return out | empty | {"status": TREND_NOT_CONVERGED, "profile": profile_frame}
    if df_resid > 0:
        critical = float(sps.t.ppf(1 - (1 - level) / 2, df_resid))
        p_value = float(2 * sps.t.sf(abs(slope / se), df_resid))
    else:  # three periods per segment and no residual df: no interval
        critical, p_value = np.nan, np.nan
    rate_last = float(_expit(exog[-1] @ params))
    to_pp = 100 * rate_last * (1 - rate_last)
    return out | {
        "status": TREND_OK,
        "profile": profile_frame,
        "joinpoint": best,
        "slope_before": float(params[1]),
        "slope_recent": slope,
        "recent_odds_ratio": float(np.exp(slope)),
        "recent_odds_ratio_lower": float(np.exp(slope - critical * se)),
        "recent_odds_ratio_upper": float(np.exp(slope + critical * se)),
        "recent_pp_per_year": to_pp * slope,
        "recent_pp_per_year_lower": to_pp * (slope - critical * se),
        "recent_pp_per_year_upper": to_pp * (slope + critical * se),
        "recent_p_value": p_value,
        "recent_direction": str(direction_word(p_value, slope, alpha)),
        "deviance_linear": float(linear.deviance),
        "deviance_segmented": float(fit.deviance),
        "dispersion": dispersion,
    }


def trend_shape(long_run_direction, recent_direction):
    """Plain-words shape of a trend from the long-run (linear) direction and the recent-segment
    direction (words of ``statistics.direction_word``). Vectorised.

    * long-run rising/falling, recent the same: 'continuing'
    * long-run rising/falling, recent 'no clear change': 'levelled off'
    * long-run rising/falling, recent the opposite: 'reversed'
    * long-run 'no clear change', recent rising/falling: 'recent rise' / 'recent fall'
    * both 'no clear change': 'no clear change'; either 'too few data': 'too few data'
    """
    long_run = np.asarray(long_run_direction, dtype=object)
    recent = np.asarray(recent_direction, dtype=object)
    moving = np.isin(long_run, ["rising", "falling"])
    recent_moving = np.isin(recent, ["rising", "falling"])
    shape = np.select(
        [
            (long_run == "too few data") | (recent == "too few data"),
            moving & (recent == long_run),
            moving & (recent == "no clear change"),
            moving & recent_moving,
            ~moving & (recent == "rising"),
            ~moving & (recent == "falling"),
        ],
        ["too few data", "continuing", "levelled off", "reversed", "recent rise", "recent fall"],
        default="no clear change",
    )
    return shape if shape.ndim else str(shape)


# ------------------------------------------------------------------------------------------
# recent change
# ------------------------------------------------------------------------------------------


def recent_change(successes, trials, time, lags=(1, 3), level: float = 0.95) -> pd.DataFrame:
    """Latest period against the period ``lag`` earlier, as a difference of two proportions.

    Interval: Newcombe's hybrid score interval (Newcombe 1998, Statistics in Medicine
    17:873-890, method 10) via statsmodels.stats.proportion.confint_proportions_2indep(method=
    "newcomb", compare="diff"). ``direction``: 'rising' / 'falling' when the interval excludes
    0, 'no clear change' when it includes 0, 'too few data' when either period is missing or has
    no trials.

    Inputs: array-likes (counts; numeric time, e.g. the year a financial year starts). Returns
    one row per lag: ``lag``, ``latest``, ``earlier`` (times), ``rate_latest``,
    ``rate_earlier`` (proportions), ``difference_pp`` with ``lower_pp``/``upper_pp``
    (percentage points), ``direction``.
    """
    from statsmodels.stats.proportion import confint_proportions_2indep

    x, n, t = (np.asarray(v, dtype=float) for v in (successes, trials, time))
    keep = has_data(x, n) & np.isfinite(t)
    rows = []
    latest = float(np.nanmax(t[np.isfinite(t)])) if np.isfinite(t).any() else np.nan
    for lag in lags:
        earlier = latest - lag
        now, then = keep & (t == latest), keep & (t == earlier)
        row = {"lag": lag, "latest": latest, "earlier": earlier}
        if now.sum() != 1 or then.sum() != 1:
            rows.append(
                row
                | dict.fromkeys(
                    ["rate_latest", "rate_earlier", "difference_pp", "lower_pp", "upper_pp"],
                    np.nan,
                )
                | {"direction": "too few data"}
            )
            continue
        x1, n1, x0, n0 = float(x[now][0]), float(n[now][0]), float(x[then][0]), float(n[then][0])
        lower, upper = confint_proportions_2indep(
            x1, n1, x0, n0, method="newcomb", compare="diff", alpha=1 - level
        )
        direction = "rising" if lower > 0 else ("falling" if upper < 0 else "no clear change")
        rows.append(
            row
            | {
                "rate_latest": x1 / n1,
                "rate_earlier": x0 / n0,
                "difference_pp": 100 * (x1 / n1 - x0 / n0),
                "lower_pp": 100 * float(lower),
                "upper_pp": 100 * float(upper),
                "direction": direction,
            }
        )
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------------------
# multiplicity across forces
# ------------------------------------------------------------------------------------------


def count_movements(
    p_values,
    effects,
    toward: str,
    method: str = "holm",
    alpha: float = 0.05,
) -> tuple[pd.DataFrame, dict]:
    """Count forces moving toward / away from a desired direction with multiplicity control.

    ``p_values``: trend p-values (NaN where no trend could be estimated); ``effects``: slopes or
    log odds ratios (sign gives the direction); ``toward``: 'rising' or 'falling', the
    direction the guidance favours. p-values are adjusted across units with a p-value by
    statsmodels.stats.multitest.multipletests (``method`` 'holm' (default, family-wise) or
    'fdr_bh' (false discovery rate)).

    Returns ``(table, counts)``: the table (input order) has ``p_value``, ``p_adjusted``,
    ``direction`` (unadjusted), ``direction_adjusted`` and ``movement_adjusted`` ('toward',
    'away', 'no clear change', 'too few data'); counts is a dict with the number of units
    'toward', 'away', 'no clear change', 'too few data' after adjustment, ``tested`` and
    ``method``.
    """
    if method not in MULTITEST_METHODS:
        raise ValueError(f"method must be one of {MULTITEST_METHODS}, not {method!r}")
    if toward not in ("rising", "falling"):
        raise ValueError("toward must be 'rising' or 'falling'")
    p = np.asarray(p_values, dtype=float)
    e = np.asarray(effects, dtype=float)
    tested = np.isfinite(p)
    adjusted = np.full(len(p), np.nan)
    if tested.any():
        adjusted[tested] = adjust_p_values(p[tested], alpha, method)[1]
    direction_adjusted = direction_word(adjusted, e, alpha)
    away = "falling" if toward == "rising" else "rising"
    movement = np.select(
        [direction_adjusted == toward, direction_adjusted == away],
        ["toward", "away"],
        default=direction_adjusted,
    )
    table = pd.DataFrame(
        {
            "p_value": p,
            "p_adjusted": adjusted,
            "direction": direction_word(p, e, alpha),
            "direction_adjusted": direction_adjusted,
            "movement_adjusted": movement,
        }
    )
    counts = {
        word: int((movement == word).sum())
        for word in ("toward", "away", "no clear change", "too few data")
    } | {"tested": int(tested.sum()), "method": method}
    return table, counts


# ------------------------------------------------------------------------------------------
# relations across forces
# ------------------------------------------------------------------------------------------


def association_by_year(
    frame: pd.DataFrame, x: str, y: str, weight: str, year: str
) -> pd.DataFrame:
    """Within-year, between-force association: for each year, weighted least squares of the
    y-rate on the x-rate across forces (``statistics.weighted_association``: statsmodels WLS,
    weights e.g. outcomes assigned). Rows with a missing value or non-positive weight are
    dropped. Returns one row per year: ``year``, ``slope`` with ``slope_lower``/``slope_upper``
    (95%, t on n - 2 df), ``p_value``, weighted ``r``, ``n``. Years with fewer than 3 forces get
    NaN."""
    rows = []
    for value, group in frame.groupby(year, sort=True):
        ok = group[[x, y, weight]].notna().all(axis=1) & (group[weight] > 0)
        if ok.sum() < 3:
            rows.append({"year": value, "n": int(ok.sum())})
            continue
        fit = weighted_association(group[x], group[y], group[weight])
        rows.append({"year": value} | fit)
    return pd.DataFrame(rows)


def fixed_effects_association(
    frame: pd.DataFrame,
    x: str,
    y: str,
    unit: str,
    year: str,
    weight: str | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Within-force association of y on x: two-way fixed effects with errors clustered by force.

    Fits, with the statsmodels formula API (OLS, or WLS when ``weight`` is given),
    ``y ~ x + C(unit) + C(year)`` (within-force: only changes over time inside a force, net of
    national year effects, identify the slope) and ``y ~ x + C(year)`` (year fixed effects
    only: mostly between-force), each with cov_type="cluster" by ``unit`` (Cameron and Miller
    2015, J. Human Resources 50:317-372; statsmodels applies the G/(G-1) (N-1)/(N-K)
    small-sample factor and t on G - 1 df). With few clusters (G < ~40) cluster-robust
    intervals can be too narrow; the number of clusters is reported.

    Returns a DataFrame with one row per model: ``model``, ``slope``, ``slope_lower``,
    ``slope_upper``, ``p_value``, ``n`` (rows used), ``n_clusters``. Units of the slope: change
    in y per unit change in x (both proportions, so percentage points per percentage point).
    """
    import statsmodels.formula.api as smf

    columns = [x, y, unit, year] + ([weight] if weight else [])
    data = frame[columns].dropna().rename(columns={x: "_x", y: "_y", unit: "_u", year: "_t"})
    if weight:
        data = data.rename(columns={weight: "_w"})
        data = data[data["_w"] > 0]
    groups = pd.factorize(data["_u"])[0]
    rows = []
    for name, formula in (
        ("force and year fixed effects", "_y ~ _x + C(_u) + C(_t)"),
        ("year fixed effects only", "_y ~ _x + C(_t)"),
    ):
        model = smf.wls(formula, data, weights=data["_w"]) if weight else smf.ols(formula, data)
        fit = model.fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
        lower, upper = fit.conf_int(alpha=1 - level).loc["_x"]
        rows.append(
            {
                "model": name,
                "slope": float(fit.params["_x"]),
                "slope_lower": float(lower),
                "slope_upper": float(upper),
                "p_value": float(fit.pvalues["_x"]),
                "n": int(fit.nobs),
                "n_clusters": int(len(np.unique(groups))),
            }
        )
    return pd.DataFrame(rows)


def shared_denominator_association(a, b, n, weights=None) -> dict:
    """Arithmetic baseline for two shares of one denominator.

    With x = A/N (e.g. outcome 16 share) and y = B/N (e.g. charge share), y = y' (1 - x) where
    y' = B/(N - A) is B's share of the outcomes other than A. Even if y' is unrelated to x, y
    falls with x with slope about -mean(y'): part of a negative link between x and y is
    arithmetic. This returns the weighted association (``statistics.weighted_association``,
    WLS, weights default N) of y on x (``shares``) and of y' on x (``other_outcomes``), and
    ``arithmetic_slope`` = -(weighted mean of y'), the slope of y on x expected if y' did not
    depend on x. Inputs: array-likes of counts with A + B <= N; units with N - A <= 0 or a
    missing count are dropped (``n_dropped``).
    """
    a, b, n = (np.asarray(v, dtype=float) for v in (a, b, n))
    w = n if weights is None else np.asarray(weights, dtype=float)
    with np.errstate(invalid="ignore"):
        keep = np.isfinite(a) & np.isfinite(b) & has_data(a, n) & (n - a > 0) & np.isfinite(w)
    if np.any(a[keep] + b[keep] > n[keep]):
        raise ValueError("A + B must not exceed N")
    a, b, n, w = a[keep], b[keep], n[keep], w[keep]
    x, y, y_other = a / n, b / n, b / (n - a)
    return {
        "shares": weighted_association(x, y, w),
        "other_outcomes": weighted_association(x, y_other, w),
        "arithmetic_slope": float(-np.average(y_other, weights=w)),
        "n": int(keep.sum()),
        "n_dropped": int((~keep).sum()),
    }


# ------------------------------------------------------------------------------------------
# empirical Bayes shrinkage
# ------------------------------------------------------------------------------------------


def shrunken_rates(successes, trials, level: float = 0.95) -> pd.DataFrame:
    """Empirical Bayes (normal-normal on the logit scale) shrunken rates with intervals.

    y_i = logit((x_i + 0.5) / (n_i + 1)) with v_i = 1/(x_i + 0.5) + 1/(n_i - x_i + 0.5) (the
    Haldane-Anscombe correction keeps zero counts finite). The between-unit variance tau2 and
    the random-effects mean mu are DerSimonian-Laird estimates from
    statsmodels.stats.meta_analysis.combine_effects(method_re="dl"). Each unit is shrunk toward
    mu by B_i = v_i / (v_i + tau2): theta_i = mu + (1 - B_i)(y_i - mu), with variance
    v_i (1 - B_i) + B_i**2 var(mu) (Morris 1983, JASA 78:47-55, which adds the uncertainty of
    mu); the interval is theta_i +/- z sd, back-transformed. tau2 = 0 shrinks every unit to mu.

    Inputs: array-likes of counts (k >= 3 units with data). Returns one row per unit (input
    order): ``rate`` (raw), ``shrunken`` with ``lower``/``upper`` (proportions),
    ``shrinkage`` (B_i, 0 = none, 1 = fully to the mean), ``has_data``; ``attrs`` holds
    ``tau2`` (logit scale), ``mu`` (logit) and ``mean_rate`` (expit(mu)). Units without data
    are NaN. Raises ValueError with fewer than 3 units with data.
    """
    from statsmodels.stats.meta_analysis import combine_effects

    x = np.atleast_1d(np.asarray(successes, dtype=float))
    n = np.atleast_1d(np.asarray(trials, dtype=float))
    valid = has_data(x, n)
    if valid.sum() < 3:
        raise ValueError("shrinkage needs at least 3 units with data")
    xv, nv = x[valid], n[valid]
    y = _logit((xv + 0.5) / (nv + 1))
    v = 1 / (xv + 0.5) + 1 / (nv - xv + 0.5)
    with np.errstate(invalid="ignore"):  # its HKSJ variance is NaN when tau2 < 0; unused here
        combined = combine_effects(y, v, method_re="dl")
    tau2 = float(combined.tau2)
    if tau2 > 0:
        mu = float(combined.mean_effect_re)
        var_mu = float(combined.sd_eff_w_re) ** 2
    else:
        # statsmodels 0.15 returns the DerSimonian-Laird moment estimate untruncated (it can be
        # negative) and weights the random-effects mean with it; DL truncates at 0, where the
        # random-effects mean is the fixed-effect (inverse-variance) mean.
        tau2 = 0.0
        mu = float(combined.mean_effect_fe)
        var_mu = float(combined.sd_eff_w_fe) ** 2
    shrink = v / (v + tau2) if tau2 > 0 else np.ones_like(v)
    theta = mu + (1 - shrink) * (y - mu)
    sd = np.sqrt(v * (1 - shrink) + shrink**2 * var_mu)
    z = float(sps.norm.ppf(1 - (1 - level) / 2))
    out = pd.DataFrame(
        {
            "rate": np.nan,
            "shrunken": np.nan,
            "lower": np.nan,
            "upper": np.nan,
            "shrinkage": np.nan,
            "has_data": valid,
        }
    )
    out.loc[valid, "rate"] = xv / nv
    out.loc[valid, "shrunken"] = _expit(theta)
    out.loc[valid, "lower"] = _expit(theta - z * sd)
    out.loc[valid, "upper"] = _expit(theta + z * sd)
    out.loc[valid, "shrinkage"] = shrink
    out.attrs.update({"tau2": tau2, "mu": mu, "mean_rate": float(_expit(mu))})
    return out


def between_force_spread(successes, trials) -> dict:
    """How far forces differ, on the percentage scale.

    Observed rates x/n of units with data: ``iqr_pp`` (interquartile range) and ``p10_p90_pp``
    (10th to 90th percentile range) in percentage points (numpy percentiles, linear
    interpolation), with the quartiles and deciles themselves (``q25``, ``q75``, ``p10``,
    ``p90`` as proportions). Model-based: ``tau_logit`` (DerSimonian-Laird, as
    ``shrunken_rates``), ``tau_pp`` = 100 tau p(1 - p) at p = expit(mu) (delta method: the sd of
    true rates in percentage points), and ``true_p10``/``true_p90`` = expit(mu -/+ 1.2816 tau)
    (the range of the middle 80% of true force rates, free of sampling noise). ``n`` units used.
    """
    x = np.atleast_1d(np.asarray(successes, dtype=float))
    n = np.atleast_1d(np.asarray(trials, dtype=float))
    valid = has_data(x, n)
    rates = x[valid] / n[valid]
    q10, q25, q75, q90 = np.percentile(rates, [10, 25, 75, 90])
    model = shrunken_rates(x, n)
    tau = float(np.sqrt(model.attrs["tau2"]))
    mu = model.attrs["mu"]
    p = float(_expit(mu))
    z80 = float(sps.norm.ppf(0.9))
    return {
        "n": int(valid.sum()),
        "q25": float(q25),
        "q75": float(q75),
        "p10": float(q10),
        "p90": float(q90),
        "iqr_pp": 100 * float(q75 - q25),
        "p10_p90_pp": 100 * float(q90 - q10),
        "tau_logit": tau,
        "tau_pp": 100 * tau * p * (1 - p),
        "mean_rate": p,
        "true_p10": float(_expit(mu - z80 * tau)),
        "true_p90": float(_expit(mu + z80 * tau)),
    }


# ------------------------------------------------------------------------------------------
# standardisation
# ------------------------------------------------------------------------------------------


def indirect_standardisation(
    observed,
    stratum_trials,
    national_rates,
    national_rate: float | None = None,
    level: float = 0.95,
    method: str = "exact",
) -> pd.DataFrame:
    """Indirect standardisation of a rate to the national mix of strata (e.g. offence groups).

    ``observed``: events per unit (length k); ``stratum_trials``: trials per unit and stratum
    (k x s array or DataFrame); ``national_rates``: national rate per stratum (length s,
    proportions). Expected events E_i = sum_j n_ij r_j; standardised ratio SR_i = O_i / E_i.
    Interval for SR: "exact" Poisson (Garwood 1936: chi2(alpha/2, 2 O)/2 and
    chi2(1 - alpha/2, 2 (O + 1))/2, divided by E) or "byar" (Byar's approximation, Breslow and
    Day 1987, IARC vol. II, eq. 2.12). The indirectly standardised rate is SR x the national
    crude rate (``national_rate``; default sum(E) / sum(n) over the units given, the national
    crude rate when the units make up the nation).

    Returns one row per unit: ``observed``, ``trials``, ``expected``, ``ratio``,
    ``ratio_lower``, ``ratio_upper``, ``standardised_rate`` with ``rate_lower``/``rate_upper``
    (proportions). Units with no expected events get NaN. Raises ValueError on shape mismatch.
    """
    o = np.atleast_1d(np.asarray(observed, dtype=float))
    counts = np.atleast_2d(np.asarray(stratum_trials, dtype=float))
    r = np.atleast_1d(np.asarray(national_rates, dtype=float))
    if counts.shape != (len(o), len(r)):
        raise ValueError(f"stratum_trials must be {len(o)} x {len(r)}, not {counts.shape}")
    if method not in ("exact", "byar"):
        raise ValueError("method must be 'exact' or 'byar'")
    expected = counts @ r
    trials = counts.sum(axis=1)
    crude = float(expected.sum() / trials.sum()) if national_rate is None else national_rate
    a = 1 - level
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "exact":
            lower = np.where(o > 0, sps.chi2.ppf(a / 2, 2 * o) / 2, 0.0)
            upper = sps.chi2.ppf(1 - a / 2, 2 * (o + 1)) / 2
        else:
            z = float(sps.norm.ppf(1 - a / 2))
            lower = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3
            lower = np.where(o > 0, lower, 0.0)
            upper = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * np.sqrt(o + 1))) ** 3
        ratio = np.where(expected > 0, o / expected, np.nan)
        ratio_lower = np.where(expected > 0, lower / expected, np.nan)
        ratio_upper = np.where(expected > 0, upper / expected, np.nan)
    return pd.DataFrame(
        {
            "observed": o,
            "trials": trials,
            "expected": expected,
            "ratio": ratio,
            "ratio_lower": ratio_lower,
            "ratio_upper": ratio_upper,
            "standardised_rate": ratio * crude,
            "rate_lower": ratio_lower * crude,
            "rate_upper": ratio_upper * crude,
        }
    )


def direct_standardisation(successes, trials, weights, level: float = 0.95) -> pd.DataFrame:
    """Direct standardisation: each unit's stratum rates averaged with national weights.

    ``successes``, ``trials``: k x s counts per unit and stratum; ``weights``: length s (e.g.
    national trials per stratum; normalised here). DSR_i = sum_j w_j p_ij / sum_j w_j with
    variance sum_j w_j**2 p_ij (1 - p_ij) / n_ij / (sum w)**2 (binomial variance of each
    stratum rate; Breslow and Day 1987, vol. II, section 2.3) and a normal interval clipped to
    [0, 1]. This normal interval is poor when stratum counts are small; a stratum with no trials
    in a unit makes its DSR NaN (the rate is undefined there).

    Returns one row per unit: ``standardised_rate``, ``lower``, ``upper`` (proportions),
    ``crude_rate``.
    """
    x = np.atleast_2d(np.asarray(successes, dtype=float))
    n = np.atleast_2d(np.asarray(trials, dtype=float))
    w = np.atleast_1d(np.asarray(weights, dtype=float))
    if x.shape != n.shape or x.shape[1] != len(w):
        raise ValueError("successes and trials must be k x s with s = len(weights)")
    w = w / w.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(n > 0, x / n, np.nan)
        rate = p @ w
        variance = (p * (1 - p) / n) @ (w**2)
        crude = x.sum(axis=1) / n.sum(axis=1)
    z = float(sps.norm.ppf(1 - (1 - level) / 2))
    sd = np.sqrt(variance)
    return pd.DataFrame(
        {
            "standardised_rate": rate,
            "lower": np.clip(rate - z * sd, 0, 1),
            "upper": np.clip(rate + z * sd, 0, 1),
            "crude_rate": crude,
        }
    )


__all__ = [
    "association_by_year",
    "between_force_spread",
    "count_movements",
    "direct_standardisation",
    "fixed_effects_association",
    "indirect_standardisation",
    "recent_change",
    "segmented_trend",
    "shared_denominator_association",
    "shrunken_rates",
    "trend_shape",
]
