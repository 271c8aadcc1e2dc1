"""Plain words: the terms an analyst meets in the workbook, the briefings, the force pages and the
notebooks, each in one plain sentence and, where it helps, one precise one
(``reports/glossary.html``).

The verdict terms say the same as the verdict table of ``docs/methods.md`` (its plain sentences
are repeated word for word; ``tests/test_glossary.py`` checks it). Outcome types are paraphrased
from ``data/reference/outcome_types.csv`` (itself a paraphrase of the Home Office user guide);
the "rare" threshold's source is read from ``data/raw/published/published_figures.csv``
(``ACPO14-share``). No sentence of any guidance is quoted.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from helpers.analysis import community_resolution, measure
from helpers.core import config
from helpers.reference import published
from helpers.report import pages

#: the figure the default "rare" threshold comes from (see ``community_resolution``)
THRESHOLD_FIGURE = "ACPO14-share"
USER_GUIDE = (
    "Home Office, user guide to police recorded crime statistics for England and Wales "
    "(outcome types), paraphrased in data/reference/outcome_types.csv; link: the Home Office "
    "crime outcomes technical annex cited there"
)


@dataclass(frozen=True)
class Term:
    """One glossary entry: ``key`` (the page anchor), the ``term`` as shown, a ``plain``
    sentence, an optional ``precise`` one, and where it comes from (``source`` text and an
    optional ``url``)."""

    key: str
    term: str
    plain: str
    precise: str = ""
    source: str = ""
    url: str = ""


@lru_cache(maxsize=1)
def _outcome_types() -> pd.DataFrame:
    table = pd.read_csv(config.REFERENCE_DIR / "outcome_types.csv", dtype=str)
    return table.set_index("outcome_type")


def outcome_label(outcome_type: int) -> str:
    """The Home Office label of an outcome type as paraphrased in
    ``data/reference/outcome_types.csv`` (KeyError for a type not in it)."""
    return str(_outcome_types().loc[str(outcome_type), "label"])


def _annex_url() -> str:
    """The Home Office technical annex cited for outcome types in ``outcome_types.csv``."""
    sources = _outcome_types().loc["1", "source"]
    return next(part.strip() for part in sources.split(";") if "technical-annex" in part)


def _threshold_source() -> dict:
    row = published.published_figures().set_index("id").loc[THRESHOLD_FIGURE]
    return {
        "value": row["value"],
        "publisher": row["source_publisher"],
        "date": row["source_date"],
        "url": row["source_url"],
        "notes": row["notes"],
    }


def _outcome(number: int, plain: str, precise: str = "") -> Term:
    return Term(
        f"outcome-{number}",
        f"Outcome {number}: {outcome_label(number).lower()}",
        plain,
        precise,
        USER_GUIDE,
        _annex_url(),
    )


@lru_cache(maxsize=1)
def terms() -> tuple[Term, ...]:
    """Every glossary term, in reading order (read once: the files it reads are shipped)."""
    threshold = _threshold_source()
    rare = f"{community_resolution.RARE_THRESHOLD:.0%}"
    level = f"{measure.DEFAULT_LEVEL:.1%}"
    return (
        _outcome(
            1,
            "The police charged the suspect or a court summons was issued: the case goes to court.",
            "Home Office outcome type 1; the numerator of the charge rate.",
        ),
        _outcome(
            8,
            "The police dealt with the crime without going to court, usually by agreeing with the "
            "offender a way of putting things right (for example an apology or repair), often on the "
            "spot. National guidance treats this as not, or only rarely, appropriate for domestic abuse.",
            "Home Office outcome type 8, an informal out-of-court outcome; the numerator of the "
            "community resolution rate.",
        ),
        _outcome(
            14,
            "No suspect was identified, and the victim did not support, or withdrew support for, "
            "further police action.",
            "Home Office outcome type 14. The ONS domestic abuse tables may count it together with "
            "outcome 16; this collection measures it separately only in the Home Office open data.",
        ),
        _outcome(
            15,
            "A suspect was identified and the victim supported action, but there was not enough "
            "evidence to go further.",
            "Home Office outcome type 15; shown beside outcome 16.",
        ),
        _outcome(
            16,
            "A suspect was identified, but the victim did not support, or withdrew support for, "
            "further action, and without that support there was not enough evidence to go further.",
            "Home Office outcome type 16; the numerator of the outcome 16 share.",
        ),
        Term(
            "outcomes-assigned",
            "Outcomes assigned",
            "The domestic abuse-related crimes that the police closed with an outcome of any type "
            "in the year; crimes still waiting for an outcome are not counted.",
            "Total outcomes assigned in the financial year, excluding outcome 0 ('not yet "
            "assigned'); an outcome assigned in a year may belong to a crime recorded in an earlier one.",
        ),
        Term(
            "rate",
            "Rate (share of outcomes assigned)",
            "Out of every 100 outcomes assigned, how many were of a given type, shown as a "
            "percentage.",
            "Crimes closed with the outcome divided by outcomes assigned in the same force and "
            "financial year (the community resolution rate, the outcome 16 share, the charge rate).",
        ),
        Term(
            "national-rate",
            "National rate (England and Wales)",
            "The rate for all forces together, counting only the forces with data in that year.",
            "Pooled rate: the sum of the numerators over the sum of the denominators of the forces "
            "with data; a force left out is left out of both.",
        ),
        Term(
            "percentage-points",
            "Percentage points",
            "The difference between two percentages: going from 2% to 3% is a rise of one "
            "percentage point (and of 50 per cent).",
        ),
        Term(
            "interval",
            "95% interval",
            "The range of rates consistent with the count, allowing for ordinary chance variation: "
            "a small count gives a wide range, a large count a narrow one.",
            "Wilson score interval of the rate. The counts are complete records, not samples, so the "
            "interval describes how much a rate could move by chance alone if practice stayed the same.",
        ),
        Term(
            "funnel-plot",
            "Funnel plot",
            "A chart of each force's rate against its number of outcomes, with limits around the "
            "national rate that narrow as forces get bigger; a force outside them stands out.",
            f"Limits at 95% and {level} (exact binomial, Spiegelhalter 2005), widened for "
            "overdispersion.",
        ),
        Term(
            "overdispersion",
            "Overdispersion",
            "Forces differ among themselves more than chance alone would make them (recording, "
            "population, local policy), so the funnel limits are widened by that normal variation.",
            "Estimated as a between-force variance (tau2, DerSimonian-Laird on the arcsine scale, "
            "after winsorising) and added to the limits.",
        ),
        Term(
            "different-from-national",
            "Different from the national rate",
            "The force's rate is higher or lower than the national rate by more than chance "
            "variation in its own count explains.",
            "The 95% interval of the force's rate excludes the national rate of the same year "
            "(verdict 'above', 'below' or 'not different').",
        ),
        Term(
            "extreme",
            "Extreme allowing for the normal variation between forces",
            "The force stands out even after allowing for how much forces usually differ from one "
            "another.",
            f"The rate lies outside the {level} funnel limits widened for overdispersion, the exact "
            "tail probability agrees and the count is at least 10. 'Within' means not extreme; it "
            "does not mean 'not different from the national rate'.",
        ),
        Term(
            "guidance-threshold",
            "Above the guidance threshold",
            'The force uses community resolutions for domestic abuse more than the "rare" '
            "benchmark allows, beyond reasonable doubt.",
            "A one-sided exact binomial test of the force's rate against the threshold rejects at 5% "
            "after Holm's correction across the forces with data; it is not widened for variation "
            "between forces, because the threshold is a fixed ceiling, not the national average. "
            "Community resolutions only.",
        ),
        Term(
            "rare-threshold",
            f'The "rare" threshold ({rare})',
            "National guidance treats community resolutions as not, or only rarely, appropriate "
            f'for domestic abuse but gives no number, so this collection reads "rare" as {rare} '
            "of outcomes assigned; it can be changed.",
            f"{rare} is the level the national police lead for community resolutions described as "
            f"current practice in July 2014 (reported as '{threshold['value']}%' of domestic abuse "
            f"cases by {threshold['publisher']} on {threshold['date']}; published figure "
            f"{THRESHOLD_FIGURE} in data/raw/published). It is a press report of a statement, not "
            "a figure from the guidance.",
            f"{threshold['publisher']}, {threshold['date']} (figure {THRESHOLD_FIGURE})",
            threshold["url"],
        ),
        Term(
            "funnel-limits",
            f"Adjusted {level} limits",
            f"The band around the national rate inside which a force's rate would fall {level} "
            "of the time if it differed only by chance and by the normal variation between forces; "
            "a force outside it is extreme.",
            "Exact binomial funnel limits widened for overdispersion (see funnel plot).",
        ),
        Term(
            "exact-test",
            "One-sided exact test",
            "A check, from the force's own counts, of whether its rate is above the threshold by "
            "more than chance could explain.",
            "The exact binomial probability of at least the observed count if the true rate were "
            "at the threshold.",
        ),
        Term(
            "holm",
            "Holm-corrected across forces",
            "Tested with an allowance for checking 43 forces at once, so that no force stands out "
            "by luck alone.",
            "Holm's step-down correction of the p-values across the forces with data, keeping the "
            "chance of any false finding at 5%.",
        ),
        Term(
            "phi-tau2",
            "phi and tau2",
            "Two measures of how much forces differ among themselves beyond chance: phi of 1 and "
            "tau2 of 0 would mean no more than chance.",
            "phi: the mean squared (winsorised) z-score; tau2: the between-force variance on the "
            "arcsine scale (see overdispersion).",
        ),
        Term(
            "joinpoint",
            "Joinpoint and recent segment",
            "The year at which a line through the yearly rates is allowed to bend once; the recent "
            "segment is the part after it, used to tell a trend that continues from one that has "
            "levelled off.",
            "A single-joinpoint logistic fit; 'levelled off' when the recent segment's slope is not "
            "clearly different from zero.",
        ),
        Term(
            "rank",
            "Rank",
            "Where the force stands among the forces with data, 1 being the highest rate.",
            "Ties share the lower rank; forces without data are not ranked.",
        ),
        Term(
            "recent-change",
            "Change against the previous year and three years earlier",
            "Whether the rate rose or fell compared with one year and three years before, in "
            "percentage points.",
            "Difference of two proportions with a 95% Newcombe interval: 'rising' or 'falling' "
            "when the interval excludes 0, else 'no clear change'.",
        ),
        Term(
            "trend",
            "Long-run trend and its shape",
            "Whether the rate has been rising or falling over all the years, and whether that has "
            "levelled off or reversed lately.",
            "Quasi-binomial logistic trend on the year; its shape from a fit with one change point "
            "('continuing', 'levelled off', 'reversed', 'recent rise', 'recent fall').",
        ),
        Term(
            "movement",
            "Toward or away from the benchmark",
            "Whether a force's long-run trend moves toward the guidance (fewer community "
            "resolutions) or toward evidence-led practice (fewer outcome 16 closures, more charges).",
            "The direction of the long-run trend after Holm's correction across forces. No guidance "
            "sets a level for outcome 16 or for charging.",
        ),
        Term(
            "evidence-led-prosecution",
            "Evidence-led prosecution",
            "Prosecuting a domestic abuse case on evidence other than the victim's account (for "
            "example 999 recordings, body-worn video, photographs or witnesses), so that a case can "
            "go ahead when the victim cannot or does not support it.",
            "Police outcomes cannot show which charged cases went ahead without the victim's "
            "support; the collection's indicator, charges / (charges + outcome 16 closures), is a "
            "pointer, not a count of evidence-led prosecutions.",
            "HMCPSI/HMICFRS joint inspection of evidence-led domestic abuse prosecutions, January "
            "2020 (paraphrased in data/raw/published/guidance.csv, G12)",
            "https://www.justiceinspectorates.gov.uk/hmcpsi/joint-inspection-evidence-led-domestic-abuse-prosecutions/",
        ),
        Term(
            "no-data",
            "No data",
            "The force's count for the year was left out by the publisher, not supplied or "
            "suppressed: it has no rate and no verdict, and it is never counted as zero.",
            "The force-year is left out of the numerator and the denominator of the national "
            "figure, which says how many forces it leaves out.",
        ),
        Term(
            "synthetic-sample",
            "Synthetic sample",
            "Made-up numbers in the layout of the official files, so that everything runs without "
            "the official data: no number made from them is a finding.",
            "Seeded random draws (data/sample, helpers.data.sample) calibrated to a few published "
            "national totals; force sizes, differences and trends are random. Every table, figure, "
            "page and file made from them says so.",
        ),
    )


def term(key: str) -> Term:
    """One term by its key (KeyError naming the known keys)."""
    found = {t.key: t for t in terms()}
    if key not in found:
        raise KeyError(f"no glossary term {key!r}; known: {sorted(found)}")
    return found[key]


def write_glossary(path: Path | None = None) -> Path:
    """Write the glossary page (default ``reports/glossary.html``) from
    ``templates/glossary.html``: one entry per term, with its plain and precise sentence and its
    source. Self-contained (inline style, no scripts); links go only to cited sources. Returns
    the path."""
    path = path or config.reports_dir() / "glossary.html"
    return pages.render("glossary.html", path, terms=terms())
