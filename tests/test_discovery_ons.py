"""ONS discovery (issue 15): the domestic abuse outcome tables found from ONS dataset landing
pages, with recorded HTML and JSON answers (tests/fixtures/recorded_pages/) and no network."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builders import ons_row, snapshot, write_ons
from openpyxl import Workbook

from helpers.core.hashing import sha256_file
from helpers.data import fetch, sources

PAGES = Path(__file__).parent / "fixtures" / "recorded_pages"
BASE = "https://www.ons.gov.uk/file?uri=/peoplepopulationandcommunity/crimeandjustice/datasets/"
DATATOOL_2023 = BASE + (
    "domesticabuseinenglandandwalesdatatoolupdated/yearendingmarch2023/"
    "domesticabusedatatoolprevalence2023.xlsx"
)
DATATOOL_2022 = BASE + (
    "domesticabuseinenglandandwalesdatatoolupdated/yearendingmarch2022/domesticabusedatatool2022.xlsx"
)
CJS_2023 = BASE + (
    "domesticabuseandthecriminaljusticesystemappendixtables/november2023/"
    "domesticabusecjsappendixtables2023.xlsx"
)
CJS_2022 = BASE + (
    "domesticabuseandthecriminaljusticesystemappendixtables/november2022/"
    "domesticabusecjsappendixtables2022.xlsx"
)


def recorded_pages(calls: list[str] | None = None):
    """A page transport answering from the recorded responses; 404 for anything else."""
    responses = json.loads((PAGES / "responses.json").read_text())

    def pages(url: str) -> fetch.PageResponse:
        if calls is not None:
            calls.append(url)
        entry = responses.get(url)
        if entry is None:
            return fetch.PageResponse(url, 404, (PAGES / "not_found.html").read_text())
        text = (PAGES / entry["file"]).read_text() if "file" in entry else ""
        return fetch.PageResponse(url, entry["status"], text, entry.get("location"))

    return pages


def unreachable(url: str) -> fetch.PageResponse:
    raise fetch.NetworkUnavailable(f"cannot reach {url.split('/')[2]}: ConnectionError")


def prevalence_workbook(path: Path) -> Path:
    """An ONS workbook without any police force area table (Crime Survey prevalence)."""
    workbook = Workbook()
    workbook.active.title = "Cover"
    sheet = workbook.create_sheet("Table 1")
    sheet.append(["Prevalence of domestic abuse in the last year, by age, year ending March 2023"])
    sheet.append(["Age group", "Women (%)", "Men (%)"])
    sheet.append(["16 to 19", 8.1, 4.2])
    workbook.save(path)
    return path


def outcome_workbook(path: Path, year: int) -> Path:
    return write_ons(
        path,
        {"Table 5": [ons_row(), ons_row("E23000035", "Devon and Cornwall")]},
        years={"Table 5": year},
    )


@pytest.fixture
def workbooks(tmp_path):
    folder = tmp_path / "served"
    folder.mkdir()
    return {
        DATATOOL_2023: prevalence_workbook(folder / "prevalence.xlsx").read_bytes(),
        DATATOOL_2022: outcome_workbook(folder / "tool2022.xlsx", 2022).read_bytes(),
        CJS_2023: outcome_workbook(folder / "cjs2023.xlsx", 2023).read_bytes(),
        CJS_2022: outcome_workbook(folder / "cjs2022.xlsx", 2022).read_bytes(),
    }


def serving(files: dict[str, bytes], calls: list[str] | None = None):
    def transport(url, start=0):
        if calls is not None:
            calls.append(url)
        if url not in files:
            raise fetch.FetchError(f"{url}: HTTP 404")
        content = files[url]
        return iter([content[start:]]), len(content), bool(start)

    return transport


def test_links_read_from_html_and_from_both_json_shapes():
    html_links = fetch.ons_links_from_html("page", (PAGES / "datatool_moved.html").read_text())
    assert [link.url for link in html_links] == [DATATOOL_2023, DATATOOL_2022]
    assert [link.edition for link in html_links] == ["yearendingmarch2023", "yearendingmarch2022"]
    assert html_links[0].dataset == "domesticabuseinenglandandwalesdatatoolupdated"
    landing, follow = fetch.ons_links_from_json(
        "page", json.loads((PAGES / "cjs_landing.json").read_text())
    )
    assert landing == [] and [u.rsplit("/", 1)[1] for u in follow] == [
        "november2023",
        "november2022",
    ]
    edition, _ = fetch.ons_links_from_json(
        "page", json.loads((PAGES / "cjs_november2023.json").read_text())
    )
    assert [link.url for link in edition] == [CJS_2023]  # the PDF is not a workbook
    assert fetch.ons_links_from_html("p", (PAGES / "appendix_no_xlsx.html").read_text()) == []


def test_discovery_follows_moves_reads_json_checks_workbooks_and_records_the_lock(
    data_dirs, workbooks
):
    downloads: list[str] = []
    result = fetch.run_fetch(
        only=["ons_da_outcomes"],
        transport=serving(workbooks, downloads),
        pages=recorded_pages(),
        discover=True,
        landing_html="<html></html>",
        progress=False,
    )
    tried = "\n".join(result.ons.tried)
    assert "domesticabuseinenglandandwalesdatatool: HTTP 301, moved to" in tried
    assert (
        "domesticabuseandthecriminaljusticesystemappendixtables: HTTP 404 (page not found)" in tried
    )
    assert "appendixtables/data: JSON read, 2 xlsx link(s)" in tried
    assert (
        "domesticabuseinenglandandwalesappendixtables: HTML page read, 0 xlsx link(s) (no xlsx"
        in tried
    )
    checked = "\n".join(result.ons.checked)
    assert "prevalence2023.xlsx: no police force area outcome table" in checked
    assert "cjsappendixtables2022.xlsx: outcome tables for ['2021/22']; not used" in checked
    assert downloads == [DATATOOL_2023, DATATOOL_2022, CJS_2023, CJS_2022]
    assert [r.status for r in result.reports] == ["installed", "installed"] and result.ok
    folder = data_dirs["raw"] / "ons_da_outcomes"
    assert sorted(p.name for p in folder.iterdir()) == [
        "domesticabusecjsappendixtables2023.xlsx",
        "domesticabusedatatool2022.xlsx",
    ]
    lock = json.loads(data_dirs["lock"].read_text())["files"]
    assert "ons_da_outcomes:pfa_outcomes" not in lock  # the placeholder without URL is replaced
    entry = lock[
        "ons_da_outcomes:domesticabuseandthecriminaljusticesystemappendixtables-november2023"
    ]
    assert entry["url"] == CJS_2023 and entry["edition"] == "november2023"
    assert entry["years"] == "2022/23"
    assert entry["sha256"] == sha256_file(folder / "domesticabusecjsappendixtables2023.xlsx")
    registered = {f.filename for f in sources.registry()["ons_da_outcomes"].files}
    assert "domesticabusedatatool2022.xlsx" in registered
    # the next run finds the URLs in the lock: no discovery, files verified
    again = fetch.run_fetch(
        only=["ons_da_outcomes"],
        transport=serving({}),
        pages=unreachable,
        discover=True,
        landing_html="<html></html>",
        progress=False,
    )
    assert again.ons is None and {r.status for r in again.reports} == {"verified"}


def test_no_workbook_found_lists_every_page_and_the_ways_forward(data_dirs, workbooks):
    before = snapshot(data_dirs["raw"])
    only_prevalence = {DATATOOL_2023: workbooks[DATATOOL_2023]}
    result = fetch.run_fetch(
        only=["ons_da_outcomes"],
        transport=serving(only_prevalence),
        pages=recorded_pages(),
        discover=True,
        landing_html="<html></html>",
        progress=False,
    )
    assert not result.ok and [r.status for r in result.reports] == ["missing"]
    message = result.ons.message()
    for page in sources.ONS_CANDIDATE_PAGES:
        assert page in message
    assert "not downloaded" in message and "no police force area outcome table" in message
    assert "sources.override.toml" in message and "DA_DATA_MIRROR" in message
    assert snapshot(data_dirs["raw"]) == before


def test_override_url_is_used_without_discovery(data_dirs, workbooks):
    data_dirs["override"].write_text(f'[ons_da_outcomes.files.pfa_outcomes]\nurl = "{CJS_2023}"\n')
    calls: list[str] = []
    result = fetch.run_fetch(
        only=["ons_da_outcomes"],
        transport=serving(workbooks),
        pages=recorded_pages(calls),
        discover=True,
        landing_html="<html></html>",
        progress=False,
    )
    assert calls == [] and result.ons is None
    assert [r.status for r in result.reports] == ["installed (no checksum recorded)"]


def test_offline_fetch_fails_fast_with_pages_tried_and_ways_forward(data_dirs, monkeypatch, capsys):
    def offline(url, start=0):
        raise fetch.NetworkUnavailable(f"cannot reach {url.split('/')[2]}: ConnectionError")

    calls: list[str] = []

    def pages(url):
        calls.append(url)
        return unreachable(url)

    monkeypatch.setattr(fetch, "requests_transport", offline)
    monkeypatch.setattr(fetch, "requests_page", pages)
    before = snapshot(data_dirs["raw"])
    assert fetch.main(["fetch", "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert calls == [sources.ONS_CANDIDATE_PAGES[0]]  # fail fast: one request, no retries
    for page in sources.ONS_CANDIDATE_PAGES[1:]:
        assert f"{page}: not tried (host unreachable)" in err
    assert "cannot reach www.ons.gov.uk" in err
    assert "Ways forward" in err and "sources.override.toml" in err
    assert "Two ways forward" in err  # the Home Office files too
    # the count says what was requested: one page, the others not tried
    skipped = len(sources.ONS_CANDIDATE_PAGES) - 1
    assert f"(1 page request(s) made, {skipped} page(s) not tried: host unreachable)" in err
    assert f"Nothing in {data_dirs['raw'].resolve()} was changed" in err
    assert snapshot(data_dirs["raw"]) == before


def test_same_file_name_in_two_editions_is_kept_apart(data_dirs, tmp_path):
    page = tmp_path / "page.html"
    uri = "/file?uri=/peoplepopulationandcommunity/crimeandjustice/datasets/datool/{}/datool.xlsx"
    page.write_text(
        f'<a href="{uri.format("march2023")}">xlsx</a><a href="{uri.format("march2022")}">xlsx</a>'
    )
    url = "https://www.ons.gov.uk/peoplepopulationandcommunity/crimeandjustice/datasets/datool"

    def pages(requested):
        if requested == url:
            return fetch.PageResponse(requested, 200, page.read_text())
        return fetch.PageResponse(requested, 404)

    files = {
        "https://www.ons.gov.uk" + uri.format("march2023"): outcome_workbook(
            tmp_path / "a.xlsx", 2023
        ).read_bytes(),
        "https://www.ons.gov.uk" + uri.format("march2022"): outcome_workbook(
            tmp_path / "b.xlsx", 2022
        ).read_bytes(),
    }
    result = fetch.discover_ons(pages, serving(files), [url], progress=False)
    assert [link.filename for link, _, _ in result.accepted] == [
        "datool.xlsx",
        "march2022-datool.xlsx",
    ]
    assert [years for _, _, years in result.accepted] == [["2022/23"], ["2021/22"]]
    staged = [path for _, path, _ in result.accepted]
    assert len(set(staged)) == 2 and all(path.exists() for path in staged)
    assert staged[0].read_bytes() == files["https://www.ons.gov.uk" + uri.format("march2023")]
