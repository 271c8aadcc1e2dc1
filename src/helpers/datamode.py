"""Which data the notebooks use: the official files or the synthetic sample.

``resolve("auto")`` uses the official files when every required source has at least one file in
``data/raw/<source>/``, and otherwise the shipped synthetic sample, saying which and why.
``resolve("official")`` insists on the official files and raises ``OfficialDataMissing`` with the
missing sources and the two ways forward. ``resolve("sample")`` uses the sample.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from helpers import config

#: the sources the notebooks need, by registry id (helpers.sources), with the file patterns
REQUIRED_SOURCES: dict[str, str] = {
    "ons_da_outcomes": "*.xls*",
    "ho_outcomes_open_data": "*.xlsx",
}
MODES = ("auto", "official", "sample")
SYNTHETIC_BANNER = "SYNTHETIC SAMPLE - not real data"


class OfficialDataMissing(RuntimeError):
    """DATA='official' but the official files are not in data/raw."""


@dataclass(frozen=True)
class DataMode:
    """The resolved data mode: its name ('official' or 'sample'), what was asked, the folder the
    files come from and why."""

    name: str
    requested: str
    root: Path
    reason: str

    @property
    def synthetic(self) -> bool:
        return self.name == "sample"

    def files(self, source_id: str) -> list[Path]:
        """The files of one source in this mode, sorted by name."""
        pattern = REQUIRED_SOURCES.get(source_id, "*")
        folder = self.root / source_id
        return sorted(p for p in folder.glob(pattern) if p.is_file() and not p.name.startswith("."))

    def banner(self) -> str:
        """One line to print at the top of every notebook and report."""
        if self.synthetic:
            return (
                f"DATA MODE: {SYNTHETIC_BANNER}. Files from {config.relative(self.root)}/ "
                f"(requested {self.requested!r}: {self.reason}). No number below is a finding."
            )
        return f"DATA MODE: official files from {config.relative(self.root)}/ (requested {self.requested!r}: {self.reason})."

    def title_suffix(self) -> str:
        """Appended to figure and table titles: the synthetic mark, or nothing."""
        return f" [{SYNTHETIC_BANNER}]" if self.synthetic else ""


def missing_official_sources(raw: Path | None = None) -> list[str]:
    """Required sources with no file in ``data/raw/<source>/``."""
    raw = raw or config.raw_dir()
    return [s for s, pattern in REQUIRED_SOURCES.items() if not any((raw / s).glob(pattern))]


def resolve(requested: str = "auto") -> DataMode:
    """Resolve 'auto', 'official' or 'sample' to a DataMode (see module docstring)."""
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
