"""The notebooks read as reports, and every page states the same verdicts as the notebooks.

* 02, 03 and 04: at most 150 lines of code and no code cell over 20 lines (blank lines not
  counted), so that the argument is carried by prose and the logic by the tested helpers.
* The committed outputs of notebooks 02 and 03 (their verdict tables) and of notebook 04 (its
  sentences) state, for every force and measure, the verdicts the force pages state.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from helpers.core import config
from helpers.reference import forces
from helpers.report import profiles

LIMITS = {"total": 150, "cell": 20}
REPORTS = ["02_forces_vs_acpo_guidance", "03_evidence_led_prosecution", "04_force_profile"]


def notebook(name: str) -> dict:
    return json.loads((config.NOTEBOOKS_DIR / f"{name}.ipynb").read_text())


def code_lines(name: str) -> list[int]:
    """Non-blank lines of each code cell."""
    cells = [c for c in notebook(name)["cells"] if c["cell_type"] == "code"]
    return [sum(1 for line in "".join(c["source"]).splitlines() if line.strip()) for c in cells]


@pytest.mark.parametrize("name", REPORTS)
def test_notebook_is_short_code_between_prose(name):
    lines = code_lines(name)
    assert sum(lines) <= LIMITS["total"], f"{name}: {sum(lines)} code lines"
    assert max(lines) <= LIMITS["cell"], f"{name}: a code cell of {max(lines)} lines"
    cells = notebook(name)["cells"]
    assert sum(c["cell_type"] == "markdown" for c in cells) >= 5, "prose in markdown cells"


def test_the_size_check_can_fail(tmp_path, monkeypatch):
    long_cell = {"cell_type": "code", "source": "\n".join(f"x{i} = {i}" for i in range(21))}
    path = tmp_path / "99_long.ipynb"
    path.write_text(json.dumps({"cells": [long_cell]}))
    monkeypatch.setattr(config, "NOTEBOOKS_DIR", tmp_path)
    assert max(code_lines("99_long")) == 21 > LIMITS["cell"]


class _Tables(HTMLParser):
    """Rows of every <table> in an HTML fragment, as lists of cell texts."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table_of(text: str) -> list[dict[str, str]]:
    parser = _Tables()
    parser.feed(text)
    header, *body = parser.rows
    return [dict(zip(header, row[-len(header) :], strict=True)) for row in body]


def output_of(name: str, source: str, mime: str) -> str:
    """The committed output of the code cell whose source is ``source``."""
    for cell in notebook(name)["cells"]:
        if cell["cell_type"] == "code" and "".join(cell["source"]).strip() == source:
            for output in cell["outputs"]:
                if mime in output.get("data", {}):
                    return "".join(output["data"][mime])
    raise AssertionError(f"{name}: no {mime} output of {source!r}")


@pytest.fixture(scope="module")
def pages(sample_data, tmp_path_factory):
    """The 43 force pages rendered (without charts) into a temporary reports folder, from the
    session's processed sample data and measures (``conftest.sample_data``)."""
    root = tmp_path_factory.mktemp("site")
    da, measures = sample_data.fresh()
    with pytest.MonkeyPatch.context() as patch:
        sample_data.point_at(patch, root)
        profiles.render_all(
            sample_data.mode, workers=1, with_figures=False, da=da, measures=measures
        )
        directory = root / "reports" / "profiles"
        yield {
            code: (directory / profiles.page_name(code)).read_text()
            for code in forces.territorial_codes()
        }


def page_verdicts(page: str) -> dict[str, dict[str, str]]:
    """Measure label -> {verdict: value} from a force page's verdict table."""
    rows = {}
    for row in re.findall(r"<tr><td>(.*?)</td>(.*?)</tr>", page, flags=re.S):
        cells = dict(re.findall(r'<td data-verdict="(\w+)">(.*?)</td>', row[1]))
        if cells:
            rows[row[0]] = cells
    return rows


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "source", "label"),
    [
        ("02_forces_vs_acpo_guidance", "verdicts.verdict_table(cr)", "community resolution rate"),
        (
            "03_evidence_led_prosecution",
            "verdicts.verdict_table(o16)",
            "outcome 16 share (victim does not support action)",
        ),
    ],
)
def test_notebook_verdict_tables_match_every_force_page(pages, name, source, label):
    table = {row["force"]: row for row in table_of(output_of(name, source, "text/html"))}
    assert len(table) == 43
    names = forces.force_names()
    guidance_words = {
        "above the threshold": "above the 1.0% &#39;rare&#39; threshold",
        "not shown above": "not shown to be above",
    }
    for code, page in pages.items():
        row = table[names[code]]
        stated = page_verdicts(page)[label]
        extreme = next(v for k, v in row.items() if k.startswith("extreme"))
        assert (stated["vs_national"], stated["extreme"]) == (row["vs national"], extreme), code
        if "guidance" in row:
            assert guidance_words[row["guidance"]] in page, code


@pytest.mark.slow
def test_notebook_04_sentences_are_the_force_pages_sentences(pages):
    kent = output_of(
        "04_force_profile",
        'say("\\n".join(f"* {sentence}" for sentence in findings.profile_sentences(force)))',
        "text/markdown",
    )
    for sentence in re.findall(r"^\* (.*)$", kent, flags=re.M):
        assert sentence.replace("'", "&#39;") in pages["E23000032"], sentence
