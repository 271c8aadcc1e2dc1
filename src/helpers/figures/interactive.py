"""Interactive charts for the site's national pages, drawn with Plotly (plotly.py writes the
figures; ``plotly.min.js`` is written once into ``reports/`` so that pages open from disk with no
network).

Every number is computed here in Python, for every year, and embedded in the page as JSON: the
page's script only picks among precomputed figures (year selector) and copies a chosen force's
points into a highlight trace. Each figure's last trace is that highlight trace, and every other
trace carries the force code of each point in ``customdata`` so that a page can find a force's
points without computing anything.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.analysis import statistics
from helpers.analysis.measure import MeasureResult
from helpers.figures.theme import OKABE_ITO, POSITION_COLOURS
from helpers.figures.trends import profile_trend_rows

#: name of the highlight trace (always the last trace of a figure)
HIGHLIGHT = "chosen force"
FONT = "system-ui, -apple-system, 'Segoe UI', sans-serif"
#: what the funnel plot's horizontal axis counts, in words
FUNNEL_X_LABEL = "domestic abuse-related crimes with an outcome (force size, log scale)"
POSITION_WORDS = {
    "above": "above the limits (extreme, high)",
    "below": "below the limits (extreme, low)",
    "within": "within the limits",
}


def comparisons_by_year(result: MeasureResult) -> dict[str, statistics.Comparison]:
    """The measure's funnel comparison with the national rate for every year of ``result.rates``.

    Each year is compared exactly as ``measure.build`` compares the latest year (the same
    ``statistics.compare_to_target`` settings, read from ``result.comparison``), without refitting
    the trends, so that every year costs a fraction of a second. Out: {financial year ->
    ``statistics.Comparison``}, years in order; the latest year's equals ``result.comparison``.
    """
    settings = result.comparison
    out = {}
    for year, rows in result.rates.groupby("financial_year", sort=True):
        out[str(year)] = statistics.compare_to_target(
            rows.reset_index(drop=True),
            "successes",
            "trials",
            levels=settings.levels,
            method=settings.method,
            overdispersion_method=settings.overdispersion_method,
        )
    return out


def year_positions(comparison: statistics.Comparison, level: float) -> pd.DataFrame:
    """Per force with data in the compared year: ``vs_national`` ('above' / 'below' when the 95%
    Wilson interval excludes the national rate, else 'not different') and ``extreme`` (position
    against the overdispersion-adjusted limits at ``level``), the rules of ``measure.build``
    (see ``helpers.analysis.measure``). In: a comparison with the national rate; out: its table's
    rows with data and the two added columns."""
    table = comparison.table[comparison.table["has_data"]].copy()
    target = comparison.target
    table["vs_national"] = np.select(
        [table["ci_lower"] > target, table["ci_upper"] < target],
        ["above", "below"],
        default="not different",
    )
    table["extreme"] = table[f"position_{statistics.level_label(level)}_adjusted"]
    return table.reset_index(drop=True)


def _title(text: str, synthetic_mark: str) -> dict:
    """A chart title; the synthetic mark, when given, on its own line."""
    full = (
        text
        if not synthetic_mark
        else f"{text}<br><span style='font-size:0.8em'>{synthetic_mark}</span>"
    )
    return {
        "text": full,
        "x": 0.01,
        "xanchor": "left",
        "yref": "container",
        "y": 1,
        "yanchor": "top",
        "pad": {"t": 12},
        "font": {"size": 15},
    }


def _layout(title: dict, height: int, **more) -> dict:
    layout = {
        "title": title,
        "height": height,
        "margin": {"l": 90, "r": 20, "t": 80, "b": 60},
        "font": {"family": FONT, "size": 12, "color": "#222"},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "hoverlabel": {"bgcolor": "white", "font": {"family": FONT, "size": 12}, "align": "left"},
        "legend": {"orientation": "h", "y": -0.18, "x": 0, "font": {"size": 11}},
    }
    layout.update(more)
    return layout


def _axis(title: str, **more) -> dict:
    axis = {
        "title": {"text": title},
        "gridcolor": "#E5E5E5",
        "zeroline": False,
        "showline": True,
        "linecolor": "#888",
        "ticks": "outside",
        "automargin": True,
    }
    axis.update(more)
    return axis


def _highlight_trace(mode: str) -> dict:
    return {
        "type": "scatter",
        "name": HIGHLIGHT,
        "x": [],
        "y": [],
        "hovertext": [],
        "hoverinfo": "text",
        "mode": mode,
        "marker": {
            "size": 17,
            "color": "rgba(0,0,0,0)",
            "line": {"color": OKABE_ITO["black"], "width": 3},
        },
        "line": {"color": OKABE_ITO["black"], "width": 3},
        "showlegend": True,
    }


def _percent_format(target: float) -> str:
    return ".1%" if target < 0.05 else ".0%"


def funnel_figure(
    comparison: statistics.Comparison,
    points: pd.DataFrame,
    hover: pd.Series,
    level: float,
    title: str,
    rate_label: str,
    synthetic_mark: str = "",
) -> dict:
    """A funnel plot as a Plotly figure dict.

    ``comparison``: one year's comparison with the national rate; ``points``: its rows with data
    and a ``extreme`` column ('above' / 'below' / 'within', ``year_positions``); ``hover``: one
    text per row of ``points`` (force name, rate, 95% interval, counts, verdicts). Drawn: the
    national rate, the overdispersion-adjusted 95% and ``level`` limits on a grid of force sizes,
    one point per force coloured by its position against the ``level`` limits (Okabe-Ito: orange
    above, blue below, grey within), and the empty highlight trace. Horizontal axis: outcomes
    assigned (log scale); vertical: the rate as a percentage.
    """
    trials = points["trials"].to_numpy(float)
    n_min, n_max = max(1.0, trials.min() * 0.6), trials.max() * 1.4
    grid = np.unique(np.round(np.geomspace(n_min, n_max, 120)))
    adjusted = comparison.adjusted and comparison.overdispersion.tau2 > 0
    limits = comparison.limits(grid, adjusted)
    traces = []
    for lvl in comparison.levels:
        label = statistics.level_label(lvl)
        dash = "solid" if lvl == level else "dash"
        name = f"{lvl * 100:g}% limits" + (
            " (allowing for variation between forces)" if adjusted else ""
        )
        for side in ("upper", "lower"):
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": grid.tolist(),
                    "y": np.round(limits[f"{side}_{label}"].to_numpy(float), 6).tolist(),
                    "line": {"color": OKABE_ITO["purple"], "dash": dash, "width": 1.4},
                    "name": name,
                    "legendgroup": name,
                    "showlegend": side == "upper",
                    "hoverinfo": "skip",
                }
            )
    traces.append(
        {
            "type": "scatter",
            "mode": "lines",
            "x": [float(n_min), float(n_max)],
            "y": [comparison.target, comparison.target],
            "line": {"color": OKABE_ITO["black"], "width": 1.6},
            "name": f"national rate ({comparison.target:.2%})",
            "hoverinfo": "skip",
        }
    )
    for position in ("above", "below", "within"):
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [None],
                "y": [None],
                "marker": {"color": POSITION_COLOURS[position], "size": 9},
                "name": f"force {POSITION_WORDS[position]}",
                "hoverinfo": "skip",
            }
        )
    traces.append(
        {
            "type": "scatter",
            "mode": "markers",
            "name": "forces",
            "x": trials.tolist(),
            "y": np.round(points["rate"].to_numpy(float), 6).tolist(),
            "customdata": points["force_code"].tolist(),
            "hovertext": hover.tolist(),
            "hoverinfo": "text",
            "marker": {
                "size": 10,
                "color": [POSITION_COLOURS[p] for p in points["extreme"]],
                "line": {"color": "white", "width": 1},
            },
            "showlegend": False,
        }
    )
    traces.append(_highlight_trace("markers"))
    upper = max(float(points["rate"].max()) * 1.15, comparison.target * 1.5 + 0.002)
    ticks = [
        float(m * 10**e) for e in range(0, 8) for m in (1, 2, 5) if n_min <= m * 10**e <= n_max
    ]
    layout = _layout(
        _title(title, synthetic_mark),
        520,
        xaxis=_axis(
            FUNNEL_X_LABEL,
            type="log",
            range=[np.log10(n_min), np.log10(n_max)],
            tickvals=ticks,
            ticktext=[f"{t:,.0f}" for t in ticks],
        ),
        yaxis=_axis(
            rate_label, tickformat=_percent_format(comparison.target), range=[0, min(1.0, upper)]
        ),
        hovermode="closest",
    )
    return {"data": traces, "layout": layout}


def by_force_figure(
    points: pd.DataFrame,
    hover: pd.Series,
    target: float,
    title: str,
    rate_label: str,
    synthetic_mark: str = "",
    threshold: float | None = None,
) -> dict:
    """Every force's rate with its 95% interval, highest at the top, as a Plotly figure dict.

    ``points``: one row per force with data (force_code, force_name, rate, ci_lower, ci_upper,
    ``vs_national``); ``hover``: one text per row. Points are coloured by whether the interval
    excludes the national rate (orange above, blue below, grey not different); a vertical line
    marks the national rate and, when given, a dotted one the ``threshold`` (shape named
    'threshold', which a page may move). Forces without data are not drawn (never as zero).
    """
    order = points.sort_values(["rate", "force_name"], ascending=[True, False]).index
    rows = points.loc[order]
    hover = hover.loc[order]
    colours = {
        "above": POSITION_COLOURS["above"],
        "below": POSITION_COLOURS["below"],
        "not different": POSITION_COLOURS["within"],
    }
    rate = rows["rate"].to_numpy(float)
    traces = [
        {
            "type": "scatter",
            "mode": "markers",
            "x": [None],
            "y": [None],
            "marker": {"color": colours[key], "size": 9},
            "name": words,
            "hoverinfo": "skip",
        }
        for key, words in (
            ("above", "higher than the national rate"),
            ("below", "lower than the national rate"),
            ("not different", "not different from the national rate"),
        )
    ]
    traces.append(
        {
            "type": "scatter",
            "mode": "markers",
            "name": "forces",
            "x": np.round(rate, 6).tolist(),
            "y": rows["force_name"].tolist(),
            "customdata": rows["force_code"].tolist(),
            "hovertext": hover.tolist(),
            "hoverinfo": "text",
            "error_x": {
                "type": "data",
                "symmetric": False,
                "array": np.round(rows["ci_upper"].to_numpy(float) - rate, 6).tolist(),
                "arrayminus": np.round(rate - rows["ci_lower"].to_numpy(float), 6).tolist(),
                "color": "#777",
                "thickness": 1.2,
                "width": 0,
            },
            "marker": {"size": 9, "color": [colours[v] for v in rows["vs_national"]]},
            "showlegend": False,
        }
    )
    traces.append(_highlight_trace("markers"))
    shapes = [
        {
            "type": "line",
            "name": "national",
            "xref": "x",
            "yref": "paper",
            "x0": target,
            "x1": target,
            "y0": 0,
            "y1": 1,
            "line": {"color": OKABE_ITO["black"], "width": 1.5},
        }
    ]
    annotations = [
        {
            "x": target,
            "y": 1,
            "xref": "x",
            "yref": "paper",
            "text": f"national {target:.2%}",
            "showarrow": False,
            "yanchor": "bottom",
            "font": {"size": 11},
        }
    ]
    if threshold is not None:
        shapes.append(
            {
                "type": "line",
                "name": "threshold",
                "xref": "x",
                "yref": "paper",
                "x0": threshold,
                "x1": threshold,
                "y0": 0,
                "y1": 1,
                "line": {"color": OKABE_ITO["vermillion"], "width": 1.5, "dash": "dot"},
            }
        )
    upper = float(np.nanmax(rows["ci_upper"])) * 1.05
    if threshold is not None:
        upper = max(upper, 0.031)
    layout = _layout(
        _title(title, synthetic_mark),
        140 + 19 * len(rows),
        xaxis=_axis(
            rate_label, tickformat=_percent_format(target), range=[0, min(1.0, upper)], side="top"
        ),
        yaxis=_axis(
            "",
            type="category",
            categoryorder="array",
            categoryarray=rows["force_name"].tolist(),
            tickfont={"size": 11},
        ),
        shapes=shapes,
        annotations=annotations,
        hovermode="closest",
        margin={"l": 170, "r": 20, "t": 150, "b": 40},
        legend={"orientation": "h", "y": -0.01, "yanchor": "top", "x": 0, "font": {"size": 11}},
    )
    return {"data": traces, "layout": layout}


def trend_figure(
    rates_table: pd.DataFrame,
    national: pd.DataFrame,
    hover: pd.Series,
    national_hover: pd.Series,
    title: str,
    rate_label: str,
    synthetic_mark: str = "",
) -> dict:
    """Every force's rate over the years (thin grey lines) and the national rate with its 95%
    interval (black), as a Plotly figure dict; a chosen force is drawn over them by the page.

    ``rates_table``: one row per force-year with data (force_code, financial_year, rate);
    ``national``: per year financial_year, rate, ci_lower, ci_upper; ``hover`` / ``national_hover``:
    one text per row of each. A year without data for a force leaves a gap (never a zero).
    """
    traces = []
    years = sorted(set(national["financial_year"]))
    for code, group in rates_table.groupby("force_code", sort=True):
        group = group.set_index("financial_year").reindex(years)
        text = hover.reindex(rates_table.index[rates_table["force_code"] == code])
        text.index = rates_table.loc[text.index, "financial_year"]
        text = text.reindex(years)
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": years,
                "y": [None if pd.isna(v) else round(float(v), 6) for v in group["rate"]],
                "customdata": [code] * len(years),
                "hovertext": [t if isinstance(t, str) else "" for t in text],
                "hoverinfo": "text",
                "line": {"color": "#BBBBBB", "width": 1},
                "showlegend": False,
                "connectgaps": False,
            }
        )
    national = national.dropna(subset=["rate"])
    traces.append(
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "England and Wales (95% interval)",
            "x": national["financial_year"].tolist(),
            "y": np.round(national["rate"].to_numpy(float), 6).tolist(),
            "error_y": {
                "type": "data",
                "symmetric": False,
                "array": np.round(
                    (national["ci_upper"] - national["rate"]).to_numpy(float), 6
                ).tolist(),
                "arrayminus": np.round(
                    (national["rate"] - national["ci_lower"]).to_numpy(float), 6
                ).tolist(),
                "color": OKABE_ITO["black"],
            },
            "hovertext": national_hover.tolist(),
            "hoverinfo": "text",
            "line": {"color": OKABE_ITO["black"], "width": 3},
        }
    )
    traces.append(
        {
            "type": "scatter",
            "mode": "lines",
            "x": [None],
            "y": [None],
            "line": {"color": "#BBBBBB", "width": 1},
            "name": "each force",
            "hoverinfo": "skip",
        }
    )
    highlight = _highlight_trace("lines+markers")
    highlight["marker"] = {
        "size": 9,
        "color": OKABE_ITO["orange"],
        "line": {"color": OKABE_ITO["black"], "width": 1},
    }
    highlight["line"] = {"color": OKABE_ITO["orange"], "width": 3.5}
    traces.append(highlight)
    top = float(np.nanmax(rates_table["rate"])) * 1.08
    layout = _layout(
        _title(title, synthetic_mark),
        460,
        xaxis=_axis("financial year (April to March)", type="category"),
        yaxis=_axis(
            rate_label,
            tickformat=_percent_format(float(national["rate"].mean())),
            range=[0, min(1.0, top)],
        ),
        hovermode="closest",
    )
    return {"data": traces, "layout": layout}


def to_json(payload) -> str:
    """``payload`` (dicts, lists, numbers, strings) as compact, deterministic JSON safe to embed
    in an HTML ``<script type="application/json">`` element. NaN is not allowed (ValueError):
    a missing value must be left out or None, never a silent zero."""
    text = json.dumps(
        payload, sort_keys=True, separators=(",", ":"), allow_nan=False, ensure_ascii=True
    )
    return text.replace("</", "<\\/")


def write_plotly_js(directory: Path) -> Path:
    """Write the plotly.js bundled with plotly.py to ``directory/plotly.min.js`` (only when it
    differs from what is there); returns the path. The pages load it with a relative link."""
    from plotly.offline import get_plotlyjs

    path = Path(directory) / "plotly.min.js"
    text = get_plotlyjs()
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------
# one force's page
# ------------------------------------------------------------------------------------------


def _percent_text(value: float, digits: int) -> str:
    return f"{value * 100:.{digits}f}%"


def profile_trends_figure(
    series: dict[str, pd.DataFrame],
    national: dict[str, pd.DataFrame],
    labels: dict[str, str],
    force_name: str,
    title: str,
    synthetic_mark: str = "",
) -> tuple[dict, pd.DataFrame]:
    """One panel per measure: the force's rate with its 95% interval (error bars) and the
    national rate (grey line), as a Plotly figure dict, with the table of what is drawn.

    ``series[key]``: the force's rows with data (financial_year, rate, ci_lower, ci_upper,
    successes, trials; rates as proportions); ``national[key]``: financial_year, rate (and
    ci_lower, ci_upper). Every panel has the same years on a category axis; a year without data
    leaves a gap (None, never zero). Out: (figure dict, drawn table with measure, series
    ('force' / 'national'), financial_year, rate, ci_lower, ci_upper: the same columns as
    ``figures.profile_trends_plot``'s drawn data, so the two CSVs agree)."""
    keys = list(series)
    years = sorted(
        {str(y) for key in keys for y in series[key]["financial_year"]}
        | {str(y) for key in keys for y in national[key].dropna(subset=["rate"])["financial_year"]}
    )
    gap = 0.07
    width = (1 - gap * (len(keys) - 1)) / len(keys)
    traces, drawn, layout_axes, annotations = [], [], {}, []
    for i, key in enumerate(keys):
        suffix = "" if i == 0 else str(i + 1)
        own = series[key].set_index("financial_year").reindex(years)
        nat = national[key].dropna(subset=["rate"]).set_index("financial_year").reindex(years)
        digits = 1 if float(np.nanmax(nat["rate"])) < 0.05 else 0
        hover = [
            ""
            if pd.isna(row.rate)
            else f"<b>{force_name}</b>, {year}<br>{labels[key]}: {_percent_text(row.rate, 2)} "
            f"(95% interval {_percent_text(row.ci_lower, 2)} to {_percent_text(row.ci_upper, 2)})"
            f"<br>{row.successes:,.0f} of {row.trials:,.0f} outcomes assigned"
            for year, row in zip(years, own.itertuples(), strict=True)
        ]
        rate = [None if pd.isna(v) else round(float(v), 6) for v in own["rate"]]
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": years,
                "y": [None if pd.isna(v) else round(float(v), 6) for v in nat["rate"]],
                "xaxis": f"x{suffix}",
                "yaxis": f"y{suffix}",
                "name": "England and Wales",
                "legendgroup": "national",
                "showlegend": i == 0,
                "line": {"color": "#8C8C8C", "width": 2},
                "hovertext": [
                    ""
                    if pd.isna(v)
                    else f"<b>England and Wales</b>, {year}<br>{labels[key]}: {_percent_text(v, 2)}"
                    for year, v in zip(years, nat["rate"], strict=True)
                ],
                "hoverinfo": "text",
                "connectgaps": False,
            }
        )
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": years,
                "y": rate,
                "xaxis": f"x{suffix}",
                "yaxis": f"y{suffix}",
                "name": f"{force_name} (95% interval)",
                "legendgroup": "force",
                "showlegend": i == 0,
                "line": {"color": OKABE_ITO["blue"], "width": 2.2},
                "marker": {"size": 6, "color": OKABE_ITO["blue"]},
                "error_y": {
                    "type": "data",
                    "symmetric": False,
                    "array": [
                        None if pd.isna(r) else round(float(u - r), 6)
                        for r, u in zip(own["rate"], own["ci_upper"], strict=True)
                    ],
                    "arrayminus": [
                        None if pd.isna(r) else round(float(r - lo), 6)
                        for r, lo in zip(own["rate"], own["ci_lower"], strict=True)
                    ],
                    "color": OKABE_ITO["blue"],
                    "thickness": 1.2,
                    "width": 3,
                },
                "hovertext": hover,
                "hoverinfo": "text",
                "connectgaps": False,
            }
        )
        top = np.nanmax(
            np.concatenate([own["ci_upper"].to_numpy(float), nat["rate"].to_numpy(float)])
        )
        domain = [round(i * (width + gap), 4), round(i * (width + gap) + width, 4)]
        layout_axes[f"xaxis{suffix}"] = _axis(
            "", type="category", domain=domain, tickangle=-90, tickfont={"size": 10}
        )
        layout_axes[f"yaxis{suffix}"] = _axis(
            "" if i else "share of outcomes assigned",
            anchor=f"x{suffix}",
            range=[0, min(1.0, float(top) * 1.2)],
            tickformat=f".{digits}%",
            tickfont={"size": 10},
        )
        annotations.append(
            {
                "text": f"<b>{labels[key]}</b>",
                "x": (domain[0] + domain[1]) / 2,
                "y": 1.02,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "center",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 12},
            }
        )
        drawn.append(profile_trend_rows(key, series[key], national[key]))
    layout = _layout(
        _title(title, synthetic_mark),
        440,
        annotations=annotations,
        hovermode="closest",
        margin={"l": 70, "r": 20, "t": 110, "b": 70},
        legend={"orientation": "h", "y": -0.32, "x": 0, "font": {"size": 11}},
        **layout_axes,
    )
    return {"data": traces, "layout": layout}, pd.concat(drawn, ignore_index=True)


def outcome_mix_figure(
    mix: pd.DataFrame, force_name: str, title: str, synthetic_mark: str = ""
) -> tuple[dict, pd.DataFrame]:
    """Horizontal bars: each outcome category's share of outcomes assigned for a force beside
    England and Wales, as a Plotly figure dict. ``mix``: outcome, force_share, national_share
    (proportions), force_count (``rates.outcome_mix``); a suppressed count is left undrawn
    (None), never a zero bar. Out: (figure dict, ``mix`` as drawn)."""
    order = list(mix["outcome"])[::-1]  # first category at the top
    rows = mix.set_index("outcome").reindex(order)

    def bars(column: str, name: str, colour: str, counts: bool) -> dict:
        values = rows[column].to_numpy(float)
        text = [
            "not available"
            if np.isnan(v)
            else f"<b>{name}</b><br>{outcome}: {_percent_text(v, 1)}"
            + (f" ({c:,.0f} outcomes)" if counts and not np.isnan(c) else "")
            for outcome, v, c in zip(
                order, values, rows["force_count"].to_numpy(float), strict=True
            )
        ]
        return {
            "type": "bar",
            "orientation": "h",
            "name": name,
            "x": [None if np.isnan(v) else round(float(v), 6) for v in values],
            "y": order,
            "marker": {"color": colour},
            "hovertext": text,
            "hoverinfo": "text",
        }

    traces = [
        bars("national_share", "England and Wales", "#A6A6A6", False),
        bars("force_share", force_name, OKABE_ITO["blue"], True),
    ]
    layout = _layout(
        _title(title, synthetic_mark),
        150 + 34 * len(order),
        barmode="group",
        xaxis=_axis("share of outcomes assigned", tickformat=".0%", rangemode="tozero"),
        yaxis=_axis("", type="category", tickfont={"size": 11}),
        margin={"l": 260, "r": 20, "t": 90, "b": 60},
        legend={"orientation": "h", "y": -0.12, "x": 0, "traceorder": "reversed"},
        hovermode="closest",
    )
    return {"data": traces, "layout": layout}, mix.reset_index(drop=True)


def with_highlight(figure: dict, code: str, label: str = HIGHLIGHT) -> dict:
    """A copy of a figure of this module with its highlight trace (the last) filled with the
    points of force ``code`` (found by ``customdata`` in the other traces), as the national
    pages do in the browser. A force with no point leaves the highlight empty."""
    data = [dict(trace) for trace in figure["data"]]
    x, y, text = [], [], []
    for trace in data[:-1]:
        for i, c in enumerate(trace.get("customdata") or []):
            if c == code:
                x.append(trace["x"][i])
                y.append(trace["y"][i])
                text.append(trace.get("hovertext", [""] * (i + 1))[i])
    data[-1] = {**data[-1], "x": x, "y": y, "hovertext": text, "name": label}
    return {"data": data, "layout": figure["layout"]}
