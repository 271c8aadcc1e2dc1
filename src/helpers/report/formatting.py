"""Stable text formatting of numbers and tables for notebooks and pages (so committed outputs
compare exactly)."""

from __future__ import annotations

import pandas as pd


def format_table(
    table: pd.DataFrame,
    percent: tuple[str, ...] = (),
    integer: tuple[str, ...] = (),
    decimals: dict[str, int] | None = None,
    pct_decimals: int = 1,
) -> pd.DataFrame:
    """A copy with stable text formatting for display (percentages, thousands separators), so that
    committed notebook outputs compare exactly."""
    out = table.copy()
    for column in percent:
        out[column] = out[column].map(
            lambda v: "" if pd.isna(v) else f"{100 * v:.{pct_decimals}f}%"
        )
    for column in integer:
        out[column] = out[column].map(lambda v: "" if pd.isna(v) else f"{v:,.0f}")
    for column, places in (decimals or {}).items():
        out[column] = out[column].map(lambda v, p=places: "" if pd.isna(v) else f"{v:.{p}f}")
    return out.reset_index(drop=True)


def pct(value: float, decimals: int = 1) -> str:
    """0.1234 -> '12.3%' (for prose)."""
    return "n/a" if value is None or pd.isna(value) else f"{100 * value:.{decimals}f}%"


def count(value: float) -> str:
    """12345.0 -> '12,345' (for prose)."""
    return "n/a" if value is None or pd.isna(value) else f"{value:,.0f}"
