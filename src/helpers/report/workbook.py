"""The workbook an analyst opens without Python: ``reports/da-police-outcomes.xlsx``.

Sheets (every one states the data mode in its first row and in a 'data mode' column, so a number
pasted elsewhere still says where it came from):

* ``About``: the data mode, what each sheet holds, how to read it in plain words, the settings,
  the date of the data, the files read and the sources with their addresses.
* ``Forces by year``: every force x measure x financial year: counts, rate, 95% interval and the
  verdicts of that year (different from the national rate, extreme allowing for the normal
  variation between forces, above the guidance threshold, rank, change against the previous year
  and three years earlier). A force-year without data has empty cells and the reason.
* ``Trends``: per measure and force (and England and Wales): the long-run trend with its
  interval, its shape, the movement toward or away from the benchmark, and the recent changes.
* ``Outliers``: the forces extreme allowing for the normal variation between forces, or above the
  guidance threshold, saying which statement.
* ``National series``: per measure and year, the national figures with the forces with data and
  the forces left out.

Every number comes from the ``MeasureResult`` objects of ``helpers.analysis`` (the latest year's
verdicts are those of ``MeasureResult.verdicts``; earlier years are recomputed by
``verdicts_for_year`` with the same engine functions); every verdict keeps the analysis layer's
value. The file is deterministic: the zip entries carry a fixed time and the document properties
the date of the data (``data_date``), never the wall clock.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pandas as pd

from helpers.analysis import community_resolution, measure, statistics
from helpers.analysis.measure import MeasureResult
from helpers.core import config
from helpers.core.datamode import SYNTHETIC_BANNER, DataMode
from helpers.data import sources, tidy
from helpers.reference import published
from helpers.report import glossary, verdicts

FILE_NAME = "da-police-outcomes.xlsx"
#: the source every count of the workbook comes from (the processed DA table is built from it)
NUMBERS_SOURCE = "ons_da_outcomes"
#: published figures and guidance statements the workbook's settings rest on
PUBLISHED_IDS = ("ACPO14-share",)
GUIDANCE_IDS = ("G01", "G02", "G03", "G05", "G12")
#: zip entry time of every part of the file (the earliest a zip can hold): deterministic output
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
NOT_APPLICABLE = "not applicable: no guidance sets a level for this measure"


def mode_line(mode: DataMode) -> str:
    """The line that opens every sheet (and every briefing): the synthetic warning, or the
    official files it was made from."""
    if mode.synthetic:
        return f"{SYNTHETIC_BANNER}: no number in this workbook is a finding"
    return "OFFICIAL DATA: made from the official files listed on the About sheet"


def mode_cell(mode: DataMode) -> str:
    """The value of the 'data mode' column."""
    return SYNTHETIC_BANNER if mode.synthetic else "official data"


# ------------------------------------------------------------------------------------------
# the date of the data and the sources
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DataDate:
    """When the data were made: ``date`` (YYYY-MM-DD, the latest date saved inside the files
    read, or '' when none is recorded), ``explanation`` in words and ``files`` (one row per file
    read: source, file, sha256, rows, date)."""

    date: str
    explanation: str
    files: pd.DataFrame


def _document_date(path: Path) -> str:
    """The 'last modified' (else 'created') date saved inside an xlsx or ods file, as
    YYYY-MM-DD; '' when the file has none or is not a zip package."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "docProps/core.xml" in names:
                text = archive.read("docProps/core.xml").decode("utf-8")
                tags = ("modified", "created")
            elif "meta.xml" in names:
                text = archive.read("meta.xml").decode("utf-8")
                tags = ("date", "creation-date")
            else:
                return ""
    except (OSError, zipfile.BadZipFile):
        return ""
    root = ElementTree.fromstring(text)
    for tag in tags:
        for element in root.iter():
            if element.tag.rsplit("}", 1)[-1] == tag and element.text:
                return element.text.strip()[:10]
    return ""


def read_log() -> pd.DataFrame:
    """``data/processed/read_log.csv`` (source, file, sha256, sheets, rows), or an empty table."""
    path = config.processed_dir() / "read_log.csv"
    if not path.exists():
        return pd.DataFrame(columns=["source", "file", "sha256", "sheets", "rows"])
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def data_date(mode: DataMode) -> DataDate:
    """When the data were made, from the files the tidy stage read (``read_log``) and the date
    saved inside each of them (for the sample: when it was generated; for official files: when
    the publisher last saved them). Deterministic: no wall clock is read."""
    log = read_log()
    where = {}
    for source_id in sorted(set(log["source"])):
        if source_id in sources.SOURCES:
            where.update({p.name: p for p in sources.source_files(mode, source_id)})
    files = log[["source", "file", "sha256", "rows"]].copy()
    files["date"] = [_document_date(where[name]) if name in where else "" for name in files["file"]]
    dates = sorted(d for d in files["date"] if d)
    if not dates:
        return DataDate("", "not recorded (no date is saved in the files read)", files)
    what = (
        "the date the synthetic sample files were generated"
        if mode.synthetic
        else "the latest date the publishers saved the official files read"
    )
    return DataDate(
        dates[-1], f"{dates[-1]} ({what}, as saved inside the files; see the files below)", files
    )


def source_rows(mode: DataMode) -> pd.DataFrame:
    """The sources in words: the official publications (publisher, title, address, licence,
    what the workbook uses them for) and the published figures and guidance statements the
    settings rest on (from ``data/raw/published``)."""
    rows = []
    for source in sources.SOURCES.values():
        use = (
            "every count, rate and verdict in this workbook"
            if source.id == NUMBERS_SOURCE
            else "read by the collection; not used for the numbers of this workbook"
        )
        rows.append(
            {
                "source": f"{source.publisher}: {source.title}",
                "address": source.landing_page,
                "licence": source.licence,
                "used for": use,
            }
        )
    figures = published.published_figures().set_index("id")
    for figure_id in PUBLISHED_IDS:
        row = figures.loc[figure_id]
        rows.append(
            {
                "source": f"{row['source_publisher']}, {row['source_date']}: {row['measure']} "
                f"({row['value']} {row['unit']}; published figure {figure_id} in data/raw/published)",
                "address": row["source_url"],
                "licence": "facts only (press report)",
                "used for": "where the default 'rare' threshold of community resolutions comes from",
            }
        )
    statements = published.guidance().set_index("id")
    for statement_id in GUIDANCE_IDS:
        row = statements.loc[statement_id]
        rows.append(
            {
                "source": f"{row['body']}: {row['document']} ({row['document_date']}; our paraphrase "
                f"{statement_id} in data/raw/published/guidance.csv)",
                "address": row["url"],
                "licence": "paraphrased, not quoted",
                "used for": "the guidance and practice the benchmarks refer to",
            }
        )
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------------------
# the verdicts of every year
# ------------------------------------------------------------------------------------------


def verdicts_for_year(result: MeasureResult, da: pd.DataFrame, year: str) -> pd.DataFrame:
    """The verdict table of ``result`` (one row per police force area, the columns of
    ``MeasureResult.verdicts``) for another financial year ``year``: ``measure.verdicts_for_year``
    plus, for community resolutions, the guidance test of that year.

    Equal to ``measure.build(result.spec, da, year, ...).verdicts`` with the result's settings
    (and, for community resolutions, to ``measure_community_resolutions``), but it reuses the
    long-run trends, which do not depend on the year, instead of refitting them (a full rebuild
    takes about 2 s a year and measure); ``tests/test_workbook.py`` checks the equality.
    The trend columns describe the whole series, not ``year``. Raises KeyError for a year not in
    ``result.rates``."""
    if year == result.year:
        return result.verdicts.copy()
    out = measure.verdicts_for_year(result, da, year)
    latest = result.rates[result.rates["financial_year"] == year].reset_index(drop=True)
    if "guidance" in result.verdicts:
        tested = statistics.threshold_test(
            latest["successes"],
            latest["trials"],
            result.extras["threshold"],
            method=result.extras["correction"],
            alpha=community_resolution.GUIDANCE_ALPHA,
        ).set_index(latest["force_code"])
        out["guidance_p_adjusted"] = out["force_code"].map(tested["p_adjusted"])
        above = out["force_code"].map(tested["above_threshold"])
        out["guidance"] = np.select(
            [above.eq(True), above.eq(False)],
            ["above the threshold", "not shown above"],
            "no data",
        )
    return out


def all_years(result: MeasureResult, da: pd.DataFrame) -> pd.DataFrame:
    """``verdicts_for_year`` for every year of the DA table up to the result's year, stacked."""
    years = sorted(y for y in set(da["financial_year"]) if y <= result.year)
    return pd.concat([verdicts_for_year(result, da, y) for y in years], ignore_index=True)


# ------------------------------------------------------------------------------------------
# the sheets
# ------------------------------------------------------------------------------------------


def measure_name(result: MeasureResult) -> str:
    """'community resolutions (outcome 8)'."""
    return f"{result.spec.short_label} ({result.spec.outcome_types})"


def _pct(series: pd.Series) -> pd.Series:
    return 100 * series.astype(float)


#: the change columns of the verdict table -> their headings
CHANGE_COLUMNS = {
    "{which}_pp": "change against {words} (percentage points)",
    "{which}_lower_pp": "change against {words}: 95% interval lower",
    "{which}_upper_pp": "change against {words}: 95% interval upper",
    "{which}": "change against {words}",
}
CHANGES = (("change_previous", "the previous year"), ("change_3_years", "three years earlier"))


def _changes(rows: pd.DataFrame) -> dict[str, pd.Series]:
    """The recent-change columns of verdict rows under their plain headings."""
    return {
        heading.format(words=words): rows[column.format(which=which)]
        for which, words in CHANGES
        for column, heading in CHANGE_COLUMNS.items()
    }


def force_year_table(
    measures: dict[str, MeasureResult], years: dict[str, pd.DataFrame], mode: DataMode
) -> pd.DataFrame:
    """The ``Forces by year`` sheet: one row per measure, year and police force area.

    ``years``: per measure key, ``all_years`` of its result. Rates in per cent; counts empty
    (NaN) where the force has no data, with the reason in 'why there is no figure'."""
    frames = []
    for key, result in measures.items():
        rows = years[key]
        has_guidance = "guidance" in rows
        frame = pd.DataFrame(
            {
                "data mode": mode_cell(mode),
                "measure": measure_name(result),
                "financial year": rows["financial_year"],
                "force code": rows["force_code"],
                "force": rows["force_name"],
                "crimes closed this way": rows["successes"].astype(float),
                "outcomes assigned": rows["trials"].astype(float),
                "rate (%)": _pct(rows["rate"]),
                "95% interval: lower (%)": _pct(rows["ci_lower"]),
                "95% interval: upper (%)": _pct(rows["ci_upper"]),
                "national rate (%)": _pct(rows["national_rate"]),
                "compared with the national rate": rows["vs_national"],
                "extreme allowing for the normal variation between forces": rows["extreme"],
                "above the guidance threshold": rows["guidance"]
                if has_guidance
                else NOT_APPLICABLE,
                "rank (1 = highest)": rows["rank"].astype(float),
                "forces ranked": rows["forces_ranked"].astype(float),
                **_changes(rows),
                "why there is no figure": rows["no_data_reason"],
            }
        )
        frames.append(frame.sort_values(["financial year", "force"], kind="stable"))
    return pd.concat(frames, ignore_index=True)


def _national_trend_row(result: MeasureResult) -> dict:
    """England and Wales in the ``Trends`` sheet: the pooled long-run trend, the shape of the
    national series and its recent changes."""
    national = result.national_trend
    recent = result.national_recent.set_index("lag")
    row = {
        "force code": "",
        "force": "England and Wales",
        "years in the trend": float(national["n_periods"]),
        "long-run trend (percentage points a year)": national["pp_change_per_year"],
        "long-run trend: 95% interval lower": national["pp_change_lower"],
        "long-run trend: 95% interval upper": national["pp_change_upper"],
        "long-run direction": national["direction"],
        "shape of the trend": result.extras.get("national_segment", {}).get(
            "shape", "too few data"
        ),
        "movement": "not applicable: movement is counted across forces",
    }
    names = {
        "_pp": "difference_pp",
        "_lower_pp": "lower_pp",
        "_upper_pp": "upper_pp",
        "": "direction",
    }
    for lag, (_, words) in zip((1, 3), CHANGES, strict=True):
        for column, heading in CHANGE_COLUMNS.items():
            source = names[column.format(which="")]
            has = lag in recent.index
            row[heading.format(words=words)] = recent.loc[lag, source] if has else np.nan
    row["why there is no figure"] = ""
    return row


def _trend_rows(result: MeasureResult) -> pd.DataFrame:
    """One measure's part of the ``Trends`` sheet (England and Wales, then the forces by name)."""
    rows = result.verdicts.sort_values("force_name", kind="stable")
    trend = result.trends.set_index("force_code")
    benchmark = result.spec.benchmark
    movement = rows["movement"].map(
        lambda m: f"{m} {benchmark}" if m in ("toward", "away from") else m
    )
    forces_part = pd.DataFrame(
        {
            "force code": rows["force_code"],
            "force": rows["force_name"],
            "years in the trend": rows["trend_years"].astype(float),
            "long-run trend (percentage points a year)": rows["trend_per_year_pp"],
            "long-run trend: 95% interval lower": rows["force_code"].map(trend["pp_change_lower"]),
            "long-run trend: 95% interval upper": rows["force_code"].map(trend["pp_change_upper"]),
            "long-run direction": rows["trend_direction"],
            "shape of the trend": rows["trend_pattern"],
            "movement": movement,
            **_changes(rows),
            "why there is no figure": rows["no_data_reason"],
        }
    )
    return pd.concat([pd.DataFrame([_national_trend_row(result)]), forces_part], ignore_index=True)


def trend_table(measures: dict[str, MeasureResult], mode: DataMode) -> pd.DataFrame:
    """The ``Trends`` sheet: per measure, England and Wales first, then every police force area
    by name: the long-run trend (percentage points a year, 95% interval), its shape, the
    movement toward or away from the benchmark and the recent changes of the latest year."""
    frames = []
    for result in measures.values():
        frame = _trend_rows(result)
        frame.insert(0, "latest year", result.year)
        frame.insert(0, "measure", measure_name(result))
        frame.insert(0, "data mode", mode_cell(mode))
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def outlier_table(measures: dict[str, MeasureResult], mode: DataMode) -> pd.DataFrame:
    """The ``Outliers`` sheet: one row per force and statement for the latest year: extreme
    allowing for the normal variation between forces (above or below the adjusted funnel
    limits) and, for community resolutions, above the guidance threshold; the statement's
    words from ``helpers.report.verdicts``. A measure with no such force gets one row saying so."""
    rows = []
    for result in measures.values():
        table = result.verdicts.sort_values(
            ["rate", "force_name"], ascending=[False, True], na_position="last"
        )
        checks = [
            (
                "extreme allowing for the normal variation between forces",
                "extreme",
                ("above", "below"),
                verdicts.extreme,
            )
        ]
        if "guidance" in table:
            checks.append(
                (
                    "above the guidance threshold",
                    "guidance",
                    ("above the threshold",),
                    verdicts.guidance,
                )
            )
        for statement, column, values, words in checks:
            chosen = table[table[column].isin(values)]
            for _, row in chosen.iterrows():
                rows.append(
                    {
                        "force code": row["force_code"],
                        "force": row["force_name"],
                        "statement": statement,
                        "verdict": row[column],
                        "in words": words(row, result),
                        "rate (%)": 100 * row["rate"],
                        "95% interval: lower (%)": 100 * row["ci_lower"],
                        "95% interval: upper (%)": 100 * row["ci_upper"],
                        "national rate (%)": 100 * row["national_rate"],
                        "compared with the national rate": row["vs_national"],
                        "measure": measure_name(result),
                        "financial year": result.year,
                    }
                )
            if chosen.empty:
                rows.append(
                    {
                        "force code": "",
                        "force": "none",
                        "statement": statement,
                        "verdict": "",
                        "in words": f"No force is {statement} in {result.year}.",
                        "measure": measure_name(result),
                        "financial year": result.year,
                    }
                )
    frame = pd.DataFrame(rows)
    order = ["measure", "financial year", "statement", "force code", "force", "verdict"]
    frame = frame[order + [c for c in frame.columns if c not in order]]
    frame.insert(0, "data mode", mode_cell(mode))
    return frame


def national_table(
    measures: dict[str, MeasureResult], years: dict[str, pd.DataFrame], mode: DataMode
) -> pd.DataFrame:
    """The ``National series`` sheet: per measure and year, the national count, outcomes
    assigned, rate and 95% interval over the forces with data, how many forces that is, and
    which forces are left out and why."""
    frames = []
    for key, result in measures.items():
        national = result.national.sort_values("financial_year")
        no_data = years[key][years[key]["vs_national"] == "no data"]
        left_out = no_data.groupby("financial_year").apply(
            lambda g: "; ".join(
                f"{n} ({r})" for n, r in zip(g["force_name"], g["no_data_reason"], strict=True)
            ),
            include_groups=False,
        )
        frames.append(
            pd.DataFrame(
                {
                    "data mode": mode_cell(mode),
                    "measure": measure_name(result),
                    "financial year": national["financial_year"],
                    "crimes closed this way": national["successes"].astype(float),
                    "outcomes assigned": national["trials"].astype(float),
                    "rate (%)": _pct(national["rate"]),
                    "95% interval: lower (%)": _pct(national["ci_lower"]),
                    "95% interval: upper (%)": _pct(national["ci_upper"]),
                    "forces with data": national["forces"].astype(float),
                    "forces left out": national["forces_left_out"].astype(float),
                    "forces left out: which and why": national["financial_year"]
                    .map(left_out)
                    .fillna("none"),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def cover_rows(
    measures: dict[str, MeasureResult], mode: DataMode, when: DataDate
) -> list[tuple[str, str]]:
    """The ``About`` sheet as (label, text) rows; a label in capitals starts a section."""
    first = next(iter(measures.values()))
    threshold = measures.get("community_resolution")
    rows: list[tuple[str, str]] = [
        ("DATA MODE", mode_line(mode)),
        ("", mode.banner()),
        ("", ""),
        (
            "Police responses to domestic abuse",
            "How police forces in England and Wales closed domestic abuse-related crimes: community "
            "resolutions (outcome 8), closures because the victim did not support action "
            "(outcome 16) and charges (outcome 1), each as a share of outcomes assigned.",
        ),
        ("Data made", when.explanation),
        ("Latest year", first.year),
        ("", ""),
        ("SHEETS", ""),
        ("About", "This sheet."),
        (
            "Forces by year",
            "Every force, measure and year: counts, rate, 95% interval and that year's verdicts.",
        ),
        (
            "Trends",
            "Per force and measure: the long-run trend, its shape and the changes against the "
            "previous year and three years earlier.",
        ),
        (
            "Outliers",
            f"The forces extreme allowing for the normal variation between forces, or above the "
            f"guidance threshold, in {first.year}, with the statement each one is.",
        ),
        (
            "National series",
            "England and Wales per year, with the forces with data and the forces left out.",
        ),
        ("", ""),
        ("HOW TO READ IT", ""),
    ]
    for key in (
        "rate",
        "outcomes-assigned",
        "interval",
        "different-from-national",
        "extreme",
        "guidance-threshold",
        "rare-threshold",
        "recent-change",
        "trend",
        "no-data",
        "synthetic-sample",
    ):
        entry = glossary.term(key)
        rows.append((entry.term, entry.plain))
    rows += [
        (
            "Three statements",
            "Different from the national rate, extreme allowing for the normal variation between "
            "forces and above the guidance threshold are different questions and can have "
            "different answers; a force can be one without the others.",
        ),
        (
            "Empty cells",
            "An empty number cell means there is no figure (the reason is in the column 'why there "
            "is no figure'); it never means zero.",
        ),
        (
            "Caveat",
            "Outcomes depend on how forces record and close crimes, which differs between forces "
            "and over time: a high or low rate is a question to ask, not a verdict on practice.",
        ),
        ("", ""),
        ("SETTINGS", ""),
        (
            "Denominator",
            "outcomes assigned (excluding outcome 0, 'not yet assigned')"
            if first.denominator == "total_outcomes"
            else first.denominator,
        ),
        ("Funnel limits", f"{first.level:.1%}, widened for the normal variation between forces"),
    ]
    if threshold is not None:
        rows.append(
            (
                "'Rare' threshold",
                f"{threshold.extras['threshold']:.1%} of outcomes assigned (one-sided exact test "
                f"at 5%, {threshold.extras['correction'].title()}-corrected across forces)",
            )
        )
    rows += [("", ""), ("FILES READ", "source / file / sha256 / rows / date saved in the file")]
    for _, row in when.files.iterrows():
        rows.append(
            (row["source"], f"{row['file']} / {row['sha256']} / {row['rows']} / {row['date']}")
        )
    rows += [("", ""), ("SOURCES", "")]
    for _, row in source_rows(mode).iterrows():
        rows.append(
            (
                row["used for"],
                f"{row['source']}. {row['address']} ({row['licence']})",
            )
        )
    rows += [
        ("", ""),
        (
            "Made by",
            "helpers.report.workbook from the processed data (data/processed); methods in "
            "docs/methods.md, plain words in reports/glossary.html.",
        ),
        ("DATA MODE", mode_line(mode)),
    ]
    return rows


# ------------------------------------------------------------------------------------------
# writing
# ------------------------------------------------------------------------------------------

PERCENT_FORMAT = "0.00"
COUNT_FORMAT = "#,##0"
CHANGE_FORMAT = "+0.00;-0.00;0.00"


def _number_format(column: str) -> str | None:
    if "(%)" in column:
        return PERCENT_FORMAT
    if column in (
        "crimes closed this way",
        "outcomes assigned",
        "forces with data",
        "forces left out",
        "forces ranked",
        "rank (1 = highest)",
        "years in the trend",
    ):
        return COUNT_FORMAT
    if "percentage points" in column or "interval lower" in column or "interval upper" in column:
        return CHANGE_FORMAT
    return None


def _style_table(sheet, frame: pd.DataFrame, mode: DataMode) -> None:
    """Banner in row 1, wrapped bold header in row 2 (frozen), widths and number formats."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    fill = PatternFill("solid", fgColor="FFF1D6" if mode.synthetic else "E3F0FA")
    banner = sheet.cell(row=1, column=1, value=mode_line(mode))
    banner.font = Font(bold=True, size=12)
    for column in range(1, len(frame.columns) + 1):
        sheet.cell(row=1, column=column).fill = fill
        header = sheet.cell(row=2, column=column)
        header.font = Font(bold=True)
        header.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A3"
    sheet.row_dimensions[2].height = 45
    for index, column in enumerate(frame.columns, start=1):
        letter = get_column_letter(index)
        values = frame[column].dropna().astype(str)
        longest = int(values.str.len().max()) if len(values) else 0
        numeric = pd.api.types.is_numeric_dtype(frame[column])
        width = 12 if numeric else min(max(12, longest + 2), 60)
        sheet.column_dimensions[letter].width = width
        number_format = _number_format(column) if numeric else None
        wrap = not numeric and longest > 60
        if number_format or wrap:
            for (cell,) in sheet.iter_rows(
                min_row=3, max_row=len(frame) + 2, min_col=index, max_col=index
            ):
                if number_format:
                    cell.number_format = number_format
                if wrap:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")


def _write_cover(writer, rows: list[tuple[str, str]], mode: DataMode) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    frame = pd.DataFrame(rows, columns=["item", "text"])
    frame.to_excel(writer, sheet_name="About", index=False, header=False)
    sheet = writer.sheets["About"]
    sheet.column_dimensions["A"].width = 42
    sheet.column_dimensions["B"].width = 110
    fill = PatternFill("solid", fgColor="FFF1D6" if mode.synthetic else "E3F0FA")
    for number, (label, _) in enumerate(rows, start=1):
        first, second = sheet.cell(row=number, column=1), sheet.cell(row=number, column=2)
        first.alignment = Alignment(wrap_text=True, vertical="top")
        second.alignment = Alignment(wrap_text=True, vertical="top")
        if label == "DATA MODE":
            for cell in (first, second):
                cell.font = Font(bold=True, size=13)
                cell.fill = fill
        elif label and label == label.upper():
            first.font = Font(bold=True, size=12)
        elif label:
            first.font = Font(bold=True)


def _normalise(data: bytes, stamp: datetime) -> bytes:
    """The xlsx package with fixed zip entry times and the document's created/modified
    properties set to ``stamp`` (openpyxl writes the wall clock into both)."""
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = content.decode("utf-8")
                for tag in ("created", "modified"):
                    text = re.sub(
                        rf"(<dcterms:{tag}[^>]*>)[^<]*(</dcterms:{tag}>)", rf"\g<1>{iso}\g<2>", text
                    )
                content = text.encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, content)
    return out.getvalue()


def _check_mode(mode: DataMode) -> None:
    path = config.processed_dir() / "mode.json"
    if path.exists():
        recorded = json.loads(path.read_text()).get("data_mode")
        if recorded != mode.name:
            raise ValueError(
                f"data/processed/ holds {recorded!r} data but the workbook was asked to say "
                f"{mode.name!r}: run `make processed DATA={mode.name}` first"
            )


def write_workbook(
    measures: dict[str, MeasureResult],
    mode: DataMode,
    path: Path | None = None,
    da: pd.DataFrame | None = None,
) -> Path:
    """Write the workbook (default ``reports/da-police-outcomes.xlsx``) and return its path.

    In: ``measures``, the results of ``helpers.analysis.profile.measure_all`` (keys
    'community_resolution', 'outcome16', 'charge'); ``mode``, the data mode the processed data
    were made in; ``da``, the processed DA table (default: read from ``data/processed``).
    Out: five sheets (see the module docstring); rates and intervals in per cent, changes in
    percentage points, counts as numbers; a missing value is an empty cell with its reason.
    Raises ValueError when ``data/processed/mode.json`` records a different data mode, and
    ``tidy.ProcessedDataMissing`` when ``da`` is not given and there is no processed data.
    Byte-identical for the same inputs (no wall clock)."""
    _check_mode(mode)
    path = path or config.reports_dir() / FILE_NAME
    if da is None:
        da = tidy.load_processed(mode.name)["da_outcomes_by_force"]
    when = data_date(mode)
    years = {key: all_years(result, da) for key, result in measures.items()}
    tables = {
        "Forces by year": force_year_table(measures, years, mode),
        "Trends": trend_table(measures, mode),
        "Outliers": outlier_table(measures, mode),
        "National series": national_table(measures, years, mode),
    }
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        _write_cover(writer, cover_rows(measures, mode, when), mode)
        for name, frame in tables.items():
            frame.to_excel(writer, sheet_name=name, index=False, startrow=1)
            _style_table(writer.sheets[name], frame, mode)
        properties = writer.book.properties
        properties.creator = "helpers.report.workbook"
        properties.title = "Police responses to domestic abuse" + mode.title_suffix()
        properties.subject = mode_line(mode)
    stamp = datetime.strptime(when.date, "%Y-%m-%d") if when.date else datetime(2000, 1, 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_normalise(buffer.getvalue(), stamp))
    return path
