"""Notebooks 01-03 in official mode, on sample files placed where official files would be, run as
`make reproduce` runs them: the tidy stage first, then the notebooks side by side."""

from __future__ import annotations

import json
import shutil

import pytest

from helpers.core import config
from helpers.data import sources
from helpers.report import reproduce

NAMES = ("01_clean_outcome_data", "02_forces_vs_acpo_guidance", "03_evidence_led_prosecution")


@pytest.mark.slow
def test_notebooks_run_in_official_mode(shared_cache_dirs):
    data_dirs = shared_cache_dirs
    for source in sources.required_sources():
        shutil.copytree(config.SAMPLE_DIR / source, data_dirs["raw"] / source)
    mode = sources.resolve_mode("official")
    assert mode.name == "official"
    fingerprint, status = reproduce.tidy_stage(mode)
    assert status == "built"
    steps = reproduce.run_notebooks(
        [config.NOTEBOOKS_DIR / f"{name}.ipynb" for name in NAMES],
        {"DATA": "official"},
        {"processed": fingerprint, "mode": mode.banner()},
        {},
    )
    assert [s["status"] for s in steps] == ["executed"] * 3
    for name in NAMES:
        cells = json.loads((data_dirs["reports"] / "notebooks" / f"{name}.ipynb").read_text())
        text = json.dumps([c.get("outputs", []) for c in cells["cells"]])
        assert "DATA MODE: official files" in text, name
        assert "SYNTHETIC SAMPLE.** The sentences" not in text, name
    assert json.loads((data_dirs["processed"] / "mode.json").read_text())["data_mode"] == "official"
    manifest = (data_dirs["reports"] / "figures" / "MANIFEST.csv").read_text()
    assert ",official\n" in manifest and ",sample\n" not in manifest
