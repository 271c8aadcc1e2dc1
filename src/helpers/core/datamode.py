"""The data mode: which data a run uses (the official files or the synthetic sample), how it
is announced (banner, title suffix), and the error when official files are missing.

Resolving a requested mode needs the source registry, so it lives in the data layer:
``helpers.data.sources.resolve_mode``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from helpers.core import config

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
