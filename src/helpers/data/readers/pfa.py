"""Reader for the Home Office police force area recorded crime tables (ODS, one sheet per year)."""

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


def parse_pfa_recorded_crime(path: Path) -> pd.DataFrame:
    frames = []
    names = sheet_names(path)
    year_sheets = [n for n in names if re.fullmatch(r"\d{4}_\d{2}", n.strip())]
    if not year_sheets:
        raise LayoutError(
            f"{path.name}: no year sheets named like '2024_25'; sheets found: {names}"
        )
    for sheet in year_sheets:
        rows = read_sheet_rows(path, sheet)
        header = rows[0] if rows else []
        mapped = {
            i: PFA_HEADER_SYNONYMS.get(normalise_header(c))
            for i, c in enumerate(header)
            if c not in (None, "")
        }
        unknown = [f"{column_letter(i)}1={header[i]!r}" for i, v in mapped.items() if v is None]
        missing = {"financial_year", "quarter", "force_name", "offences"} - set(mapped.values())
        if unknown or missing:
            raise LayoutError(
                f"{path.name}, sheet {sheet!r}: unknown headers {unknown}, missing {sorted(missing)}"
            )
        body = [r for r in rows[1:] if any(c not in (None, "") for c in r)]
        table = pd.DataFrame(
            [[r[i] if i < len(r) else None for i in mapped] for r in body],
            columns=list(mapped.values()),
            dtype=object,
        )
        excel_rows = np.arange(2, 2 + len(table))
        where = f"{path.name}, sheet {sheet!r}"
        out = pd.DataFrame(index=table.index)
        out["financial_year"] = parse_unique(
            table["financial_year"], normalise_financial_year, where, excel_rows
        )
        out["quarter"] = parse_unique(table["quarter"], parse_quarter, where, excel_rows).astype(
            "int8"
        )
        out["force_name"] = table["force_name"].astype(str).str.strip()
        out["force_code"] = forces.codes_for(out["force_name"])
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
        counts, _ = parse_counts(
            table["offences"], f"{where}, column 'Number of Offences'", excel_rows
        )
        out["offences"] = counts
        frames.append(out)
    result = pd.concat(frames, ignore_index=True)
    result.attrs = {"sheets": year_sheets, "rows": len(result)}
    return result[list(schemas.PFA_RECORDED_CRIME.columns)]


def read_pfa_recorded_crime(path: Path | str, use_cache: bool = True) -> pd.DataFrame:
    """Read the Home Office police force area recorded crime ODS (one sheet per financial year,
    header on row 1, numeric quarter) into one tidy table of offence counts."""
    from helpers.data.sources import SOURCES

    return SOURCES["ho_pfa_recorded_crime"].read(path, use_cache)
