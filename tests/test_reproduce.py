"""make reproduce runs notebooks side by side without clobbering shared files, reuses what did not
change (and says why it re-runs what did), and starts kernels without the TCP warning.

Small notebooks written here stand in for the real ones (those are executed by nbval and by the
end-to-end test in test_reports.py): each kernel start costs seconds, the logic is the same.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from builders import tiny_notebook

from helpers.core import config
from helpers.data import sources
from helpers.report import profiles, reproduce, site

COMMON = {"processed": "p1", "code": "c1", "shipped": "s1", "environment": "e1", "mode": "m1"}


FIGURE = """
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
from helpers.figures import saving
fig, ax = plt.subplots()
ax.plot([1, 2], [{a}, {b}])
saving.save_figure(fig, "{name}", pd.DataFrame({{"x": [1, 2], "y": [{a}, {b}]}}), "sample", "{stem}", "1")
"""


@pytest.fixture
def notebooks(tmp_path):
    folder = tmp_path / "nb"
    folder.mkdir()
    first, second = folder / "10_first.ipynb", folder / "11_second.ipynb"
    tiny_notebook(first, FIGURE.format(a=1, b=2, name="10_fig", stem="10_first"))
    tiny_notebook(second, FIGURE.format(a=3, b=4, name="11_fig", stem="11_second"))
    return first, second


def run(notebooks, state, **options):
    return {
        step["stem"]: step
        for step in reproduce.run_notebooks(
            list(notebooks), {"DATA": "sample"}, COMMON, state, **options
        )
    }


def manifest_rows() -> dict[str, dict]:
    frame = pd.read_csv(config.figures_dir() / "MANIFEST.csv", dtype=str)
    return {row["figure"]: row for row in frame.to_dict("records")}


@pytest.mark.slow
def test_side_by_side_then_reused_then_only_the_changed_one(data_dirs, notebooks, capfd):
    first, second = notebooks
    reports = data_dirs["reports"]
    # a row of another notebook already in the manifest must survive the merge
    (reports / "figures").mkdir()
    (reports / "figures" / "MANIFEST.csv").write_text(
        "figure,notebook,section,data_csv,data_sha256,data_mode\n"
        "09_other,09_other,1,09_other.csv,abc,sample\n"
    )
    state: dict = {}
    steps = run(notebooks, state, jobs=2)
    assert {s["status"] for s in steps.values()} == {"executed"}
    assert steps["10_first"]["reason"] == "no previous run recorded"
    rows = manifest_rows()
    assert set(rows) == {"09_other", "10_fig", "11_fig"}  # both parallel writers kept
    assert rows["10_fig"]["notebook"] == "10_first" and rows["11_fig"]["notebook"] == "11_second"
    for name in ("10_fig", "11_fig"):
        for suffix in (".png", ".svg", ".csv"):
            assert (reports / "figures" / f"{name}{suffix}").exists()
    for stem in ("10_first", "11_second"):
        assert (reports / "notebooks" / f"{stem}.html").exists()
    assert not (reports / ".staging").exists()
    err = capfd.readouterr().err
    assert "without encryption" not in err and "Invalid Signature" not in err
    assert state["notebooks"]["10_first"]["figures"][0]["figure"] == "10_fig"

    steps = run(notebooks, state, jobs=2)
    assert {s["status"] for s in steps.values()} == {"reused"}
    assert "reused" in capfd.readouterr().out

    # the second notebook's source changes: it alone runs again, and says why
    tiny_notebook(second, FIGURE.format(a=3, b=5, name="11_fig", stem="11_second"))
    steps = run(notebooks, state, jobs=2)
    assert steps["10_first"]["status"] == "reused"
    assert (steps["11_second"]["status"], steps["11_second"]["reason"]) == (
        "executed",
        "the notebook changed",
    )
    assert manifest_rows()["11_fig"]["data_sha256"] != rows["11_fig"]["data_sha256"]

    # an output removed by hand: that notebook runs again
    (reports / "figures" / "10_fig.png").unlink()
    steps = run(notebooks, state, jobs=1)
    assert steps["10_first"]["status"] == "executed"
    assert steps["10_first"]["reason"].startswith("outputs missing")
    assert (reports / "figures" / "10_fig.png").exists()


@pytest.mark.slow
def test_a_failing_notebook_is_named_and_the_others_finish(data_dirs, notebooks, tmp_path):
    first, _ = notebooks
    broken = first.parent / "12_broken.ipynb"
    tiny_notebook(broken, "raise ValueError('deliberate failure 12')")
    state: dict = {}
    with pytest.raises(reproduce.NotebookFailed, match="(?s)12_broken: .*deliberate failure 12"):
        run([first, broken], state, jobs=2)
    assert "10_first" in state["notebooks"] and "12_broken" not in state["notebooks"]
    assert "10_fig" in manifest_rows()
    executed = json.loads((data_dirs["reports"] / "notebooks" / "12_broken.ipynb").read_text())
    assert "deliberate failure 12" in json.dumps(executed["cells"][-1]["outputs"])


@pytest.mark.slow
def test_a_notebook_that_writes_processed_data_writes_them_after_the_others(data_dirs, tmp_path):
    """Notebook 01 rewrites data/processed/ while others read it: it gets a private folder,
    moved into place once every notebook has finished."""
    writer = tmp_path / "20_writer.ipynb"
    tiny_notebook(
        writer,
        "from helpers.core import config\n"
        "# tidy.write_processed( is what marks a writer\n"
        "config.processed_dir().mkdir(parents=True, exist_ok=True)\n"
        "(config.processed_dir() / 'table.csv').write_text('new')\n"
        "print(config.processed_dir())",
    )
    (data_dirs["processed"] / "table.csv").write_text("old")
    assert reproduce.writes_processed(writer)
    run([writer], {}, jobs=1)
    assert (data_dirs["processed"] / "table.csv").read_text() == "new"
    executed = json.loads((data_dirs["reports"] / "notebooks" / "20_writer.ipynb").read_text())
    assert ".staging" in json.dumps(executed["cells"][-1]["outputs"])


def test_the_force_pages_are_reused_until_their_key_changes(data_dirs, monkeypatch):
    calls = []

    def fake_build_site(mode, notebooks, started, requested):
        calls.append("build")
        pages = data_dirs["reports"] / "profiles"
        pages.mkdir(exist_ok=True)
        (pages / "kent.html").write_text("page")
        return site.write_index(mode, notebooks, 0.0, requested)

    monkeypatch.setattr(site, "build_site", fake_build_site)
    monkeypatch.setattr(site, "_package_versions", lambda: [])
    mode = sources.resolve_mode("sample")
    state: dict = {}
    _, step = reproduce.site_stage(mode, [], 0.0, "sample", COMMON, state)
    assert (step["status"], calls) == ("executed", ["build"])
    assert state["site"]["outputs"] == ["kent.html"]
    index, step = reproduce.site_stage(mode, [], 0.0, "sample", COMMON, state)
    assert (step["status"], calls) == ("reused", ["build"])
    assert "SYNTHETIC SAMPLE" in index.read_text()  # the index is always written
    (data_dirs["reports"] / "profiles" / "kent.html").unlink()
    _, step = reproduce.site_stage(mode, [], 0.0, "sample", COMMON, state)
    assert step["reason"] == "outputs missing (kent.html)" and len(calls) == 2
    _, step = reproduce.site_stage(mode, [], 0.0, "sample", {**COMMON, "processed": "p2"}, state)
    assert step["reason"] == "the processed data changed" and len(calls) == 3
    _, step = reproduce.site_stage(mode, [], 0.0, "sample", COMMON, state, force=True)
    assert step["reason"] == "--force" and len(calls) == 4
    # only some forces' pages: rendered through profiles.render_all, and keyed apart
    monkeypatch.setattr(profiles, "render_all", lambda mode, codes: calls.append(codes))
    _, step = reproduce.site_stage(mode, [], 0.0, "sample", COMMON, state, codes=["E23000032"])
    assert step["reason"] == "other force pages were asked for" and calls[-1] == ["E23000032"]
    _, step = reproduce.site_stage(mode, [], 0.0, "sample", COMMON, state, codes=["E23000032"])
    assert step["status"] == "reused"


def test_reasons_name_every_changed_input():
    previous = {"parts": dict(COMMON)}
    assert reproduce.why_not_reused(previous, dict(COMMON), []) == ""
    assert reproduce.why_not_reused(None, dict(COMMON), []) == "no previous run recorded"
    changed = {**COMMON, "code": "c2", "environment": "e2"}
    assert reproduce.why_not_reused(previous, changed, []) == (
        "the helpers package changed, the installed packages changed"
    )
    assert reproduce.why_not_reused(previous, dict(COMMON), ["a", "b", "c"]) == (
        "outputs missing (a and 2 more)"
    )


def test_key_parts_follow_the_notebook_bytes_and_parameters(tmp_path):
    path = tmp_path / "30_x.ipynb"
    tiny_notebook(path, "1 + 1")
    one = reproduce.key_parts(COMMON, path, {"DATA": "sample"})
    assert reproduce.key_parts(COMMON, path, {"DATA": "sample"}) == one
    assert reproduce.key_parts(COMMON, path, {"DATA": "auto"})["parameters"] != one["parameters"]
    tiny_notebook(path, "1 + 2")
    assert reproduce.key_parts(COMMON, path, {"DATA": "sample"})["notebook"] != one["notebook"]


def test_tree_hash_follows_names_and_contents(tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "b.html").write_text("<p>")
    files = lambda: sorted(p for p in tmp_path.iterdir() if p.is_file())  # noqa: E731
    first = reproduce._hash_tree(files(), tmp_path)
    assert reproduce._hash_tree(files(), tmp_path) == first
    (tmp_path / "b.html").write_text("<p>!")
    second = reproduce._hash_tree(files(), tmp_path)
    (tmp_path / "b.html").rename(tmp_path / "c.html")
    (tmp_path / "c.html").write_text("<p>!")
    assert len({first, second, reproduce._hash_tree(files(), tmp_path)}) == 3


def test_code_and_shipped_fingerprints_cover_the_package_and_reference_data():
    assert len(reproduce.code_fingerprint()) == 64 == len(reproduce.shipped_fingerprint())
    assert (config.PROJECT_ROOT / "src" / "helpers" / "report" / "templates").is_dir()
    for name in reproduce.SHIPPED:
        assert (config.PROJECT_ROOT / name).exists(), name


@pytest.mark.slow
def test_tidy_stage_builds_once_then_reuses(shared_cache_dirs):
    data_dirs = shared_cache_dirs  # empty processed folder; the readers' cache may be warm
    mode = sources.resolve_mode("sample")
    fingerprint, status = reproduce.tidy_stage(mode)
    assert status == "built" and (data_dirs["processed"] / "mode.json").exists()
    assert reproduce.tidy_stage(mode) == (fingerprint, "reused")
    (data_dirs["processed"] / "coverage.parquet").unlink()
    assert reproduce.tidy_stage(mode) == (fingerprint, "built")
