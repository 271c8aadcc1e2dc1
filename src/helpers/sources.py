"""The registry of official sources: who publishes each file, where it lives, what it should
hash to, which years it covers and which reader parses it.

Three layers, later ones winning:

1. ``SOURCES`` below: the source-level facts (publisher, title, landing page, licence, reader,
   link titles used to find the files on the landing page).
2. ``data/raw/SOURCES.lock`` (committed): one entry per file (``<source id>:<file key>``) with
   file name, URL, sha256, size, years and who recorded them. ``helpers.fetch --accept-new``
   is the only writer.
3. ``sources.override.toml`` (optional, not committed; ``DA_SOURCES_OVERRIDE`` points elsewhere):
   a user adds or overrides a file's URL and checksum without touching code, e.g. the ONS table
   URLs that are not known here. See ``sources.override.example.toml``.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote, urlparse

from helpers import config

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
    reader: str
    link_title_pattern: str | None = None
    notes: str = ""
    files: tuple[SourceFile, ...] = field(default_factory=tuple)


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
            reader="helpers.readers.read_outcomes_open_data",
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
            reader="helpers.readers.read_pfa_recorded_crime",
            link_title_pattern=r"^police recorded crime open data police force area tables year ending march 2013 onwards$",
            notes="ODS of about 14 MB whose content expands to about 359 MB; counts of offences, not outcomes.",
        ),
        Source(
            id="ho_supplementary_outcomes_metrics",
            publisher="Home Office",
            title="Supplementary crime outcomes metrics",
            landing_page="https://www.gov.uk/government/statistical-data-sets/police-recorded-crime-and-outcomes-open-data-tables",
            licence=OGL,
            years="rolling annual metrics by force",
            reader="(no reader yet: layout LIKELY only; see docs/data_log.md)",
            link_title_pattern=r"^supplementary crime outcomes metrics$",
            notes="Whether a domestic abuse offence level exists is unknown; treat it as absent.",
        ),
        Source(
            id="ons_da_outcomes",
            publisher="Office for National Statistics",
            title="Outcomes of domestic abuse-related crimes by police force area (Domestic abuse in England and Wales data tool; Domestic abuse and the criminal justice system appendix tables)",
            landing_page="https://www.ons.gov.uk/peoplepopulationandcommunity/crimeandjustice/articles/domesticabuseandthecriminaljusticesystemenglandandwales/november2020",
            licence=OGL,
            years="years ending March 2016 onwards (editions vary)",
            reader="helpers.readers.read_ons_da_outcomes",
            notes="Exact file URLs are not known here: add them in sources.override.toml (see README).",
        ),
    ]
}


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
            )
            for key, entry in sorted(entries.items())
        )
        result[source_id] = replace(source, files=files)
    return result


def all_files(sources: dict[str, Source] | None = None) -> list[SourceFile]:
    """Every registered file, sorted by source and key."""
    sources = sources or registry()
    return [f for s in sources.values() for f in s.files]
