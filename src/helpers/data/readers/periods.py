"""Period labels of official tables -> financial years ('2022/23') or calendar periods.

ONS and Home Office tables name a 12-month period in many ways: ``Apr 2022 to Mar 2023``,
``April 2022 - March 2023``, ``Year ending Mar 2023``, ``year ending March 2023 [note 3]``,
``Apr 2010 to\\n Mar 2011``, ``Jan 2020 to \\nDec  2020`` (Tables P7, P8, P10 of the ONS police
force area tables, year ending December 2021), and the short forms ``2022/23``, ``2022-23``,
``2022/2023``. A financial year runs from April to March (the police recording year); a period
ending in any other month is refused as a financial year with a message saying so, and can be
read with :func:`calendar_period` instead. Nothing here knows about sheets: callers add the
sheet, row and column to the ``ValueError`` they catch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_YEAR = r"((?:19|20)\d{2})"
RANGE = re.compile(rf"{_MONTH}\s+{_YEAR}\s*(?:to|-)\s*{_MONTH}\s+{_YEAR}")
YEAR_ENDING = re.compile(rf"(?:year ending|ye|12 months (?:ending|to))\s+{_MONTH}\s+{_YEAR}")
SHORT_FY = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[/\-_]\s*(\d{2}|(?:19|20)\d{2})(?!\d)")
MONTH_NAMES = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


@dataclass(frozen=True)
class Period:
    """A run of whole months, first and last month included (``month`` 1-12)."""

    start_year: int
    start_month: int
    end_year: int
    end_month: int
    label: str

    @property
    def months(self) -> int:
        return (self.end_year - self.start_year) * 12 + self.end_month - self.start_month + 1

    def describe(self) -> str:
        return (
            f"{MONTH_NAMES[self.start_month - 1]} {self.start_year} to "
            f"{MONTH_NAMES[self.end_month - 1]} {self.end_year}"
        )


def clean_label(value: object) -> str:
    """Lower case, ``[note N]``/``[r]`` removed, line breaks and runs of spaces to one space,
    en and em dashes to '-'."""
    text = re.sub(r"\[[^\]]*\]", " ", "" if value is None else str(value))
    text = text.replace("\u2013", "-").replace("\u2014", "-").lower()
    return re.sub(r"\s+", " ", text).strip()


def _month_period(match: re.Match[str], label: str) -> Period:
    return Period(
        int(match.group(2)),
        MONTHS[match.group(1)],
        int(match.group(4)),
        MONTHS[match.group(3)],
        label,
    )


def _ending_period(match: re.Match[str], label: str) -> Period:
    end_month, end_year = MONTHS[match.group(1)], int(match.group(2))
    start_month = end_month % 12 + 1
    return Period(
        end_year - (1 if start_month != 1 else 0), start_month, end_year, end_month, label
    )


def _short_period(match: re.Match[str], label: str) -> Period:
    start, end = int(match.group(1)), match.group(2)
    end_full = int(end) if len(end) == 4 else (start // 100) * 100 + int(end)
    if len(end) == 2 and end_full < start:
        end_full += 100
    if end_full != start + 1:
        raise ValueError(
            f"financial year {label!r} does not span consecutive years "
            "(expected like '2014/15', '2014-15', '2014/2015')"
        )
    return Period(start, 4, end_full, 3, label)


def find_periods(value: object) -> list[Period]:
    """Every period named in a text (a title, a heading, a 'Time period' cell), in order.

    Input: any cell or text. Output: list of :class:`Period` (empty when none is named).
    Month ranges ('Apr 2010 to Mar 2011', 'April 2022 - March 2023'), 'year ending March 2023'
    and the short financial-year forms ('2022/23', '2022-23', '2022/2023') are recognised.
    Raises ValueError for a short form whose years are not consecutive ('2014/16').
    """
    label = "" if value is None else str(value).strip()
    text = clean_label(value)
    found: list[tuple[int, Period]] = []
    taken: list[tuple[int, int]] = []
    for pattern, build in ((RANGE, _month_period), (YEAR_ENDING, _ending_period)):
        for match in pattern.finditer(text):
            found.append((match.start(), build(match, label)))
            taken.append(match.span())
    for match in SHORT_FY.finditer(text):
        if any(start <= match.start() < end for start, end in taken):
            continue
        found.append((match.start(), _short_period(match, label)))
    return [period for _, period in sorted(found, key=lambda item: item[0])]


def parse_period(value: object) -> Period:
    """The one period a label names. Raises ValueError when it names none or several."""
    periods = find_periods(value)
    if not periods:
        raise ValueError(
            f"not a financial year or period: {value!r} (expected a label such as "
            "'Apr 2022 to Mar 2023', 'year ending March 2023', '2022/23', '2022-23', '2022/2023')"
        )
    if len(periods) > 1:
        raise ValueError(
            f"{value!r} names {len(periods)} periods ({', '.join(p.describe() for p in periods)}); "
            "expected one"
        )
    return periods[0]


def as_financial_year(period: Period) -> str:
    """A :class:`Period` that is April to March of consecutive years -> 'YYYY/YY'.

    Raises ValueError saying what the period is instead (a calendar year, a quarter, a year
    ending in another month), since a year ending December is not a financial year.
    """
    if period.start_month == 4 and period.end_month == 3 and period.months == 12:
        return f"{period.start_year}/{period.end_year % 100:02d}"
    kind = (
        "a calendar year (January to December)"
        if period.start_month == 1 and period.months == 12
        else f"a {period.months}-month period"
        if period.months != 12
        else f"a year ending {MONTH_NAMES[period.end_month - 1]}"
    )
    raise ValueError(
        f"{period.label!r} is {kind}, {period.describe()}, not a financial year (April to March); "
        "read it with helpers.data.readers.periods.calendar_period if a calendar period is meant"
    )


def financial_year(value: object) -> str:
    """A financial-year label -> 'YYYY/YY'.

    Accepts 'Apr 2022 to Mar 2023', 'April 2022 to March 2023', 'Apr 2022 - Mar 2023',
    'Year ending Mar 2023', 'year ending March 2023 [note 2]', 'Apr 2022 to\\n Mar  2023',
    '2022/23', '2022-23', '2022_23', '2022/2023' (all -> '2022/23'). Raises ValueError when the
    label names no period, several, or a period that is not April to March (e.g.
    'Jan 2020 to Dec 2020', 'year ending December 2021': the message says it is a calendar year).
    """
    return as_financial_year(parse_period(value))


def find_financial_year(texts: list[object]) -> str | None:
    """The first financial year named in any of ``texts`` (e.g. a sheet name and title rows);
    periods that are not April to March are skipped. None when there is none."""
    for text in texts:
        for period in find_periods(text):
            try:
                return as_financial_year(period)
            except ValueError:
                continue
    return None


def calendar_period(value: object) -> str:
    """Any 12-month period label -> 'YYYY' for a calendar year, 'YYYY/YY' for a financial year,
    'year ending Mon YYYY' for other 12-month periods, 'Mon YYYY to Mon YYYY' otherwise.

    'Jan 2020 to \\nDec  2020' -> '2020'; 'year ending December 2021' -> '2021';
    'Apr 2010 to Mar 2011' -> '2010/11'. Raises ValueError when the label names no period.
    """
    period = parse_period(value)
    if period.months == 12 and period.start_month == 1:
        return str(period.end_year)
    if period.months == 12 and period.start_month == 4:
        return as_financial_year(period)
    if period.months == 12:
        return f"year ending {MONTH_NAMES[period.end_month - 1]} {period.end_year}"
    return period.describe()
