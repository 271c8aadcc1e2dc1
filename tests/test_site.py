"""The site's pages as files: the index (43 forces by name), the interactive national pages (their
precomputed figures and verdicts against the analysis engine), the analysts' code-free reports,
and nothing loaded from a network. The browser checks are in tests/test_browser.py."""

from __future__ import annotations

import html
import json
import re

import nbformat
import pytest

from helpers.analysis import statistics
from helpers.core.datamode import SYNTHETIC_BANNER
from helpers.figures import interactive
from helpers.reference import forces
from helpers.report import pages, site

#: an element that would load something from a network (a link to read is fine)
REMOTE_LOAD = re.compile(
    r"<(script|img|link|iframe|source)\b[^>]*\b(src|href)=[\"']?(https?:)?//", re.I
)


def page_data(path) -> dict:
    text = path.read_text()
    found = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', text, re.S)
    return json.loads(found.group(1))


def test_json_for_a_page_refuses_nan_and_cannot_close_its_script_element():
    assert interactive.to_json({"a": "</script><b>"}) == '{"a":"<\\/script><b>"}'
    with pytest.raises(ValueError):
        interactive.to_json({"rate": float("nan")})


def test_analyst_notebook_drops_developer_text_and_keeps_the_data_mode():
    v4 = nbformat.v4
    notebook = v4.new_notebook(
        cells=[
            v4.new_markdown_cell(
                "2. **A threshold**, the parameter `RARE_THRESHOLD` (default 1%)."
            ),
            v4.new_code_cell(
                "x = 1",
                outputs=[
                    v4.new_output(
                        "stream",
                        name="stdout",
                        text="DATA MODE: SYNTHETIC SAMPLE - not real data.\n",
                    ),
                    v4.new_output(
                        "execute_result",
                        data={
                            "text/plain": "saved 02_x (.png, .svg) with 02_x.csv (sha256 62dab771...; sample)"
                        },
                        execution_count=1,
                    ),
                    v4.new_output("display_data", data={"text/markdown": "A finding sentence."}),
                ],
            ),
        ]
    )
    cleaned = site.analyst_notebook(notebook)
    outputs = cleaned.cells[1].outputs
    assert [o.output_type for o in outputs] == ["display_data", "display_data"]
    assert outputs[0].data["text/html"] == (
        '<div class="banner synthetic">DATA MODE: SYNTHETIC SAMPLE - not real data.</div>'
    )
    assert "RARE_THRESHOLD" not in cleaned.cells[0].source
    assert "a setting of this report (default 1%)" in cleaned.cells[0].source
    assert len(notebook.cells[1].outputs) == 3  # the original is not changed


def test_the_threshold_grid_runs_from_half_a_percent_to_three_with_the_default():
    assert site.THRESHOLD_GRID[0] == 0.005 and site.THRESHOLD_GRID[-1] == 0.03
    assert 0.01 in site.THRESHOLD_GRID


def test_stylesheet_wraps_table_text_and_is_not_escaped(tmp_path):
    assert "overflow-wrap:anywhere" in pages.STYLE
    text = pages.render(
        "national.html", tmp_path / "p.html", data="{}", keys=[], forces=[]
    ).read_text()
    assert "'Segoe UI'" in text and "&#39;" not in text.split("</style>")[0]


@pytest.mark.slow
def test_index_names_and_links_all_43_forces_and_the_national_pages(small_site):
    built = small_site
    text = (built.reports / "index.html").read_text()
    names = forces.force_names()
    for code in forces.territorial_codes():
        link = f'<a href="profiles/{forces.slug(code)}.html">{html.escape(names[code])}</a>'
        assert link in text, code
    linked = set(re.findall(r'<a href="profiles/([a-z0-9-]+)\.html">', text)) - {"index"}
    assert linked == {forces.slug(code) for code in forces.territorial_codes()}
    assert text.count("<h3>England (39 forces)</h3>") == 1 and "<h3>Wales (4 forces)</h3>" in text
    for target in (
        "community-resolutions.html",
        "evidence-led-prosecution.html",
        "community-resolutions-report.html",
        "evidence-led-prosecution-report.html",
        "da-police-outcomes.xlsx",
        "briefings/",
        "glossary.html",
        "notebooks/02_forces_vs_acpo_guidance.html",
    ):
        assert f'href="{target}"' in text, target
    assert text.count("DATA MODE") == 2 and SYNTHETIC_BANNER in text
    assert str(built.reports) not in text  # relative links only
    # the front door comes first: forces before the reviewers' material
    assert text.index('id="forces"') < text.index('id="reviewers"')


@pytest.mark.slow
def test_no_page_loads_anything_from_a_network(small_site):
    built = small_site
    checked = [
        built.reports / name
        for name in (
            "index.html",
            "community-resolutions.html",
            "evidence-led-prosecution.html",
            "community-resolutions-report.html",
            "evidence-led-prosecution-report.html",
        )
    ] + [built.reports / "profiles" / "kent.html"]
    for path in checked:
        text = path.read_text()
        assert not REMOTE_LOAD.search(text), (path.name, REMOTE_LOAD.search(text))
    national = (built.reports / "community-resolutions.html").read_text()
    assert '<script src="plotly.min.js"></script>' in national
    assert (built.reports / "plotly.min.js").stat().st_size > 1_000_000


@pytest.mark.slow
def test_each_year_is_compared_as_the_engine_compares_the_latest_year(small_site):
    built = small_site
    for result in built.measures.values():
        comparisons = interactive.comparisons_by_year(result)
        assert list(comparisons) == sorted(set(result.rates["financial_year"]))
        points = interactive.year_positions(comparisons[result.year], result.level)
        engine = result.verdicts.set_index("force_code").loc[points["force_code"]]
        assert points["vs_national"].tolist() == engine["vs_national"].tolist()
        assert points["extreme"].tolist() == engine["extreme"].tolist()
        assert comparisons[result.year].target == pytest.approx(result.national_rate)


@pytest.mark.slow
def test_threshold_slider_grid_at_the_default_gives_the_guidance_verdict(small_site):
    built = small_site
    result = built.measures["community_resolution"]
    grid = site.threshold_verdicts(result, result.year)
    at_default = next(g for g in grid if g["threshold"] == 0.01)
    assert set(at_default["names"]) == set(result.forces_with("guidance", "above the threshold"))
    counts = [len(g["names"]) for g in grid]
    assert counts == sorted(counts, reverse=True)  # a higher threshold is never passed by more
    latest = result.rates[result.rates["financial_year"] == result.year]
    highest = next(g for g in grid if g["threshold"] == 0.03)
    test = statistics.threshold_test(latest["successes"], latest["trials"], 0.03)
    assert len(highest["names"]) == int(test["above_threshold"].sum())


@pytest.mark.slow
def test_national_figures_are_valid_plotly_marked_synthetic_and_worded(small_site):
    import plotly.graph_objects as go

    built = small_site
    data = page_data(built.reports / "community-resolutions.html")
    result = built.measures["community_resolution"]
    payload = data["measures"]["community_resolution"]
    assert set(payload["funnel"]) == set(result.rates["financial_year"])
    for year, figure in payload["funnel"].items():
        go.Figure(figure)  # raises on any property Plotly does not know
        assert SYNTHETIC_BANNER in figure["layout"]["title"]["text"]
        assert figure["layout"]["xaxis"]["title"]["text"] == (
            "domestic abuse-related crimes with an outcome (force size, log scale)"
        )
        assert figure["data"][-1]["name"] == "chosen force"
        points = next(t for t in figure["data"] if t.get("name") == "forces")
        with_data = result.rates[result.rates["financial_year"] == year]
        assert sorted(points["customdata"]) == sorted(with_data["force_code"])
    kent = next(t for t in payload["byforce"][result.year]["data"] if t.get("name") == "forces")
    text = kent["hovertext"][kent["customdata"].index("E23000032")]
    row = result.verdict("E23000032")
    assert text.startswith(f"<b>Kent</b>, {result.year}")
    assert f"{100 * row['rate']:.2f}%" in text and "95% interval" in text
    assert f"{row['successes']:,.0f} of {row['trials']:,.0f} outcomes assigned" in text
    go.Figure(payload["trend"])
    assert SYNTHETIC_BANNER in payload["byforce"][result.year]["layout"]["title"]["text"]
    other = page_data(built.reports / "evidence-led-prosecution.html")
    assert set(other["measures"]) == {"outcome16", "charge"}


@pytest.mark.slow
def test_analyst_reports_have_no_code_and_no_developer_text(small_site):
    built = small_site
    for short in ("community-resolutions-report", "evidence-led-prosecution-report"):
        text = (built.reports / f"{short}.html").read_text()
        assert "hl-ipython3" not in text  # no highlighted code cell
        assert "sha256" not in text and "RARE_THRESHOLD" not in text
        assert "DATA MODE" in text and '<a href="index.html">Home</a>' in text
        assert "<script src=" not in text
        assert "overflow-wrap:break-word" in text and "text-align:left !important" in text
    full = (built.reports / "community-resolutions-report.html").read_text()
    assert "Each force against the national rate" in full  # the report's own words are kept


def test_a_notebook_page_with_its_code_loads_nothing_from_a_network():
    v4 = nbformat.v4
    notebook = v4.new_notebook(
        cells=[v4.new_markdown_cell("# Title"), v4.new_code_cell("total = 1 + 1")]
    )
    with_code = site.notebook_html(notebook, [{"href": "x.html", "text": "elsewhere"}])
    assert "hl-ipython3" in with_code and '<a href="x.html">elsewhere</a>' in with_code
    assert not REMOTE_LOAD.search(with_code)
    assert "hl-ipython3" not in site.notebook_html(notebook, exclude_input=True)
