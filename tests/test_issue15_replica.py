"""The benchmark's yearly replicas (issue 15, item 3): a year written from another year's
workbook (``benchmarks/bench_readers.derive_replica``) is the workbook openpyxl writes for that
year (``build_replica``), so the 12-year benchmark reads the official layout the reader is
tested on, without 90 minutes of openpyxl."""

from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from helpers.data import readers

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_readers.py"


@pytest.fixture(scope="module")
def bench_readers():
    spec = importlib.util.spec_from_file_location("bench_readers_under_test", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_derived_year_is_what_openpyxl_writes(bench_readers, tmp_path, data_dirs):
    built_2016 = tmp_path / "built-2016.xlsx"
    base_2015 = tmp_path / "built-2015.xlsx"
    derived_2016 = tmp_path / "derived-2016.xlsx"
    bench_readers.build_replica(base_2015, 2015, n_forces=2, n_codes=3)
    bench_readers.build_replica(built_2016, 2016, n_forces=2, n_codes=3)
    bench_readers.derive_replica(base_2015, 2015, derived_2016, 2016)
    with zipfile.ZipFile(built_2016) as built, zipfile.ZipFile(derived_2016) as derived:
        assert built.namelist() == derived.namelist()
        for name in built.namelist():
            if name != "docProps/core.xml":  # holds the time the workbook was made
                assert built.read(name) == derived.read(name), name
            assert built.getinfo(name).compress_type == derived.getinfo(name).compress_type
        assert b"2015/16" in derived.read("xl/worksheets/sheet4.xml")
        assert b"2014/15" not in derived.read("xl/worksheets/sheet4.xml")
    frame = readers.read_outcomes_open_data(derived_2016, use_cache=False)
    pd.testing.assert_frame_equal(
        frame, readers.read_outcomes_open_data(built_2016, use_cache=False)
    )
    assert set(frame["financial_year"]) == {"2015/16"}
    assert readers.find_open_data_sheet(derived_2016) == "Outcomes open data 2015_16"


def test_derive_refuses_a_workbook_of_another_year(bench_readers, tmp_path):
    base = tmp_path / "built-2015.xlsx"
    bench_readers.build_replica(base, 2015, n_forces=1, n_codes=1)
    with pytest.raises(ValueError, match="does not hold"):
        bench_readers.derive_replica(base, 2020, tmp_path / "x.xlsx", 2021)
    assert not (tmp_path / "x.xlsx").exists()
