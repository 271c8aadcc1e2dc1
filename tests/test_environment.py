"""environment.yml (conda) and the pip requirements must list the same packages and versions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers.core import config


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pip_pins(path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[canonical(name)] = version
    return pins


def conda_pins() -> dict[str, str]:
    pins = {}
    for line in (config.PROJECT_ROOT / "environment.yml").read_text().splitlines():
        match = re.fullmatch(r"\s+- ([A-Za-z0-9_.\-]+)=([^=\s]+)\s*", line)
        if match and match.group(1) != "python":
            pins[canonical(match.group(1))] = match.group(2)
    return pins


def test_environment_yml_and_requirements_agree():
    requirements = pip_pins(config.PROJECT_ROOT / "requirements.txt")
    conda = conda_pins()
    assert set(conda) == set(requirements), (
        f"only in environment.yml: {set(conda) - set(requirements)}; only in requirements.txt: {set(requirements) - set(conda)}"
    )
    assert conda == requirements


def test_lock_pins_every_requirement_at_the_same_version():
    lock = pip_pins(config.PROJECT_ROOT / "requirements-lock.txt")
    for name, version in pip_pins(config.PROJECT_ROOT / "requirements.txt").items():
        assert lock.get(name) == version, name


def test_environment_yml_installs_the_project_with_pip():
    text = (config.PROJECT_ROOT / "environment.yml").read_text()
    assert "conda-forge" in text and "- -e ." in text


def test_issue_dependencies_are_all_listed():
    wanted = {
        "jupyterlab",
        "pandas",
        "seaborn",
        "scipy",
        "nbval",
        "pooch",
        "pandera",
        "papermill",
        "python-calamine",
        "openpyxl",
        "odfpy",
        "pyarrow",
        "statsmodels",
        "tqdm",
        "ipykernel",
        "ipywidgets",
        "pytest",
        "hypothesis",
        "ruff",
    }
    assert wanted <= set(pip_pins(config.PROJECT_ROOT / "requirements.txt"))


def test_the_installed_packages_are_the_locks_versions():
    """`make setup` (uv, or pip where uv cannot be had) installs requirements-lock.txt exactly:
    every pinned package is installed at its pinned version. Checked in the project's own .venv
    (a conda environment solves its own transitive versions)."""
    import sys
    from importlib import metadata

    if Path(sys.prefix).resolve() != (config.PROJECT_ROOT / ".venv").resolve():
        pytest.skip(f"not the project's .venv ({sys.prefix}): `make setup` did not install it")
    installed = {
        canonical(dist.metadata["Name"]): dist.version for dist in metadata.distributions()
    }
    lock = pip_pins(config.PROJECT_ROOT / "requirements-lock.txt")
    wrong = {
        name: (version, installed.get(name, "missing"))
        for name, version in lock.items()
        if installed.get(name) != version
    }
    assert wrong == {}, f"(pinned, installed) differ from requirements-lock.txt: {wrong}"
