"""A small build of the site on the synthetic sample, made once per test session (the
``small_site`` fixture of tests/conftest.py) and shared by tests/test_site.py and
tests/test_browser.py: two force pages (Kent and Gwent), the national pages, the analysts'
reports (from the committed notebooks 02 and 03, whose outputs are on the sample) and the index,
in a temporary folder, from the session's processed tables and measures (``sample_data``)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers.core import config

KENT, GWENT = "E23000032", "W15000002"
NOTEBOOKS = ("02_forces_vs_acpo_guidance", "03_evidence_led_prosecution")


@dataclass(frozen=True)
class SmallSite:
    reports: Path
    mode: object
    measures: dict
    da: object


def build(sample, root: Path) -> SmallSite:
    """Build the small site under ``root`` from ``sample`` (a ``conftest.SampleData``)."""
    from helpers.report import profiles, site

    da, measures = sample.fresh()
    with pytest.MonkeyPatch.context() as patch:
        sample.point_at(patch, root)
        (root / "reports" / "notebooks").mkdir()
        for stem in NOTEBOOKS:
            shutil.copyfile(
                config.NOTEBOOKS_DIR / f"{stem}.ipynb",
                root / "reports" / "notebooks" / f"{stem}.ipynb",
            )
        mode = sample.mode
        profiles.render_all(mode, workers=1, codes=[KENT, GWENT], da=da, measures=measures)
        site.write_national_pages(mode, measures)
        site.write_analyst_reports()
        notebooks = [(stem, stem.replace("_", " ")) for stem in NOTEBOOKS]
        site.write_index(mode, notebooks, 1.0, "sample", measures)
    return SmallSite(root / "reports", mode, measures, da)
