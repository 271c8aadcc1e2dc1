"""HTML pages of the site: one stylesheet and Jinja2 templates (``report/templates/``), rendered
with autoescaping so that no text from a data file can break a page."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

TEMPLATES = Path(__file__).parent / "templates"

STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
.banner{padding:.8em 1em;border-radius:6px;font-weight:600;margin:1em 0}
.synthetic{background:#FFF1D6;border:2px solid #E69F00}
.official{background:#E3F0FA;border:2px solid #0072B2}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top;overflow-wrap:anywhere}
code{font-size:.85em}.figs{display:flex;flex-wrap:wrap;gap:12px}.fig{width:340px;font-size:.8em;margin:0}.fig img{width:100%;border:1px solid #ddd}
.crumbs{font-size:.9em}.note{background:#F2F2F2;padding:.5em 1em;border-left:4px solid #0072B2}.caveat{font-size:.9em;color:#444}
@media print{.crumbs{display:none}body{margin:0;max-width:none}}
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
    text = environment().get_template(template).render(style=STYLE, **context)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
