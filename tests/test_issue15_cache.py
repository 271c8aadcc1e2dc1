"""The reader cache (issue 15): a cache hit is trusted without re-running the schema only when the
entry is the one written after validation (``helpers.data.readers.common.cached_read``); a
damaged, tampered or foreign entry is detected and the source file read again."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest
from builders import open_data_row, write_open_data

from helpers.core import config
from helpers.data import schemas, sources
from helpers.data.readers import common

SOURCE = sources.SOURCES["ho_outcomes_open_data"]


@pytest.fixture
def counted(monkeypatch):
    """The open-data parser, counting its calls; the schema's validate, counting its calls."""
    calls = {"parse": 0, "validate": 0}

    def parse(path):
        calls["parse"] += 1
        return SOURCE.parse(path)

    validate = schemas.OUTCOMES_OPEN_DATA.validate

    def counting_validate(*args, **kwargs):
        calls["validate"] += 1
        return validate(*args, **kwargs)

    monkeypatch.setattr(schemas.OUTCOMES_OPEN_DATA, "validate", counting_validate)
    return calls, parse


def read(path, parse):
    return common.cached_read(
        SOURCE.id, SOURCE.reader_version, SOURCE.schema, path, parse, use_cache=True
    )


@pytest.fixture
def written(data_dirs, tmp_path, counted):
    """A small open-data file read once (so its cache entry exists): (path, first frame, entry
    parquet, entry meta, call counts, parser)."""
    calls, parse = counted
    rows = [open_data_row(force=force, outcome=t) for force in ("Kent", "Essex") for t in (1, 8)]
    path = write_open_data(tmp_path / "f.xlsx", rows)
    first = read(path, parse)
    assert not first.attrs["from_cache"] and calls == {"parse": 1, "validate": 1}
    (parquet,) = config.cache_dir().glob(f"{SOURCE.id}-v*.parquet")
    return path, first, parquet, parquet.with_suffix(".json"), calls, parse


def rewrite(parquet, meta, frame, record_digest=False):
    """Replace the entry's parquet with ``frame``; with ``record_digest`` also put the new file's
    sha256 in the meta (a foreign file whose meta was updated, checked by structure alone)."""
    frame.to_parquet(parquet, index=False)
    if record_digest:
        data = json.loads(meta.read_text())
        data["check"]["parquet_sha256"] = hashlib.sha256(parquet.read_bytes()).hexdigest()
        meta.write_text(json.dumps(data))


def test_valid_entry_is_used_without_parsing_or_validating_again(written):
    path, first, _, meta, calls, parse = written
    second = read(path, parse)
    assert second.attrs["from_cache"]
    assert calls == {"parse": 1, "validate": 1}  # neither the parser nor pandera ran again
    pd.testing.assert_frame_equal(first, second)
    assert list(second.dtypes.astype(str)) == list(first.dtypes.astype(str))
    assert {k: v for k, v in second.attrs.items() if k != "from_cache"} == {
        k: v for k, v in first.attrs.items() if k != "from_cache"
    }
    check = json.loads(meta.read_text())["check"]
    assert check["rows"] == 4 and check["columns"] == list(schemas.OUTCOMES_OPEN_DATA.columns)


@pytest.mark.parametrize("record_digest", [False, True], ids=["by digest", "by structure"])
@pytest.mark.parametrize(
    ("tamper", "structural_reason"),
    [
        (lambda frame: frame.drop(columns="outcomes_closed"), "columns"),
        (lambda frame: frame.iloc[:2], "rows"),
        (lambda frame: frame.astype({"offence_code": "category"}), "dtypes"),
    ],
    ids=["column dropped", "rows removed", "dtype changed"],
)
def test_tampered_entry_is_detected_and_read_from_the_source(
    written, tamper, structural_reason, record_digest
):
    path, first, parquet, meta, calls, parse = written
    rewrite(parquet, meta, tamper(pd.read_parquet(parquet)), record_digest)
    reason = structural_reason if record_digest else "sha256 differs"
    with pytest.warns(UserWarning, match=rf"not the one written after validation \(.*{reason}"):
        again = read(path, parse)
    assert not again.attrs["from_cache"] and calls == {"parse": 2, "validate": 2}
    pd.testing.assert_frame_equal(first, again)
    healed = read(path, parse)  # the entry was rewritten: the next read uses it
    assert healed.attrs["from_cache"] and calls["parse"] == 2
    pd.testing.assert_frame_equal(first, healed)


def test_edited_value_with_the_same_structure_is_detected(written):
    path, first, parquet, meta, calls, parse = written
    frame = pd.read_parquet(parquet)
    frame.loc[0, "outcomes_recorded"] = 999  # same columns, dtypes and rows
    rewrite(parquet, meta, frame)
    with pytest.warns(UserWarning, match=r"sha256 differs"):
        again = read(path, parse)
    assert not again.attrs["from_cache"] and again.loc[0, "outcomes_recorded"] == 5
    pd.testing.assert_frame_equal(first, again)


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda parquet, meta: parquet.write_bytes(parquet.read_bytes()[:100]), "sha256"),
        (lambda parquet, meta: meta.write_text("{not json"), "unreadable"),
        (  # the flat meta an entry written before the checks existed has
            lambda parquet, meta: meta.write_text(
                json.dumps(json.loads(meta.read_text())["attrs"])
            ),
            "older cache format",
        ),
    ],
    ids=["truncated parquet", "damaged meta", "meta of the older format"],
)
def test_damaged_or_old_entry_is_read_from_the_source(written, damage, reason):
    path, first, parquet, meta, calls, parse = written
    damage(parquet, meta)
    with pytest.warns(UserWarning, match=reason):
        again = read(path, parse)
    assert not again.attrs["from_cache"] and calls["parse"] == 2
    pd.testing.assert_frame_equal(first, again)
    assert read(path, parse).attrs["from_cache"]


def test_source_read_uses_the_checked_cache(data_dirs, tmp_path):
    """The registry's ``read`` (what ``tidy.read_all`` calls) goes through the same cache."""
    path = write_open_data(tmp_path / "f.xlsx", [open_data_row()])
    first = SOURCE.read(path)
    (parquet,) = config.cache_dir().glob(f"{SOURCE.id}-v*.parquet")
    assert SOURCE.read(path).attrs["from_cache"]
    rewrite(parquet, parquet.with_suffix(".json"), pd.read_parquet(parquet).iloc[:0])
    with pytest.warns(UserWarning, match=r"reading the source file again"):
        again = SOURCE.read(path)
    assert not again.attrs["from_cache"]
    pd.testing.assert_frame_equal(first, again)


def _read_slowly(path, log):
    """Read ``path`` through the cache with a parser that notes each parse in ``log`` and takes
    half a second (run in a child process)."""
    import time

    def parse(source):
        with open(log, "a") as handle:
            handle.write("parsed\n")
        time.sleep(0.5)
        return SOURCE.parse(source)

    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = read(path, parse)
    with open(log, "a") as handle:
        handle.write(f"from_cache={frame.attrs['from_cache']}\n")
        for warning in caught:
            handle.write(f"warned: {warning.message}\n")


def _read_in_two_processes(path, log) -> list[str]:
    """Two forked processes read ``path`` at once (``_read_slowly``); both must exit cleanly.
    Returns the lines they logged."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    children = [context.Process(target=_read_slowly, args=(path, log)) for _ in range(2)]
    for child in children:
        child.start()
    for child in children:
        child.join(60)
    assert [child.exitcode for child in children] == [0, 0]
    return log.read_text().splitlines()


def test_two_processes_reading_one_file_at_once_parse_it_once(data_dirs, tmp_path):
    """Processes sharing a cache (notebooks side by side, test workers): while one parses a file,
    another asking for the same entry waits for it and reads what it wrote."""
    path = write_open_data(tmp_path / "f.xlsx", [open_data_row(force="Kent", outcome=8)])
    lines = _read_in_two_processes(path, tmp_path / "log.txt")
    assert lines.count("parsed") == 1, lines
    assert sorted(lines[1:]) == ["from_cache=False", "from_cache=True"]


def test_a_damaged_entry_is_reread_once_and_reported_by_the_process_that_rereads_it(
    data_dirs, tmp_path
):
    """Two processes find the same damaged entry at once: one reads the source again and says
    why; the other waits and reads the rewritten entry, with no warning about a re-read it did
    not do."""
    path = write_open_data(tmp_path / "f.xlsx", [open_data_row(force="Kent", outcome=8)])
    read(path, SOURCE.parse)
    (parquet,) = config.cache_dir().glob(f"{SOURCE.id}-v*.parquet")
    with open(parquet, "ab") as handle:
        handle.write(b"damage")
    lines = _read_in_two_processes(path, tmp_path / "log.txt")
    assert lines.count("parsed") == 1, lines
    warned = [line for line in lines if line.startswith("warned:")]
    assert len(warned) == 1 and "reading the source file again" in warned[0], lines
