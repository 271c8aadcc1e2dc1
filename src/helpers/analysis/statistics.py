"""Statistics for comparing police forces: intervals, funnel limits, overdispersion, trends.

Pure functions, vectorised, no I/O. Throughout, a *rate* is ``successes / trials`` where the
caller names both: in this collection the numerator is a count of crimes closed with a given
outcome (for example community resolutions, outcome 8) and the denominator is the number of
outcomes assigned in the same year, excluding outcome 0 (see ``docs/assumptions_log.md``).
Rates are proportions in [0, 1]; figures show them in per cent.

Methods follow Spiegelhalter (2005), "Funnel plots for comparing institutional performance",
Statistics in Medicine 24:1185-1202, the NHS-R FunnelPlotR package and the Public Health England
(now OHID) technical guidance on funnel plots. ``docs/methods.md`` works an example by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats as sps

from helpers.analysis import memo

LEVELS = (0.95, 0.998)
FUNNEL_METHODS = ("exact", "wilson", "arcsine")


def level_label(level: float) -> str:
    """0.95 -> '95', 0.998 -> '99_8' (used in column names)."""
    return f"{level * 100:g}".replace(".", "_")


def _z(level: float) -> float:
    return float(sps.norm.ppf(1 - (1 - level) / 2))


# ------------------------------------------------------------------------------------------
# intervals for one proportion
# ------------------------------------------------------------------------------------------


def proportion_ci(
    successes, trials, level: float = 0.95, method: str = "wilson"
) -> tuple[np.ndarray, np.ndarray]:
    """Confidence interval for a proportion ``successes / trials``.

    ``method``: "wilson" (score interval) or "exact" (Clopper-Pearson). Arrays (or scalars) in,
    arrays out: ``(lower, upper)`` as proportions in [0, 1]. Zero trials give NaN, never an
    exception or a silent 0. Successes above trials or negative raise ValueError.
    """
    x = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    x, n = np.broadcast_arrays(x, n)
    if np.any((x < 0) | (x > n)):
        raise ValueError("successes must lie between 0 and trials")
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "wilson":
            z = _z(level)
            p = x / n
            denominator = 1 + z**2 / n
            centre = (p + z**2 / (2 * n)) / denominator
            half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denominator
            lower, upper = centre - half, centre + half
        elif method == "exact":
            alpha = 1 - level
            lower = np.where(x > 0, sps.beta.ppf(alpha / 2, x, n - x + 1), 0.0)
            upper = np.where(x < n, sps.beta.ppf(1 - alpha / 2, x + 1, n - x), 1.0)
        else:
            raise ValueError(f"method must be 'wilson' or 'exact', not {method!r}")
    empty = n <= 0
    lower = np.where(empty, np.nan, np.clip(lower, 0, 1))
    upper = np.where(empty, np.nan, np.clip(upper, 0, 1))
    return lower, upper


# ------------------------------------------------------------------------------------------
# funnel limits
# ------------------------------------------------------------------------------------------


def _exact_limit(n: np.ndarray, target: float, p: float) -> np.ndarray:
    """Spiegelhalter (2005) appendix A.1.1: the interpolated binomial p-quantile, divided by n.

    r_p is the smallest r with F(r) >= p (F the Binomial(n, target) cdf); with
    alpha = (F(r_p) - p) / (F(r_p) - F(r_p - 1)) the limit is (r_p - alpha) / n.
    """
    n = np.asarray(n, dtype=float)
    r_p = sps.binom.ppf(p, n, target)
    f_r = sps.binom.cdf(r_p, n, target)
    f_r1 = sps.binom.cdf(r_p - 1, n, target)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = np.where(f_r > f_r1, (f_r - p) / (f_r - f_r1), 0.0)
        return (r_p - alpha) / n


def _to_scale(p, method: str):
    return (
        np.arcsin(np.sqrt(np.clip(p, 0, 1))) if method == "arcsine" else np.asarray(p, dtype=float)
    )


def _from_scale(y, method: str):
    if method == "arcsine":
        return np.sin(np.clip(y, 0, np.pi / 2)) ** 2
    return y


def _standard_error(n, target: float, method: str) -> np.ndarray:
    """Sampling sd of a proportion on the method's scale at the target."""
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "arcsine":
            return 1 / (2 * np.sqrt(n))
        return np.sqrt(target * (1 - target) / n)


def funnel_limits(
    trials, target: float, levels=LEVELS, method: str = "exact", tau2: float = 0.0
) -> pd.DataFrame:
    """Funnel-plot control limits for a proportion at each number of trials.

    ``target`` is the proportion units are compared with (pooled rate or an external standard).
    ``method``: "exact" (binomial limits interpolated as Spiegelhalter 2005, appendix A.1.1),
    "wilson" (score limits) or "arcsine" (variance-stabilised, as FunnelPlotR for proportions).
    ``tau2 > 0`` widens each limit additively on the method's scale (the proportion scale for
    exact and wilson, the arcsine-square-root scale for arcsine): a limit at distance
    ``d = z * s`` from the target becomes ``z * sqrt(s**2 + tau2)``.

    Returns one row per trials value: ``trials`` and ``lower_<L>``, ``upper_<L>`` per level
    (``L`` = '95', '99_8'), proportions clipped to [0, 1]. Zero trials give NaN.
    """
    if method not in FUNNEL_METHODS:
        raise ValueError(f"method must be one of {FUNNEL_METHODS}, not {method!r}")
    if not 0 <= target <= 1:
        raise ValueError(f"target must be a proportion in [0, 1], not {target!r}")
    n = np.atleast_1d(np.asarray(trials, dtype=float))
    out = pd.DataFrame({"trials": n})
    target_scaled = float(_to_scale(target, method))
    for level in levels:
        z = _z(level)
        with np.errstate(divide="ignore", invalid="ignore"):
            if method == "exact":
                lower = _exact_limit(n, target, (1 - level) / 2)
                upper = _exact_limit(n, target, 1 - (1 - level) / 2)
            elif method == "wilson":
                root = z * np.sqrt(z**2 + 4 * n * target * (1 - target))
                lower = (2 * n * target + z**2 - root) / (2 * (n + z**2))
                upper = (2 * n * target + z**2 + root) / (2 * (n + z**2))
            else:
                se = _standard_error(n, target, method)
                lower = _from_scale(target_scaled - z * se, method)
                upper = _from_scale(target_scaled + z * se, method)
            if tau2 > 0:
                lower_s = _to_scale(np.clip(lower, 0, 1), method)
                upper_s = _to_scale(np.clip(upper, 0, 1), method)
                s_low = (target_scaled - lower_s) / z
                s_up = (upper_s - target_scaled) / z
                lower = _from_scale(target_scaled - z * np.sqrt(s_low**2 + tau2), method)
                upper = _from_scale(target_scaled + z * np.sqrt(s_up**2 + tau2), method)
        label = level_label(level)
        empty = n <= 0
        out[f"lower_{label}"] = np.where(empty, np.nan, np.clip(lower, 0, 1))
        out[f"upper_{label}"] = np.where(empty, np.nan, np.clip(upper, 0, 1))
    return out


# ------------------------------------------------------------------------------------------
# overdispersion
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overdispersion:
    """phi (multiplicative), tau2 (additive, on ``scale``), and how they were obtained.

    ``n_units`` counts the units used; ``n_excluded`` those left out because a numerator or
    denominator was missing (NaN) or the denominator was 0.
    """

    phi: float
    tau2: float
    n_units: int
    scale: str
    trim: float
    significant: bool
    method: str
    n_excluded: int = 0

    def describe(self) -> str:
        excluded = f"; {self.n_excluded} unit(s) without data excluded" if self.n_excluded else ""
        return (
            f"phi = {self.phi:.2f} over {self.n_units} units (z-scores winsorised at {self.trim:.0%} each tail); "
            f"tau2 = {self.tau2:.3g} on the {self.scale} scale ({self.method}){excluded}"
        )


def has_data(successes, trials) -> np.ndarray:
    """Boolean array: True where both counts are finite and ``trials > 0``.

    Units failing this (a missing numerator or denominator, or zero trials) carry no information
    on a rate and are left out of pooled targets, overdispersion and classification.
    """
    x = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.isfinite(x) & np.isfinite(n) & (n > 0)


def z_scores(successes, trials, target: float, method: str = "arcsine") -> np.ndarray:
    """z = (y - target) / s on the method's scale: y the observed proportion (arcsine-square-root
    transformed for "arcsine"), s its sampling sd at the target."""
    x = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        y = _to_scale(x / n, method)
        return (y - _to_scale(target, method)) / _standard_error(n, target, method)


def overdispersion(
    successes,
    trials,
    target: float,
    trim: float = 0.1,
    method: str = "arcsine",
    significance: float | None = 0.05,
) -> Overdispersion:
    """Overdispersion of unit proportions around a target (Spiegelhalter 2005, section 4).

    Units without data (numerator or denominator NaN, or zero trials; see ``has_data``) are
    excluded and counted in ``n_excluded``; phi is never NaN because of a missing count. With z_i
    the z-scores of ``z_scores`` of the k remaining units:

    * winsorise z at the ``trim`` and ``1 - trim`` quantiles (the top and bottom 10% by default
      are pulled in to those quantiles, so that outliers do not inflate the estimate);
    * phi = (1/k) * sum(z_w**2), the multiplicative overdispersion factor (1 = none);
    * with weights w_i = 1/s_i**2 on the method's scale,
      tau2 = max(0, (k * phi - (k - 1)) / (sum(w) - sum(w**2) / sum(w))), a DerSimonian-Laird
      style additive between-unit variance. tau2 = 0 when phi <= (k - 1)/k.
    * if ``significance`` is set, tau2 is also 0 unless k * phi exceeds the chi-squared
      (k - 1) quantile at 1 - significance (no evidence of overdispersion); ``None`` always
      estimates it, as FunnelPlotR does.

    "arcsine" works on the arcsine-square-root scale (FunnelPlotR); "exact" and "wilson" on the
    proportion scale with s_i = sqrt(target (1 - target) / n_i). Fewer than 3 units with data
    give phi = NaN with method "too few units" (stated, not silent).
    """
    x = np.atleast_1d(np.asarray(successes, dtype=float))
    n = np.atleast_1d(np.asarray(trials, dtype=float))
    keep = has_data(x, n)
    excluded = int((~keep).sum())
    x, n = x[keep], n[keep]
    k = len(n)
    scale = "arcsine-square-root" if method == "arcsine" else "proportion"
    if k < 3 or not np.isfinite(target):
        return Overdispersion(np.nan, 0.0, k, scale, trim, False, "too few units", excluded)
    z = z_scores(x, n, target, method)
    low, high = np.quantile(z, [trim, 1 - trim]) if trim > 0 else (-np.inf, np.inf)
    z_w = np.clip(z, low, high)
    phi = float(np.mean(z_w**2))
    weights = 1 / _standard_error(n, target, method) ** 2
    denominator = weights.sum() - (weights**2).sum() / weights.sum()
    significant = bool(k * phi > sps.chi2.ppf(1 - significance, k - 1)) if significance else True
    if phi <= (k - 1) / k or not significant or denominator <= 0:
        reason = "no overdispersion" if phi <= (k - 1) / k else "overdispersion not significant"
        return Overdispersion(
            phi,
            0.0,
            k,
            scale,
            trim,
            significant,
            f"DerSimonian-Laird; tau2 = 0 ({reason})",
            excluded,
        )
    tau2 = float((k * phi - (k - 1)) / denominator)
    return Overdispersion(
        phi,
        tau2,
        k,
        scale,
        trim,
        significant,
        "DerSimonian-Laird (additive random effects)",
        excluded,
    )


# ------------------------------------------------------------------------------------------
# comparing units with a target
# ------------------------------------------------------------------------------------------


@dataclass
class Comparison:
    """The result of ``compare_to_target``: a table per unit and the settings behind it."""

    table: pd.DataFrame
    target: float
    target_kind: str
    overdispersion: Overdispersion
    levels: tuple[float, ...]
    method: str
    adjusted: bool
    successes: str = "successes"
    trials: str = "trials"
    notes: list[str] = field(default_factory=list)
    overdispersion_method: str = "arcsine"

    def outside(self, level: float = 0.998, adjusted: bool | None = None) -> pd.DataFrame:
        """Units classed 'above' or 'below' at ``level`` (adjusted limits when the comparison
        is). Units with 'no data' or 'within' (including small numbers) are not outside."""
        adjusted = self.adjusted if adjusted is None else adjusted
        column = f"position_{level_label(level)}" + ("_adjusted" if adjusted else "")
        return self.table[self.table[column].isin(["above", "below"])].reset_index(drop=True)

    def no_data(self) -> pd.DataFrame:
        """Units left out for a missing numerator or denominator or zero trials."""
        return self.table[~self.table["has_data"]].reset_index(drop=True)

    def limits(self, trials, adjusted: bool) -> pd.DataFrame:
        """Funnel limits for drawing, at the given trials."""
        tau2 = self.overdispersion.tau2 if adjusted else 0.0
        return limits_for(
            trials, self.target, self.levels, self.method, tau2, self.overdispersion_method
        )


def limits_for(
    trials, target: float, levels, method: str, tau2: float, overdispersion_method: str
) -> pd.DataFrame:
    """Funnel limits of ``method`` widened by ``tau2`` estimated on the ``overdispersion_method``
    scale: when the two scales differ, the widening (adjusted minus unadjusted limit on the
    overdispersion scale) is added to the ``method`` limits, so exact limits keep their shape."""
    if tau2 <= 0 or overdispersion_method == method:
        return funnel_limits(trials, target, levels, method, tau2)
    base = funnel_limits(trials, target, levels, method, 0.0)
    widened = funnel_limits(trials, target, levels, overdispersion_method, tau2)
    reference = funnel_limits(trials, target, levels, overdispersion_method, 0.0)
    for level in levels:
        label = level_label(level)
        for side in ("lower", "upper"):
            column = f"{side}_{label}"
            base[column] = np.clip(base[column] + widened[column] - reference[column], 0, 1)
    return base


def compare_to_target(
    frame: pd.DataFrame,
    successes: str,
    trials: str,
    target: float | None = None,
    levels=LEVELS,
    adjust: bool = True,
    method: str = "exact",
    overdispersion_method: str = "arcsine",
    trim: float = 0.1,
    min_events: int = 10,
    tail_agreement: bool = True,
) -> Comparison:
    """Compare each unit's rate ``successes / trials`` with a target.

    ``target=None`` compares with the pooled rate (sum of successes / sum of trials over units
    with data); a number compares with that external standard (for example a threshold from
    national guidance). Overdispersion is always estimated around the pooled rate (it describes
    how much forces differ among themselves) and, when ``adjust``, widens the limits around
    whichever target is used.

    Units without data (numerator or denominator NaN, or zero trials) are left out of the pooled
    target, phi and tau2 and get position 'no data' (``has_data`` False).

    A unit with data is 'above' at a level with two-sided coverage ``level`` only if all hold:

    * its rate exceeds the upper limit (``method`` limits, widened by tau2 for ``*_adjusted``);
    * with ``tail_agreement``, the exact one-sided binomial tail P(X >= x | n, target) (column
      ``p_upper_tail``, scipy.stats.binom.sf) is below (1 - level) / 2. Interpolated exact
      limits (Spiegelhalter 2005, A.1.1) can put a single event beyond the 99.8% limit for tiny
      n (n = 1, 2, 3, 5 at a 1% target) although its tail probability is far larger;
    * it has at least ``min_events`` observed events.

    'below' mirrors this with P(X <= x | n, target) (``p_lower_tail``) and at least
    ``min_events`` *expected* events (target x trials): a unit far below the target has few
    events by definition, so the minimum is put on what it would have had at the target (see
    ``docs/assumptions_log.md``). Units with both observed and expected events below
    ``min_events`` get ``small_numbers = True`` and are never 'above' or 'below' (shown 'within').
    ``min_events=0`` and ``tail_agreement=False`` restore classification on the limits alone.

    Returns a ``Comparison`` whose table has, per unit (sorted as given): the input columns,
    ``has_data``, ``small_numbers``, ``rate``, ``ci_lower``/``ci_upper`` (95% Wilson), ``z`` (on
    the overdispersion scale), ``expected`` (target x trials), ``excess`` (successes -
    expected), ``p_upper_tail``/``p_lower_tail``, and for each level ``lower_<L>``/``upper_<L>``
    and ``position_<L>`` ('below', 'within', 'above', 'no data') unadjusted and
    ``*_adjusted``. Raises ValueError for negative counts or successes above trials.
    """
    table = frame.copy()
    x = table[successes].to_numpy(dtype=float)
    n = table[trials].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        if np.any(n < 0) or np.any(x < 0) or np.any(x > n):
            raise ValueError(
                f"{successes!r} must lie between 0 and {trials!r}, and trials must be >= 0"
            )
    valid = has_data(x, n)
    if not valid.any():
        raise ValueError("no unit has data (all numerators or denominators missing or zero)")
    pooled = float(x[valid].sum() / n[valid].sum())
    target_value = pooled if target is None else float(target)
    kind = "pooled" if target is None else "external"
    spread = overdispersion(x, n, pooled, trim=trim, method=overdispersion_method)
    x_v = np.where(valid, x, np.nan)
    n_v = np.where(valid, n, np.nan)
    table["has_data"] = valid
    with np.errstate(divide="ignore", invalid="ignore"):
        table["rate"] = x_v / n_v
    table["ci_lower"], table["ci_upper"] = proportion_ci(
        np.where(valid, x, 0), np.where(valid, n, 0), 0.95, "wilson"
    )
    table["z"] = (
        z_scores(x_v, n_v, target_value, overdispersion_method) if 0 < target_value < 1 else np.nan
    )
    expected = target_value * n_v
    table["expected"] = expected
    table["excess"] = x_v - expected
    small = valid & (np.fmax(x_v, expected) < min_events)
    table["small_numbers"] = small
    # exact one-sided tails of Binomial(n, target); NaN for units without data
    p_upper = np.where(valid, sps.binom.sf(x_v - 1, np.where(valid, n, 1), target_value), np.nan)
    p_lower = np.where(valid, sps.binom.cdf(x_v, np.where(valid, n, 1), target_value), np.nan)
    table["p_upper_tail"] = p_upper
    table["p_lower_tail"] = p_lower
    notes = []
    if adjust and spread.tau2 > 0 and overdispersion_method != method:
        notes.append(f"tau2 applied on the {spread.scale} scale, added to the {method} limits")
    if spread.n_excluded:
        notes.append(f"{spread.n_excluded} unit(s) without data: position 'no data'")
    if small.any():
        notes.append(
            f"{int(small.sum())} unit(s) with fewer than {min_events} observed and expected "
            "events: never classed above or below"
        )
    for adjusted in (False, True):
        if adjusted and not adjust:
            continue
        limits = limits_for(
            n_v,
            target_value,
            levels,
            method,
            spread.tau2 if adjusted else 0.0,
            overdispersion_method,
        )
        suffix = "_adjusted" if adjusted else ""
        for level in levels:
            label = level_label(level)
            lower = np.where(valid, limits[f"lower_{label}"].to_numpy(), np.nan)
            upper = np.where(valid, limits[f"upper_{label}"].to_numpy(), np.nan)
            table[f"lower_{label}{suffix}"] = lower
            table[f"upper_{label}{suffix}"] = upper
            rate = table["rate"].to_numpy()
            tail = (1 - level) / 2
            with np.errstate(invalid="ignore"):
                above = valid & (rate > upper + 1e-12) & (x_v >= min_events)
                below = valid & (rate < lower - 1e-12) & (expected >= min_events)
                if tail_agreement:
                    above &= p_upper < tail
                    below &= p_lower < tail
            position = np.where(above, "above", np.where(below, "below", "within"))
            table[f"position_{label}{suffix}"] = np.where(valid, position, "no data")
    return Comparison(
        table,
        target_value,
        kind,
        spread,
        tuple(levels),
        method,
        adjust,
        successes,
        trials,
        notes,
        overdispersion_method,
    )


# ------------------------------------------------------------------------------------------
# sensitivity of the classification to the settings
# ------------------------------------------------------------------------------------------

LIMIT_SETTINGS = {
    # name: (limits method, overdispersion scale)
    "exact + arcsine widening": ("exact", "arcsine"),
    "arcsine random effects": ("arcsine", "arcsine"),
}


@dataclass
class Sensitivity:
    """``table``: one row per unit x setting; ``summary``: one row per unit, positions side by
    side with ``changes`` (True when the unit's position differs between settings)."""

    table: pd.DataFrame
    summary: pd.DataFrame
    baseline: str

    def changed(self) -> pd.DataFrame:
        """Units whose classification depends on the settings."""
        return self.summary[self.summary["changes"]].reset_index(drop=True)


def sensitivity_grid(
    frame: pd.DataFrame,
    successes: str,
    trials: str,
    unit: str,
    target: float | None = None,
    level: float = 0.998,
    trims=(0.0, 0.05, 0.1),
    limits=tuple(LIMIT_SETTINGS),
    min_events: int = 10,
    tail_agreement: bool = True,
) -> Sensitivity:
    """Run ``compare_to_target`` over a grid of settings and tabulate the positions.

    Settings: ``limits`` (names in ``LIMIT_SETTINGS``: "exact + arcsine widening", the default
    of ``compare_to_target`` (exact binomial limits with the arcsine-scale random-effects
    widening added), and "arcsine random effects", the pure FunnelPlotR-style limits
    sin^2(asin(sqrt(target)) +/- z sqrt(1/(4n) + tau2))); adjustment off (one row per limits
    setting; the trim is then irrelevant and shown as NaN) or on with each winsorisation
    ``trims`` (proportion trimmed in each tail for phi). The baseline is the package default
    (exact + arcsine widening, adjusted, trim 0.1).

    Returns a ``Sensitivity``: ``table`` with columns ``unit``, ``setting`` (a label),
    ``limits``, ``adjusted``, ``trim``, ``position`` (at ``level``), ``phi``, ``tau2``,
    ``target``; ``summary`` with one column of positions per setting, ``baseline`` and
    ``changes``.
    """
    rows = []
    settings = []
    for name in limits:
        if name not in LIMIT_SETTINGS:
            raise ValueError(f"limits must be among {tuple(LIMIT_SETTINGS)}, not {name!r}")
        method, scale = LIMIT_SETTINGS[name]
        settings.append((name, method, scale, False, np.nan))
        for trim in trims:
            settings.append((name, method, scale, True, float(trim)))
    label = level_label(level)
    for name, method, scale, adjusted, trim in settings:
        comparison = compare_to_target(
            frame,
            successes,
            trials,
            target=target,
            levels=(level,),
            adjust=adjusted,
            method=method,
            overdispersion_method=scale,
            trim=0.1 if np.isnan(trim) else trim,
            min_events=min_events,
            tail_agreement=tail_agreement,
        )
        column = f"position_{label}" + ("_adjusted" if adjusted else "")
        setting = f"{name}, " + (f"adjusted, trim {trim:.0%}" if adjusted else "unadjusted")
        rows.append(
            pd.DataFrame(
                {
                    "unit": comparison.table[unit].to_numpy(),
                    "setting": setting,
                    "limits": name,
                    "adjusted": adjusted,
                    "trim": trim,
                    "position": comparison.table[column].to_numpy(),
                    "phi": comparison.overdispersion.phi,
                    "tau2": comparison.overdispersion.tau2 if adjusted else 0.0,
                    "target": comparison.target,
                }
            )
        )
    table = pd.concat(rows, ignore_index=True)
    wide = table.pivot(index="unit", columns="setting", values="position")
    order = list(dict.fromkeys(table["setting"]))
    wide = wide[order].reindex(list(dict.fromkeys(table["unit"])))
    baseline = "exact + arcsine widening, adjusted, trim 10%"
    summary = wide.reset_index()
    summary.columns.name = None
    summary["baseline"] = wide[baseline].to_numpy() if baseline in wide else np.nan
    summary["changes"] = wide.nunique(axis=1).to_numpy() > 1
    return Sensitivity(table, summary, baseline)


# ------------------------------------------------------------------------------------------
# testing units against a fixed threshold
# ------------------------------------------------------------------------------------------

MULTITEST_METHODS = ("holm", "fdr_bh", "bonferroni")


def adjust_p_values(p_values, alpha: float = 0.05, method: str = "holm"):
    """(reject, adjusted p-values) of statsmodels' ``multipletests(p_values, alpha, method)``
    (arrays of the input's length; ``method`` as there: 'holm', 'fdr_bh', 'bonferroni').

    statsmodels runs a full garbage collection inside every Holm correction (statsmodels 0.15,
    ``multitest.py``), which walks every object the process holds: with a site's measures in
    memory that is milliseconds a call, and the national pages make hundreds of calls. The
    objects already there are set aside from the collector for the call (``gc.freeze``), so
    the collection looks only at what the call made; the result is statsmodels' own."""
    import gc

    from statsmodels.stats.multitest import multipletests

    gc.freeze()
    try:
        reject, adjusted, _, _ = multipletests(p_values, alpha=alpha, method=method)
    finally:
        gc.unfreeze()
    return reject, adjusted


def threshold_test(
    successes,
    trials,
    threshold: float = 0.01,
    method: str = "holm",
    alpha: float = 0.05,
    alternative: str = "greater",
) -> pd.DataFrame:
    """Test each unit's rate against a fixed threshold, with multiplicity control across units.

    For example the guidance's "rare" use of community resolutions, read as 1% (A2 in
    ``docs/assumptions_log.md``). Unlike the funnel comparison this is *not* adjusted for
    overdispersion: the question is whether this unit's own rate exceeds the threshold, for
    which binomial sampling error of its own count is the relevant uncertainty.

    ``successes``, ``trials``: array-likes of counts (length k). ``threshold``: proportion in
    (0, 1). ``alternative``: "greater" tests H0 rate <= threshold against rate > threshold with
    the exact one-sided binomial p-value P(X >= x | n, threshold) (scipy.stats.binom.sf);
    "less" uses P(X <= x | n, threshold). ``method``: "holm" (Holm 1979, family-wise error) or
    "fdr_bh" (Benjamini-Hochberg 1995, false discovery rate) or "bonferroni", applied by
    statsmodels.stats.multitest.multipletests over the units with data only.

    Returns a DataFrame with one row per unit in input order: ``successes``, ``trials``,
    ``rate``, ``has_data``, ``p_value``, ``p_adjusted``, ``above_threshold`` (bool; for
    ``alternative="less"`` read "below"), ``method``, ``threshold``. Units without data (NaN
    count or zero trials) have NaN p-values and False; ``DataFrame.attrs`` holds ``n_tested``
    and ``n_no_data``. Raises ValueError for a bad threshold, method or alternative.
    """
    if not 0 < threshold < 1:
        raise ValueError(f"threshold must be a proportion in (0, 1), not {threshold!r}")
    if method not in MULTITEST_METHODS:
        raise ValueError(f"method must be one of {MULTITEST_METHODS}, not {method!r}")
    if alternative not in ("greater", "less"):
        raise ValueError("alternative must be 'greater' or 'less'")
    x = np.atleast_1d(np.asarray(successes, dtype=float))
    n = np.atleast_1d(np.asarray(trials, dtype=float))
    valid = has_data(x, n)
    p = np.full(len(x), np.nan)
    if alternative == "greater":
        p[valid] = sps.binom.sf(x[valid] - 1, n[valid], threshold)
    else:
        p[valid] = sps.binom.cdf(x[valid], n[valid], threshold)
    adjusted = np.full(len(x), np.nan)
    reject = np.zeros(len(x), dtype=bool)
    if valid.any():
        reject[valid], adjusted[valid] = adjust_p_values(p[valid], alpha, method)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(valid, x / n, np.nan)
    out = pd.DataFrame(
        {
            "successes": x,
            "trials": n,
            "rate": rate,
            "has_data": valid,
            "p_value": p,
            "p_adjusted": adjusted,
            "above_threshold": reject,
            "method": method,
            "threshold": threshold,
        }
    )
    out.attrs["n_tested"] = int(valid.sum())
    out.attrs["n_no_data"] = int((~valid).sum())
    return out


# ------------------------------------------------------------------------------------------
# trends
# ------------------------------------------------------------------------------------------


def financial_year_start(financial_year) -> np.ndarray | int:
    """'2019/20' -> 2019 (works on scalars and array-likes)."""
    if isinstance(financial_year, str):
        return int(financial_year[:4])
    return pd.Series(financial_year).astype(str).str[:4].astype(int).to_numpy()


TREND_OK = "ok"
TREND_FEW_PERIODS = "too few periods to estimate a trend"
TREND_FEW_EVENTS = "too few events to estimate a trend"
TREND_SEPARATION = "events separate the years: no finite trend"
TREND_NOT_CONVERGED = "trend fit did not converge"

_TREND_FIELDS = [
    "odds_ratio_per_year",
    "odds_ratio_lower",
    "odds_ratio_upper",
    "pp_change_per_year",
    "pp_change_lower",
    "pp_change_upper",
    "p_value",
    "dispersion",
    "rate_at_centre",
    "df_resid",
]


def separated(successes, trials, time) -> bool:
    """True if the binomial logit MLE of a slope on ``time`` does not exist (complete or
    quasi-complete separation; Albert and Anderson 1984): every period with an event lies at or
    after every period with a non-event, or at or before. Example: 0 of 4, 0 of 4, 1 of 3."""
    x, n, t = (np.asarray(v, dtype=float) for v in (successes, trials, time))
    with_event, with_non_event = t[x > 0], t[x < n]
    if len(with_event) == 0 or len(with_non_event) == 0:
        return True
    return bool(
        with_event.min() >= with_non_event.max() or with_event.max() <= with_non_event.min()
    )


@memo.per_series
def _fit_trend(
    successes: np.ndarray,
    trials: np.ndarray,
    time: np.ndarray,
    level: float,
    inference: str = "t",
    min_events: int = 10,
) -> dict[str, float]:
    """Quasi-binomial logit-linear trend (see ``trend``). Returns a dict with a ``status`` in
    words; any status other than "ok" comes with NaN estimates, never an interval."""
    from statsmodels.genmod import families
    from statsmodels.genmod.generalized_linear_model import GLM
    from statsmodels.tools.tools import add_constant

    if inference not in ("t", "normal"):
        raise ValueError("inference must be 't' or 'normal'")
    successes, trials, time = (np.asarray(v, dtype=float) for v in (successes, trials, time))
    keep = has_data(successes, trials) & np.isfinite(time)
    successes, trials, time = successes[keep], trials[keep], time[keep]
    result = {
        "n_periods": int(keep.sum()),
        "first_period": float(time.min()) if len(time) else np.nan,
        "last_period": float(time.max()) if len(time) else np.nan,
        "events": float(successes.sum()),
        "inference": inference,
    }
    empty = dict.fromkeys(_TREND_FIELDS, np.nan)
    if len(time) < 3 or len(np.unique(time)) < 2:
        return result | empty | {"status": TREND_FEW_PERIODS}
    if min(successes.sum(), (trials - successes).sum()) < max(min_events, 1):
        return result | empty | {"status": TREND_FEW_EVENTS}
    if separated(successes, trials, time):
        return result | empty | {"status": TREND_SEPARATION}
    centre = time.mean()
    exog = add_constant(time - centre)
    endog = np.column_stack([successes, trials - successes])
    model = GLM(endog, exog, family=families.Binomial())
    # quasi-binomial: scale = Pearson chi-squared / residual df, never below 1 (under-dispersion
    # is not allowed to narrow the intervals). statsmodels' scale="X2" misbehaves with a
    # two-column (successes, failures) response, so the scale is computed here.
    fit = model.fit()
    df_resid = len(time) - 2
    dispersion = float(fit.pearson_chi2) / max(df_resid, 1)
    # a fixed scale does not enter the IRLS iterations, so refitting with it gives the same
    # estimates; statsmodels' covariance is then normalized_cov_params * scale, as here
    covariance = fit.normalized_cov_params * max(dispersion, 1.0)
    beta, se = float(fit.params[1]), float(np.sqrt(covariance[1, 1]))
    if not (fit.converged and np.isfinite(beta) and np.isfinite(se)):
        return result | empty | {"status": TREND_NOT_CONVERGED}
    # The scale is estimated from the data, so the Wald ratio has (approximately) a t
    # distribution on the residual df (McCullagh and Nelder 1989, section 4.5; R's
    # summary.glm does the same for quasibinomial). statsmodels' GLM reports normal-based
    # p-values unless use_t is set; the t quantities are computed here from its bse.
    if inference == "t" and df_resid > 0:
        critical = float(sps.t.ppf(1 - (1 - level) / 2, df_resid))
        p_value = float(2 * sps.t.sf(abs(beta / se), df_resid))
    else:
        critical = _z(level)
        p_value = float(2 * sps.norm.sf(abs(beta / se)))
    rate_centre = float(1 / (1 + np.exp(-fit.params[0])))
    slope_pp = 100 * rate_centre * (1 - rate_centre)
    return result | {
        "odds_ratio_per_year": float(np.exp(beta)),
        "odds_ratio_lower": float(np.exp(beta - critical * se)),
        "odds_ratio_upper": float(np.exp(beta + critical * se)),
        "pp_change_per_year": slope_pp * beta,
        "pp_change_lower": slope_pp * (beta - critical * se),
        "pp_change_upper": slope_pp * (beta + critical * se),
        "p_value": p_value,
        "dispersion": dispersion,
        "rate_at_centre": rate_centre,
        "df_resid": float(df_resid),
        "status": TREND_OK,
    }


def direction_word(p_value, effect, alpha: float = 0.05):
    """'rising' / 'falling' where p < alpha and the effect (slope, odds ratio minus 1, or
    difference) is positive / negative; 'no clear change' otherwise; 'too few data' where the
    p-value is NaN. Vectorised: arrays in, array of str out."""
    p = np.asarray(p_value, dtype=float)
    e = np.asarray(effect, dtype=float)
    with np.errstate(invalid="ignore"):
        word = np.select(
            [np.isnan(p), (p < alpha) & (e < 0), (p < alpha) & (e > 0)],
            ["too few data", "falling", "rising"],
            default="no clear change",
        )
    return word


def trend(
    frame: pd.DataFrame,
    successes: str,
    trials: str,
    time: str,
    unit: str | None = None,
    level: float = 0.95,
    alpha: float = 0.05,
    inference: str = "t",
    min_events: int = 10,
) -> pd.DataFrame:
    """Linear trend of a rate over time: binomial GLM, logit link, overdispersion-scaled.

    Fits logit(rate) = a + b * (time - mean time) with successes out of trials per period, the
    scale estimated as max(1, Pearson chi-squared / residual df) (quasi-binomial), so intervals
    widen when the year-to-year variation exceeds binomial noise. Because the scale is
    estimated, p-values and intervals use the t distribution on n_periods - 2 df
    (``inference="t"``, as R's quasibinomial; "normal" gives the Wald normal version). ``time``
    may be a numeric column or financial years ('2019/20', read as 2019).

    Returns one row per unit (and a first row ``unit = 'pooled'`` for all units summed by
    period): ``odds_ratio_per_year`` with its interval, ``pp_change_per_year`` (change in
    percentage points per year at the rate at the centre of the period, delta method) with its
    interval, ``p_value``, ``dispersion``, ``df_resid``, ``n_periods``, ``events``, ``status``
    (in words: "ok", or why no trend could be estimated: fewer than 3 periods, fewer than
    ``min_events`` events or non-events in total, separation, non-convergence) and
    ``direction`` ('falling', 'rising' or 'no clear change' at ``alpha``; 'too few data' when
    the status is not "ok", with all estimates NaN). Periods without data are dropped.
    """
    data = frame.copy()
    if not pd.api.types.is_numeric_dtype(data[time]):
        data["_time"] = financial_year_start(data[time])
    else:
        data["_time"] = data[time].astype(float)
    groups: list[tuple[str, pd.DataFrame]] = []
    valid = data[has_data(data[successes], data[trials])]
    pooled = valid.groupby("_time", as_index=False)[[successes, trials]].sum()
    groups.append(("pooled", pooled))
    if unit is not None:
        for name, group in data.groupby(unit, sort=True):
            groups.append((str(name), group))
    rows = []
    for name, group in groups:
        fitted = _fit_trend(
            group[successes].to_numpy(float),
            group[trials].to_numpy(float),
            group["_time"].to_numpy(float),
            level,
            inference,
            min_events,
        )
        rows.append({"unit": name, **fitted})
    out = pd.DataFrame(rows)
    out["direction"] = direction_word(out["p_value"], out["odds_ratio_per_year"] - 1, alpha)
    return out


def weighted_association(x, y, weights) -> dict[str, float]:
    """Weighted least-squares line y = a + b x and the weighted Pearson correlation.

    Returns slope, its 95% interval, intercept, p-value, weighted correlation r and r**2, and n.
    Used to describe how strongly two force rates move together (an association, not a cause).
    """
    from statsmodels.regression.linear_model import WLS
    from statsmodels.tools.tools import add_constant

    x = np.asarray(x, float)
    y = np.asarray(y, float)
    w = np.asarray(weights, float)
    keep = np.isfinite(x) & np.isfinite(y) & np.isfinite(w) & (w > 0)
    x, y, w = x[keep], y[keep], w[keep]
    fit = WLS(y, add_constant(x), weights=w).fit()
    mx, my = np.average(x, weights=w), np.average(y, weights=w)
    with np.errstate(invalid="ignore", divide="ignore"):  # r is NaN when x or y is constant
        r = float(
            np.sum(w * (x - mx) * (y - my))
            / np.sqrt(np.sum(w * (x - mx) ** 2) * np.sum(w * (y - my) ** 2))
        )
    lower, upper = fit.conf_int()[1]
    return {
        "slope": float(fit.params[1]),
        "slope_lower": float(lower),
        "slope_upper": float(upper),
        "intercept": float(fit.params[0]),
        "p_value": float(fit.pvalues[1]),
        "r": r,
        "r_squared": r**2,
        "n": int(len(x)),
    }
