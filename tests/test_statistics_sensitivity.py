"""sensitivity_grid: the grid is complete, each cell matches a direct compare_to_target call,
and the pure arcsine random-effects limits match the formula worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from helpers.analysis import statistics


def frame(seed=8, k=40):
    rng = np.random.default_rng(seed)
    n = rng.integers(1500, 30000, k)
    true = np.sin(np.arcsin(np.sqrt(0.05)) + rng.normal(0, 0.02, k)) ** 2
    x = rng.binomial(n, true)
    x[3] = int(n[3] * 0.12)
    return pd.DataFrame({"unit": [f"u{i:02d}" for i in range(k)], "x": x, "n": n})


def test_grid_shape_and_cells_match_direct_calls():
    data = frame()
    result = statistics.sensitivity_grid(data, "x", "n", "unit")
    assert len(result.table) == 40 * 2 * 4  # 2 limit methods x (unadjusted + 3 trims)
    assert result.table["setting"].nunique() == 8
    direct = statistics.compare_to_target(data, "x", "n", trim=0.05)
    cell = result.table[result.table["setting"] == "exact + arcsine widening, adjusted, trim 5%"]
    assert cell["position"].tolist() == direct.table["position_99_8_adjusted"].tolist()
    assert result.summary["baseline"].tolist() == (
        statistics.compare_to_target(data, "x", "n").table["position_99_8_adjusted"].tolist()
    )
    assert result.summary.set_index("unit").loc["u03", "baseline"] == "above"
    changed = result.changed()
    assert set(changed["unit"]) == set(result.summary["unit"][result.summary["changes"]])
    # unadjusted limits flag more units than adjusted ones in overdispersed data
    unadjusted = result.table[result.table["setting"] == "exact + arcsine widening, unadjusted"]
    assert (unadjusted["position"] != "within").sum() > (
        result.summary["baseline"] != "within"
    ).sum()


def test_pure_arcsine_random_effects_limits_by_hand():
    data = frame()
    comparison = statistics.compare_to_target(
        data,
        "x",
        "n",
        method="arcsine",
        overdispersion_method="arcsine",
        min_events=0,
        tail_agreement=False,
    )
    tau2 = comparison.overdispersion.tau2
    assert tau2 > 0
    z = sps.norm.ppf(0.999)
    n = data["n"].to_numpy(float)
    centre = np.arcsin(np.sqrt(comparison.target))
    upper = np.sin(centre + z * np.sqrt(1 / (4 * n) + tau2)) ** 2
    lower = np.sin(np.clip(centre - z * np.sqrt(1 / (4 * n) + tau2), 0, None)) ** 2
    assert comparison.table["upper_99_8_adjusted"].to_numpy() == pytest.approx(upper)
    assert comparison.table["lower_99_8_adjusted"].to_numpy() == pytest.approx(lower)


def test_bad_limits_name():
    with pytest.raises(ValueError):
        statistics.sensitivity_grid(frame(), "x", "n", "unit", limits=("wilson magic",))
