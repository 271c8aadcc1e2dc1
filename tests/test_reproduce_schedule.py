"""How ``make reproduce`` keeps both cores busy: a notebook that reads no processed data runs
while the tidy stage runs, and the site's pages run as one more task beside the notebooks.

Small notebooks stand in for the real ones (``test_reports.py`` runs the real collection end to
end); each kernel start costs seconds, the scheduling logic is the same.
"""

from __future__ import annotations

import time

import pytest
from builders import tiny_notebook

from helpers.report import reproduce

COMMON = {"processed": "p1", "code": "c1", "shipped": "s1", "environment": "e1", "mode": "m1"}


def test_which_notebooks_read_the_processed_data(tmp_path):
    plain, reader, other = (tmp_path / f"{n}.ipynb" for n in ("00_plain", "01_tidy", "02_proc"))
    tiny_notebook(plain, "print('sources only')")
    tiny_notebook(reader, "from helpers.data import tidy\ntidy.load_or_build")
    tiny_notebook(other, "path = 'data/processed/x.parquet'")
    assert not reproduce.reads_processed(plain)
    assert reproduce.reads_processed(reader) and reproduce.reads_processed(other)
    real = {p.stem: reproduce.reads_processed(p) for p in reproduce.numbered_notebooks()}
    assert real["00_start_here"] is False
    assert all(real[stem] for stem in real if stem != "00_start_here")


@pytest.mark.slow
def test_a_notebook_without_processed_data_runs_during_the_tidy_stage(data_dirs, tmp_path):
    marker = tmp_path / "ran.txt"
    early = tmp_path / "00_early.ipynb"
    tiny_notebook(early, f"import pathlib\npathlib.Path(r'{marker}').write_text('ran')")
    state: dict = {}
    steps, tasks = reproduce.plan_notebooks([early], {"DATA": "sample"}, COMMON, state)
    assert [t["needs_processed"] for t in tasks] == [False]
    seen = []

    def tidy_stage():
        # stands in for the tidy stage: it waits for the notebook, which can only have run if
        # it was started before this (one worker; a later start would time out here)
        deadline = time.monotonic() + 120
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        seen.append(marker.exists())

    results = reproduce.execute_tasks(reproduce._labelled(tasks, steps), jobs=1, prepare=tidy_stage)
    assert seen == [True]
    assert [r["error"] for _, r in results] == [None] and results[0][1]["cpu"] > 0
    assert reproduce.finish_notebooks(results, steps, state) == []
    assert steps["00_early"]["status"] == "executed"
    assert state["notebooks"]["00_early"]["cpu"] > 0


@pytest.mark.slow
def test_a_failing_site_task_is_reported_after_the_others(data_dirs, tmp_path):
    ok = tmp_path / "05_ok.ipynb"
    tiny_notebook(ok, "x = 1")
    state: dict = {}
    steps, tasks = reproduce.plan_notebooks([ok], {"DATA": "sample"}, COMMON, state)
    reproduce._labelled(tasks, steps)
    site_task = {
        "kind": "site",
        "site_part": "pages",
        "stem": reproduce.SITE_STEP,
        "label": "site pages",
        "reason": "test",
        "env": {},
        "requested": "no such mode",  # resolve_mode raises: the task reports the error
        "codes": None,
        "needs_processed": True,
        "order": 1.0,
    }
    results = reproduce.execute_tasks([*tasks, site_task], jobs=2)
    by_stem = {task["stem"]: result for task, result in results}
    assert by_stem["05_ok"]["error"] is None
    assert "no such mode" in by_stem[reproduce.SITE_STEP]["error"]
    assert reproduce.finish_notebooks(results, steps, state) == []  # the notebook is kept


def test_the_site_task_starts_after_the_longest_notebooks():
    tasks = [{"order": o} for o in (5.0, 37.5, 9.0, 24.5)]
    assert reproduce.site_order(tasks, jobs=2) == pytest.approx(24.5 - 1e-6)
    order = sorted([*(t["order"] for t in tasks), reproduce.site_order(tasks, 2)], reverse=True)
    assert order.index(reproduce.site_order(tasks, 2)) == 2  # after 03 and 02, before 04 and 01
    assert reproduce.site_order(tasks[:1], jobs=2) == pytest.approx(5.0 - 1e-6)
    assert reproduce.site_order([], jobs=2) == 0.0
