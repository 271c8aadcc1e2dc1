"""One engine for every police outcome measure: rates, the national series, the comparison with
the national rate, trends, recent change and the verdicts, computed once into a ``MeasureResult``
that notebooks 02-04, the index page and the profile pages all read.

A *measure* is a share of outcomes assigned: numerator = crimes closed with the measure's
outcome(s) in a financial year; denominator = outcomes assigned to domestic abuse-related crimes
in the same year excluding outcome 0, "not yet assigned" (``total_outcomes``), or, as the
sensitivity check, crimes recorded (``crimes_recorded``). The per-measure modules
(``community_resolution``, ``outcome16``, ``charge``) define the measure and add what is
particular to it (the guidance threshold for community resolutions).

The verdicts (their meaning is set out in ``docs/methods.md``; ``helpers.report.verdicts`` words
them) are deliberately separate statements:

* ``vs_national``: 'above' / 'below' when the force's 95% Wilson interval excludes the national
  rate, else 'not different'. It says whether the force differs from the national rate.
* ``extreme``: 'above' / 'below' when the force lies outside the overdispersion-adjusted 99.8%
  funnel limits around the national rate, else 'within'. It says whether the force is unusual
  allowing for the normal variation between forces.
* ``rank``: 1 = highest rate among the forces with data in the year (ties share the lower rank,
  'min' method); forces without data are not ranked.
* ``change_previous`` / ``change_3_years``: the latest year against the previous year and against
  three years earlier, each a difference of two proportions with a 95% Newcombe interval:
  'rising' / 'falling' when the interval excludes 0, else 'no clear change'.
* ``trend_direction``: the long-run trend over all years (``statistics.trend``, quasi-binomial
  with t-based inference), and ``trend_pattern``: its shape from a joinpoint fit
  (``models.segmented_trend`` and ``models.trend_shape``): 'continuing', 'levelled off' (the
  recent segment is flat), 'reversed', 'recent rise' / 'recent fall', 'no clear change' or
  'too few data', so that a flat recent series is never called rising. ``movement``: 'toward' /
  'away from' the measure's benchmark after Holm's correction across forces
  (``models.count_movements``).

A force-year without data (left out by the publisher, not supplied, or with a suppressed
numerator or denominator) has no rate and no verdict: it is 'no data' with the reason, and it is
left out of both the numerator and the denominator of national figures, whose ``forces_left_out``
says how many forces that is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers.analysis import memo, models, rates, statistics
from helpers.reference import forces

DEFAULT_LEVEL = 0.998
#: interval level for the "different from national" verdict and for recent change
INTERVAL_LEVEL = 0.95
#: multiplicity correction across forces for the toward/away counts of long-run trends
MOVEMENT_CORRECTION = "holm"


@dataclass(frozen=True)
class MeasureSpec:
    """What a measure counts and which way is toward better practice.

    ``numerator``: the outcome categories of the processed DA table summed for the numerator.
    ``better``: 'falling' or 'rising', the direction that moves toward the practice the
    measure is judged by; ``benchmark``: the words for that practice ('the guidance' only where
    national guidance covers the measure, else 'evidence-led practice'); ``closed_as``: how a
    crime counted by the numerator was closed, in words ('by community resolution (outcome 8)').
    """

    key: str
    numerator: tuple[str, ...]
    label: str
    short_label: str
    better: str
    benchmark: str
    outcome_types: str
    closed_as: str


@dataclass
class MeasureResult:
    """Everything computed for one measure (see the module docstring for each verdict).

    ``rates``: one row per force-year with data (successes, trials, rate, 95% interval);
    ``latest``: the latest year's rows; ``national``: per year successes, trials, rate, interval,
    forces with data and ``forces_left_out``; ``comparison``: the funnel comparison of the latest
    year with the national rate; ``trends``: one row per force of the long-run trend and its
    movement relative to ``spec.better``; ``national_trend``: the pooled trend; ``recent``: per
    force the change against the previous year and three years earlier; ``verdicts``: one row per
    police force area (all 43) with every verdict; ``notes``: sentences on what was left out.
    """

    spec: MeasureSpec
    year: str
    denominator: str
    level: float
    rates: pd.DataFrame
    latest: pd.DataFrame
    national: pd.DataFrame
    comparison: statistics.Comparison
    trends: pd.DataFrame
    national_trend: pd.Series
    recent: pd.DataFrame
    national_recent: pd.DataFrame
    verdicts: pd.DataFrame
    extras: dict = field(default_factory=dict)

    @property
    def national_rate(self) -> float:
        """The national rate in the latest year (forces with data only)."""
        return float(self.national.set_index("financial_year").loc[self.year, "rate"])

    def verdict(self, force_code: str) -> pd.Series:
        """The verdict row of one force; KeyError naming the code if it is not one of the 43."""
        table = self.verdicts.set_index("force_code")
        if force_code not in table.index:
            raise KeyError(f"{force_code!r} is not a police force area code")
        return table.loc[force_code]

    def count(self, verdict: str, value: str) -> int:
        """How many forces have ``verdict == value`` (e.g. ``count('extreme', 'above')``)."""
        return int((self.verdicts[verdict] == value).sum())

    def forces_with(self, verdict: str, value: str) -> list[str]:
        """Names of the forces with ``verdict == value``, sorted by rate, highest first."""
        rows = self.verdicts[self.verdicts[verdict] == value]
        return rows.sort_values(["rate", "force_name"], ascending=[False, True])[
            "force_name"
        ].tolist()


def _no_data_reason(da: pd.DataFrame, year: str, spec: MeasureSpec, denominator: str) -> pd.Series:
    """Per force code, why the force has no rate in ``year`` ('' when it has one)."""
    rows = da[da["financial_year"] == year].set_index("force_code")
    reason = pd.Series("", index=rows.index, dtype=object)
    marker = rows["marker"].fillna("").astype(str) if "marker" in rows else ""
    missing_numerator = rows[list(spec.numerator)].isna().any(axis=1)
    missing_denominator = rows[denominator].isna() | (rows[denominator] <= 0)
    reason[missing_numerator | missing_denominator] = "no data (suppressed or not published)"
    excluded = rows["excluded"].astype(bool)
    reason[excluded] = (
        "no data ("
        + marker[excluded].where(marker[excluded] != "", "left out by the publisher")
        + ")"
    )
    return reason


def recent_change(rates_table: pd.DataFrame, year: str) -> pd.DataFrame:
    """Per force: the rate in ``year`` against the previous year and three years earlier.

    In: ``rates_table`` with financial_year, force_code, successes, trials (one row per
    force-year with data). Out: one row per force and comparison, forces sorted by code and
    the previous year first: lag (1 or 3), latest and earlier (the years compared, as the year
    each financial year starts: the force's latest year up to ``year``), rate_latest,
    rate_earlier, ``difference_pp`` (percentage points, ``year`` minus the earlier year) with
    its 95% Newcombe interval ``lower_pp``/``upper_pp``, ``direction`` ('rising', 'falling',
    'no clear change'; 'no data' when the force has no rate in either year, or no rate in
    ``year`` itself), force_code.

    The same rows as ``models.recent_change`` run force by force (the reference, tested equal
    in ``tests/test_measures.py``), computed for all forces at once: Newcombe's hybrid score
    interval (Newcombe 1998, method 10) from statsmodels'
    ``confint_proportions_2indep(method="newcomb", compare="diff")`` on arrays.
    """
    from statsmodels.stats.proportion import confint_proportions_2indep

    columns = [
        "lag",
        "latest",
        "earlier",
        "rate_latest",
        "rate_earlier",
        "difference_pp",
        "lower_pp",
        "upper_pp",
        "direction",
        "force_code",
    ]
    up_to = rates_table[rates_table["financial_year"] <= year]
    if up_to.empty:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(
        {
            "force_code": up_to["force_code"].to_numpy(),
            "t": statistics.financial_year_start(up_to["financial_year"]).astype(float),
            "x": up_to["successes"].to_numpy(float),
            "n": up_to["trials"].to_numpy(float),
        }
    )
    frame["ok"] = statistics.has_data(frame["x"], frame["n"])
    codes = np.array(sorted(frame["force_code"].unique()), dtype=object)
    latest = frame.groupby("force_code")["t"].max().reindex(codes).to_numpy(float)
    usable = frame[frame["ok"]]
    # a year counts only when the force has exactly one usable row in it
    single = (
        usable.groupby(["force_code", "t"]).filter(lambda g: len(g) == 1)
        if (usable.duplicated(["force_code", "t"]).any())
        else usable
    )
    lookup = single.set_index(["force_code", "t"])[["x", "n"]]
    lags = (1, 3)
    code_col = np.repeat(codes, len(lags))
    lag_col = np.tile(np.array(lags, dtype=float), len(codes))
    latest_col = np.repeat(latest, len(lags))
    earlier_col = latest_col - lag_col
    now = lookup.reindex(pd.MultiIndex.from_arrays([code_col, latest_col]))
    then = lookup.reindex(pd.MultiIndex.from_arrays([code_col, earlier_col]))
    x1, n1 = now["x"].to_numpy(float), now["n"].to_numpy(float)
    x0, n0 = then["x"].to_numpy(float), then["n"].to_numpy(float)
    paired = np.isfinite(x1) & np.isfinite(x0)
    lower = np.full(len(code_col), np.nan)
    upper = np.full(len(code_col), np.nan)
    if paired.any():
        low, upp = confint_proportions_2indep(
            x1[paired],
            n1[paired],
            x0[paired],
            n0[paired],
            method="newcomb",
            compare="diff",
            alpha=0.05,
        )
        lower[paired], upper[paired] = np.asarray(low, float), np.asarray(upp, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate_latest = np.where(paired, x1 / n1, np.nan)
        rate_earlier = np.where(paired, x0 / n0, np.nan)
    direction = np.where(
        ~paired,
        "too few data",
        np.where(lower > 0, "rising", np.where(upper < 0, "falling", "no clear change")),
    ).astype(object)
    out = pd.DataFrame(
        {
            "lag": np.tile(np.array(lags), len(codes)),
            "latest": latest_col,
            "earlier": earlier_col,
            "rate_latest": rate_latest,
            "rate_earlier": rate_earlier,
            "difference_pp": 100 * (rate_latest - rate_earlier),
            "lower_pp": 100 * lower,
            "upper_pp": 100 * upper,
            "direction": direction,
            "force_code": code_col,
        }
    )
    # a force whose latest year with a row is not ``year`` has no change to report for ``year``
    stale = out["latest"] != statistics.financial_year_start(year)
    out.loc[stale, "direction"] = "too few data"
    out.loc[stale, ["difference_pp", "lower_pp", "upper_pp"]] = np.nan
    out["direction"] = out["direction"].replace({"too few data": "no data"})
    return out


def movement(direction: pd.Series, better: str) -> pd.Series:
    """'toward' / 'away from' / the direction itself ('no clear change', 'too few data',
    'no data') for trend or change directions, given the direction that is ``better``."""
    worse = "rising" if better == "falling" else "falling"
    return direction.map({better: "toward", worse: "away from"}).fillna(direction)


def _rank(latest: pd.DataFrame) -> pd.Series:
    return latest["rate"].rank(method="min", ascending=False).astype("Int64")


def build(
    spec: MeasureSpec,
    da: pd.DataFrame,
    year: str | None = None,
    denominator: str = "total_outcomes",
    level: float = DEFAULT_LEVEL,
    funnel_method: str = "exact",
) -> MeasureResult:
    """Compute a measure from the processed DA table (``data/processed/da_outcomes_by_force``).

    ``year``: the financial year of the force comparison (default: the latest year in the
    table); ``denominator``: 'total_outcomes' or 'crimes_recorded'; ``level``: the funnel limit
    that defines the 'extreme' verdict (default 99.8%). Raises KeyError for an unknown
    denominator or a year not in the table.

    The result is kept in the analysis memo (``helpers.analysis.memo``: keyed by the table's
    content, the arguments, the package, the reference data and the environment), so the
    notebooks and the site of one run compute each measure once.
    """
    year = year or rates.latest_year(da)  # the same key whether the latest year is named or not
    parts = {
        "spec": repr(spec),
        "da": memo.frame_digest(da),
        "year": year,
        "denominator": denominator,
        "level": level,
        "funnel_method": funnel_method,
    }
    return memo.cached(
        "measure.build",
        parts,
        lambda: _build(spec, da, year, denominator, level, funnel_method),
    )


def _build(
    spec: MeasureSpec,
    da: pd.DataFrame,
    year: str | None,
    denominator: str,
    level: float,
    funnel_method: str,
) -> MeasureResult:
    if denominator not in rates.DENOMINATORS:
        raise KeyError(
            f"denominator must be one of {sorted(rates.DENOMINATORS)}, not {denominator!r}"
        )
    year = year or rates.latest_year(da)
    if year not in set(da["financial_year"]):
        raise KeyError(
            f"{year!r} is not a year of the DA table ({sorted(set(da['financial_year']))})"
        )
    table = rates.force_rates(da, list(spec.numerator), denominator)
    latest = table[table["financial_year"] == year].reset_index(drop=True)
    national = rates.national_rates(da, list(spec.numerator), denominator)
    comparison = statistics.compare_to_target(
        latest, "successes", "trials", levels=(0.95, level), method=funnel_method
    )
    fitted = statistics.trend(table, "successes", "trials", "financial_year", unit="force_code")
    national_trend = fitted.iloc[0]
    trends = fitted.iloc[1:].rename(columns={"unit": "force_code"}).reset_index(drop=True)
    trends = trends.merge(_recent_segments(table), on="force_code", how="left", validate="1:1")
    trends["pattern"] = models.trend_shape(
        trends["direction"], trends["recent_direction"].fillna("too few data")
    )
    adjusted, _ = models.count_movements(
        trends["p_value"],
        np.log(trends["odds_ratio_per_year"].astype(float)),
        spec.better,
        method=MOVEMENT_CORRECTION,
    )
    trends["p_adjusted"] = adjusted["p_adjusted"].to_numpy()
    trends["movement"] = adjusted["movement_adjusted"].replace({"away": "away from"}).to_numpy()
    recent = recent_change(table, year)
    national_recent = recent_change(
        national.assign(force_code="national").dropna(subset=["rate"]), year
    )
    verdicts = _verdicts(spec, da, year, denominator, level, latest, comparison, trends, recent)
    series = national.dropna(subset=["rate"])
    segment = models.segmented_trend(
        series["successes"].to_numpy(float),
        series["trials"].to_numpy(float),
        statistics.financial_year_start(series["financial_year"]),
    )
    segment["shape"] = str(
        models.trend_shape(
            national_trend["direction"], segment.get("recent_direction", "too few data")
        )
    )
    result = MeasureResult(
        spec,
        year,
        denominator,
        level,
        table,
        latest,
        national,
        comparison,
        trends,
        national_trend,
        recent,
        national_recent,
        verdicts,
    )
    result.extras["national_segment"] = segment
    result.extras["national_constant_coverage"] = constant_coverage(table)
    return result


def constant_coverage(table: pd.DataFrame) -> pd.DataFrame:
    """The national series over the forces with data in **every** year of ``table`` (a
    ``rates.force_rates`` output), so that a force dropping in or out (Greater Manchester
    2019/20, Devon and Cornwall 2022/23) does not move the national rate: financial_year,
    successes, trials, rate with its 95% interval, ``forces`` (the constant set's size)."""
    years = table["financial_year"].nunique()
    counts = table.groupby("force_code")["financial_year"].nunique()
    always = counts[counts == years].index
    subset = table[table["force_code"].isin(always)]
    national = (
        subset.groupby("financial_year")
        .agg(successes=("successes", "sum"), trials=("trials", "sum"))
        .reset_index()
    )
    national["forces"] = len(always)
    return rates.with_ci(national)


def _recent_segments(table: pd.DataFrame) -> pd.DataFrame:
    """Per force: the direction of the recent segment of a joinpoint fit
    (``models.segmented_trend``), used to name a long-run trend that has levelled off."""
    rows = []
    for code, group in table.groupby("force_code", sort=True):
        fit = models.segmented_trend(
            group["successes"].to_numpy(float),
            group["trials"].to_numpy(float),
            statistics.financial_year_start(group["financial_year"]),
        )
        rows.append(
            {
                "force_code": code,
                "joinpoint": fit.get("joinpoint", np.nan),
                "recent_pp_per_year": fit.get("recent_pp_per_year", np.nan),
                "recent_direction": fit.get("recent_direction", "too few data"),
            }
        )
    return pd.DataFrame(
        rows, columns=["force_code", "joinpoint", "recent_pp_per_year", "recent_direction"]
    )


def verdicts_for_year(result: MeasureResult, da: pd.DataFrame, year: str) -> pd.DataFrame:
    """The verdict table of ``result`` (one row per police force area, the columns of
    ``MeasureResult.verdicts``) for another financial year ``year`` of ``result.rates``.

    Equal to ``build(result.spec, da, year, ...).verdicts`` with the result's settings, but it
    reuses the long-run trends, which do not depend on the year, instead of refitting them (a
    full rebuild takes about 2 s a year and measure). The trend columns describe the whole
    series, not ``year``. Measure-specific columns (the community resolution guidance test)
    are not added here. Raises KeyError for a year not in ``result.rates``."""
    if year == result.year:
        return result.verdicts.copy()
    table = result.rates
    if year not in set(table["financial_year"]):
        raise KeyError(f"{year!r} is not a year of the measure's rates")
    latest = table[table["financial_year"] == year].reset_index(drop=True)
    comparison = statistics.compare_to_target(
        latest, "successes", "trials", levels=(0.95, result.level), method=result.comparison.method
    )
    recent = recent_change(table, year)
    return _verdicts(
        result.spec,
        da,
        year,
        result.denominator,
        result.level,
        latest,
        comparison,
        result.trends,
        recent,
    )


def _verdicts(
    spec: MeasureSpec,
    da: pd.DataFrame,
    year: str,
    denominator: str,
    level: float,
    latest: pd.DataFrame,
    comparison: statistics.Comparison,
    trends: pd.DataFrame,
    recent: pd.DataFrame,
) -> pd.DataFrame:
    """One row per police force area (the 43, sorted by code) with every verdict."""
    codes = forces.territorial_codes()
    out = pd.DataFrame({"force_code": codes})
    out["force_name"] = out["force_code"].map(forces.force_names())
    out["financial_year"] = year
    compared = comparison.table.set_index("force_code")
    for column in ("successes", "trials", "rate", "ci_lower", "ci_upper"):
        out[column] = out["force_code"].map(compared[column])
    national_rate = comparison.target
    out["national_rate"] = national_rate
    has_data = out["rate"].notna()
    out["vs_national"] = np.select(
        [out["ci_lower"] > national_rate, out["ci_upper"] < national_rate, has_data],
        ["above", "below", "not different"],
        default="no data",
    )
    position = compared[f"position_{statistics.level_label(level)}_adjusted"]
    out["extreme"] = out["force_code"].map(position).fillna("no data")
    out["rank"] = out["force_code"].map(_rank(latest).set_axis(latest["force_code"]))
    out["forces_ranked"] = int(latest["rate"].notna().sum())
    trend = trends.set_index("force_code")
    out["trend_per_year_pp"] = out["force_code"].map(trend["pp_change_per_year"])
    out["trend_direction"] = out["force_code"].map(trend["direction"]).fillna("no data")
    out["trend_years"] = out["force_code"].map(trend["n_periods"])
    for name, lag in (("previous", 1), ("3_years", 3)):
        change = recent[recent["lag"] == lag].set_index("force_code")
        out[f"change_{name}"] = out["force_code"].map(change["direction"]).fillna("no data")
        out[f"change_{name}_pp"] = out["force_code"].map(change["difference_pp"])
        out[f"change_{name}_lower_pp"] = out["force_code"].map(change["lower_pp"])
        out[f"change_{name}_upper_pp"] = out["force_code"].map(change["upper_pp"])
    out["trend_pattern"] = out["force_code"].map(trend["pattern"]).fillna("too few data")
    out["movement"] = out["force_code"].map(trend["movement"]).fillna("too few data")
    reason = _no_data_reason(da, year, spec, denominator)
    out["no_data_reason"] = out["force_code"].map(reason).fillna("no data (no row)")
    out.loc[has_data, "no_data_reason"] = ""
    return out
