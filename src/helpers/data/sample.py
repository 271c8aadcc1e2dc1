"""The synthetic sample: seeded files in the official layouts, so everything runs offline.

**Nothing written here is real data.** The files copy the *layouts* of the official files
(sheet names, header wording, markers and quirks) and are calibrated to a handful of real
national figures from ``data/raw/published/`` (named below by their ids); force sizes, force
differences and every force-level number are random draws. Every table and figure made from
them carries a synthetic-sample mark.

Run ``python -m helpers.data.sample`` (or ``make sample``) to regenerate ``data/sample/``; the same
seed gives the same parsed content.

What is written:

* ``ho_outcomes_open_data/``: three Home Office outcomes open-data workbooks (years ending March
  2020, 2024, 2025) for seven offence codes, with the real quirks: sheet names that change
  style, header synonyms, quarters as ``Q1`` in one year, counts stored as text in one year,
  ``N/A - Offence code expired`` (two casings), ``N/A``/``NA`` for outcome 0 on the closed basis,
  ``N/A - data not provided`` for British Transport Police in one quarter, ``London, City of``,
  ``Devon & Cornwall``/``Devon and Cornwall`` and ``Hampshire and Isle of Wight`` spellings, a
  negative correction, and Greater Manchester missing two quarters of 2019/20.
* ``ons_da_outcomes/``: one ONS-style workbook of outcomes of domestic abuse-related crimes by
  police force area, one sheet per year ending March 2016-2025, with title and note rows above
  the header, line breaks and ``[note N]`` in headers, England and Wales rows, ``[x]`` for the
  forces ONS excluded (Greater Manchester 2019/20, Devon and Cornwall 2022/23) and ``[u]`` marks.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.core import config
from helpers.reference import forces, outcomes, published

SAMPLE_SEED = 20_261_122
SYNTHETIC_LABEL = "SYNTHETIC SAMPLE - not real data"

# --- calibration to real published national figures -------------------------------------------

DA_YEARS = [f"{y}/{(y + 1) % 100:02d}" for y in range(2015, 2025)]

#: national domestic abuse-related crimes recorded: (published figure id or None, how used)
DA_CRIMES_SOURCES: dict[str, tuple[str | None, str]] = {
    "2015/16": ("ONS16-crimes", "published"),
    "2016/17": (None, "interpolated between 2015/16 and 2017/18"),
    "2017/18": ("ONS18-crimes", "published"),
    "2018/19": ("ONS19-crimes-PA", "published"),
    "2019/20": ("ONS20-crimes", "published (excludes Greater Manchester)"),
    "2020/21": ("ONS21-crimes", "published"),
    "2021/22": ("ONS22-crimes", "published"),
    "2022/23": ("ONS23-crimes", "published (excludes Devon and Cornwall)"),
    "2023/24": ("ONS24-crimes", "published"),
    "2024/25": (None, "held at 2023/24"),
}

#: national shares of outcomes assigned, per cent: (year -> (value, source id or 'assumption'))
SHARE_ANCHORS: dict[str, dict[str, tuple[float, str]]] = {
    "charged_summonsed": {
        "2015/16": (published.figure("HMICFRS21-charge-2016"), "HMICFRS21-charge-2016"),
        "2019/20": (published.figure("HMICFRS21-charge-2020"), "HMICFRS21-charge-2020"),
    },
    "evidential_difficulties_victim_does_not_support": {
        "2015/16": (published.figure("SM-2015-OC16-share"), "SM-2015-OC16-share"),
        "2016/17": (published.figure("SM-2016-OC16-share"), "SM-2016-OC16-share"),
        "2019/20": (published.figure("HMICFRS21-OC16"), "HMICFRS21-OC16"),
    },
    "evidential_difficulties_victim_supports": {
        "2015/16": (published.figure("SM-2015-OC15-share"), "SM-2015-OC15-share"),
        "2016/17": (published.figure("SM-2016-OC15-share"), "SM-2016-OC15-share"),
        "2019/20": (published.figure("HMICFRS21-OC15"), "HMICFRS21-OC15"),
    },
    # ACPO14-share says 'fewer than 1%'; the level inside that bound is an assumption
    "community_resolution": {"2015/16": (0.8, "assumption within ACPO14-share (<1%)")},
    "caution": {"2015/16": (3.0, "assumption")},
    "no_suspect_identified": {"2015/16": (4.0, "assumption")},
}
#: share of DA-related crimes with no outcome yet: older years mostly closed, the latest open
NOT_YET_ASSIGNED_SHARE = {year: 0.04 for year in DA_YEARS} | {"2023/24": 0.07, "2024/25": 0.12}
#: sd of force effects on the logit scale; the outcome 16 sd reproduces roughly the 36-71%
#: force range HMICFRS reported for 2019/20 (HMICFRS21-OC16-range) across 43 forces
FORCE_SD = {
    "charged_summonsed": 0.30,
    "evidential_difficulties_victim_does_not_support": 0.33,
    "evidential_difficulties_victim_supports": 0.25,
    "community_resolution": 0.55,
    "caution": 0.40,
    "no_suspect_identified": 0.30,
}
#: forces whose community-resolution use is planted high in the sample, to show what an
#: outlier looks like in the funnel plots (synthetic: says nothing about these forces)
PLANTED_HIGH_CR = ("E23000013", "W15000002")

# --- Home Office open-data sample ------------------------------------------------------------

OPEN_DATA_YEARS = {
    # year: (file year ending, sheet name, financial-year style, quarter style, header style, counts as text)
    "2019/20": ("mar2020", "Outcomes_open_data_2019_20", "2019/20", "Q", "number", True),
    "2023/24": ("mar2024", "Outcomes_open_data_2023_24", "2023-24", "int", "plain", False),
    "2024/25": ("mar2025", "Outcomes open data 2024_25", "2024/25", "int", "plain", False),
}


@dataclass(frozen=True)
class SampleOffence:
    code: str
    description: str
    group: str
    subgroup: str
    expired: bool
    base_per_quarter: float  # offences per quarter in a force of average size
    profile: dict[int, float]  # outcome type -> share of assigned outcomes (synthetic)


VAP = "Violence against the person"
SAMPLE_OFFENCES = [
    SampleOffence(
        "8L",
        "Harassment",
        VAP,
        "Stalking and harassment",
        False,
        900,
        {1: 7, 3: 2, 8: 2.5, 10: 2, 14: 2, 15: 20, 16: 45, 18: 8, 20: 1, 21: 4, 22: 1},
    ),
    SampleOffence(
        "8Q",
        "Stalking",
        VAP,
        "Stalking and harassment",
        False,
        300,
        {1: 10, 3: 2, 8: 1, 10: 1, 14: 1, 15: 20, 16: 48, 18: 6, 20: 1, 21: 3, 22: 0.5},
    ),
    SampleOffence(
        "8U",
        "Controlling or coercive behaviour",
        VAP,
        "Stalking and harassment",
        False,
        150,
        {1: 9, 3: 1, 8: 0.5, 10: 1, 14: 0.5, 15: 22, 16: 52, 18: 2, 20: 1, 21: 3},
    ),
    SampleOffence(
        "105A",
        "Assault without injury",
        VAP,
        "Violence without injury",
        False,
        1500,
        {1: 8, 2: 1, 3: 3, 6: 0.5, 8: 6, 10: 2, 14: 5, 15: 12, 16: 35, 18: 20, 20: 1, 21: 3, 22: 1},
    ),
    SampleOffence(
        "8N",
        "Assault with injury",
        VAP,
        "Violence with injury",
        False,
        1000,
        {1: 12, 2: 1, 3: 3, 8: 3, 10: 1, 14: 4, 15: 15, 16: 35, 18: 20, 20: 1, 21: 3, 22: 0.5},
    ),
    SampleOffence(
        "46",
        "Shoplifting",
        "Theft offences",
        "Shoplifting",
        False,
        1200,
        {1: 15, 3: 2, 6: 1, 8: 8, 10: 2, 15: 5, 16: 2, 18: 55, 20: 0.5, 21: 4, 22: 1},
    ),
    SampleOffence("104", "Assault on a constable", VAP, "Violence without injury", True, 0, {}),
]


def _interpolate(anchors: dict[str, tuple[float, str]]) -> dict[str, float]:
    """Linear interpolation between anchor years, held flat outside them."""
    index = {year: i for i, year in enumerate(DA_YEARS)}
    points = sorted((index[y], v) for y, (v, _) in anchors.items())
    xs, ys = zip(*points, strict=True)
    return {year: float(np.interp(index[year], xs, ys)) for year in DA_YEARS}


def national_da_crimes() -> dict[str, int]:
    """National DA-related crimes per year used by the sample (published, or as documented)."""
    values = {y: int(published.figure(s)) for y, (s, _) in DA_CRIMES_SOURCES.items() if s}
    values["2016/17"] = round((values["2015/16"] + values["2017/18"]) / 2)
    values["2024/25"] = values["2023/24"]
    return {y: values[y] for y in DA_YEARS}


def calibration_table() -> pd.DataFrame:
    """What the sample is calibrated to: one row per national target, with its source id."""
    rows = []
    crimes = national_da_crimes()
    for year, (source, how) in DA_CRIMES_SOURCES.items():
        rows.append(
            {
                "target": "DA-related crimes recorded",
                "financial_year": year,
                "value": crimes[year],
                "source": source or how,
            }
        )
    for category, anchors in SHARE_ANCHORS.items():
        for year, (value, source) in anchors.items():
            rows.append(
                {
                    "target": f"% of outcomes assigned: {category}",
                    "financial_year": year,
                    "value": value,
                    "source": source,
                }
            )
    return pd.DataFrame(rows)


def _force_effects(rng: np.random.Generator, codes: list[str]) -> pd.DataFrame:
    n = len(codes)
    effects = pd.DataFrame(index=codes)
    effects["weight"] = np.exp(rng.normal(0, 0.7, n))
    effects.loc["E23000034", "weight"] *= 0.05  # a very small force, as the City of London is
    correlated = rng.multivariate_normal([0, 0], [[1, -0.5], [-0.5, 1]], size=n)
    effects["charged_summonsed"] = correlated[:, 0] * FORCE_SD["charged_summonsed"]
    effects["evidential_difficulties_victim_does_not_support"] = (
        correlated[:, 1] * FORCE_SD["evidential_difficulties_victim_does_not_support"]
    )
    for category in (
        "evidential_difficulties_victim_supports",
        "community_resolution",
        "caution",
        "no_suspect_identified",
    ):
        effects[category] = rng.normal(0, FORCE_SD[category], n)
    effects.loc[list(PLANTED_HIGH_CR), "community_resolution"] += 1.3
    effects["community_resolution_slope"] = rng.normal(0, 0.08, n)
    effects["o16_slope"] = rng.normal(0, 0.04, n)
    return effects


def _logit(p: float | np.ndarray) -> np.ndarray:
    return np.log(p / (1 - p))


def _expit(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def simulate_da_outcomes(seed: int = SAMPLE_SEED) -> pd.DataFrame:
    """Synthetic counts of DA-related crimes and their outcomes by force and year.

    Returns force_code, financial_year, crimes_recorded, not_yet_assigned, total_outcomes and one
    column per canonical outcome category (counts). Forces ONS excluded in a year are absent.
    """
    rng = np.random.default_rng(seed)
    codes = forces.territorial_codes()
    effects = _force_effects(rng, codes)
    shares = {c: _interpolate(a) for c, a in SHARE_ANCHORS.items()}
    crimes = national_da_crimes()
    excluded = {"2019/20": "E23000005", "2022/23": "E23000035"}
    records = []
    for t, year in enumerate(DA_YEARS):
        present = [c for c in codes if excluded.get(year) != c]
        weights = effects.loc[present, "weight"].to_numpy() * np.exp(
            rng.normal(0, 0.03, len(present))
        )
        force_crimes = rng.multinomial(crimes[year], weights / weights.sum())
        for code, n_crimes in zip(present, force_crimes, strict=True):
            n_open = rng.binomial(n_crimes, NOT_YET_ASSIGNED_SHARE[year])
            assigned = n_crimes - n_open
            probs = {}
            for category in shares:
                logit = _logit(shares[category][year] / 100) + effects.loc[code, category]
                if category == "community_resolution":
                    logit += effects.loc[code, "community_resolution_slope"] * (t - 4)
                if category == "evidential_difficulties_victim_does_not_support":
                    logit += effects.loc[code, "o16_slope"] * (t - 4)
                probs[category] = float(_expit(logit))
            total = sum(probs.values())
            if total > 0.97:  # keep a little room for 'other'
                probs = {k: v * 0.97 / total for k, v in probs.items()}
            probs["other"] = 1 - sum(probs.values())
            counts = rng.multinomial(assigned, list(probs.values()))
            record = {
                "force_code": code,
                "financial_year": year,
                "crimes_recorded": int(n_crimes),
                "not_yet_assigned": int(n_open),
                "total_outcomes": int(assigned),
            }
            record.update({k: int(v) for k, v in zip(probs, counts, strict=True)})
            records.append(record)
    return pd.DataFrame(records)


def _ons_sheet_rows(year: str, table: pd.DataFrame, excluded: str | None) -> list[list[object]]:
    end = int(year[:4]) + 1
    header = [
        "Police Force\nArea code",
        "Police Force\nArea name",
        "Number of domestic abuse-related crimes recorded [note 2]",
        "Charged/summonsed",
        "Caution [note 3]",
        "Community resolution [note 4]",
        "Evidential difficulties: suspect identified; victim supports action",
        "Evidential difficulties: suspect identified; victim does not support action [note 5]",
        "Investigation complete: no suspect identified",
        "Other outcomes [note 6]",
        "Total outcomes assigned [note 7]",
        "Not yet assigned an outcome",
    ]
    columns = [
        "crimes_recorded",
        "charged_summonsed",
        "caution",
        "community_resolution",
        "evidential_difficulties_victim_supports",
        "evidential_difficulties_victim_does_not_support",
        "no_suspect_identified",
        "other",
        "total_outcomes",
        "not_yet_assigned",
    ]
    rows: list[list[object]] = [
        [
            f"Outcomes assigned to domestic abuse-related crimes by police force area, England and Wales, year ending March {end} [note 1] - {SYNTHETIC_LABEL}"
        ],
        [
            "This worksheet contains one table. Some cells refer to notes which can be found in the notes worksheet."
        ],
        [
            f"Source: {SYNTHETIC_LABEL}; generated by helpers.sample in the layout of the ONS tables (seed {SAMPLE_SEED})."
        ],
        header,
    ]
    names = forces.force_names()
    totals = table[columns].sum()
    rows.append(["K04000001", "England and Wales", *[int(totals[c]) for c in columns]])
    for code in forces.territorial_codes():
        if code == excluded:
            rows.append([code, names[code], *(["[x]"] * len(columns))])
            continue
        values = table.loc[table["force_code"] == code, columns].iloc[0]
        cells: list[object] = [int(values[c]) for c in columns]
        if code == "E23000034" and year == "2015/16":
            cells = [f"{v} [u]" for v in cells]  # low reliability mark, as ONS uses it
        rows.append([code, names[code], *cells])
    return rows


#: the workbook of the ONS-style sample, relative to the sample folder
ONS_SAMPLE_FILE = "ons_da_outcomes/domestic-abuse-outcomes-by-pfa-SAMPLE.xlsx"


def ons_sample_sheets(seed: int = SAMPLE_SEED) -> dict[str, list[list[object]]]:
    """The cells of the ONS-style DA outcomes workbook: sheet name -> rows (lists of values;
    None for an empty cell), in workbook order (cover, contents, notes, one table per year)."""
    simulated = simulate_da_outcomes(seed)
    excluded = {"2019/20": "E23000005", "2022/23": "E23000035"}
    sheets: dict[str, list[list[object]]] = {
        "Cover": [
            [f"Domestic abuse-related crime outcomes by police force area - {SYNTHETIC_LABEL}"],
            [
                "These tables copy the layout of the ONS domestic abuse tables. Every number is synthetic, generated by seeded project code."
            ],
            [
                "Calibrated to published national figures listed in data/sample/README.md; force-level numbers are random."
            ],
        ],
        "Contents": [["Worksheet", "Title"]],
        "Notes": [["Note number", "Note text"]],
    }
    for number, text in enumerate(
        [
            "Synthetic sample. Not real data.",
            "Domestic abuse-related crimes recorded in the year.",
            "Adult and youth cautions.",
            "Community resolutions (Home Office outcome type 8).",
            "Outcome type 16.",
            "All other outcome types, excluding outcome 0.",
            "Outcomes assigned by the time the data were extracted, excluding outcome 0.",
        ],
        start=1,
    ):
        sheets["Notes"].append([f"note {number}", text])
    for letter, year in zip("abcdefghij", DA_YEARS, strict=True):
        sheet_name = f"Table 5{letter}"
        sheets["Contents"].append(
            [sheet_name, f"Outcomes by police force area, year ending March {int(year[:4]) + 1}"]
        )
        sheets[sheet_name] = _ons_sheet_rows(
            year, simulated[simulated["financial_year"] == year], excluded.get(year)
        )
    return sheets


def write_workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """Write ``sheets`` (sheet name -> rows of cell values, None for an empty cell) as an .xlsx
    workbook at ``path`` (openpyxl, write-only), creating its folder. Returns ``path``."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def write_ons_sample(directory: Path, seed: int = SAMPLE_SEED) -> Path:
    """Write the ONS-style DA outcomes workbook (one sheet per year) and return its path."""
    return write_workbook(directory / ONS_SAMPLE_FILE, ons_sample_sheets(seed))


def _open_data_rows(
    year: str, rng: np.random.Generator, effects: pd.DataFrame
) -> list[list[object]]:
    file_year, _sheet, fy_text, quarter_style, _header_style, counts_as_text = OPEN_DATA_YEARS[year]
    types = outcomes.outcome_types().set_index("outcome_type")
    # plain dicts: a pandas lookup per row took most of the time of making the rows
    labels, groups = types["label"].to_dict(), types["outcome_group"].to_dict()
    table = forces.force_table()
    codes = [c for c in forces.territorial_codes()] + ["NT-BTP"]
    published_name = dict(zip(table["code"], table["name"], strict=True))
    published_name["E23000036"] = "Avon and Somerset"
    published_name["E23000035"] = "Devon & Cornwall" if year == "2023/24" else "Devon and Cornwall"
    if year == "2024/25":
        published_name["E23000030"] = "Hampshire and Isle of Wight"
    rows: list[list[object]] = []
    weights = effects["weight"].reindex(codes).fillna(0.6).to_numpy()
    for quarter in (1, 2, 3, 4):
        q_text: object = f"Q{quarter}" if quarter_style == "Q" else quarter
        for force_index, code in enumerate(codes):
            if code == "E23000005" and year == "2019/20" and quarter >= 3:
                continue  # a force missing two quarters (as Greater Manchester after its IT change)
            not_provided = code == "NT-BTP" and year == "2019/20" and quarter == 1
            cr_effect = effects["community_resolution"].get(code, 0.0) * 0.6
            o16_effect = (
                effects["evidential_difficulties_victim_does_not_support"].get(code, 0.0) * 0.6
            )
            for offence in SAMPLE_OFFENCES:
                volume = (
                    rng.poisson(offence.base_per_quarter * weights[force_index])
                    if offence.base_per_quarter
                    else 0
                )
                if offence.profile:
                    profile = dict(offence.profile)
                    profile[8] = profile.get(8, 0.1) * float(np.exp(cr_effect))
                    profile[16] = profile.get(16, 0.1) * float(np.exp(o16_effect))
                    shares = np.array(
                        [profile.get(t, 0.05 if t not in (19,) else 0.0) for t in range(1, 23)]
                    )
                    shares = shares / shares.sum()
                    open_share = 0.15 if year == "2024/25" else 0.05
                    n_open = rng.binomial(volume, open_share)
                    recorded = np.concatenate([[n_open], rng.multinomial(volume - n_open, shares)])
                    closed = np.concatenate([[0], rng.poisson(recorded[1:] * 0.97 + 0.2)])
                for outcome_type in range(0, 23):
                    if offence.expired:
                        rec: object = "N/A - Offence code expired"
                        clo: object = "N/A - offence code expired"
                    elif not_provided:
                        rec = clo = "N/A - data not provided"
                    else:
                        rec = int(recorded[outcome_type])
                        clo = (
                            ("N/A" if year != "2023/24" else "NA")
                            if outcome_type == 0
                            else int(closed[outcome_type])
                        )
                        if counts_as_text:
                            rec = str(rec)
                            clo = str(clo)
                    rows.append(
                        [
                            fy_text,
                            q_text,
                            published_name[code],
                            offence.code,
                            offence.description,
                            offence.group,
                            offence.subgroup,
                            "x" if offence.expired else None,
                            outcome_type,
                            labels[outcome_type],
                            groups[outcome_type],
                            rec,
                            clo,
                        ]
                    )
    # a published negative correction (Kent, Q2, assault without injury, outcome 16)
    for row in rows:
        if row[2] == "Kent" and row[1] in (2, "Q2") and row[3] == "105A" and row[8] == 16:
            row[11] = "-2" if counts_as_text else -2
            break
    return rows


def open_data_header(style: str = "plain") -> list[str]:
    """The header row of the outcomes open data, as in the year ending March 2026 file ('plain'),
    or with the 'Number of outcomes for ...' wording and 'Offence Code Expired' ('number')."""
    number = style == "number"
    return [
        "Financial Year",
        "Financial Quarter",
        "Force Name",
        "Offence Code",
        "Offence Description",
        "Offence Group",
        "Offence Subgroup",
        "Offence Code Expired" if number else "Offence code expired",
        "Outcome Type",
        "Outcome Description",
        "Outcome Group",
        "Number of outcomes for offences recorded in the quarter"
        if number
        else "Outcomes for offences that were recorded in the quarter",
        "Number of outcomes for investigations closed in the quarter"
        if number
        else "Outcomes for investigations closed in the quarter",
    ]


def open_data_sample_sheets(seed: int = SAMPLE_SEED) -> dict[str, dict[str, list[list[object]]]]:
    """The cells of the Home Office outcomes open-data sample workbooks: file path relative to
    the sample folder -> sheet name -> rows (lists of values; None for an empty cell), one
    workbook per year in ``OPEN_DATA_YEARS`` order (the random draws follow that order)."""
    rng = np.random.default_rng(seed + 1)
    effects = _force_effects(np.random.default_rng(seed), forces.territorial_codes())
    workbooks = {}
    for year, (file_year, sheet_name, _fy, _q, header_style, _text) in OPEN_DATA_YEARS.items():
        name = f"ho_outcomes_open_data/prc-outcomes-open-data-{file_year}-tables-SAMPLE.xlsx"
        workbooks[name] = {
            "Cover_sheet": [
                [
                    f"Police recorded crime outcomes open data, year ending March {int(year[:4]) + 1} - {SYNTHETIC_LABEL}"
                ],
                [
                    "Layout copied from the Home Office outcomes open data; every number is synthetic (helpers.sample)."
                ],
            ],
            "Notes": [
                ["Notes"],
                ["Synthetic sample: seven offence codes only; counts are random draws."],
            ],
            "Pivot": [["Pivot table placeholder (the real files hold an Excel pivot here)"]],
            sheet_name: [open_data_header(header_style), *_open_data_rows(year, rng, effects)],
        }
    return workbooks


def write_open_data_sample(directory: Path, seed: int = SAMPLE_SEED) -> list[Path]:
    """Write the Home Office outcomes open-data sample workbooks and return their paths."""
    return [
        write_workbook(directory / name, sheets)
        for name, sheets in open_data_sample_sheets(seed).items()
    ]


def write_sample(directory: Path | None = None, seed: int = SAMPLE_SEED) -> list[Path]:
    """Write the whole synthetic sample into ``directory`` (default ``data/sample``)."""
    directory = Path(directory) if directory else config.SAMPLE_DIR
    paths = write_open_data_sample(directory, seed)
    paths.append(write_ons_sample(directory, seed))
    calibration_table().to_csv(
        directory / "calibration_targets.csv", index=False, lineterminator="\n"
    )
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write the synthetic sample (not real data) in the official layouts."
    )
    parser.add_argument("--out", type=Path, default=None, help="folder (default data/sample)")
    parser.add_argument("--seed", type=int, default=SAMPLE_SEED)
    args = parser.parse_args(argv)
    for path in write_sample(args.out, args.seed):
        print(
            f"wrote {config.relative(path)} ({path.stat().st_size / 1e6:.2f} MB) - {SYNTHETIC_LABEL}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
