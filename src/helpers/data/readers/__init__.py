"""Readers: one module per official layout, each returning one validated tidy table.

* ``open_data.read_outcomes_open_data``  Home Office police recorded crime outcomes open data
* ``ons_da.read_ons_da_outcomes``        ONS outcomes of domestic abuse-related crimes by police
  force area
* ``pfa.read_pfa_recorded_crime``        Home Office police force area recorded crime tables
* ``common``                             what they share (layout errors, header and year
  normalisation, sheet access, the parquet cache)

The layouts are described, with their evidence, in ``docs/data_log.md``. The readers locate sheets
and headers by label, never by position, map header synonyms, and stop with a ``LayoutError`` that
names the sheet, column, row and value whenever something is not as expected. Which parser,
schema and reader version belong to which source is set in one place, the source registry
(``helpers.data.sources``). The names below are re-exported for convenience.
"""

from helpers.data.readers.common import (
    LayoutError,
    column_letter,
    normalise_financial_year,
    normalise_header,
    normalise_sheet_name,
    parse_quarter,
    read_sheet_rows,
    sheet_names,
)
from helpers.data.readers.ons_da import ons_column_category, parse_ons_value, read_ons_da_outcomes
from helpers.data.readers.open_data import (
    OPEN_DATA_COLUMNS,
    find_open_data_sheet,
    read_outcomes_open_data,
)
from helpers.data.readers.pfa import read_pfa_recorded_crime

__all__ = [
    "OPEN_DATA_COLUMNS",
    "LayoutError",
    "column_letter",
    "find_open_data_sheet",
    "normalise_financial_year",
    "normalise_header",
    "normalise_sheet_name",
    "ons_column_category",
    "parse_ons_value",
    "parse_quarter",
    "read_ons_da_outcomes",
    "read_outcomes_open_data",
    "read_pfa_recorded_crime",
    "read_sheet_rows",
    "sheet_names",
]
