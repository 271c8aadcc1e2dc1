"""Reader for the ONS tables of outcomes of domestic abuse-related crimes by police force area."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.data import schemas
from helpers.data.readers.common import (
    LayoutError,
    column_letter,
    normalise_financial_year,
    normalise_header,
    normalise_sheet_name,
    read_sheet_rows,
    sheet_names,
)
from helpers.data.readers.ons_table import (
    OnsColumn,
    OnsTable,
    decimals_of,
    parse_cell,
    parse_ons_tables,
)
from helpers.data.readers.periods import find_financial_year

# ------------------------------------------------------------------------------------------
# ONS domestic abuse-related crime outcomes by police force area
# ------------------------------------------------------------------------------------------


#: ordered keyword rules: first match wins (normalised header text)
ONS_COLUMN_RULES: list[tuple[str, str]] = [
    (r"\bnot yet assigned\b", "not_yet_assigned"),
    (
        r"\bdoes not support\b|\bnot supporting\b|\bvictim does not\b",
        "evidential_difficulties_victim_does_not_support",
    ),
    (r"\bvictim supports\b|\bvictim support action\b", "evidential_difficulties_victim_supports"),
    (r"\bcharge|\bsummons", "charged_summonsed"),
    (r"\bcommunity resolution", "community_resolution"),
    (r"\bout of court informal\b", "community_resolution"),
    (r"\bcaution|\bout of court formal\b", "caution"),
    (r"\bno suspect\b|\bsuspect not identified\b", "no_suspect_identified"),
    (r"\btotal\b|\ball outcomes\b|\bnumber of outcomes\b|^outcomes assigned", "total_outcomes"),
    (
        r"\bcrimes recorded\b|\bnumber of domestic abuse related (crimes|offences)\b|\boffences recorded\b|\bcrimes\b",
        "crimes_recorded",
    ),
    (
        r"\bother\b|\bprosecution prevented\b|\bnot in the public interest\b|\btaken into consideration\b|\bdiversion|\btransferred\b",
        "other",
    ),
]
ONS_IGNORED_COLUMNS = re.compile(
    r"\brate per\b|\bper 1 ?000\b|\bchange\b|\bpopulation\b|\bregion\b|\bcountry\b"
)
ONS_SKIP_SHEETS = re.compile(r"^(cover|contents|notes?|information|about|metadata)")


def ons_column_category(header: object) -> str | None:
    """Canonical category for an ONS outcome column header, or None when no rule matches."""
    text = normalise_header(header).replace("%", " ")
    for pattern, category in ONS_COLUMN_RULES:
        if re.search(pattern, text):
            return category
    return None


def parse_ons_value(value: object) -> tuple[float | None, str | None]:
    """An ONS cell -> (number or None, marker or None), with the standard markers only.

    Numbers pass through; '1,234' and '"1,234"' -> 1234; '12.5%' -> 12.5; '12*' -> (12, '*');
    '[x]', '[z]', '[c]', '[u]' and combinations, '..', ':', '*', '-', '+', 'NA' -> (None,
    marker); '12 [u]' -> (12, '[u]'). Anything else raises ValueError. See
    :func:`helpers.data.readers.ons_table.parse_cell`, which also takes a sheet's own markers.
    """
    return parse_cell(value)


def _category_of(column: OnsColumn) -> str | None:
    return ons_column_category(column.heading) or (
        ons_column_category(f"{column.group} {column.heading}") if column.group else None
    )


def _is_share_label(text: object) -> bool:
    return bool(re.search(r"%|percent|per cent|proportion", str(text).lower()))


def _share_scale(
    where: str, table: pd.DataFrame, label_share: bool, label_count: bool
) -> tuple[str, float]:
    """('percent', 1) for shares in per cent, ('percent', 100) for shares written as proportions,
    ('count', 1) for counts; worked out from the labels and the data together.

    Data: the outcome shares of a force-year add up to about 1 (proportions) or about 100 (per
    cent, within the rounding the published decimals allow, at least 1.5); otherwise the cells
    are counts. Raises LayoutError when labels and data disagree.
    """
    outcomes = table[table["is_outcome"]]
    sums = outcomes.groupby(["financial_year", "force_code"])["value"].sum(min_count=1).dropna()
    sums = sums[sums > 0]  # a force that supplied nothing shows zeros (see da_by_force)
    biggest = outcomes["value"].max()
    shares = (
        outcomes["force_code"].groupby([outcomes["financial_year"], outcomes["force_code"]]).size()
    )
    places = decimals_of(outcomes["value"])
    tolerance = max(1.5, float(shares.max() if len(shares) else 0) * 0.5 * 10.0**-places)
    fractional = bool((outcomes["value"].dropna() % 1 != 0).any())
    if len(sums) and biggest <= 1 and fractional and ((sums - 1).abs() <= 0.015).mean() > 0.9:
        data = "proportion"
    elif len(sums) and biggest <= 100 and ((sums - 100).abs() <= tolerance).mean() > 0.9:
        data = "percent"
    elif len(sums):
        data = "count"
    else:
        data = "unknown"
    if label_share and data == "count":
        raise LayoutError(
            f"{where}: the labels say the outcome columns are shares (percentage, '%' or "
            f"proportion) but a force's shares add up to {sums.median():,.4g} (median), neither "
            "about 1 (proportions) nor about 100 (per cent). Check the table; the reader will not "
            "guess its scale."
        )
    if label_count and not label_share and data in ("percent", "proportion"):
        raise LayoutError(
            f"{where}: the labels say the outcome columns are counts ('Number' or 'Numbers') but "
            f"a force's values add up to about {1 if data == 'proportion' else 100}, like shares. "
            "Check the table; the reader will not guess its scale."
        )
    if data == "proportion":
        return "percent", 100.0
    if label_share or data == "percent":
        return "percent", 1.0
    return "count", 1.0


def _check_whole_counts(where: str, table: pd.DataFrame) -> None:
    counts = table[(table["measure"] == "count") & table["value"].notna()]
    broken = counts[counts["value"] % 1 != 0]
    if len(broken):
        first = broken.iloc[0]
        raise LayoutError(
            f"{where}, column {first['sheet_column']}, row {first['sheet_row']} "
            f"({first['force_name']}, {first['outcome_category']}): count {first['value']:g} is "
            "not a whole number. Expected whole counts for a force (or shares marked as such "
            "by a '%' heading or a 'Percentage' title)."
        )


def _check_not_negative(where: str, table: pd.DataFrame) -> None:
    """A negative count or share in an ONS table is an error naming sheet, column and row (the
    ONS tables publish no negative corrections; a negative cell is a layout or data problem)."""
    negative = table[table["value"] < 0]
    if len(negative):
        first = negative.iloc[0]
        raise LayoutError(
            f"{where}, column {first['sheet_column']}, row {first['sheet_row']} "
            f"({first['force_name']}, {first['outcome_category']}): value {first['value']:g} is "
            "negative. Expected a count or share of at least 0; check the cell in the source."
        )


def _parse_da_table(
    path: Path, sheet: str, table: OnsTable, found: list[str]
) -> pd.DataFrame | None:
    where = f"{path.name}, sheet {sheet!r}"
    categories: dict[str, str] = {}
    ignored, unknown, shares, numbers = [], [], [], []
    for column in table.columns:
        text = normalise_header(column.heading)
        if ONS_IGNORED_COLUMNS.search(text) or re.search(r"\brate\b", column.unit.lower()):
            ignored.append(column.heading)
            continue
        category = _category_of(column)
        if category is None:
            unknown.append(f"{column.letter}{column.header_row}={column.raw!r}")
            continue
        categories[column.heading] = category
        if category not in ("total_outcomes", "crimes_recorded"):
            labels = f"{column.raw} {column.group} {column.unit}"
            shares.append(_is_share_label(labels))
            numbers.append(bool(re.search(r"\bnumbers?\b", column.unit.lower())))
    outcome_like = set(categories.values()) - {
        "total_outcomes",
        "crimes_recorded",
        "not_yet_assigned",
    }
    if len(outcome_like) < 2:
        found.append(
            f"sheet {sheet!r}, table {table.number}: force table without outcome columns "
            f"(headers: {[c.heading for c in table.columns]})"
        )
        return None
    if unknown:
        raise LayoutError(
            f"{where}: outcome column(s) not recognised: {unknown}. Expected "
            "headers naming charged/summonsed, caution, community resolution, evidential "
            "difficulties (victim does / does not support), no suspect identified, other, total. "
            "ONS may have changed the table; extend ONS_COLUMN_RULES once checked."
        )
    frame = table.frame[
        (table.frame["area_type"] == "force") & table.frame["column"].isin(categories)
    ].copy()
    if frame.empty:
        found.append(f"sheet {sheet!r}, table {table.number}: header found but no E23/W15 rows")
        return None
    frame["outcome_category"] = frame["column"].map(categories)
    frame = frame.rename(columns={"area_code": "force_code", "area_name": "force_name"})
    if table.period_col is not None:
        try:
            years = {p: normalise_financial_year(p) for p in frame["period"].unique()}
        except ValueError as error:
            bad = frame[frame["period"] == next(p for p in frame["period"].unique() if _not_fy(p))]
            raise LayoutError(
                f"{where}, column {column_letter(table.period_col)}, row "
                f"{bad['sheet_row'].iloc[0]}: {error}"
            ) from None
        frame["financial_year"] = frame["period"].map(years)
    else:
        year = find_financial_year([sheet, table.title])
        if year is None:
            raise LayoutError(
                f"{where}: cannot tell which financial year the table covers: no year column and "
                "no 'year ending March YYYY', 'Apr YYYY to Mar YYYY' or 'YYYY/YY' in the sheet "
                f"name or title rows (title: {table.title[:120].lower()!r})"
            )
        frame["financial_year"] = year
    frame["is_outcome"] = ~frame["outcome_category"].isin(
        ["total_outcomes", "crimes_recorded", "not_yet_assigned"]
    )
    label_share = bool(re.search(r"percentage|per cent|proportion", table.title.lower())) or any(
        shares
    )
    measure, scale = _share_scale(where, frame, label_share, any(numbers) and not any(shares))
    share_heading = {c.heading: _is_share_label(c.raw) for c in table.columns}
    is_share = frame["is_outcome"] | (
        frame["outcome_category"].eq("not_yet_assigned")
        | frame["column"].map(share_heading).fillna(False).astype(bool)
    )
    frame["measure"] = np.where(is_share & (measure == "percent"), "percent", "count")
    percent = frame["measure"] == "percent"
    frame.loc[percent, "value"] = (frame.loc[percent, "value"] * scale).round(10)
    _check_whole_counts(where, frame)
    _check_not_negative(where, frame)
    frame.attrs = {"ignored_columns": ignored}
    return frame


def _not_fy(label: object) -> bool:
    try:
        normalise_financial_year(label)
    except ValueError:
        return True
    return False


def _parse_ons_sheet(
    path: Path, sheet: str, rows: list[list[object]], found: list[str]
) -> pd.DataFrame | None:
    tables = parse_ons_tables(rows, sheet, path.name)
    if not tables:
        first = next((str(c) for r in rows[:5] for c in r if c not in (None, "")), "<empty>")
        found.append(f"sheet {sheet!r}: no police force area header (first text: {first[:60]!r})")
        return None
    frames, ignored = [], []
    for table in tables:
        if not (table.frame["area_type"] == "force").any():
            found.append(f"sheet {sheet!r}, table {table.number}: no police force area rows")
            continue
        parsed = _parse_da_table(path, sheet, table, found)
        if parsed is not None:
            ignored += parsed.attrs["ignored_columns"]
            frames.append(parsed)
    if not frames:
        return None
    table = pd.concat(frames, ignore_index=True)
    # several columns may map to one category (e.g. two 'other' columns): add them up
    grouped = (
        table.groupby(["financial_year", "force_code", "outcome_category", "measure"], sort=True)
        .agg(
            force_name=("force_name", "first"),
            value=("value", lambda v: v.sum(min_count=1)),
            marker=(
                "marker",
                lambda m: "".join(sorted({x for x in m if isinstance(x, str) and x})) or None,
            ),
        )
        .reset_index()
    )
    grouped["source_sheet"] = sheet
    grouped.attrs = {"ignored_columns": ignored}
    return grouped


def parse_ons_da_outcomes(path: Path) -> pd.DataFrame:
    frames, found, ignored = [], [], []
    for sheet in sheet_names(path):
        if ONS_SKIP_SHEETS.match(normalise_sheet_name(sheet)):
            continue
        rows = read_sheet_rows(path, sheet)
        parsed = _parse_ons_sheet(path, sheet, rows, found)
        if parsed is not None:
            ignored.extend(parsed.attrs.get("ignored_columns", []))
            frames.append(parsed)
    if not frames:
        raise LayoutError(
            f"{path.name}: no table of domestic abuse outcomes by police force area was found. "
            "Expected a header row with a police force area code column (E23/W15 codes below it) and "
            f"outcome columns. Found: {found or ['no sheets besides cover/contents/notes']}"
        )
    table = pd.concat(frames, ignore_index=True)
    duplicated = table.duplicated(
        ["financial_year", "force_code", "outcome_category", "measure"], keep=False
    )
    if duplicated.any():
        example = table[duplicated].head(2)
        raise LayoutError(
            f"{path.name}: the same force, year and outcome appear in more than one place "
            f"(sheets {sorted(set(example['source_sheet']))}, e.g. {example.iloc[0][['financial_year', 'force_code', 'outcome_category']].tolist()})"
        )
    table["value"] = table["value"].astype(float)
    for name in (
        "financial_year",
        "force_code",
        "force_name",
        "outcome_category",
        "measure",
        "source_sheet",
    ):
        table[name] = table[name].astype(str)
    table["marker"] = table["marker"].astype("str")
    table = table[list(schemas.ONS_DA_OUTCOMES_COLUMNS)]
    table = table.sort_values(
        ["financial_year", "force_code", "outcome_category", "measure"]
    ).reset_index(drop=True)
    table.attrs = {
        "sheets": sorted(set(table["source_sheet"])),
        "rows": len(table),
        "ignored_columns": sorted(set(ignored)),
        "skipped": found,
    }
    return table


def read_ons_da_outcomes(path: Path | str, use_cache: bool = True) -> pd.DataFrame:
    """Read an ONS table of outcomes of domestic abuse-related crimes by police force area.

    Every table of every sheet (cover, contents and notes skipped) is read with
    :func:`helpers.data.readers.ons_table.parse_ons_tables` (headers by label, notes and glued
    footnotes stripped, group and units rows, spacer columns, the sheet's own markers, several
    tables per sheet); tables with force rows (E23/W15) and at least two outcome columns are
    kept. Outcome columns are mapped by keyword to the canonical categories in
    ``helpers.reference.outcomes.OUTCOME_CATEGORIES`` (plus ``total_outcomes``,
    ``crimes_recorded`` and ``not_yet_assigned``); the financial year comes from a time-period
    column or from the sheet name and title (:mod:`helpers.data.readers.periods`: 'year ending
    March 2023', 'Apr 2022 to Mar 2023', '2022/23'; a calendar year is refused). Shares are
    told from counts by the labels and the data together (proportions become per cent; a
    table whose labels and data disagree raises LayoutError); a force count that is not a
    whole number raises LayoutError. Suppression symbols become missing values with the symbol
    kept in ``marker``, never 0.

    Output columns: financial_year, force_code, force_name (as printed, notes removed),
    outcome_category, value (count, or per cent where measure is 'percent'), measure
    ('count'/'percent'), marker, source_sheet. Raises LayoutError naming sheet, row and column.
    """
    from helpers.data.sources import SOURCES

    return SOURCES["ons_da_outcomes"].read(path, use_cache)
