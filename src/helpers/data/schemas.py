"""Pandera schemas of the tidy tables the readers return (checked on every read).

The schemas are built when first used (``schemas.OUTCOMES_OPEN_DATA`` etc., PEP 562): importing
pandera takes about 0.4 s of CPU, and most processes that import the readers (every notebook
kernel, through the tidy stage's module) only load the processed tables and never parse a file.
The column names are plain constants (``*_COLUMNS``) for code that needs them at import time;
each schema is built from them, in that order.
"""

from __future__ import annotations

from helpers.reference.outcomes import OUTCOME_CATEGORIES, TOTAL_CATEGORIES

FINANCIAL_YEAR_PATTERN = r"^\d{4}/\d{2}$"
FORCE_CODE_PATTERN = r"^(E23\d{6}|W15\d{6}|NT-[A-Z]+)$"

#: the columns of each schema, in order (``OUTCOMES_OPEN_DATA`` etc. have exactly these)
OUTCOMES_OPEN_DATA_COLUMNS = (
    "financial_year",
    "quarter",
    "force_name",
    "force_code",
    "territorial",
    "offence_code",
    "offence_description",
    "offence_group",
    "offence_subgroup",
    "offence_code_expired",
    "outcome_type",
    "outcome_group",
    "outcomes_recorded",
    "outcomes_closed",
    "not_provided",
)
ONS_DA_OUTCOMES_COLUMNS = (
    "financial_year",
    "force_code",
    "force_name",
    "outcome_category",
    "value",
    "measure",
    "marker",
    "source_sheet",
)
PFA_RECORDED_CRIME_COLUMNS = (
    "financial_year",
    "quarter",
    "force_name",
    "force_code",
    "territorial",
    "offence_code",
    "offence_description",
    "offence_group",
    "offence_subgroup",
    "offences",
)

#: the schemas built on first use, by name
SCHEMA_NAMES = ("OUTCOMES_OPEN_DATA", "ONS_DA_OUTCOMES", "PFA_RECORDED_CRIME")


def _build() -> dict[str, object]:
    """The three pandera schemas, by name."""
    import pandera.pandas as pa

    #: Home Office outcomes open data, one row per financial year x quarter x force x offence x outcome type
    OUTCOMES_OPEN_DATA = pa.DataFrameSchema(
        {
            "financial_year": pa.Column(str, pa.Check.str_matches(FINANCIAL_YEAR_PATTERN)),
            "quarter": pa.Column("int8", pa.Check.isin([1, 2, 3, 4])),
            "force_name": pa.Column(str),
            "force_code": pa.Column(str, pa.Check.str_matches(FORCE_CODE_PATTERN)),
            "territorial": pa.Column(bool),
            "offence_code": pa.Column(str, pa.Check.str_length(min_value=1)),
            "offence_description": pa.Column(str, nullable=True),
            "offence_group": pa.Column(str, nullable=True),
            "offence_subgroup": pa.Column(str, nullable=True),
            "offence_code_expired": pa.Column(bool),
            "outcome_type": pa.Column("int8", pa.Check.in_range(0, 22)),
            "outcome_group": pa.Column(str, nullable=True),
            "outcomes_recorded": pa.Column("Int64", nullable=True),
            "outcomes_closed": pa.Column("Int64", nullable=True),
            "not_provided": pa.Column(bool),
        },
        strict=True,
        ordered=True,
        unique=["financial_year", "quarter", "force_code", "offence_code", "outcome_type"],
        report_duplicates="exclude_first",
        name="outcomes_open_data",
    )

    #: ONS domestic abuse-related crime outcomes by police force area
    ONS_DA_OUTCOMES = pa.DataFrameSchema(
        {
            "financial_year": pa.Column(str, pa.Check.str_matches(FINANCIAL_YEAR_PATTERN)),
            "force_code": pa.Column(str, pa.Check.str_matches(r"^(E23|W15)\d{6}$")),
            "force_name": pa.Column(str),
            "outcome_category": pa.Column(
                str, pa.Check.isin([*OUTCOME_CATEGORIES, *TOTAL_CATEGORIES, "not_yet_assigned"])
            ),
            "value": pa.Column(float, pa.Check.ge(0), nullable=True),
            "measure": pa.Column(str, pa.Check.isin(["count", "percent"])),
            "marker": pa.Column(str, nullable=True),
            "source_sheet": pa.Column(str),
        },
        strict=True,
        ordered=True,
        unique=["financial_year", "force_code", "outcome_category", "measure"],
        name="ons_da_outcomes",
    )

    #: Home Office police force area recorded crime (ODS), one row per year x quarter x force x offence
    PFA_RECORDED_CRIME = pa.DataFrameSchema(
        {
            "financial_year": pa.Column(str, pa.Check.str_matches(FINANCIAL_YEAR_PATTERN)),
            "quarter": pa.Column("int8", pa.Check.isin([1, 2, 3, 4])),
            "force_name": pa.Column(str),
            "force_code": pa.Column(str, pa.Check.str_matches(FORCE_CODE_PATTERN)),
            "territorial": pa.Column(bool),
            "offence_code": pa.Column(str, nullable=True),
            "offence_description": pa.Column(str, nullable=True),
            "offence_group": pa.Column(str, nullable=True),
            "offence_subgroup": pa.Column(str, nullable=True),
            "offences": pa.Column("Int64", nullable=True),
        },
        strict=True,
        ordered=True,
        name="pfa_recorded_crime",
    )
    built = {
        "OUTCOMES_OPEN_DATA": OUTCOMES_OPEN_DATA,
        "ONS_DA_OUTCOMES": ONS_DA_OUTCOMES,
        "PFA_RECORDED_CRIME": PFA_RECORDED_CRIME,
    }
    for name, schema in built.items():
        if tuple(schema.columns) != globals()[f"{name}_COLUMNS"]:  # pragma: no cover - a typo
            raise RuntimeError(f"schemas.{name}'s columns are not {name}_COLUMNS")
    return built


def __getattr__(name: str):
    """``schemas.OUTCOMES_OPEN_DATA`` etc.: built (all three) on first use, then kept."""
    if name in SCHEMA_NAMES:
        globals().update(_build())
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
