"""The package's imports point one way: report -> figures -> analysis -> data -> reference -> core.

Every ``helpers`` import in every module (top-level or inside a function) is read from the source
with ``ast``; a module may import from its own layer or a lower one only.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import helpers
from helpers.core import config

PACKAGE = config.PROJECT_ROOT / "src" / "helpers"


def layer_of(module: str) -> str | None:
    """'helpers.data.readers.common' -> 'data'; 'helpers' -> None."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "helpers" else None


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, imported helpers module) for every import in a file."""
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("helpers"):
            if node.module == "helpers":
                found += [(node.lineno, f"helpers.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("helpers")]
    return found


def violations(root: Path = PACKAGE) -> list[str]:
    """Every import that points up the layers, as 'file:line imports module'."""
    rank = {name: i for i, name in enumerate(helpers.LAYERS)}
    problems = []
    for path in sorted(root.rglob("*.py")):
        own = path.relative_to(root).parts[0]
        if own not in rank:
            continue
        for line, module in imports_of(path):
            target = layer_of(module)
            if target in rank and rank[target] > rank[own]:
                problems.append(f"{path.relative_to(root)}:{line} imports {module}")
    return problems


def test_every_module_sits_in_a_layer():
    stray = [p.name for p in PACKAGE.glob("*.py") if p.name not in {"__init__.py"}] + [
        p.name
        for p in PACKAGE.iterdir()
        if p.is_dir() and p.name not in helpers.LAYERS and p.name != "__pycache__"
    ]
    assert not stray, f"modules outside the layers: {stray}"


def test_imports_point_down_the_layers():
    assert violations() == []


def test_the_check_fails_on_an_upward_import(tmp_path):
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "bad.py").write_text("from helpers.report import formatting\n")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "ok.py").write_text("def f():\n    from helpers.reference import forces\n")
    assert violations(tmp_path) == ["core/bad.py:1 imports helpers.report"]


@pytest.mark.parametrize("module", ["helpers.data.readers.common", "helpers.report"])
def test_layer_of(module):
    assert layer_of(module) in helpers.LAYERS
