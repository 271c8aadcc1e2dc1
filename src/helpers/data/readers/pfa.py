"""Reader for the Home Office police force area recorded crime tables (ODS/xlsx, one sheet per
year, or the CSV export)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.data import schemas
from helpers.data.readers.common import (
    LayoutError,
    code_text,
    column_letter,
    normalise_financial_year,
    normalise_header,
    parse_counts,
    parse_quarter,
    parse_unique,
    read_sheet_rows,
    sheet_names,
)
from helpers.reference import forces

#: the national fraud bodies (project codes, ``data/reference/police_force_areas.csv``) whose
#: counts some exports of the table give as numbers that are not whole; theirs are rounded with a
#: warning, anyone else's (a territorial force or British Transport Police, which records crimes
#: as a force does) is a layout error. Source: ../shared/real/README.md beside the project (the
#: real 2017/18 table; other years' exports carry fractional counts for the fraud bodies).
FRAUD_BODY_CODES = frozenset({"NT-ACTIONFRAUD", "NT-CIFAS", "NT-UKFINANCE"})

# ------------------------------------------------------------------------------------------
# Home Office police force area recorded crime (ODS, one sheet per year)
# ------------------------------------------------------------------------------------------

PFA_HEADER_SYNONYMS: dict[str, str] = {
    "financial year": "financial_year",
    "financial quarter": "quarter",
    "force name": "force_name",
    "offence description": "offence_description",
    "offence group": "offence_group",
    "offence subgroup": "offence_subgroup",
    "offence code": "offence_code",
    "number of offences": "offences",
}


def _known_force(name: str) -> bool:
    try:
        forces.to_code(name)
    except forces.UnknownForceError:
        return False
    return True


def _year_tables(path: Path) -> list[str]:
    """The tables of a recorded-crime file: every year sheet ('2017_18') of a workbook, or the
    one table of a CSV export ('csv')."""
    names = sheet_names(path)
    if path.suffix.lower() == ".csv":
        return names
    year_sheets = [n for n in names if re.fullmatch(r"\d{4}_\d{2}", n.strip())]
    if not year_sheets:
        raise LayoutError(
            f"{path.name}: no year sheets named like '2024_25'; sheets found: {names}. Expected "
            "the Home Office PFA workbook (one sheet per financial year) or its CSV export."
        )
    return year_sheets


def parse_pfa_recorded_crime(path: Path) -> pd.DataFrame:
    """Parse the Home Office police force area recorded crime tables.

    Input: the workbook (ODS/xlsx, one sheet per financial year named like ``2017_18``, header on
    row 1) or a CSV export of one or more years with the same header (``Financial Year, Financial
    Quarter, Force Name, Offence Description, Offence Group, Offence Subgroup, Offence Code,
    Number of Offences``). Output: one row per input row with the columns of
    ``schemas.PFA_RECORDED_CRIME``; ``offences`` is a count of offences (``Int64``).

    Counts written as padded text (``' 66776 '``), floats (``9.0``) or with separators
    (``'1,234'``) read as whole numbers. Counts that are not whole numbers are rounded with a
    warning naming the rows for the national fraud bodies (``FRAUD_BODY_CODES``: Action Fraud,
    CIFAS, UK Finance), and raise ``LayoutError`` for anyone else: a territorial force or
    British Transport Police (rule: ../shared/real/README.md beside the project, other years'
    exports carry fractional national fraud counts). Force names go through
    ``forces.codes_for`` ('Avon & Somerset' = 'Avon and Somerset'); an unknown name raises
    ``LayoutError`` naming the row. Unknown or missing headers raise ``LayoutError``.
    """
    frames = []
    tables = _year_tables(path)
    for sheet in tables:
        rows = read_sheet_rows(path, sheet)
        header = rows[0] if rows else []
        mapped = {
            i: PFA_HEADER_SYNONYMS.get(normalise_header(c))
            for i, c in enumerate(header)
            if c not in (None, "")
        }
        unknown = [f"{column_letter(i)}1={header[i]!r}" for i, v in mapped.items() if v is None]
        missing = {"financial_year", "quarter", "force_name", "offences"} - set(mapped.values())
        where = f"{path.name}, sheet {sheet!r}" if sheet != "csv" else path.name
        if unknown or missing:
            raise LayoutError(
                f"{where}: unknown headers {unknown}, missing {sorted(missing)}; expected the "
                f"headers {list(PFA_HEADER_SYNONYMS)} (any case)"
            )
        body = [r for r in rows[1:] if any(c not in (None, "") for c in r)]
        table = pd.DataFrame(
            [[r[i] if i < len(r) else None for i in mapped] for r in body],
            columns=list(mapped.values()),
            dtype=object,
        )
        excel_rows = np.arange(2, 2 + len(table))
        out = pd.DataFrame(index=table.index)
        out["financial_year"] = parse_unique(
            table["financial_year"], normalise_financial_year, where, excel_rows
        )
        out["quarter"] = parse_unique(table["quarter"], parse_quarter, where, excel_rows).astype(
            "int8"
        )
        out["force_name"] = table["force_name"].astype(str).str.strip()
        try:
            out["force_code"] = forces.codes_for(out["force_name"])
        except forces.UnknownForceError as error:
            bad = next(n for n in pd.unique(out["force_name"]) if not _known_force(n))
            row = excel_rows[int(np.flatnonzero(out["force_name"].eq(bad).to_numpy())[0])]
            raise LayoutError(f"{where}, column 'Force Name', row {row}: {error}") from None
        out["territorial"] = ~out["force_code"].str.startswith("NT-")
        out["offence_code"] = (
            table["offence_code"].map(code_text).astype("str")
            if "offence_code" in table
            else pd.Series(pd.NA, index=table.index, dtype="str")
        )
        for name in ("offence_description", "offence_group", "offence_subgroup"):
            out[name] = (
                table[name].astype("str")
                if name in table
                else pd.Series(pd.NA, index=table.index, dtype="str")
            )
        labels = (
            out["force_name"] + " " + out["financial_year"] + " Q" + out["quarter"].astype(str)
        ).tolist()
        counts, _ = parse_counts(
            table["offences"],
            f"{where}, column 'Number of Offences'",
            excel_rows,
            round_allowed=out["force_code"].isin(FRAUD_BODY_CODES).to_numpy(),
            labels=labels,
        )
        out["offences"] = counts
        frames.append(out)
    result = pd.concat(frames, ignore_index=True)
    result.attrs = {"sheets": tables, "rows": len(result)}
    return result[list(schemas.PFA_RECORDED_CRIME_COLUMNS)]


def read_pfa_recorded_crime(path: Path | str, use_cache: bool = True) -> pd.DataFrame:
    """Read the Home Office police force area recorded crime workbook (one sheet per financial
    year, header on row 1, numeric quarter) or its CSV export into one tidy table of offence
    counts (see ``parse_pfa_recorded_crime``), validated and cached."""
    from helpers.data.sources import SOURCES

    return SOURCES["ho_pfa_recorded_crime"].read(path, use_cache)
