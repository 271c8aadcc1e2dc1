"""Findings in words for a force profile: the sentences the profile pages and notebook 04 show,
built from the verdicts worded once in ``helpers.report.verdicts``."""

from __future__ import annotations

from helpers.analysis.profile import ForceProfile
from helpers.report import verdicts


def excluded_sentence(profile: ForceProfile) -> str:
    """Which years the force has no data and why ('' when it has data every year)."""
    gaps = profile.excluded_years
    if gaps.empty:
        return ""
    years = verdicts.names(gaps["financial_year"].tolist())
    noun = "year" if len(gaps) == 1 else "years"
    return (
        f"{profile.force_name} has no data for {years} (left out or not supplied); that {noun} "
        f"{'is' if len(gaps) == 1 else 'are'} left out of its trends and of the national figures."
    )


def small_numbers_notes(profile: ForceProfile, minimum: int | None = None) -> list[str]:
    """The force's small-numbers notes, one per measure whose rate rests on fewer than
    ``minimum`` events (default: each result's ``robustness.minimum_events``, 10 unless set;
    ``verdicts.small_numbers_note``); [] when every rate rests on enough events."""
    notes = (
        verdicts.small_numbers_note(result, profile.force_code, minimum)
        for result in profile.measures.values()
    )
    return [note for note in notes if note]


def profile_sentences(profile: ForceProfile) -> list[str]:
    """Plain-language sentences for one force profile, every number from its measure results:
    per measure its verdicts and, when its rate rests on small numbers, the note saying so
    (``verdicts.small_numbers_note``)."""
    sentences = [profile.year_note] if profile.year_note else []
    for result in profile.measures.values():
        sentences += verdicts.force_sentences(result, profile.force_code)
        note = verdicts.small_numbers_note(result, profile.force_code)
        sentences += [note] if note else []
    gap = excluded_sentence(profile)
    return [*sentences, gap] if gap else sentences
