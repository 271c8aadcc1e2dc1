from __future__ import annotations

import pandas as pd
import pytest

from helpers import config, datamode, forces, processing


@pytest.fixture(scope="module")
def sample_read():
    return processing.read_all(datamode.resolve("sample"), use_cache=False)


def test_sample_processes_and_passes_invariants(sample_read):
    da = processing.da_by_force(sample_read.ons)
    assert len(processing.check_invariants(da)) == 5
    coverage = processing.coverage(da)
    gaps = coverage[coverage["status"] != "present"][["force_code", "financial_year"]]
    assert gaps.values.tolist() == [["E23000005", "2019/20"], ["E23000035", "2022/23"]]


def test_invariant_failure_names_the_problem(sample_read):
    da = processing.da_by_force(sample_read.ons)
    broken = da.copy()
    broken.loc[0, "charged_summonsed"] += 1
    with pytest.raises(AssertionError, match="do not add up"):
        processing.check_invariants(broken)
    with pytest.raises(AssertionError, match="duplicate"):
        processing.check_invariants(pd.concat([da, da.head(1)]))


def test_percent_tables_give_derived_counts():
    ons = pd.DataFrame(
        {
            "financial_year": "2024/25",
            "force_code": "E23000032",
            "force_name": "Kent",
            "outcome_category": [
                "charged_summonsed",
                "community_resolution",
                "other",
                "total_outcomes",
            ],
            "value": [10.0, 2.0, 88.0, 500.0],
            "measure": ["percent", "percent", "percent", "count"],
            "marker": None,
            "source_sheet": "T",
        }
    )
    da = processing.da_by_force(ons)
    assert da.loc[0, "charged_summonsed"] == 50 and da.loc[0, "community_resolution"] == 10
    assert bool(da.loc[0, "counts_derived"])


def test_drop_summary_and_lens_tables(sample_read):
    summary = processing.drop_summary(sample_read.open_data).set_index("what")
    assert summary.loc["'N/A - data not provided'", "rows"] > 0
    assert summary.loc["negative counts (published corrections)", "rows"] >= 1
    lens = processing.open_data_lens(sample_read.open_data)
    assert set(lens["force_code"]) == set(forces.territorial_codes())
    assert (lens["outcome_type"] > 0).all()


def test_reconciliation_uses_published_ids(sample_read):
    table = processing.reconcile(processing.da_by_force(sample_read.ons))
    assert table["published_id"].str.len().gt(0).all()
    assert table["source_url"].str.startswith("http").all()


def test_data_dictionary_exists():
    assert (
        "## da_outcomes_by_force"
        in (config.PROJECT_ROOT / "data" / "processed" / "README.md").read_text()
    )
