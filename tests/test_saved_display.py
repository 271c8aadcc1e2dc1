"""A notebook shows a saved figure as the PNG it saved (no second drawing), and redraws a figure
changed after saving."""

from __future__ import annotations

import base64

import nbformat
import pytest
from nbclient import NotebookClient

CELLS = [
    "import matplotlib.pyplot as plt, pandas as pd\n"
    "from helpers import figures\n"
    "from helpers.figures import saving\n"
    "figures.set_theme()\n"
    "assert saving.show_saved_figures()",
    "fig, ax = plt.subplots()\n"
    "ax.plot([1, 2], [1, 3])\n"
    "figures.save_figure(fig, 'shown', pd.DataFrame({'x': [1]}), 'sample', 'nb', 's', directory=OUT)\n"
    "fig",
    "ax.set_title('changed after saving')\nfig",
]


@pytest.mark.slow
def test_saved_figure_is_shown_as_saved_and_a_changed_one_is_redrawn(tmp_path):
    node = nbformat.v4.new_notebook()
    node.cells = [nbformat.v4.new_code_cell(f"OUT = {str(tmp_path)!r}")] + [
        nbformat.v4.new_code_cell(c) for c in CELLS
    ]
    NotebookClient(node, timeout=300, kernel_name="python3").execute()
    saved = (tmp_path / "shown.png").read_bytes()

    def images(cell):
        return [o for o in cell.outputs if "image/png" in o.get("data", {})]

    (shown,) = images(node.cells[2])[-1:]
    assert base64.b64decode(shown["data"]["image/png"]) == saved
    assert shown["metadata"]["image/png"]["width"] > 0
    (redrawn,) = images(node.cells[3])[-1:]
    assert base64.b64decode(redrawn["data"]["image/png"]) != saved  # drawn again with the title
