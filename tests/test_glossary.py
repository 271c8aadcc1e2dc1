"""The glossary page: every term an analyst meets, consistent with docs/methods.md, readable
offline."""

from __future__ import annotations

import csv
import html
import re
from html.parser import HTMLParser

import pytest

from helpers.core import config
from helpers.report import glossary

#: the terms the page must define (issue 14, item 5), as they appear on the page
REQUIRED = [
    "Outcome 1",
    "Outcome 8",
    "Outcome 14",
    "Outcome 15",
    "Outcome 16",
    "Outcomes assigned",
    "Rate",
    "95% interval",
    "Funnel plot",
    "Overdispersion",
    "Different from the national rate",
    "Extreme allowing for the normal variation between forces",
    "Above the guidance threshold",
    'The "rare" threshold',
    "Evidence-led prosecution",
    "Synthetic sample",
]


class Page(HTMLParser):
    """Collects the defined terms (<dt>), the tags and attributes of a page."""

    def __init__(self):
        super().__init__()
        self.terms: list[str] = []
        self.tags: list[tuple[str, dict]] = []
        self._in_dt = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_dt = tag == "dt"
        if self._in_dt:
            self.terms.append("")

    def handle_endtag(self, tag):
        if tag == "dt":
            self._in_dt = False

    def handle_data(self, data):
        if self._in_dt:
            self.terms[-1] += data


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    path = glossary.write_glossary(tmp_path_factory.mktemp("glossary") / "glossary.html")
    parser = Page()
    text = path.read_text(encoding="utf-8")
    parser.feed(text)
    return text, parser


def test_every_required_term_is_defined(page):
    _, parser = page
    for term in REQUIRED:
        assert any(t.startswith(term) for t in parser.terms), f"{term!r} not defined"


def test_every_term_has_a_plain_sentence_on_the_page(page):
    text = html.unescape(page[0])
    for term in glossary.terms():
        assert term.plain.endswith(".")
        assert term.plain in text, term.key


def test_the_page_opens_offline(page):
    """No scripts, no external stylesheets, no external images or fonts: links to cited sources
    (<a href>) are the only external addresses."""
    text, parser = page
    for tag, attrs in parser.tags:
        assert tag not in ("script", "iframe", "object", "embed")
        if tag == "link":
            assert "stylesheet" not in attrs.get("rel", "")
        if tag in ("img", "source", "video", "audio"):
            assert not attrs.get("src", "").startswith(("http", "//"))
    assert "@import" not in text and not re.search(r"url\(\s*['\"]?(https?:)?//", text)


def methods_plain_sentences() -> dict[str, str]:
    """The plain sentence of each verdict in the verdict table of docs/methods.md."""
    found = {}
    for line in (config.DOCS_DIR / "methods.md").read_text().splitlines():
        match = re.match(r"\|\s*\*\*(.+?)\*\*[^|]*\|\s*([^|]+?)\s*\|", line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


@pytest.mark.parametrize(
    "key,verdict",
    [
        ("different-from-national", "Different from the national rate"),
        ("extreme", "Extreme allowing for the normal variation between forces"),
        ("guidance-threshold", "Above the guidance threshold"),
    ],
)
def test_verdicts_say_what_methods_says(key, verdict):
    methods = methods_plain_sentences()
    assert verdict in methods, f"docs/methods.md has no row for {verdict!r}"
    assert glossary.term(key).plain == methods[verdict]
    assert glossary.term(key).term == verdict


def test_outcome_types_follow_the_reference_table():
    with open(config.REFERENCE_DIR / "outcome_types.csv", newline="") as handle:
        labels = {row["outcome_type"]: row["label"] for row in csv.DictReader(handle)}
    for number in (1, 8, 14, 15, 16):
        entry = glossary.term(f"outcome-{number}")
        assert entry.term == f"Outcome {number}: {labels[str(number)].lower()}"
        assert "user guide" in entry.source
        assert entry.url.startswith("https://www.gov.uk/")


def test_the_rare_threshold_cites_the_press_report_of_the_police_lead():
    with open(config.PUBLISHED_DIR / "published_figures.csv", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["id"] == "ACPO14-share")
    entry = glossary.term("rare-threshold")
    assert entry.url == row["source_url"]
    assert "ACPO14-share" in entry.precise and "not a figure from the guidance" in entry.precise
    assert "1%" in entry.term


def test_an_unknown_term_is_a_key_error_naming_the_known_ones():
    with pytest.raises(KeyError, match="rare-threshold"):
        glossary.term("no such term")
