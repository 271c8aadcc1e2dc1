"""A small build of the site on the synthetic sample, made once per test run and shared by
tests/test_site.py and tests/test_browser.py: the processed tables, the measures, two force pages
(Kent and Gwent), the national pages, the analysts' reports (from the committed notebooks 02 and
03, whose outputs are on the sample) and the index, all in a temporary folder."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from helpers.core import config

KENT, GWENT = "E23000032", "W15000002"
NOTEBOOKS = ("02_forces_vs_acpo_guidance", "03_evidence_led_prosecution")


@dataclass(frozen=True)
class SmallSite:
    reports: Path
    mode: object
    measures: dict
    da: object


@lru_cache(maxsize=1)
def build() -> SmallSite:
    """Build once (about a minute); the folder is removed when the test run ends."""
    from helpers.analysis import profile
    from helpers.data import sources, tidy
    from helpers.report import profiles, site

    root = Path(tempfile.mkdtemp(prefix="da-site-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    variables = {
        "DA_REPORTS_DIR": root / "reports",
        "DA_PROCESSED_DIR": root / "processed",
        "DA_CACHE_DIR": root / "cache",
    }
    saved = {name: os.environ.get(name) for name in variables}
    try:
        for name, path in variables.items():
            path.mkdir()
            os.environ[name] = str(path)
        (root / "reports" / "notebooks").mkdir()
        for stem in NOTEBOOKS:
            shutil.copyfile(
                config.NOTEBOOKS_DIR / f"{stem}.ipynb",
                root / "reports" / "notebooks" / f"{stem}.ipynb",
            )
        mode = sources.resolve_mode("sample")
        da = tidy.load_or_build(mode, quiet=True)["da_outcomes_by_force"]
        measures = profile.measure_all(da)
        profiles.render_all(mode, workers=1, codes=[KENT, GWENT], da=da, measures=measures)
        site.write_national_pages(mode, measures)
        site.write_analyst_reports()
        notebooks = [(stem, stem.replace("_", " ")) for stem in NOTEBOOKS]
        site.write_index(mode, notebooks, 1.0, "sample", measures)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return SmallSite(root / "reports", mode, measures, da)
