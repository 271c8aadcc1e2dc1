"""Notebooks 01-03 in official mode, on sample files placed where official files would be."""

from __future__ import annotations

import json
import shutil

import pytest

from helpers.core import config
from helpers.data import sources


@pytest.mark.slow
def test_notebooks_run_in_official_mode(data_dirs, tmp_path):
    import papermill

    for source in sources.required_sources():
        shutil.copytree(config.SAMPLE_DIR / source, data_dirs["raw"] / source)
    assert sources.resolve_mode("official").name == "official"
    for name in (
        "01_clean_outcome_data",
        "02_forces_vs_acpo_guidance",
        "03_evidence_led_prosecution",
    ):
        papermill.execute_notebook(
            str(config.NOTEBOOKS_DIR / f"{name}.ipynb"),
            str(tmp_path / f"{name}.ipynb"),
            parameters={"DATA": "official"},
            kernel_name="python3",
            progress_bar=False,
            cwd=str(config.NOTEBOOKS_DIR),
        )
        cells = json.loads((tmp_path / f"{name}.ipynb").read_text())["cells"]
        text = json.dumps([c.get("outputs", []) for c in cells])
        assert "DATA MODE: official files" in text
        assert "SYNTHETIC SAMPLE.** The sentences" not in text
    assert json.loads((data_dirs["processed"] / "mode.json").read_text())["data_mode"] == "official"
    manifest = (data_dirs["reports"] / "figures" / "MANIFEST.csv").read_text()
    assert ",official\n" in manifest and ",sample\n" not in manifest
