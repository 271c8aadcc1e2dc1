"""``tidy.read_all`` on a warm cache (issue 15, item 3): cache hits are read in this process, only
the files to parse go to worker processes, and the distinct rows behind the edition check and
the lens matches are the ones ``drop_duplicates`` gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from builders import ons_row, open_data_row, write_ons, write_open_data

from helpers.core.datamode import DataMode
from helpers.data import tidy
from helpers.reference import outcomes


@pytest.mark.parametrize("seed", range(6))
def test_distinct_rows_is_drop_duplicates(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 400))
    choices = ["a", "b", None, "c"]
    frame = pd.DataFrame(
        {
            "x": pd.Series(rng.choice(choices, n), dtype="str"),
            "y": pd.Series(rng.choice(choices[:2], n), dtype="str"),
            "n": pd.array(rng.choice([1, 2, None], n), dtype="Int64"),
            "other": rng.integers(0, 100, n),
        },
        index=rng.permutation(n) + 10,
    )
    frame = frame.iloc[np.sort(rng.integers(0, max(n, 1), n))] if n else frame  # runs of repeats
    for columns in (["x"], ["x", "y"], ["x", "y", "n"]):
        expected = frame[columns].drop_duplicates()
        pd.testing.assert_frame_equal(tidy._distinct_rows(frame, columns), expected)


@pytest.mark.parametrize("n", [0, 1])
def test_distinct_rows_of_an_empty_or_one_row_frame(n):
    frame = pd.DataFrame({"x": pd.Series(["a"] * n, dtype="str"), "y": [1] * n})
    pd.testing.assert_frame_equal(tidy._distinct_rows(frame, ["x"]), frame[["x"]])


def official(data_dirs) -> DataMode:
    return DataMode("official", "official", data_dirs["raw"], "test folder")


@pytest.fixture
def two_years(data_dirs):
    """Two open-data years (one with an exactly repeated row: a warning) and an ONS table."""
    ho = data_dirs["raw"] / "ho_outcomes_open_data"
    ho.mkdir()
    for year in (2021, 2022):
        label = f"{year - 1}/{year % 100:02d}"
        rows = [
            open_data_row(year=label, force=force, code=code, subgroup=subgroup, outcome=t)
            for force in ("Kent", "Essex")
            for code, subgroup in (("8L", "Stalking and harassment"), ("105A", "Other"))
            for t in (1, 8, 16)
        ]
        if year == 2022:
            rows.append(rows[0])
        write_open_data(
            ho / f"prc-outcomes-open-data-mar{year}-tables-TEST.xlsx",
            rows,
            sheet=f"Outcomes open data {label.replace('/', '_')}",
        )
    ons = data_dirs["raw"] / "ons_da_outcomes"
    ons.mkdir()
    write_ons(ons / "da.xlsx", {"Table 1": [ons_row()]}, years={"Table 1": 2022})
    return official(data_dirs)


class NoPool:
    def __init__(self, *args, **kwargs):
        raise AssertionError("a worker process was started for files with a cache entry")


def test_warm_read_uses_no_worker_process_and_equals_the_cold_read(two_years, monkeypatch):
    with pytest.warns(UserWarning, match=r"exactly repeat"):
        cold = tidy.read_all(two_years, workers=2)
    monkeypatch.setattr(tidy, "ProcessPoolExecutor", NoPool)
    with pytest.warns(UserWarning, match=r"exactly repeat.*\(from the cache\)"):
        warm = tidy.read_all(two_years, workers=2)
    pd.testing.assert_frame_equal(cold.open_data, warm.open_data)
    pd.testing.assert_frame_equal(cold.ons, warm.ons)
    pd.testing.assert_frame_equal(cold.log, warm.log)
    pd.testing.assert_frame_equal(cold.lens_matches, warm.lens_matches)
    pd.testing.assert_frame_equal(
        warm.lens_matches, outcomes.lens_matches(tidy.plain_text(warm.open_data))
    )
    assert set(warm.lens_matches["offence_code"]) >= {"8L"}


def test_only_files_without_a_cache_entry_are_parsed(two_years, monkeypatch):
    with pytest.warns(UserWarning):
        tidy.read_all(two_years, workers=1)
    changed = next(two_years.root.glob("ho_outcomes_open_data/*mar2021*"))
    write_open_data(changed, [open_data_row(year="2020/21", recorded=9)], sheet="Data 2020_21")
    parsed = []
    real_read_one = tidy._read_one

    def recording(task):
        parsed.append(task[1])
        return real_read_one(task)

    monkeypatch.setattr(tidy, "_read_one", recording)
    with pytest.warns(UserWarning, match=r"from the cache"):
        result = tidy.read_all(two_years, workers=1)
    assert parsed == [str(changed)]
    assert result.open_data.query("financial_year == '2020/21'")["outcomes_recorded"].tolist() == [
        9
    ]


def test_no_cache_parses_every_file(two_years, monkeypatch):
    parsed = []
    real_read_one = tidy._read_one
    monkeypatch.setattr(tidy, "_read_one", lambda task: parsed.append(task) or real_read_one(task))
    with pytest.warns(UserWarning):
        tidy.read_all(two_years, workers=1)
    with pytest.warns(UserWarning):
        tidy.read_all(two_years, use_cache=False, workers=1)
    assert len(parsed) == 6 and all(not use_cache for _, _, use_cache in parsed[3:])


def test_open_data_holds_the_readers_rows_with_text_as_categories(two_years):
    """Cold and warm, ``read_all`` hands over the rows the reader gives for each file, in file
    order, its text columns as categoricals with sorted categories."""
    files = sorted(two_years.root.glob("ho_outcomes_open_data/*.xlsx"))
    with pytest.warns(UserWarning):
        expected = pd.concat(
            [tidy.sources.SOURCES["ho_outcomes_open_data"].read(f, False) for f in files],
            ignore_index=True,
        )
    for _ in ("cold", "warm"):
        with pytest.warns(UserWarning):
            result = tidy.read_all(two_years, workers=1)
        pd.testing.assert_frame_equal(tidy.plain_text(result.open_data), expected)
        text = [n for n, d in expected.dtypes.items() if str(d) == "str"]
        assert len(text) == 8
        for name in text:
            categories = result.open_data[name].cat.categories
            assert list(categories) == sorted(expected[name].dropna().unique())
