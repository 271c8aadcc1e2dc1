"""The HTML pages made from executed notebooks, kept apart from ``helpers.report.site`` so that a
process exporting a notebook imports only nbconvert and this (no pandas, no analysis layer):

* ``notebook_html``: an executed notebook as one page in JupyterLab's look that loads nothing
  from a network (``reports/notebooks/<stem>.html``, for reviewers, with its code);
* ``analyst_notebook`` and ``write_analyst_report``: notebooks 02 and 03 without their code or
  developer text, for analysts (``reports/<short name>.html``, ``ANALYST_REPORTS``).

``helpers.report.site`` re-exports these names.
"""

from __future__ import annotations

import copy
import html
import re
from pathlib import Path

from helpers.core import config, datamode
from helpers.report import pages

#: the notebooks published for analysts without their code: stem -> (page name, title)
ANALYST_REPORTS = {
    "02_forces_vs_acpo_guidance": (
        "community-resolutions-report",
        "Community resolutions against the guidance: the full report",
    ),
    "03_evidence_led_prosecution": (
        "evidence-led-prosecution-report",
        "Evidence-led prosecution and outcome 16: the full report",
    ),
}

#: developer text that is not published on the analysts' pages: output text matching any of these
#: is dropped, and markdown is rewritten (pattern -> replacement)
DEVELOPER_OUTPUT = re.compile(
    r"(^saved .*sha256|sha256 [0-9a-f]{6,}|Change `[A-Z_]+`|widget)", re.M
)
MARKDOWN_REWRITES = (
    (re.compile(r"the parameter `[A-Z_]+` \("), "a setting of this report ("),
    (re.compile(r"\s*Change `[A-Z_]+`[^.]*\."), ""),
)


def _banner_output(text: str):
    """The data-mode line a notebook prints, as the site's banner (an HTML output)."""
    import nbformat

    kind = "synthetic" if datamode.SYNTHETIC_BANNER in text else "official"
    return nbformat.v4.new_output(
        "display_data",
        data={
            "text/html": f'<div class="banner {kind}">{html.escape(text)}</div>',
            "text/plain": text,
        },
    )


def analyst_notebook(notebook):
    """A copy of an executed notebook node (``nbformat``) for analysts: code cells keep only their
    outputs, the printed data-mode line becomes the site's banner, outputs that are developer text (``DEVELOPER_OUTPUT``: saved-file checksums, widget
    hints) are dropped, and markdown is rewritten by ``MARKDOWN_REWRITES``."""
    notebook = copy.deepcopy(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for pattern, replacement in MARKDOWN_REWRITES:
                cell.source = pattern.sub(replacement, cell.source)
            continue
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("text", "").startswith(
                "DATA MODE"
            ):
                kept.append(_banner_output(output["text"].strip()))
                continue
            data = output.get("data", {})
            text = output.get("text", "") if output.get("output_type") == "stream" else ""
            plain_only = set(data) <= {"text/plain"}
            text += data.get("text/plain", "") if plain_only else ""
            text += data.get("text/markdown", "")
            if output.get("output_type") == "error" or (text and DEVELOPER_OUTPUT.search(text)):
                continue
            if "application/vnd.jupyter.widget-view+json" in data:
                continue
            kept.append(output)
        cell.outputs = kept
    return notebook


def notebook_html(
    notebook, links: list[dict] | None = None, exclude_input: bool = False, home: str = "index.html"
) -> str:
    """An executed notebook node as one HTML page in JupyterLab's look that loads nothing from a
    network (no require.js, MathJax, Mermaid or widget manager: the template
    ``report/templates/analyst_notebook``), with the site's navigation: Home and ``links``
    ([{'href', 'text'}], relative to the page; ``home``: the index page relative to the page).
    ``exclude_input`` hides the code cells."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="analyst_notebook", extra_template_basedirs=[str(pages.TEMPLATES)]
    )
    exporter.exclude_input = exclude_input
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    resources = {"site_links": links or [], "site_home": home}
    body, _ = exporter.from_notebook_node(notebook, resources=resources)
    return body


def write_analyst_report(stem: str, notebook) -> Path:
    """``reports/<short name>.html`` for the executed notebook node ``notebook`` (``nbformat``)
    of ``stem``, a key of ``ANALYST_REPORTS``: no code, no prompts, no developer text
    (``analyst_notebook``), no script from a network, with the site's navigation. Raises
    KeyError for a stem without an analysts' page. Returns the page path."""
    short, _ = ANALYST_REPORTS[stem]
    links = [
        {"href": f"{short.removesuffix('-report')}.html", "text": "interactive charts"},
        {"href": f"notebooks/{stem}.html", "text": "the same report with its code"},
    ]
    target = config.reports_dir() / f"{short}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    html = notebook_html(analyst_notebook(notebook), links, exclude_input=True)
    target.write_text(html, encoding="utf-8")
    return target


def write_analyst_reports(notebooks_dir: Path | None = None) -> list[Path]:
    """``write_analyst_report`` for each notebook of ``ANALYST_REPORTS`` executed into
    ``notebooks_dir`` (default ``reports/notebooks/``; skipped when it is not there). Returns
    the pages written. (``make reproduce`` writes each page as its notebook finishes.)"""
    import nbformat

    source = notebooks_dir or config.reports_dir() / "notebooks"
    written = []
    for stem in ANALYST_REPORTS:
        path = source / f"{stem}.ipynb"
        if path.exists():
            written.append(write_analyst_report(stem, nbformat.read(str(path), as_version=4)))
    return written
