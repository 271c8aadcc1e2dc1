from __future__ import annotations

import pandas as pd
import pytest

from helpers.core import config
from helpers.data import sources, tidy
from helpers.reference import forces


@pytest.fixture(scope="module")
def sample_read():
    return tidy.read_all(sources.resolve_mode("sample"), use_cache=False)


def test_sample_processes_and_passes_invariants(sample_read):
    da = tidy.da_by_force(sample_read.ons)
    assert len(tidy.check_invariants(da)) == 5
    coverage = tidy.coverage(da)
    gaps = coverage[coverage["status"] != "present"][["force_code", "financial_year"]]
    assert gaps.values.tolist() == [["E23000005", "2019/20"], ["E23000035", "2022/23"]]


def test_invariant_failure_names_the_problem(sample_read):
    da = tidy.da_by_force(sample_read.ons)
    broken = da.copy()
    broken.loc[0, "charged_summonsed"] += 1
    with pytest.raises(AssertionError, match="do not add up"):
        tidy.check_invariants(broken)
    with pytest.raises(AssertionError, match="duplicate"):
        tidy.check_invariants(pd.concat([da, da.head(1)]))


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
    da = tidy.da_by_force(ons).set_index("force_code")
    assert (
        da.loc["E23000032", "charged_summonsed"] == 50
        and da.loc["E23000032", "community_resolution"] == 10
    )
    assert bool(da.loc["E23000032", "counts_derived"])
    assert da["excluded"].sum() == 42  # the other forces have no row in this table


def test_drop_summary_and_lens_tables(sample_read):
    summary = tidy.drop_summary(sample_read.open_data).set_index("what")
    assert summary.loc["'N/A - data not provided'", "rows"] > 0
    assert summary.loc["negative counts (published corrections)", "rows"] >= 1
    lens = tidy.open_data_lens(sample_read.open_data)
    assert set(lens["force_code"]) == set(forces.territorial_codes())
    assert (lens["outcome_type"] > 0).all()


def test_reconciliation_uses_published_ids(sample_read):
    table = tidy.reconcile(tidy.da_by_force(sample_read.ons))
    assert table["published_id"].str.len().gt(0).all()
    assert table["source_url"].str.startswith("http").all()


def test_data_dictionary_exists():
    assert (
        "## da_outcomes_by_force"
        in (config.PROJECT_ROOT / "data" / "processed" / "README.md").read_text()
    )


def test_a_force_without_a_row_is_kept_as_excluded(sample_read):
    ons = sample_read.ons[
        ~(
            (sample_read.ons["force_code"] == "E23000032")
            & (sample_read.ons["financial_year"] == "2024/25")
        )
    ]
    da = tidy.da_by_force(ons)
    kent = da[(da["force_code"] == "E23000032") & (da["financial_year"] == "2024/25")].iloc[0]
    assert kent["excluded"] and kent["marker"] == "(no row)" and kent["force_name"] == "Kent"
    assert len(tidy.check_invariants(da)) == 5
    assert (
        tidy.coverage(da)
        .query("force_code == 'E23000032' and financial_year == '2024/25'")["status"]
        .item()
        == "excluded (no row)"
    )


def test_codes_outside_the_43_areas_raise(sample_read):
    ons = sample_read.ons.copy()
    ons.loc[ons["force_code"] == "E23000032", "force_code"] = "E23000099"
    with pytest.raises(ValueError, match="E23000099"):
        tidy.da_by_force(ons)
