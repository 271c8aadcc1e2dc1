"""Fetch and verify the official files: ``make data`` / ``python -m helpers.data.fetch``.

* Files are cached in ``data/raw/<source>/`` and checked against the sha256 in the lock file
  (``data/raw/SOURCES.lock``). A verified file is never overwritten.
* Downloads go through pooch with a resumable downloader (an interrupted download continues from
  where it stopped), with a progress bar, into a staging folder outside ``data/raw``; only a file
  that passed its checks is moved into ``data/raw``.
* A checksum mismatch is treated as a **new publication**, not a corrupt file: the command stops,
  naming the file and both checksums, and says how to accept it (``--accept-new`` records the new
  checksum, size and date in the lock file). A truncated or corrupt download (short of its
  announced length, or not a valid xlsx/ods archive) is deleted and retried, then reported.
* ``DA_DATA_MIRROR`` (a folder, or an http(s) URL) is tried before the official URL. With neither
  reachable the command exits non-zero with the list of missing files and the two ways forward;
  nothing in ``data/raw`` is touched.
* The Home Office republishes files under new names: the gov.uk landing page is read and its links
  classified by **link title**; new or renamed publications are reported, and a renamed file is
  fetched from its new URL (then stops at the checksum, as a new publication).
* ONS discovery: when no ONS domestic abuse table has a URL (lock or override) and none is in
  ``data/raw/ons_da_outcomes/``, the candidate ONS dataset pages (``sources.ONS_CANDIDATE_PAGES``)
  are read in order, as HTML and as their ``/data`` JSON; each xlsx linked there is downloaded to
  staging and kept only if the ONS reader finds police force area outcome tables in it; kept
  workbooks are installed and recorded in the lock (URL, edition, sha256). Offline, it stops at
  the first unreachable page and lists every page with the ways forward.

Subcommands: ``fetch`` (default), ``status``, ``discover``. Filters: ``--only``, ``--years``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shutil
import sys
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

from helpers.core import config
from helpers.core.datamode import DataMode
from helpers.core.hashing import sha256_file
from helpers.data import sources

#: a transport opens a URL from a byte offset: returns (chunks, total length or None, ranged)
Transport = Callable[[str, int], tuple[Iterable[bytes], int | None, bool]]
CONNECT_TIMEOUT = 5
READ_TIMEOUT = 60
RETRIES = 2


class FetchError(RuntimeError):
    """Base class: the message says what happened and what to do."""


class NetworkUnavailable(FetchError):
    """The host could not be reached (offline, DNS failure, firewall, timeout)."""


class CorruptDownload(FetchError):
    """Shorter than announced, or not a valid archive."""


def requests_transport(url: str, start: int = 0) -> tuple[Iterable[bytes], int | None, bool]:
    """HTTP(S) with ``requests``, asking for bytes from ``start`` (resume) when > 0."""
    import requests

    headers = {"Range": f"bytes={start}-"} if start else {}
    try:
        response = requests.get(
            url, stream=True, headers=headers, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT)
        )
    except (requests.ConnectionError, requests.Timeout) as error:
        raise NetworkUnavailable(
            f"cannot reach {urlparse(url).netloc}: {type(error).__name__}"
        ) from None
    if response.status_code not in (200, 206):
        raise FetchError(f"{url}: HTTP {response.status_code}")
    ranged = response.status_code == 206
    length = response.headers.get("Content-Length")
    total = (int(length) + (start if ranged else 0)) if length else None
    return response.iter_content(chunk_size=1 << 16), total, ranged


class ResumableDownloader:
    """A pooch downloader that resumes from a ``.part`` file and shows a progress bar.

    pooch calls it as ``downloader(url, output_file, pooch)``; bytes accumulate in
    ``partial_dir/<name>.part`` so that a download interrupted by a lost connection continues
    where it stopped on the next run.
    """

    def __init__(self, transport: Transport, partial_dir: Path, name: str, progress: bool = True):
        self.transport = transport
        self.partial = partial_dir / f"{name}.part"
        self.name = name
        self.progress = progress
        self.expected_total: int | None = None

    def __call__(self, url: str, output_file, pooch=None, check_only: bool = False) -> None:
        from tqdm.auto import tqdm

        self.partial.parent.mkdir(parents=True, exist_ok=True)
        start = self.partial.stat().st_size if self.partial.exists() else 0
        chunks, total, ranged = self.transport(url, start)
        if start and not ranged:
            start = 0  # the server ignored the range: start again
        self.expected_total = total
        with (
            open(self.partial, "ab" if start else "wb") as handle,
            tqdm(
                total=total,
                initial=start,
                unit="B",
                unit_scale=True,
                desc=self.name,
                disable=not self.progress,
                file=sys.stderr,
            ) as bar,
        ):
            for chunk in chunks:
                handle.write(chunk)
                bar.update(len(chunk))
        size = self.partial.stat().st_size
        if total is not None and size < total:
            raise CorruptDownload(f"{self.name}: download stopped at {size:,} of {total:,} bytes")
        target = output_file if isinstance(output_file, str | Path) else output_file.name
        shutil.copyfile(self.partial, target)
        self.partial.unlink()


def check_archive(path: Path) -> None:
    """xlsx, ods and zip files are zip archives: a truncated one fails this check."""
    if path.suffix.lower() in {".xlsx", ".ods", ".zip", ".xlsm"}:
        if not zipfile.is_zipfile(path):
            raise CorruptDownload(
                f"{path.name}: not a valid {path.suffix} archive (truncated or corrupt)"
            )
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
            if bad is not None:
                raise CorruptDownload(f"{path.name}: damaged member {bad}")


@dataclass
class FileReport:
    """What happened to one registered file."""

    lock_key: str
    filename: str
    status: str
    message: str = ""
    sha256: str | None = None
    size: int | None = None

    @property
    def ok(self) -> bool:
        return self.status in {
            "verified",
            "installed",
            "installed (new checksum accepted)",
            "present (no checksum recorded)",
            "installed (no checksum recorded)",
        }


@dataclass
class FetchResult:
    reports: list[FileReport] = field(default_factory=list)
    discovery: list[dict[str, str]] = field(default_factory=list)
    offline_hosts: set[str] = field(default_factory=set)
    ons: OnsDiscovery | None = None

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.reports)


def _staging_dir() -> Path:
    return config.cache_dir() / "downloads"


def _mirror_candidates(mirror: str | None, f: sources.SourceFile) -> list[str]:
    if not mirror:
        return []
    if re.match(r"^https?://", mirror):
        base = mirror.rstrip("/") + "/"
        return [urljoin(base, f"{f.source_id}/{f.filename}"), urljoin(base, f.filename)]
    folder = Path(mirror).expanduser()
    return [str(p) for p in (folder / f.source_id / f.filename, folder / f.filename) if p.exists()]


def _obtain(
    candidate: str, f: sources.SourceFile, staging: Path, transport: Transport, progress: bool
) -> Path:
    """Copy (mirror folder) or download (URL, via pooch) one candidate into staging."""
    staging.mkdir(parents=True, exist_ok=True)
    staged = staging / f.filename
    if staged.exists():
        staged.unlink()
    if not re.match(r"^https?://", candidate):
        shutil.copyfile(candidate, staged)
        return staged
    import pooch

    downloader = ResumableDownloader(transport, staging / ".partial", f.filename, progress)
    path = pooch.retrieve(
        candidate,
        known_hash=None,
        fname=f.filename,
        path=staging,
        downloader=downloader,
        progressbar=False,
    )
    return Path(path)


def _accept_command(f: sources.SourceFile) -> str:
    return f"python -m helpers.data.fetch fetch --only {f.source_id} --accept-new   (or: make data FETCH_ARGS='--only {f.source_id} --accept-new')"


def _record(lock: dict, f: sources.SourceFile, path: Path, url: str | None, how: str) -> None:
    lock.setdefault("files", {})[f.lock_key] = {
        "filename": f.filename,
        "link_title": f.link_title,
        "url": url or f.url,
        "sha256": sha256_file(path),
        "size": path.stat().st_size,
        "years": f.years,
        "accepted": dt.date.today().isoformat(),
        "recorded_by": how,
    }


def fetch_file(
    f: sources.SourceFile,
    lock: dict,
    transport: Transport,
    mirror: str | None,
    accept_new: bool,
    offline_hosts: set[str],
    progress: bool = True,
) -> FileReport:
    """Bring one file into ``data/raw/<source>/`` (see the module docstring for the rules)."""
    target = config.raw_dir() / f.source_id / f.filename
    if target.exists():
        found = sha256_file(target)
        if f.sha256 and found == f.sha256:
            return FileReport(
                f.lock_key, f.filename, "verified", sha256=found, size=target.stat().st_size
            )
        if accept_new:  # no checksum recorded yet, or a new publication the user accepts
            _record(lock, f, target, f.url, "accepted with --accept-new (file already present)")
            return FileReport(
                f.lock_key, f.filename, "installed (new checksum accepted)", sha256=found
            )
        if not f.sha256:
            return FileReport(
                f.lock_key,
                f.filename,
                "present (no checksum recorded)",
                f"run with --accept-new to record its checksum ({found[:12]}...)",
                found,
            )
        return FileReport(
            f.lock_key,
            f.filename,
            "checksum mismatch",
            f"{f.filename} in {config.relative(target.parent)}/ has sha256 {found} but the lock expects {f.sha256}. "
            f"If the Home Office or ONS republished it, accept it with: {_accept_command(f)}. The file was not changed.",
            found,
        )
    candidates = _mirror_candidates(mirror, f) + ([f.url] if f.url else [])
    if not candidates:
        return FileReport(
            f.lock_key,
            f.filename,
            "no url",
            f"no URL registered for {f.lock_key}: add one in sources.override.toml (see README) or put the file in DA_DATA_MIRROR",
        )
    staging = _staging_dir()
    last_problem = ""
    for candidate in candidates:
        host = urlparse(candidate).netloc if re.match(r"^https?://", candidate) else ""
        if host and host in offline_hosts:
            last_problem = f"{host} unreachable"
            continue
        for attempt in range(1 + RETRIES):
            try:
                staged = _obtain(candidate, f, staging, transport, progress)
                check_archive(staged)
            except NetworkUnavailable as error:
                offline_hosts.add(host)
                last_problem = str(error)
                break
            except CorruptDownload as error:
                for leftover in (staging / f.filename, staging / ".partial" / f"{f.filename}.part"):
                    leftover.unlink(missing_ok=True)
                last_problem = f"{error} (attempt {attempt + 1} of {1 + RETRIES}, deleted)"
                continue
            except FetchError as error:
                last_problem = str(error)
                break
            found = sha256_file(staged)
            if f.sha256 and found != f.sha256 and not accept_new:
                return FileReport(
                    f.lock_key,
                    f.filename,
                    "checksum mismatch",
                    f"{f.filename} from {candidate} has sha256 {found}, the lock expects {f.sha256}: probably a new publication. "
                    f"It is held in {config.relative(staging)}/ and data/raw was not changed. To accept it: {_accept_command(f)}",
                    found,
                )
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(staged), target)
            if f.sha256 and found == f.sha256:
                return FileReport(
                    f.lock_key,
                    f.filename,
                    "installed",
                    f"from {candidate if host else 'mirror folder'}",
                    found,
                    target.stat().st_size,
                )
            if accept_new:
                _record(lock, f, target, candidate if host else f.url, "accepted with --accept-new")
                return FileReport(
                    f.lock_key, f.filename, "installed (new checksum accepted)", "", found
                )
            return FileReport(
                f.lock_key,
                f.filename,
                "installed (no checksum recorded)",
                "run with --accept-new to record its checksum",
                found,
            )
        else:
            return FileReport(f.lock_key, f.filename, "corrupt download", last_problem)
    return FileReport(f.lock_key, f.filename, "missing", last_problem)


# ------------------------------------------------------------------------------------------
# landing page discovery
# ------------------------------------------------------------------------------------------


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href = dict(attrs).get("href")
            self._text = []

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append((self._href, " ".join("".join(self._text).split())))
            self._href = None


def normalise_title(title: str) -> str:
    """Link titles compared without case, punctuation or repeated spaces ('data, year' = 'data year')."""
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9]+", " ", title.lower())).strip()


def discover_links(html: str, base_url: str = "https://www.gov.uk/") -> list[dict[str, str]]:
    """Classify the links of a landing page by link title: one dict per recognised link with
    source_id, key, title, url and filename. Unrecognised links (alternate offences, subcodes)
    are ignored: they must not be added to the series."""
    parser = _LinkParser()
    parser.feed(html)
    found = []
    for href, title in parser.links:
        normalised = normalise_title(title)
        for source in sources.SOURCES.values():
            if not source.link_title_pattern:
                continue
            match = re.match(source.link_title_pattern, normalised)
            if match:
                year = match.groupdict().get("year")
                key = (
                    f"mar{year}"
                    if year
                    else ("mar2013-onwards" if source.id == "ho_pfa_recorded_crime" else "latest")
                )
                url = urljoin(base_url, href)
                found.append(
                    {
                        "source_id": source.id,
                        "key": key,
                        "title": title,
                        "url": url,
                        "filename": sources.filename_from_url(url),
                    }
                )
    return sorted(found, key=lambda d: (d["source_id"], d["key"]))


def compare_with_registry(
    discovered: list[dict[str, str]], registry: dict[str, sources.Source]
) -> list[dict[str, str]]:
    """Each discovered or registered file with a status: 'unchanged', 'new publication (renamed)',
    'new file (not registered)' or 'not on the landing page'."""
    registered = {
        f.lock_key: f
        for f in sources.all_files(registry)
        if sources.SOURCES[f.source_id].link_title_pattern
    }
    rows = []
    seen = set()
    for link in discovered:
        lock_key = f"{link['source_id']}:{link['key']}"
        seen.add(lock_key)
        known = registered.get(lock_key)
        if known is None:
            status = "new file (not registered)"
        elif known.filename == link["filename"]:
            status = "unchanged"
        else:
            status = "new publication (renamed)"
        rows.append(
            {
                "lock_key": lock_key,
                "registered": known.filename if known else "",
                "on_page": link["filename"],
                "url": link["url"],
                "status": status,
            }
        )
    for lock_key, known in registered.items():
        if lock_key not in seen:
            rows.append(
                {
                    "lock_key": lock_key,
                    "registered": known.filename,
                    "on_page": "",
                    "url": "",
                    "status": "not on the landing page",
                }
            )
    return sorted(rows, key=lambda r: r["lock_key"])


def write_landing_page(
    path: Path,
    links: list[tuple[str, str]],
    title: str = "Police recorded crime and outcomes open data tables",
) -> Path:
    """Write an HTML page with the structure of the gov.uk landing page (attachment blocks whose
    link text is the title), for tests and offline demonstrations. ``links``: (title, url)."""
    blocks = "\n".join(
        f'''<section class="attachment embedded"><div class="attachment-details">
  <h3 class="gem-c-attachment__title"><a class="govuk-link gem-c-attachment__link" href="{url}">{text}</a></h3>
  <p class="gem-c-attachment__metadata">MS Excel Spreadsheet</p></div></section>'''
        for text, url in links
    )
    path.write_text(f"""<!DOCTYPE html><html lang="en"><head><title>{title} - GOV.UK</title></head>
<body><main id="content"><h1 class="gem-c-title__text">{title}</h1>
<div class="govspeak"><h2 id="outcomes">Outcomes</h2>
{blocks}
</div></main></body></html>
""")
    return path


def fetch_landing_page(url: str, transport: Transport) -> str:
    chunks, _total, _ranged = transport(url, 0)
    return b"".join(chunks).decode("utf-8", errors="replace")


# ------------------------------------------------------------------------------------------
# ONS discovery: the domestic abuse outcome tables from ONS dataset landing pages
# ------------------------------------------------------------------------------------------


@dataclass
class PageResponse:
    """One HTTP answer for a page: status, text, and the Location of a redirect."""

    url: str
    status: int
    text: str = ""
    location: str | None = None


#: a page transport gets one URL (no automatic redirects) -> PageResponse; raises
#: NetworkUnavailable when the host cannot be reached
PageTransport = Callable[[str], PageResponse]
ONS_FILE_LINK = re.compile(r"/file\?uri=(?P<uri>/[^\"'\s<>]+?\.(?:xlsx|xls|ods))", re.IGNORECASE)
MAX_REDIRECTS = 3
MAX_ONS_WORKBOOKS = 8


def requests_page(url: str) -> PageResponse:
    """GET a page with ``requests`` without following redirects (so a moved page is reported)."""
    import requests

    try:
        response = requests.get(url, allow_redirects=False, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT))
    except (requests.ConnectionError, requests.Timeout) as error:
        raise NetworkUnavailable(
            f"cannot reach {urlparse(url).netloc}: {type(error).__name__}"
        ) from None
    return PageResponse(url, response.status_code, response.text, response.headers.get("Location"))


@dataclass
class OnsFileLink:
    """An xlsx link found on an ONS page."""

    page: str
    url: str
    filename: str
    dataset: str
    edition: str
    via: str  # 'html' or 'json'


#: how a page ONS discovery did not request is listed (its host was found unreachable first)
NOT_TRIED = "not tried (host unreachable)"


@dataclass
class OnsDiscovery:
    """What ONS discovery tried and found: ``tried`` has one line per page request (URL and
    outcome), ``links`` the xlsx links in order, ``checked`` one line per workbook checked,
    ``accepted`` the (link, staged path, years) of the workbooks kept."""

    tried: list[str] = field(default_factory=list)
    links: list[OnsFileLink] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    accepted: list[tuple[OnsFileLink, Path, list[str]]] = field(default_factory=list)
    offline: bool = False

    def message(self) -> str:
        """Every page tried and what was found there, then the ways forward."""
        lines = ["ONS discovery of the domestic abuse outcome tables by police force area:"]
        lines += [f"  - {line}" for line in self.tried] or ["  (no page tried)"]
        if self.checked:
            lines.append("Workbooks checked with the ONS reader:")
            lines += [f"  - {line}" for line in self.checked]
        if not self.accepted:
            lines += [
                "No workbook with police force area outcome tables was found. Ways forward:",
                "  1. connect to the internet and run `make data` again (the pages above are tried in order);",
                "  2. find the table on the ONS site and set its link in sources.override.toml:",
                "       [ons_da_outcomes.files.pfa_outcomes]",
                '       url = "https://www.ons.gov.uk/file?uri=/peoplepopulationandcommunity/crimeandjustice/datasets/<dataset>/<edition>/<file>.xlsx"',
                "     (see sources.override.example.toml), then run `make data FETCH_ARGS=--accept-new`;",
                "  3. put the workbook in a folder as ons_da_outcomes/<file>.xlsx and run `DA_DATA_MIRROR=/path/to/folder make data`",
                "     (or copy it into data/raw/ons_da_outcomes/ yourself).",
            ]
        return "\n".join(lines)


def _ons_link(page: str, uri: str, via: str) -> OnsFileLink:
    parts = [p for p in uri.split("/") if p]
    dataset, edition = "", ""
    if "datasets" in parts:
        i = parts.index("datasets")
        dataset = parts[i + 1] if len(parts) > i + 1 else ""
        edition = parts[i + 2] if len(parts) > i + 3 else ""
    url = f"https://www.ons.gov.uk/file?uri={uri}"
    return OnsFileLink(page, url, Path(uri).name, dataset, edition, via)


def _get_following(url: str, pages: PageTransport, notes: list[str]) -> PageResponse | None:
    """GET with at most MAX_REDIRECTS redirects, each noted; None with a note on failure."""
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        response = pages(current)
        if response.status in (301, 302, 303, 307, 308) and response.location:
            target = urljoin(current, response.location)
            notes.append(f"{current}: HTTP {response.status}, moved to {target}")
            current = target
            continue
        if response.status != 200:
            reason = " (page not found)" if response.status == 404 else ""
            notes.append(f"{current}: HTTP {response.status}{reason}")
            return None
        return response
    notes.append(f"{url}: more than {MAX_REDIRECTS} redirects")
    return None


def ons_links_from_html(page: str, html: str) -> list[OnsFileLink]:
    """xlsx/xls/ods links of an ONS page (``/file?uri=/.../datasets/<dataset>/<edition>/<file>``),
    in page order, without repeats."""
    parser = _LinkParser()
    parser.feed(html)
    found: dict[str, OnsFileLink] = {}
    for href, _title in parser.links:
        match = ONS_FILE_LINK.search(href or "")
        if match:
            link = _ons_link(page, unquote(match.group("uri")), "html")
            found.setdefault(link.url, link)
    return list(found.values())


def _json_strings(value: object, parent: dict | None = None):
    if isinstance(value, dict):
        for item in value.values():
            yield from _json_strings(item, value)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item, parent)
    elif isinstance(value, str):
        yield value, parent


def ons_links_from_json(page: str, data: object) -> tuple[list[OnsFileLink], list[str]]:
    """(file links, dataset page URIs to follow) from an ONS ``/data`` JSON answer.

    Two shapes are read (modelled on the ONS page JSON): a dataset page, whose ``downloads``
    list ``{"file": "<name>.xlsx"}`` relative to its ``uri``; and a landing page, whose
    ``datasets`` list ``{"uri": "/.../datasets/<dataset>/<edition>"}`` (followed by the caller).
    Any string holding ``/file?uri=...xlsx`` or a ``.../datasets/.../<file>.xlsx`` URI counts too.
    """
    links: dict[str, OnsFileLink] = {}
    follow: list[str] = []
    base_uri = data.get("uri", "") if isinstance(data, dict) else ""
    if isinstance(data, dict):
        for download in data.get("downloads", []) or []:
            name = download.get("file") if isinstance(download, dict) else None
            if name and re.search(r"\.(xlsx|xls|ods)$", name, re.IGNORECASE):
                uri = name if name.startswith("/") else f"{base_uri.rstrip('/')}/{name}"
                link = _ons_link(page, uri, "json")
                links.setdefault(link.url, link)
        for dataset in data.get("datasets", []) or []:
            uri = dataset.get("uri") if isinstance(dataset, dict) else None
            if uri:
                follow.append(uri)
    for text, _parent in _json_strings(data):
        match = ONS_FILE_LINK.search(text)
        uri = match.group("uri") if match else None
        if uri is None and re.fullmatch(r"/[^\s]*/datasets/[^\s]+\.(xlsx|xls|ods)", text, re.I):
            uri = text
        if uri:
            link = _ons_link(page, unquote(uri), "json")
            links.setdefault(link.url, link)
    return list(links.values()), follow


def find_ons_links(
    candidates: Iterable[str], pages: PageTransport
) -> tuple[list[OnsFileLink], list[str], bool]:
    """Read each candidate landing page (HTML, then its ``/data`` JSON) in order.

    Returns (xlsx links in order found, one line per request saying what was found, offline).
    When the ONS host cannot be reached the remaining pages are not requested (fail fast) and
    listed as not tried."""
    links: dict[str, OnsFileLink] = {}
    tried: list[str] = []
    offline = False
    for page in candidates:
        if offline:
            tried.append(f"{page}: {NOT_TRIED}")
            continue
        try:
            found_here = 0
            notes: list[str] = []
            response = _get_following(page, pages, notes)
            tried += notes
            if response is not None:
                html_links = ons_links_from_html(page, response.text)
                tried.append(
                    f"{response.url}: HTML page read, {len(html_links)} xlsx link(s)"
                    + ("" if html_links else " (no xlsx on the page)")
                )
                for link in html_links:
                    found_here += link.url not in links
                    links.setdefault(link.url, link)
            if found_here:
                continue
            notes = []
            json_url = page.rstrip("/") + "/data"
            response = _get_following(json_url, pages, notes)
            tried += notes
            if response is None:
                continue
            try:
                data = json.loads(response.text)
            except ValueError:
                tried.append(f"{json_url}: not JSON ({response.text[:60]!r})")
                continue
            json_links, follow = ons_links_from_json(page, data)
            for uri in follow[:6]:
                sub_url = urljoin("https://www.ons.gov.uk/", uri.rstrip("/") + "/data")
                sub_notes: list[str] = []
                sub = _get_following(sub_url, pages, sub_notes)
                tried += sub_notes
                if sub is None:
                    continue
                try:
                    sub_links, _ = ons_links_from_json(page, json.loads(sub.text))
                except ValueError:
                    tried.append(f"{sub_url}: not JSON")
                    continue
                tried.append(f"{sub_url}: JSON read, {len(sub_links)} xlsx link(s)")
                json_links += sub_links
            tried.append(
                f"{json_url}: JSON read, {len(json_links)} xlsx link(s)"
                + ("" if json_links else " (no xlsx listed)")
            )
            for link in json_links:
                links.setdefault(link.url, link)
        except NetworkUnavailable as error:
            tried.append(f"{page}: {error}")
            offline = True
    return list(links.values()), tried, offline


def discover_ons(
    pages: PageTransport,
    transport: Transport,
    candidates: Iterable[str] | None = None,
    progress: bool = True,
) -> OnsDiscovery:
    """Find the ONS domestic abuse outcome workbooks (issue 15).

    Tries the candidate landing pages (``sources.ONS_CANDIDATE_PAGES`` unless given) in order;
    downloads each xlsx found (at most MAX_ONS_WORKBOOKS, page order: current edition first)
    into the staging folder and checks it with the ONS reader
    (``readers.ons_da.parse_ons_da_outcomes``). A workbook is kept when the reader finds police
    force area outcome tables in it and its financial years are not already covered by a kept
    workbook (one edition per source and year). Nothing is written to ``data/raw`` here.
    """
    from helpers.data.readers.common import LayoutError
    from helpers.data.readers.ons_da import parse_ons_da_outcomes

    result = OnsDiscovery()
    pages_list = list(candidates if candidates is not None else sources.ONS_CANDIDATE_PAGES)
    result.links, result.tried, result.offline = find_ons_links(pages_list, pages)
    covered: dict[str, str] = {}
    names: set[str] = set()
    for link in result.links[:MAX_ONS_WORKBOOKS]:
        if link.filename in names:  # ONS may reuse a file name across editions: keep both apart
            link.filename = f"{link.edition or 'edition'}-{link.filename}"
        names.add(link.filename)
        staging = _staging_dir() / "ons" / f"{link.dataset}-{link.edition or 'current'}"
        entry = sources.SourceFile(
            "ons_da_outcomes", link.dataset, link.filename, link.url, None, None, ""
        )
        try:
            staged = _obtain(link.url, entry, staging, transport, progress)
            check_archive(staged)
        except FetchError as error:
            result.checked.append(f"{link.url}: not downloaded ({error})")
            if isinstance(error, NetworkUnavailable):
                result.offline = True
                break
            continue
        try:
            table = parse_ons_da_outcomes(staged)
        except LayoutError as error:
            result.checked.append(
                f"{link.url}: no police force area outcome table ({str(error)[:160]})"
            )
            continue
        except Exception as error:  # an unreadable workbook is reported, not fatal
            result.checked.append(f"{link.url}: unreadable ({type(error).__name__}: {error})")
            continue
        years = sorted(set(table["financial_year"]))
        overlap = sorted(set(years) & set(covered))
        if overlap:
            result.checked.append(
                f"{link.url}: outcome tables for {years}; not used, {overlap} already from "
                f"{covered[overlap[0]]}"
            )
            continue
        result.checked.append(
            f"{link.url}: outcome tables for {years} (edition {link.edition or '?'}): used"
        )
        for year in years:
            covered[year] = link.filename
        result.accepted.append((link, staged, years))
    return result


def install_ons(result: OnsDiscovery, lock: dict) -> list[FileReport]:
    """Move the accepted ONS workbooks into ``data/raw/ons_da_outcomes/`` and record each in the
    lock (URL, dataset, edition, sha256, size, years), replacing entries without a URL."""
    files = lock.setdefault("files", {})
    for key in [
        k for k, v in files.items() if k.startswith("ons_da_outcomes:") and not v.get("url")
    ]:
        del files[key]
    reports = []
    for link, staged, years in result.accepted:
        target = config.raw_dir() / "ons_da_outcomes" / link.filename
        target.parent.mkdir(parents=True, exist_ok=True)
        key = f"ons_da_outcomes:{link.dataset}-{link.edition or 'current'}"
        if target.exists() and sha256_file(target) != sha256_file(staged):
            reports.append(
                FileReport(
                    key,
                    link.filename,
                    "checksum mismatch",
                    f"{link.filename} in {config.relative(target.parent)}/ differs from {link.url}; "
                    "the file was not changed. Move it away or accept with --accept-new.",
                )
            )
            continue
        shutil.move(str(staged), target)
        span = f"{years[0]}-{years[-1]}" if len(years) > 1 else years[0]
        files[key] = {
            "filename": link.filename,
            "link_title": None,
            "url": link.url,
            "sha256": sha256_file(target),
            "size": target.stat().st_size,
            "years": span,
            "edition": link.edition,
            "landing_page": link.page,
            "accepted": dt.date.today().isoformat(),
            "recorded_by": f"ONS discovery: found on {link.page} ({link.via}), checked by the ONS reader",
        }
        reports.append(
            FileReport(
                key,
                link.filename,
                "installed",
                f"from {link.url}",
                files[key]["sha256"],
                files[key]["size"],
            )
        )
    return reports


# ------------------------------------------------------------------------------------------
# commands
# ------------------------------------------------------------------------------------------


def _select(
    files: list[sources.SourceFile], only: list[str] | None, years: list[str] | None
) -> list[sources.SourceFile]:
    if only:
        unknown = sorted(set(only) - set(sources.SOURCES))
        if unknown:
            raise SystemExit(
                f"--only: unknown source id(s) {unknown}; known: {sorted(sources.SOURCES)}"
            )
        files = [f for f in files if f.source_id in only]
    if years:
        wanted = set()
        for year in years:
            if re.fullmatch(r"\d{4}", year):
                end = int(year)
                wanted.add(f"{end - 1}/{end % 100:02d}")
            else:
                wanted.add(year)
        files = [f for f in files if any(w in f.years for w in wanted)]
    return files


def run_fetch(
    only: list[str] | None = None,
    years: list[str] | None = None,
    accept_new: bool = False,
    mirror: str | None = None,
    transport: Transport | None = None,
    discover: bool = True,
    landing_html: str | None = None,
    progress: bool = True,
    pages: PageTransport | None = None,
    ons_candidates: list[str] | None = None,
) -> FetchResult:
    """Fetch every selected file; returns the reports (and writes the lock when accepting).

    With ``discover`` the gov.uk landing page is read (renamed Home Office files), and, when no
    ONS file has a URL in the lock or the override file and none is in
    ``data/raw/ons_da_outcomes/``, the ONS candidate pages are searched (``discover_ons``,
    through ``pages``); workbooks found and checked are installed and recorded in the lock.
    """
    transport = transport or requests_transport
    registry = sources.registry()
    lock = sources.load_lock()
    result = FetchResult()
    files = _select(sources.all_files(registry), only, years)
    if discover:
        landing = next(iter(registry.values())).landing_page
        try:
            html = (
                landing_html if landing_html is not None else fetch_landing_page(landing, transport)
            )
            result.discovery = compare_with_registry(discover_links(html, landing), registry)
        except NetworkUnavailable as error:
            result.offline_hosts.add(urlparse(landing).netloc)
            result.discovery = [
                {
                    "lock_key": "",
                    "registered": "",
                    "on_page": "",
                    "url": "",
                    "status": f"landing page not read: {error}",
                }
            ]
        renamed = {
            r["lock_key"]: r for r in result.discovery if r["status"] == "new publication (renamed)"
        }
        files = [
            sources.SourceFile(
                **{
                    **f.__dict__,
                    "filename": renamed[f.lock_key]["on_page"],
                    "url": renamed[f.lock_key]["url"],
                }
            )
            if f.lock_key in renamed
            else f
            for f in files
        ]
    if any(h.endswith("gov.uk") for h in result.offline_hosts):
        result.offline_hosts.add("assets.publishing.service.gov.uk")
    ons_files = [f for f in files if f.source_id == "ons_da_outcomes"]
    ons_folder = config.raw_dir() / "ons_da_outcomes"
    if (
        discover
        and ons_files
        and not any(f.url for f in ons_files)
        and not sources.select_files(
            DataMode("official", "official", config.raw_dir(), "fetch"),
            "ons_da_outcomes",
            registry,
        ).read
    ):
        result.ons = discover_ons(pages or requests_page, transport, ons_candidates, progress)
        if result.ons.offline:
            result.offline_hosts.add("www.ons.gov.uk")
        if result.ons.accepted:
            result.reports += install_ons(result.ons, lock)
            sources.write_lock(lock)
            files = [f for f in files if not (f.source_id == "ons_da_outcomes" and not f.url)]
        else:
            for f in ons_files:
                result.reports.append(
                    FileReport(
                        f.lock_key,
                        f.filename,
                        "missing",
                        f"ONS discovery found no outcome table ({_requests_made(result.ons.tried)}); "
                        f"see the pages tried (nothing in {_folder_shown(ons_folder)}/ changed)",
                    )
                )
            files = [f for f in files if f.source_id != "ons_da_outcomes"]
    for f in files:
        result.reports.append(
            fetch_file(f, lock, transport, mirror, accept_new, result.offline_hosts, progress)
        )
    if accept_new:
        sources.write_lock(lock)
    return result


def status_table(
    only: list[str] | None = None, years: list[str] | None = None
) -> list[dict[str, str]]:
    """Each registered file: present/missing, and verified / stale (checksum differs from the
    lock) / unverified (no checksum recorded)."""
    rows = []
    for f in _select(sources.all_files(), only, years):
        target = config.raw_dir() / f.source_id / f.filename
        if not target.exists():
            state = "missing"
        elif not f.sha256:
            state = "present, unverified (no checksum recorded)"
        elif sha256_file(target) == f.sha256:
            state = "present, verified"
        else:
            state = "present, stale (checksum differs from the lock)"
        rows.append({"file": f.lock_key, "filename": f.filename, "years": f.years, "status": state})
    return rows


def _folder_shown(path: Path) -> str:
    """A folder as the terminal shows it: relative to the project when inside it (data/raw),
    else its full path (``DA_RAW_DIR`` set elsewhere)."""
    path = Path(path).resolve()
    try:
        return path.relative_to(config.PROJECT_ROOT).as_posix()
    except ValueError:
        return str(path)


def _requests_made(tried: list[str]) -> str:
    """'N page request(s) made' from ONS discovery's ``tried`` lines, with the pages not tried
    because their host was already found unreachable counted apart."""
    skipped = sum(line.endswith(NOT_TRIED) for line in tried)
    made = f"{len(tried) - skipped} page request(s) made"
    return made + (f", {skipped} page(s) not tried: host unreachable" if skipped else "")


def offline_message(result: FetchResult) -> str:
    """What ``make data`` prints when official files could not be had: the files missing, why,
    and the ways forward (terminal text, naming the raw data folder actually used)."""
    missing = [r for r in result.reports if r.status in {"missing", "no url"}]
    lines = [
        f"Could not obtain {len(missing)} official file(s): the internet{' (' + ', '.join(sorted(result.offline_hosts)) + ')' if result.offline_hosts else ''} "
        f"is not reachable from here, or no URL is registered. Nothing in {_folder_shown(config.raw_dir())} was changed.",
        "Missing:",
        *[f"  - {r.lock_key}: {r.filename} ({r.message})" for r in missing],
        "Two ways forward:",
        "  1. connect to the internet (or leave the firewall) and run `make data` again;",
        "  2. put the files in a folder (or serve them at a URL), laid out as <source id>/<file name> or flat, and run",
        "     `DA_DATA_MIRROR=/path/to/folder make data` to verify and install them.",
        "Meanwhile `make reproduce` runs on the shipped synthetic sample (DATA=auto), saying so everywhere.",
    ]
    return "\n".join(lines)


def _print_table(rows: list[dict[str, str]], columns: list[str]) -> None:
    widths = {
        c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) if rows else len(c) for c in columns
    }
    print("  ".join(c.ljust(widths[c]) for c in columns))
    for row in rows:
        print("  ".join(str(row.get(c, "")).ljust(widths[c]) for c in columns))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.data.fetch",
        description="Fetch, verify and list the official files (see helpers/fetch.py).",
    )
    parser.add_argument(
        "command", nargs="?", default="fetch", choices=["fetch", "status", "discover"]
    )
    parser.add_argument("--only", help="comma-separated source ids, e.g. ho_outcomes_open_data")
    parser.add_argument(
        "--years", help="comma-separated financial years (2019/20) or years ending March (2020)"
    )
    parser.add_argument(
        "--accept-new", action="store_true", help="record new checksums in data/raw/SOURCES.lock"
    )
    parser.add_argument(
        "--mirror",
        default=None,
        help="folder or URL with copies of the files (default: DA_DATA_MIRROR)",
    )
    parser.add_argument("--no-discover", action="store_true", help="do not read the landing page")
    parser.add_argument(
        "--landing-html", type=Path, help="read the landing page from this saved HTML file instead"
    )
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    only = args.only.split(",") if args.only else None
    years = args.years.split(",") if args.years else None
    if args.command == "status":
        _print_table(status_table(only, years), ["file", "filename", "years", "status"])
        return 0
    html = args.landing_html.read_text() if args.landing_html else None
    if args.command == "discover":
        registry = sources.registry()
        landing = next(iter(registry.values())).landing_page
        try:
            html = html if html is not None else fetch_landing_page(landing, requests_transport)
        except NetworkUnavailable as error:
            print(
                f"cannot read the landing page {landing}: {error}. Save it from a browser and pass --landing-html FILE.",
                file=sys.stderr,
            )
            return 2
        _print_table(
            compare_with_registry(discover_links(html, landing), registry),
            ["lock_key", "registered", "on_page", "status"],
        )
        return 0
    mirror = args.mirror or config.data_mirror()
    result = run_fetch(
        only,
        years,
        args.accept_new,
        mirror,
        discover=not args.no_discover,
        landing_html=html,
        progress=not args.no_progress,
    )
    changed = [r for r in result.discovery if r["status"] not in ("unchanged",)]
    if changed:
        print("Landing page:")
        _print_table(changed, ["lock_key", "registered", "on_page", "status"])
    _print_table(
        [r.__dict__ for r in result.reports], ["lock_key", "filename", "status", "message"]
    )
    if result.ons is not None and result.ons.accepted:
        print(result.ons.message())
    if result.ok:
        print(
            f"all {len(result.reports)} file(s) present and checked in {config.relative(config.raw_dir())}/"
        )
        return 0
    if result.ons is not None and not result.ons.accepted:
        print(result.ons.message(), file=sys.stderr)
    if any(r.status in {"missing", "no url"} for r in result.reports):
        print(offline_message(result), file=sys.stderr)
    for report in result.reports:
        if report.status in {"checksum mismatch", "corrupt download"}:
            print(f"{report.status.upper()}: {report.message}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
