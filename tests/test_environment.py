"""environment.yml (conda) and the pip requirements must list the same packages and versions."""

from __future__ import annotations

import re

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
