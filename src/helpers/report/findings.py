"""Findings in words: the sentences that pages and notebooks show, computed from the analysis
layer's result objects."""

from __future__ import annotations

import numpy as np

from helpers.analysis.profile import ForceProfile
from helpers.report.formatting import count, pct


def _position_text(position: str, label: str) -> str:
    return {
        "above": f"above the {label} limits: higher than chance and ordinary variation between forces explain",
        "below": f"below the {label} limits: lower than chance and ordinary variation between forces explain",
        "within": f"within the {label} limits: not distinguishable from the national rate",
        "no data": "no data",
    }[position]


def profile_sentences(profile: ForceProfile) -> list[str]:
    """Plain-language sentences for one force profile, every number from the profile."""
    cr, o16, charge = profile.rates.iloc[0], profile.rates.iloc[1], profile.rates.iloc[2]
    sentences = [
        f"In {profile.year}, {profile.force_name} closed {count(cr['count'])} domestic abuse-related crimes with a community resolution: {pct(cr['force_rate'], 2)} of its {count(cr['denominator'])} outcomes assigned "
        f"(95% interval {pct(cr['ci_lower'], 2)} to {pct(cr['ci_upper'], 2)}), against {pct(cr['national_rate'], 2)} nationally. That puts it {_position_text(cr['position'], '99.8%')}, "
        f"ranked {cr['rank_highest_first']} from the highest.",
        f"{pct(o16['force_rate'])} of its outcomes were closures because the victim did not support action (outcome 16; national {pct(o16['national_rate'])}), "
        f"{_position_text(o16['position'], '99.8%')}. Its charge rate was {pct(charge['force_rate'])} (national {pct(charge['national_rate'])}).",
    ]
    for row in profile.trends.itertuples(index=False):
        if np.isfinite(row.pp_change_per_year):
            sentences.append(
                f"Over {row.years} years its {row.measure} changed by {row.pp_change_per_year:+.2f} percentage points a year "
                f"(95% interval {row.pp_change_lower:+.2f} to {row.pp_change_upper:+.2f}): {row.direction}, {row.relative_to_guidance}."
            )
    if profile.excluded_years:
        sentences.append(
            f"The publisher left {profile.force_name} out of the table for {', '.join(profile.excluded_years)}; those years are missing from its trends."
        )
    return sentences
