"""A force's domestic abuse rate beside its general practice in the Home Office open data (which
has no domestic abuse flag): the same outcome's rate for offence groups that are mostly not
domestic (violence without injury) and for offences that are predominantly domestic (stalking and
harassment; controlling or coercive behaviour where the files identify it).

The offence groups overlap domestic abuse (violence without injury contains many domestic abuse
crimes), so the comparison is an association between forces in one year, not a separation of
domestic from other practice (``docs/assumptions_log.md``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from helpers.analysis import rates, statistics

LENSES = ("violence_without_injury", "stalking_harassment", "controlling_coercive")


@dataclass
class GeneralPractice:
    """``table``: one row per force in ``year`` with the DA rate (successes, trials_da, rate_da),
    the open-data rate per lens (``rate_<lens>``; rate_general = violence without injury, with
    its trials) and ``da_to_general_ratio``; ``association``: weighted least squares of the DA
    rate on the general rate across forces (``statistics.weighted_association``); ``national``:
    the pooled rate of each offence group; ``leave_one_out``: the slope with each force left out
    (force_code, force_name, slope), to show how much one force drives it; ``robust_slope``: a
    Huber M-estimate of the same slope (statsmodels RLM, unweighted)."""

    year: str
    table: pd.DataFrame
    association: dict
    national: pd.DataFrame
    leave_one_out: pd.DataFrame
    robust_slope: float


def compare(
    da_rates: pd.DataFrame, lens_table: pd.DataFrame, outcome_types: tuple[int, ...]
) -> GeneralPractice:
    """Compare the DA rates (``rates.force_rates`` output, all years) with the open-data lenses
    in the latest year both hold. Raises ValueError naming the lens when violence without injury
    matched no offence, or when no year is in both sources."""
    lens_rates = {lens: rates.lens_rates(lens_table, lens, outcome_types) for lens in LENSES}
    general = lens_rates["violence_without_injury"]
    if general.empty:
        raise ValueError(
            "no offence matched the violence_without_injury lens: see open_data_lens_matches"
        )
    common = sorted(set(general["financial_year"]) & set(da_rates["financial_year"]))
    if not common:
        raise ValueError("no year is in both the DA table and the open data")
    year = common[-1]
    table = da_rates[da_rates["financial_year"] == year][
        ["force_code", "force_name", "successes", "trials", "rate"]
    ]
    table = table.rename(columns={"trials": "trials_da", "rate": "rate_da"})
    for lens, frame in lens_rates.items():
        frame = frame[frame["financial_year"] == year].set_index("force_code")
        table[f"rate_{lens}"] = table["force_code"].map(frame["rate"])
    table["trials_general"] = table["force_code"].map(
        general[general["financial_year"] == year].set_index("force_code")["trials"]
    )
    table = table.rename(columns={"rate_violence_without_injury": "rate_general"})
    table["da_to_general_ratio"] = table["rate_da"] / table["rate_general"]
    usable = table.dropna(subset=["rate_general"])
    association = statistics.weighted_association(
        usable["rate_general"], usable["rate_da"], usable["trials_da"]
    )
    national = pd.DataFrame(
        [
            {
                "offences": "DA-related crimes (ONS)",
                "rate": table["successes"].sum() / table["trials_da"].sum(),
            }
        ]
        + [
            {
                "offences": lens,
                "rate": f["successes"].sum() / f["trials"].sum() if len(f) else float("nan"),
            }
            for lens, f in (
                (lens, frame[frame["financial_year"] == year]) for lens, frame in lens_rates.items()
            )
        ]
    )
    return GeneralPractice(
        year,
        table.reset_index(drop=True),
        association,
        national,
        leave_one_out(usable, "rate_general", "rate_da", "trials_da"),
        robust_slope(usable["rate_general"], usable["rate_da"]),
    )


def leave_one_out(frame: pd.DataFrame, x: str, y: str, weight: str) -> pd.DataFrame:
    """The weighted slope of ``y`` on ``x`` with each row (force) left out in turn: force_code,
    force_name, slope; sorted by slope."""
    rows = []
    for index, row in frame.iterrows():
        rest = frame.drop(index=index)
        fit = statistics.weighted_association(rest[x], rest[y], rest[weight])
        rows.append(
            {
                "force_code": row["force_code"],
                "force_name": row["force_name"],
                "slope": fit["slope"],
            }
        )
    return pd.DataFrame(rows).sort_values("slope").reset_index(drop=True)


def robust_slope(x: pd.Series, y: pd.Series) -> float:
    """Huber M-estimate of the slope of ``y`` on ``x`` (statsmodels RLM with HuberT), which
    down-weights forces far from the line instead of letting one force set it."""
    from statsmodels.robust.norms import HuberT
    from statsmodels.robust.robust_linear_model import RLM
    from statsmodels.tools.tools import add_constant

    fit = RLM(y.to_numpy(float), add_constant(x.to_numpy(float)), M=HuberT()).fit()
    return float(fit.params[1])
