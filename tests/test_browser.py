"""The site in a real browser: headless Chromium (Debian's ``chromium``) driven by Playwright for
Python opens the index, a force page and the community resolution page from disk, as an analyst
would, and checks that they render with no console error, that no request leaves the machine, that
the charts are drawn, and that choosing a force, a year or a threshold changes what is shown.

Skipped, saying why, when Playwright or Chromium is missing or cannot start, unless
``DA_REQUIRE_BROWSER=1`` is set (``.ci/run`` sets it when Chromium is installed): then a browser
that cannot run fails the test instead, so that a green CI run means the browser test ran.
"""

from __future__ import annotations

import contextlib
import os

import pytest
from small_site import KENT

from helpers.analysis import statistics
from helpers.report import screenshots

pytestmark = pytest.mark.slow


#: set to 1 (``.ci/run`` does when Chromium is installed) to fail, not skip, without a browser
REQUIRE = "DA_REQUIRE_BROWSER"


def browser_required() -> bool:
    return os.environ.get(REQUIRE, "").strip().lower() in {"1", "true", "yes"}


@contextlib.contextmanager
def open_browser():
    """``screenshots.browser()``; when it cannot run, a failure if ``DA_REQUIRE_BROWSER`` is set
    and otherwise a skip, each saying why."""
    try:
        with screenshots.browser() as browser:
            yield browser
    except screenshots.BrowserUnavailable as error:
        if browser_required():
            pytest.fail(f"{REQUIRE} is set but the browser cannot run: {error}", pytrace=False)
        pytest.skip(f"browser test skipped ({REQUIRE} is not set): {error}")


@pytest.fixture(scope="module")
def chromium():
    with open_browser() as browser:
        yield browser


@pytest.mark.parametrize(
    ("required", "outcome"), [("1", pytest.fail.Exception), ("", pytest.skip.Exception)]
)
def test_a_browser_that_cannot_run_fails_when_required_and_skips_otherwise(
    monkeypatch, required, outcome
):
    @contextlib.contextmanager
    def unavailable():
        raise screenshots.BrowserUnavailable("Chromium is not installed")
        yield

    monkeypatch.setattr(screenshots, "browser", unavailable)
    monkeypatch.setenv(REQUIRE, required)
    with pytest.raises(outcome, match="Chromium is not installed") as raised:
        with open_browser():
            pass
    assert (REQUIRE in str(raised.value)) and ("is set" in str(raised.value)) == bool(required)


class Visit:
    """A page opened from disk, recording console errors, page errors and every request."""

    def __init__(self, browser, path):
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.page.on(
            "console",
            lambda message: self.errors.append(message.text) if message.type == "error" else None,
        )
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")

    def check_clean(self):
        assert self.errors == []
        # every request is a file of the site on disk (data: URLs are made by the page itself)
        outside = [url for url in self.requests if not url.startswith(("file://", "data:"))]
        assert outside == []


def test_index_lists_the_forces_and_the_search_filters_them(chromium, small_site):
    site = small_site
    visit = Visit(chromium, site.reports / "index.html")
    page = visit.page
    rows = page.locator("table.forces tbody tr")
    assert rows.count() == 43
    assert page.locator("#force-count").inner_text() == "43 forces"
    page.fill("#force-search", "york")
    visible = [r.inner_text().split("\t")[0] for r in rows.all() if r.is_visible()]
    assert visible == ["North Yorkshire", "South Yorkshire", "West Yorkshire"]
    assert page.locator("#force-count").inner_text() == "3 forces"
    page.fill("#force-search", "")
    assert page.locator("#force-count").inner_text() == "43 forces"
    visit.check_clean()


def test_force_page_renders_with_its_charts(chromium, small_site):
    site = small_site
    visit = Visit(chromium, site.reports / "profiles" / "kent.html")
    page = visit.page
    assert page.locator("h1").inner_text() == "Kent"
    page.wait_for_selector("#chart-funnel-community-resolution .main-svg")
    for chart in ("trends", "outcome-mix", "funnel-community-resolution"):  # every chart drawn
        assert page.locator(f"#chart-{chart} .main-svg").count() >= 1
    ringed = highlighted(page, "chart-funnel-community-resolution")  # Kent's point is ringed
    assert len(ringed["x"]) == 1 and ringed["drawn"] == 1 and "Kent" in ringed["text"][0]
    assert page.locator('a[href="../community-resolutions.html#force=kent"]').count() == 1
    visit.check_clean()


def highlighted(page, chart: str) -> dict:
    """The highlight trace (the last) of a chart as Plotly holds it, and how many points the
    chart's SVG draws in it."""
    return page.evaluate(
        """id => { const div = document.getElementById(id); const last = div.data[div.data.length - 1];
        const group = Array.from(div.querySelectorAll('.scatterlayer .trace'))
            .find(g => g.__data__ && g.__data__[0].trace.index === div.data.length - 1);
        const drawn = group ? group.querySelectorAll('.points path').length : 0;
        return {x: last.x, y: last.y, text: last.hovertext, drawn: drawn}; }""",
        chart,
    )


def test_community_resolution_page_responds_to_force_year_and_threshold(chromium, small_site):
    site = small_site
    result = site.measures["community_resolution"]
    visit = Visit(chromium, site.reports / "community-resolutions.html")
    page = visit.page
    page.wait_for_selector("#chart-community_resolution-funnel .main-svg")
    for kind in ("funnel", "byforce", "trend"):
        assert page.locator(f"#chart-community_resolution-{kind} .main-svg").count() >= 1
    funnel = "chart-community_resolution-funnel"
    # forces drawn on the funnel plot: one point per force with data in the latest year
    latest = result.rates[result.rates["financial_year"] == result.year]
    assert page.evaluate(
        "id => document.getElementById(id).data.find(t => t.name === 'forces').x.length", funnel
    ) == len(latest)
    assert highlighted(page, funnel)["drawn"] == 0

    # choosing a force rings it in every chart, at its own numbers
    page.select_option("#force-select", KENT)
    kent = result.verdict(KENT)
    ring = highlighted(page, funnel)
    assert ring["drawn"] == 1
    assert ring["x"] == [kent["trials"]] and ring["y"][0] == pytest.approx(kent["rate"], abs=1e-6)
    assert highlighted(page, "chart-community_resolution-byforce")["drawn"] == 1
    trend = highlighted(page, "chart-community_resolution-trend")
    assert len(trend["x"]) == (result.rates["force_code"] == KENT).sum()
    assert page.locator("#force-link").get_attribute("href") == "profiles/kent.html"
    assert page.locator("#table-community_resolution tr.chosen").count() == 1

    # hovering over the ringed force shows its name, rate, interval and counts
    page.locator(f"#{funnel}").scroll_into_view_if_needed()
    x, y = page.evaluate(
        """id => { const div = document.getElementById(id);
        const group = Array.from(div.querySelectorAll('.scatterlayer .trace'))
            .find(g => g.__data__ && g.__data__[0].trace.index === div.data.length - 1);
        const box = group.querySelector('.points path').getBoundingClientRect();
        return [box.x + box.width / 2, box.y + box.height / 2]; }""",
        funnel,
    )
    page.mouse.move(x - 20, y - 20)
    page.mouse.move(x, y, steps=5)
    # on the way the pointer passes other forces: wait (up to 10 s) for the label to follow it
    page.wait_for_function(
        """id => { const label = document.querySelector(`#${id} .hoverlayer .hovertext`);
        return label !== null && label.textContent.includes('Kent'); }""",
        arg=funnel,
        timeout=10_000,
    )
    hover = page.locator(f"#{funnel} .hoverlayer .hovertext").first.text_content()
    assert "Kent" in hover and f"{100 * kent['rate']:.2f}%" in hover and "95% interval" in hover
    assert f"{kent['successes']:,.0f} of {kent['trials']:,.0f} outcomes assigned" in hover

    # the threshold slider: at the default, the guidance verdict's forces; at 3%, fewer
    count = page.locator("#threshold-count")
    above = result.forces_with("guidance", "above the threshold")
    assert count.inner_text() == (
        f"In {result.year}, {len(above)} of the {len(latest)} forces with data were above the 1.0% threshold."
    )
    page.eval_on_selector(
        "#threshold-slider",
        "el => { el.value = el.max; el.dispatchEvent(new Event('input')); }",
    )
    tested = statistics.threshold_test(latest["successes"], latest["trials"], 0.03)
    assert count.inner_text().startswith(
        f"In {result.year}, {int(tested['above_threshold'].sum())} of the {len(latest)}"
    )
    assert "3.0%" in page.locator("#threshold-value").inner_text()
    line = page.evaluate(
        "() => document.getElementById('chart-community_resolution-byforce').layout.shapes"
        ".find(s => s.name === 'threshold').x0"
    )
    assert line == pytest.approx(0.03)

    # another year: the charts and the summary change, the chosen force stays ringed
    year = sorted(set(result.rates["financial_year"]))[0]
    page.select_option("#year-select", year)
    rows = result.rates[(result.rates["financial_year"] == year)]
    assert page.evaluate(
        "id => document.getElementById(id).data.find(t => t.name === 'forces').x.length", funnel
    ) == len(rows)
    assert page.locator("#summary-community_resolution").inner_text().startswith(f"In {year},")
    kent_then = rows.set_index("force_code").loc[KENT]
    assert highlighted(page, funnel)["x"] == [kent_then["trials"]]
    assert year in page.evaluate("id => document.getElementById(id).layout.title.text", funnel)
    visit.check_clean()


def test_a_force_named_in_the_address_is_chosen(chromium, small_site):
    site = small_site
    page = chromium.new_page()
    page.goto((site.reports / "evidence-led-prosecution.html").as_uri() + "#force=kent")
    page.wait_for_selector("#chart-outcome16-funnel .main-svg")
    assert page.locator("#force-select").input_value() == KENT
    assert highlighted(page, "chart-charge-funnel")["drawn"] == 1
