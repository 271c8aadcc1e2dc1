"""helpers.data.fetch with no network: fake transports, mirror folders and a landing page we write."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from builders import snapshot

from helpers.core.hashing import sha256_file
from helpers.data import fetch, sources


def xlsx_bytes(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", text)
    return buffer.getvalue()


def offline(url, start=0):
    raise fetch.NetworkUnavailable(f"cannot reach {url.split('/')[2]}: ConnectionError")


def serving(content: bytes, announce: int | None = None, calls: list | None = None):
    def transport(url, start=0):
        if calls is not None:
            calls.append((url, start))
        return (
            iter([content[start:]]),
            announce if announce is not None else len(content),
            bool(start),
        )

    return transport


def use_override(data_dirs, entries: dict) -> None:
    lines = []
    for key, values in entries.items():
        source, file_key = key.split(":")
        lines.append(f"[{source}.files.{file_key}]")
        lines += [f'{k} = "{v}"' if isinstance(v, str) else f"{k} = {v}" for k, v in values.items()]
    data_dirs["override"].write_text("\n".join(lines) + "\n")


def run(**kwargs):
    kwargs.setdefault("discover", False)
    kwargs.setdefault("progress", False)
    return fetch.run_fetch(**kwargs)


def test_offline_without_mirror_names_missing_files_and_ways_forward(data_dirs):
    before = snapshot(data_dirs["raw"])
    result = run(only=["ho_outcomes_open_data"], years=["2024/25"], transport=offline)
    assert [r.status for r in result.reports] == ["missing"]
    message = fetch.offline_message(result)
    assert "prc-outcomes-open-data-mar2025-tables-230726.xlsx" in message
    assert "connect to the internet" in message and "DA_DATA_MIRROR" in message
    # the raw folder actually used (DA_RAW_DIR points outside the project here)
    assert f"Nothing in {data_dirs['raw'].resolve()} was changed" in message
    assert snapshot(data_dirs["raw"]) == before


def test_make_data_exit_code_offline(data_dirs, monkeypatch, capsys):
    def no_pages(url):
        raise fetch.NetworkUnavailable("cannot reach www.ons.gov.uk: ConnectionError")

    monkeypatch.setattr(fetch, "requests_transport", offline)
    monkeypatch.setattr(fetch, "requests_page", no_pages)  # ONS discovery: never the network
    assert fetch.main(["fetch", "--no-progress"]) == 1
    assert "Two ways forward" in capsys.readouterr().err


def test_offline_with_mirror_verifies_and_installs(data_dirs, tmp_path):
    content = xlsx_bytes("mirror copy")
    mirror = tmp_path / "mirror" / "ons_da_outcomes"
    mirror.mkdir(parents=True)
    (mirror / "da.xlsx").write_bytes(content)
    digest = hashlib.sha256(content).hexdigest()
    use_override(
        data_dirs,
        {
            "ons_da_outcomes:pfa_outcomes": {
                "url": "https://www.ons.gov.uk/file?uri=/x/da.xlsx",
                "sha256": digest,
            }
        },
    )
    result = run(only=["ons_da_outcomes"], transport=offline, mirror=str(tmp_path / "mirror"))
    assert [r.status for r in result.reports] == ["installed"]
    assert (data_dirs["raw"] / "ons_da_outcomes" / "da.xlsx").read_bytes() == content


def test_checksum_mismatch_stops_names_both_checksums_and_leaves_raw_untouched(data_dirs):
    content = xlsx_bytes("republished")
    use_override(
        data_dirs,
        {
            "ons_da_outcomes:pfa_outcomes": {
                "url": "https://example.org/da.xlsx",
                "sha256": "0" * 64,
            }
        },
    )
    before = snapshot(data_dirs["raw"])
    report = run(only=["ons_da_outcomes"], transport=serving(content)).reports[0]
    assert report.status == "checksum mismatch"
    assert "0" * 64 in report.message and hashlib.sha256(content).hexdigest() in report.message
    assert "--accept-new" in report.message
    assert snapshot(data_dirs["raw"]) == before


def test_existing_file_with_other_checksum_is_never_overwritten(data_dirs):
    target = data_dirs["raw"] / "ons_da_outcomes" / "da.xlsx"
    target.parent.mkdir()
    target.write_bytes(xlsx_bytes("local"))
    use_override(
        data_dirs,
        {
            "ons_da_outcomes:pfa_outcomes": {
                "url": "https://example.org/da.xlsx",
                "sha256": "1" * 64,
            }
        },
    )
    before = snapshot(data_dirs["raw"])
    report = run(only=["ons_da_outcomes"], transport=serving(xlsx_bytes("remote"))).reports[0]
    assert report.status == "checksum mismatch" and "was not changed" in report.message
    assert snapshot(data_dirs["raw"]) == before


def test_accept_new_records_checksum_size_and_date_in_the_lock(data_dirs):
    content = xlsx_bytes("new edition")
    use_override(
        data_dirs,
        {
            "ons_da_outcomes:pfa_outcomes": {
                "url": "https://example.org/da.xlsx",
                "sha256": "0" * 64,
            }
        },
    )
    report = run(only=["ons_da_outcomes"], transport=serving(content), accept_new=True).reports[0]
    assert report.status == "installed (new checksum accepted)"
    entry = json.loads(data_dirs["lock"].read_text())["files"]["ons_da_outcomes:pfa_outcomes"]
    assert entry["sha256"] == sha256_file(data_dirs["raw"] / "ons_da_outcomes" / "da.xlsx")
    assert entry["size"] == len(content) and len(entry["accepted"]) == 10


def test_truncated_download_is_deleted_retried_then_reported(data_dirs):
    calls = []
    content = xlsx_bytes("x" * 100)
    use_override(
        data_dirs, {"ons_da_outcomes:pfa_outcomes": {"url": "https://example.org/da.xlsx"}}
    )

    def truncated(url, start=0):
        calls.append(start)
        return iter([content[:10]]), len(content), False

    before = snapshot(data_dirs["raw"])
    report = run(only=["ons_da_outcomes"], transport=truncated).reports[0]
    assert report.status == "corrupt download"
    assert "stopped at 10" in report.message and "attempt 3 of 3, deleted" in report.message
    assert calls == [0, 0, 0]  # deleted and retried from scratch
    assert snapshot(data_dirs["raw"]) == before


def test_interrupted_download_resumes(data_dirs, tmp_path):
    content = xlsx_bytes("y" * 5000)
    partial = fetch._staging_dir() / ".partial" / "da.xlsx.part"
    partial.parent.mkdir(parents=True)
    partial.write_bytes(content[:1000])
    calls = []
    use_override(
        data_dirs, {"ons_da_outcomes:pfa_outcomes": {"url": "https://example.org/da.xlsx"}}
    )
    report = run(only=["ons_da_outcomes"], transport=serving(content, calls=calls)).reports[0]
    assert calls == [("https://example.org/da.xlsx", 1000)]
    assert report.status == "installed (no checksum recorded)"
    assert (data_dirs["raw"] / "ons_da_outcomes" / "da.xlsx").read_bytes() == content


def test_landing_page_with_renamed_file_is_reported_and_used(data_dirs, tmp_path):
    page = fetch.write_landing_page(
        tmp_path / "landing.html",
        [
            (
                "Outcomes open data year ending March 2015",
                "/media/aaa/prc-outcomes-open-data-mar2015-tables-241024.xlsx",
            ),
            (
                "Outcomes open data, year ending March 2026",
                "https://assets.publishing.service.gov.uk/media/bbb/prc-outcomes-open-data-mar2026-tables-221126.xlsx",
            ),
            (
                "Outcomes open data, year ending March 2027",
                "/media/ccc/prc-outcomes-open-data-mar2027-tables-221126.xlsx",
            ),
            (
                "Alternate offences outcomes open data, year ending March 2017 to March 2026",
                "/media/ddd/prc-outcomes-alternate.ods",
            ),
        ],
    )
    links = fetch.discover_links(page.read_text())
    assert [link["key"] for link in links] == [
        "mar2015",
        "mar2026",
        "mar2027",
    ]  # the alternate file is never added
    rows = {
        r["lock_key"]: r["status"] for r in fetch.compare_with_registry(links, sources.registry())
    }
    assert rows["ho_outcomes_open_data:mar2015"] == "unchanged"
    assert rows["ho_outcomes_open_data:mar2026"] == "new publication (renamed)"
    assert rows["ho_outcomes_open_data:mar2027"] == "new file (not registered)"
    assert rows["ho_outcomes_open_data:mar2020"] == "not on the landing page"
    calls = []
    result = fetch.run_fetch(
        only=["ho_outcomes_open_data"],
        years=["2026"],
        transport=serving(xlsx_bytes("2026 edition"), calls=calls),
        discover=True,
        landing_html=page.read_text(),
        progress=False,
    )
    assert calls[0][0].endswith("prc-outcomes-open-data-mar2026-tables-221126.xlsx")
    assert result.reports[0].status == "checksum mismatch"  # a new publication must be accepted


def test_status_lists_every_file(data_dirs):
    rows = fetch.status_table()
    assert {r["status"] for r in rows} == {"missing"}
    assert len(rows) == len(sources.all_files())


def test_override_adds_a_url_without_code(data_dirs):
    use_override(
        data_dirs,
        {
            "ons_da_outcomes:pfa_outcomes": {
                "url": "https://www.ons.gov.uk/file?uri=/peoplepopulationandcommunity/x/tables2024.xlsx"
            }
        },
    )
    entry = {f.lock_key: f for f in sources.all_files()}["ons_da_outcomes:pfa_outcomes"]
    assert entry.filename == "tables2024.xlsx" and entry.sha256 is None


def test_override_with_unknown_source_raises(data_dirs):
    data_dirs["override"].write_text("[ons_typo.files.a]\nurl = 'x'\n")
    with pytest.raises(ValueError, match="unknown source id"):
        sources.registry()


def test_every_source_records_what_the_issue_asks():
    for source in sources.registry().values():
        assert (
            source.publisher
            and source.title
            and source.landing_page.startswith("https://")
            and source.licence
            and source.years
            and source.reader
        )
    files = {f.lock_key: f for f in sources.all_files()}
    assert len([k for k in files if k.startswith("ho_outcomes_open_data:")]) == 12
    assert files["ho_outcomes_open_data:mar2021"].size == 40476037


def test_every_registered_source_has_a_parser():
    """A registered source is read by the notebooks: it must have a parser (issue 18, item 11)."""
    for source in sources.SOURCES.values():
        assert source.parse is not None, f"source {source.id!r} is registered without a parser"
        assert callable(source.parse) and source.reader.startswith("helpers.data.readers.")
