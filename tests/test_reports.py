"""make reproduce / make verify / make profiles, and the pages they write."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from helpers.core import config, datamode
from helpers.data import fetch, sources
from helpers.figures import manifest
from helpers.report import profiles, reproduce


def row(figure, sha, mode="sample"):
    return {
        "figure": figure,
        "notebook": "nb",
        "section": "s",
        "data_csv": f"{figure}.csv",
        "data_sha256": sha,
        "data_mode": mode,
    }


def test_compare_names_changed_new_and_missing_figures():
    committed = {"a": row("a", "1" * 64), "b": row("b", "2" * 64)}
    assert manifest.compare(dict(committed), committed) == []
    fresh = {"a": row("a", "3" * 64), "c": row("c", "4" * 64)}
    problems = manifest.compare(fresh, committed)
    assert problems[0].startswith("a: numbers differ")
    assert problems[1] == "b: missing from this run"
    assert problems[2] == "c: new figure (not in the committed manifest)"


def test_auto_falls_back_to_sample_when_offline(data_dirs, monkeypatch, capsys):
    monkeypatch.setattr(
        fetch,
        "requests_transport",
        lambda url, start=0: (_ for _ in ()).throw(fetch.NetworkUnavailable("offline")),
    )
    mode = reproduce.resolve_data("auto")
    assert mode.name == "sample"
    assert "falling back to the synthetic sample" in capsys.readouterr().out
    with pytest.raises(datamode.OfficialDataMissing, match="Two ways forward"):
        reproduce.resolve_data("official")


@pytest.mark.slow
def test_reproduce_end_to_end_then_verify(shared_cache_dirs):
    data_dirs = shared_cache_dirs
    index = reproduce.reproduce("sample", fetch_first=False)
    text = index.read_text()
    assert "SYNTHETIC SAMPLE - not real data" in text and text.count("DATA MODE") == 2
    for notebook in reproduce.numbered_notebooks():
        page = (data_dirs["reports"] / "notebooks" / f"{notebook.stem}.html").read_text()
        assert f"notebooks/{notebook.stem}.html" in text
        assert not re.search(r"<script[^>]+src=.https?:", page), f"{notebook.stem}: a CDN script"
        assert 'href="../index.html"' in page
    site = data_dirs["reports"]
    assert (site / "da-police-outcomes.xlsx").exists() and (site / "glossary.html").exists()
    assert len(list((site / "briefings").glob("*.pdf"))) == 44
    assert len(list((site / "profiles").glob("*.html"))) == 44  # 43 forces and the index
    fresh = pd.read_csv(data_dirs["reports"] / "figures" / "MANIFEST.csv")
    for figure in fresh["figure"]:
        assert (data_dirs["reports"] / "figures" / f"{figure}.png").exists()
        assert f"figures/{figure}.png" in text
    assert (
        str(config.PROJECT_ROOT) not in text and str(data_dirs["reports"]) not in text
    )  # relative links only
    assert (
        manifest.verify(against=config.PROJECT_ROOT / "reports" / "figures" / "MANIFEST.csv") == []
    )  # unchanged tree: passes
    # change one processed number, rerun notebook 02: verify names the figures it feeds
    processed = data_dirs["processed"] / "da_outcomes_by_force.parquet"
    table = pd.read_parquet(processed)
    latest = table["financial_year"].max()
    first = table.index[(table["financial_year"] == latest) & ~table["excluded"]][0]
    table.loc[first, "community_resolution"] += 5
    table.loc[first, "other"] -= 5
    table.to_parquet(processed, index=False)
    reproduce.execute(
        config.NOTEBOOKS_DIR / "02_forces_vs_acpo_guidance.ipynb",
        data_dirs["reports"] / "rerun02.ipynb",
        {"DATA": "sample"},
    )
    problems = manifest.verify(against=config.PROJECT_ROOT / "reports" / "figures" / "MANIFEST.csv")
    named = {p.split(":")[0] for p in problems}
    assert {"02_cr_funnel_national", "02_cr_force_map"} <= named
    assert "03_o16_funnel" not in named


@pytest.mark.slow
def test_profile_pages_index_and_links(shared_cache_dirs):
    data_dirs = shared_cache_dirs
    mode = sources.resolve_mode("sample")
    index = profiles.render_all(mode, workers=1, codes=["W15000002", "E23000032"]).read_text()
    assert (data_dirs["processed"] / "mode.json").exists()  # the tidy stage ran on its own
    page = (data_dirs["reports"] / "profiles" / "gwent.html").read_text()
    assert "Gwent" in page and "SYNTHETIC SAMPLE" in page
    # three interactive charts, each with its figure as JSON in the page and the library beside it
    assert page.count('class="chart"') == 3 and page.count('type="application/json"') == 3
    assert (
        '<script src="../plotly.min.js">' in page
        and (data_dirs["reports"] / "plotly.min.js").exists()
    )
    assert 'href="../briefings/gwent.pdf"' in page
    assert 'rel="prev"' in page and 'rel="next"' in page and 'href="index.html"' in page
    assert 'href="../community-resolutions.html#force=gwent"' in page  # the national pages
    assert 'href="../evidence-led-prosecution.html#force=gwent"' in page
    assert "&#39;Segoe UI&#39;" not in page  # the stylesheet is not escaped
    for figure in ("trends", "outcome_mix", "funnel_community_resolution"):
        csv = data_dirs["reports"] / "profiles" / "figures" / "gwent" / f"{figure}.csv"
        drawn = pd.read_csv(csv)
        assert len(drawn) and set(drawn["data_mode"]) == {"SYNTHETIC SAMPLE - not real data"}
    assert index.count("<tr>") == 44  # header + 43 forces
    assert 'href="kent.html"' in index and 'href="london-city-of.html"' in index
