"""The registry of official sources: who publishes each file, where it lives, what it should
hash to, which years it covers and which reader parses it.

Three layers, later ones winning:

1. ``SOURCES`` below: the source-level facts (publisher, title, landing page, licence, link
   titles used to find the files on the landing page) and how its files are read: the parser, the
   pandera schema, the reader version (the parquet cache is keyed by it: bump it whenever a
   parser's output changes), the file pattern and whether the notebooks need the source. Every
   other module derives these from here (``Source.read``, ``source_files``, ``resolve_mode``).
2. ``data/raw/SOURCES.lock`` (committed): one entry per file (``<source id>:<file key>``) with
   file name, URL, sha256, size, years and who recorded them. ``helpers.data.fetch --accept-new``
   is the only writer.
3. ``sources.override.toml`` (optional, not committed; ``DA_SOURCES_OVERRIDE`` points elsewhere):
   a user adds or overrides a file's URL and checksum without touching code, e.g. the ONS table
   URLs that are not known here. See ``sources.override.example.toml``.
"""

from __future__ import annotations

import json
import re
import tomllib
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote, urlparse

import pandas as pd

from helpers.core import config
from helpers.core.datamode import MODES, DataMode, OfficialDataMissing
from helpers.data import schemas
from helpers.data.readers import ons_da, open_data, pfa
from helpers.data.readers.common import cached_read

OGL = "Open Government Licence v3.0"


@dataclass(frozen=True)
class SourceFile:
    """One downloadable file of a source."""

    source_id: str
    key: str
    filename: str
    url: str | None
    sha256: str | None
    size: int | None
    years: str
    link_title: str | None = None
    accepted: str | None = None
    recorded_by: str | None = None
    edition: str | None = None

    @property
    def lock_key(self) -> str:
        return f"{self.source_id}:{self.key}"


@dataclass(frozen=True)
class Source:
    """A publication: one or more files read by the same reader."""

    id: str
    publisher: str
    title: str
    landing_page: str
    licence: str
    years: str
    parse: Callable[[Path], pd.DataFrame] | None
    #: the name of the pandera schema in ``helpers.data.schemas`` (built when first used)
    schema_name: str | None
    reader_version: int
    file_pattern: str
    required: bool
    link_title_pattern: str | None = None
    notes: str = ""
    files: tuple[SourceFile, ...] = field(default_factory=tuple)

    @property
    def schema(self):
        """The pandera schema the parsed frame is checked against (None without one)."""
        return None if self.schema_name is None else getattr(schemas, self.schema_name)

    @property
    def patterns(self) -> tuple[str, ...]:
        """The glob patterns of ``file_pattern`` ('*.xlsx|*.ods' -> ('*.xlsx', '*.ods'))."""
        return tuple(p.strip() for p in self.file_pattern.split("|") if p.strip())

    @property
    def reader(self) -> str | None:
        """The dotted name of the parser, or None for a source without one."""
        return None if self.parse is None else f"{self.parse.__module__}.{self.parse.__name__}"

    def read(
        self,
        path: Path | str,
        use_cache: bool = True,
        parse: Callable[[Path], pd.DataFrame] | None = None,
    ) -> pd.DataFrame:
        """Read one file of this source: parsed, validated against the schema, cached by the
        file's sha256 and ``reader_version`` (``helpers.data.readers.common.cached_read``).
        Raises ``LayoutError`` (from the parser) or a pandera error; ValueError for a source
        with no parser."""
        parse = parse or self.parse
        if parse is None:
            raise ValueError(f"source {self.id!r} has no reader")
        frame = cached_read(
            self.id, self.reader_version, self.schema, Path(path), _recording(parse), use_cache
        )
        if frame.attrs.get("from_cache"):  # the parser did not run: repeat what it said
            for message in frame.attrs.get("warnings", []):
                warnings.warn(f"{message} (from the cache)", UserWarning, stacklevel=2)
        return frame


def _recording(parse: Callable[[Path], pd.DataFrame]) -> Callable[[Path], pd.DataFrame]:
    """``parse`` that also keeps the messages of its warnings in ``attrs['warnings']`` (so a
    cached read can repeat them), re-emitting each one."""

    def run(path: Path) -> pd.DataFrame:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            frame = parse(path)
        for item in caught:
            warnings.warn_explicit(item.message, item.category, item.filename, item.lineno)
        messages = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
        if messages:
            frame.attrs = {**frame.attrs, "warnings": messages}
        return frame

    return run


SOURCES: dict[str, Source] = {
    s.id: s
    for s in [
        Source(
            id="ho_outcomes_open_data",
            publisher="Home Office",
            title="Police recorded crime and outcomes open data tables: outcomes open data",
            landing_page="https://www.gov.uk/government/statistical-data-sets/police-recorded-crime-and-outcomes-open-data-tables",
            licence=OGL,
            years="2014/15 to 2025/26 (one xlsx per financial year)",
            parse=open_data.parse_outcomes_open_data,
            schema_name="OUTCOMES_OPEN_DATA",
            reader_version=4,
            file_pattern="*.xlsx|*.ods|*.csv",
            required=True,
            link_title_pattern=r"^outcomes open data year ending march (?P<year>\d{4})$",
            notes="No domestic abuse flag. Offence-level lenses and all-crime context only.",
        ),
        Source(
            id="ho_pfa_recorded_crime",
            publisher="Home Office",
            title="Police recorded crime open data Police Force Area tables, year ending March 2013 onwards",
            landing_page="https://www.gov.uk/government/statistical-data-sets/police-recorded-crime-and-outcomes-open-data-tables",
            licence=OGL,
            years="2012/13 to 2025/26 (one sheet per year)",
            parse=pfa.parse_pfa_recorded_crime,
            schema_name="PFA_RECORDED_CRIME",
            reader_version=3,  # 3: a fractional count is rounded for the fraud bodies only
            file_pattern="*.ods|*.xlsx|*.csv",
            required=False,
            link_title_pattern=r"^police recorded crime open data police force area tables year ending march 2013 onwards$",
            notes="ODS of about 14 MB whose content expands to about 359 MB; counts of offences, not outcomes.",
        ),
        Source(
            id="ons_da_outcomes",
            publisher="Office for National Statistics",
            title="Outcomes of domestic abuse-related crimes by police force area (Domestic abuse in England and Wales data tool; Domestic abuse and the criminal justice system appendix tables)",
            landing_page="https://www.ons.gov.uk/peoplepopulationandcommunity/crimeandjustice/articles/domesticabuseandthecriminaljusticesystemenglandandwales/november2020",
            licence=OGL,
            years="years ending March 2016 onwards (editions vary)",
            parse=ons_da.parse_ons_da_outcomes,
            schema_name="ONS_DA_OUTCOMES",
            reader_version=3,
            file_pattern="*.xls*",
            required=True,
            notes="Exact file URLs are not known here: add them in sources.override.toml (see README).",
        ),
    ]
}


#: ONS dataset landing pages that may hold the domestic abuse outcome tables by police force
#: area, tried in this order by ``helpers.data.fetch`` (ONS discovery). None of these names is
#: verified from here (docs/data_log.md, "Official files and discovery"; reference §3): the
#: first two are the data tool and the "domestic abuse and the criminal justice system" tables
#: under the ONS naming pattern; the third is cited by a public repository (redstarmatt/WIAH)
#: and held the single-volume appendix tables up to 2018. Each page lists the current edition
#: and its previous editions; every xlsx found is checked with the ONS reader after download.
ONS_DATASETS_BASE = "https://www.ons.gov.uk/peoplepopulationandcommunity/crimeandjustice/datasets/"
ONS_CANDIDATE_PAGES: tuple[str, ...] = tuple(
    ONS_DATASETS_BASE + slug
    for slug in (
        "domesticabuseinenglandandwalesdatatool",
        "domesticabuseandthecriminaljusticesystemappendixtables",
        "domesticabuseinenglandandwalesappendixtables",
    )
)


def load_lock(path: Path | None = None) -> dict:
    """The lock file as a dict (``{'files': {lock_key: entry}}``); empty when absent."""
    path = path or config.sources_lock()
    if not path.exists():
        return {"version": 1, "files": {}}
    return json.loads(path.read_text())


def write_lock(lock: dict, path: Path | None = None) -> None:
    """Write the lock file with sorted keys and a trailing newline (stable diffs)."""
    path = path or config.sources_lock()
    lock = {**lock, "files": dict(sorted(lock.get("files", {}).items()))}
    path.write_text(json.dumps(lock, indent=1) + "\n")


def load_override(path: Path | None = None) -> dict:
    """The user's override file (TOML) as a dict; empty when absent.

    Layout: ``[<source id>.files.<file key>]`` with any of url, sha256, size, filename, years,
    link_title. An unknown source id raises, naming the known ones.
    """
    path = path or config.sources_override()
    if not path.exists():
        return {}
    data = tomllib.loads(path.read_text())
    unknown = sorted(set(data) - set(SOURCES))
    if unknown:
        raise ValueError(f"{path.name}: unknown source id(s) {unknown}; known: {sorted(SOURCES)}")
    return data


def filename_from_url(url: str) -> str:
    """The last path component of a URL ('.../file?uri=/a/b/c.xlsx' -> 'c.xlsx')."""
    parsed = urlparse(url)
    if "uri=" in parsed.query:
        return Path(unquote(parsed.query.split("uri=", 1)[1])).name
    return Path(unquote(parsed.path)).name


def registry(lock_path: Path | None = None, override_path: Path | None = None) -> dict[str, Source]:
    """Every source with its files, from the code, the lock and the override file."""
    lock = load_lock(lock_path)["files"]
    override = load_override(override_path)
    result = {}
    for source_id, source in SOURCES.items():
        entries: dict[str, dict] = {}
        for lock_key, entry in lock.items():
            sid, key = lock_key.split(":", 1)
            if sid == source_id:
                entries[key] = dict(entry)
        for key, entry in override.get(source_id, {}).get("files", {}).items():
            merged = {**entries.get(key, {}), **entry, "recorded_by": "sources.override.toml"}
            if "url" in entry and "filename" not in entry:
                merged["filename"] = filename_from_url(entry["url"])
            if "url" in entry and "sha256" not in entry:
                merged["sha256"] = (
                    None  # a new URL is a new file: its old checksum no longer applies
                )
                merged["size"] = None
            entries[key] = merged
        files = tuple(
            SourceFile(
                source_id=source_id,
                key=key,
                filename=entry.get("filename") or f"{key}",
                url=entry.get("url"),
                sha256=entry.get("sha256"),
                size=entry.get("size"),
                years=str(entry.get("years", "")),
                link_title=entry.get("link_title"),
                accepted=entry.get("accepted"),
                recorded_by=entry.get("recorded_by"),
                edition=entry.get("edition"),
            )
            for key, entry in sorted(entries.items())
        )
        result[source_id] = replace(source, files=files)
    return result


def all_files(sources: dict[str, Source] | None = None) -> list[SourceFile]:
    """Every registered file, sorted by source and key."""
    sources = sources or registry()
    return [f for s in sources.values() for f in s.files]


# ------------------------------------------------------------------------------------------
# which files a data mode reads
# ------------------------------------------------------------------------------------------


def required_sources() -> list[str]:
    """Ids of the sources the notebooks need (``required=True``), in registry order."""
    return [s.id for s in SOURCES.values() if s.required]


def _present(folder: Path, source: Source) -> list[Path]:
    found = {p for pattern in source.patterns for p in folder.glob(pattern)}
    return sorted(p for p in found if p.is_file() and not p.name.startswith("."))


def edition_stem(filename: str) -> str:
    """A file name without what changes between editions of the same table: the extension, date
    stamps (``-230726``, ``_20230726``) and trailing edition words (revised, updated, corrected,
    final, provisional, v2, edition2). Two files with one stem are editions of one table.

    >>> edition_stem("prc-outcomes-open-data-mar2023-tables-230726.xlsx")
    'prc-outcomes-open-data-mar2023-tables'
    >>> edition_stem("domesticabuseappendixtables2023revised.xlsx")
    'domesticabuseappendixtables2023'
    """
    stem = Path(filename).stem.lower()
    stem = re.sub(r"[-_ ]\d{6}(\d{2})?(?=$|[-_ ])", "", stem)
    previous = None
    while previous != stem:
        previous = stem
        stem = re.sub(
            r"[-_ ]?(revised|revision|updated|update|corrected|final|provisional|v\d+|edition\d*)$",
            "",
            stem,
        )
    return stem


@dataclass(frozen=True)
class SetAside:
    """A file present in a source folder but not read: an older edition of a current file."""

    source_id: str
    path: Path
    current: Path
    reason: str


@dataclass(frozen=True)
class FileSelection:
    """The files of one source a mode reads (sorted by name) and those set aside."""

    read: list[Path]
    set_aside: list[SetAside]
    notes: list[str] = field(default_factory=list)


def select_files(
    mode: DataMode, source_id: str, sources: dict[str, Source] | None = None
) -> FileSelection:
    """Which files of a source the mode reads: one edition per source and year.

    Input: the mode (its folder ``<root>/<source id>/``), the source id, and optionally the
    registry (``registry()``: lock plus override). Every file matching the source's patterns
    is read, except a file that is an edition of a file the registry names (same
    ``edition_stem``) while the registered file is present: the lock says which file is
    current, so the other is set aside with a message naming both (issue 18, item 5: ONS
    revises a year and the Home Office republishes under new names; ``make data`` keeps the
    old file beside the new one, which summed every count twice). When the registered file is
    absent and one edition of it is present, that one is read and a note says so. Files the
    registry does not know are read; if two of them hold one year, ``tidy.read_all`` stops
    (``EditionConflict``) naming both.
    """
    source = SOURCES[source_id]
    sources = sources or registry()
    present = _present(mode.root / source_id, source)
    by_name = {p.name: p for p in present}
    registered = {f.filename for f in sources[source_id].files if f.filename}
    current = {edition_stem(name): by_name[name] for name in registered if name in by_name}
    wanted = {edition_stem(name): name for name in registered}
    read, set_aside, notes = [], [], []
    for path in present:
        stem = edition_stem(path.name)
        if path.name in registered or stem not in wanted:
            read.append(path)
        elif stem in current:
            keep = current[stem]
            set_aside.append(
                SetAside(
                    source_id,
                    path,
                    keep,
                    f"{path.name} is another edition of {keep.name}, which "
                    f"{config.relative(config.sources_lock())} names as current: {path.name} "
                    "is set aside (not read). Move it out of "
                    f"{config.relative(path.parent)}/ to silence this message.",
                )
            )
        else:
            read.append(path)
            notes.append(
                f"{path.name}: the current edition named by the lock, {wanted[stem]}, is not in "
                f"{config.relative(path.parent)}/; reading {path.name} instead. Run `make data` "
                "to fetch the current edition."
            )
    return FileSelection(sorted(read), set_aside, notes)


def source_files(mode: DataMode, source_id: str) -> list[Path]:
    """The files of one source the mode reads (``select_files``), sorted by name: files in
    ``<root>/<source id>/`` matching the source's patterns, hidden files skipped, older
    editions of a current file set aside."""
    return select_files(mode, source_id).read


class EditionConflict(ValueError):
    """One (source, year, force) key arrived from two files: two editions were read."""


def missing_official_sources(raw: Path | None = None) -> list[str]:
    """Required sources with no file matching their patterns in ``data/raw/<source>/``."""
    raw = raw or config.raw_dir()
    return [s for s in required_sources() if not _present(raw / s, SOURCES[s])]


def resolve_mode(requested: str = "auto") -> DataMode:
    """Resolve the requested data mode to a ``DataMode``.

    'auto' uses the official files when every required source (``required_sources``) has at
    least one file in ``data/raw/<source>/`` and otherwise the shipped synthetic sample, saying
    which and why; 'official' insists on the official files and raises ``OfficialDataMissing``
    naming the missing sources and the two ways forward; 'sample' uses the sample. Any other
    value raises ValueError.
    """
    requested = str(requested).strip().lower()
    if requested not in MODES:
        raise ValueError(f"DATA must be one of {MODES}, not {requested!r}")
    raw = config.raw_dir()
    missing = missing_official_sources(raw)
    if requested == "sample":
        return DataMode(
            "sample", requested, config.SAMPLE_DIR, "the synthetic sample was asked for"
        )
    if not missing:
        return DataMode("official", requested, raw, "every required official source is present")
    if requested == "official":
        raise OfficialDataMissing(
            f"DATA='official' but no file was found for {missing} in {config.relative(raw)}/. Two ways "
            "forward: connect to the internet and run `make data`, or point DA_DATA_MIRROR at a folder "
            "or URL holding the files and run `make data`. ONS table URLs can be set in "
            "sources.override.toml (see README)."
        )
    return DataMode(
        "sample",
        requested,
        config.SAMPLE_DIR,
        f"official files missing for {missing}, so the synthetic sample is used",
    )
