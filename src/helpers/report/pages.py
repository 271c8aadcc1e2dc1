"""HTML pages of the site: one stylesheet and Jinja2 templates (``report/templates/``), rendered
with autoescaping so that no text from a data file can break a page."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

TEMPLATES = Path(__file__).parent / "templates"

STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI','DejaVu Sans',Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
.banner{padding:.8em 1em;border-radius:6px;font-weight:600;margin:1em 0}
.synthetic{background:#FFF1D6;border:2px solid #E69F00}
.official{background:#E3F0FA;border:2px solid #0072B2}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top;overflow-wrap:anywhere}
code{font-size:.85em}.figs{display:flex;flex-wrap:wrap;gap:12px}.fig{width:340px;font-size:.8em;margin:0}.fig img{width:100%;border:1px solid #ddd}.fig.wide{width:100%;font-size:.9em}
.crumbs{font-size:.9em}.note{background:#F2F2F2;padding:.5em 1em;border-left:4px solid #0072B2}.caveat{font-size:.9em;color:#444}
h2{margin-top:1.6em}.lede{font-size:1.05em}
.controls{position:sticky;top:0;z-index:10;background:#fff;border-bottom:1px solid #ccc;padding:.6em 0;display:flex;flex-wrap:wrap;gap:.6em 1.4em;align-items:center}
.controls select{font-size:1em;padding:.15em}.status{font-size:.9em;color:#444}
.chart{min-height:300px;margin:1em 0 .3em}.how{font-size:.9em;background:#F2F2F2;padding:.5em 1em;border-left:4px solid #0072B2;margin:0 0 1.5em}
.threshold{border:1px solid #ccc;border-radius:6px;padding:.5em 1em;margin:1em 0}.threshold input[type=range]{width:min(320px,60vw);vertical-align:middle}
.names{font-size:.9em}.vs{color:#555;font-size:.9em}tr.chosen td{background:#FFF1D6;font-weight:600}
table.forces{width:100%}table.forces td:first-child{width:22%}.quick{background:#E3F0FA;padding:.6em 1em;border-radius:6px}input[type=search]{font-size:1em;padding:.2em .4em;width:min(300px,70vw)}
.cards li{margin:.3em 0}details{margin:.5em 0}summary{cursor:pointer;font-weight:600}
@media print{.crumbs,.controls{display:none}body{margin:0;max-width:none}}
"""


@lru_cache(maxsize=1)
def environment():
    """The Jinja2 environment over ``report/templates/`` (autoescaped)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, path: Path, **context) -> Path:
    """Render ``template`` with ``context`` (plus the stylesheet) to ``path``; returns it."""
    from markupsafe import Markup

    # the stylesheet is ours, not data: marked safe so that autoescaping leaves its quotes alone
    text = environment().get_template(template).render(style=Markup(STYLE), **context)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
