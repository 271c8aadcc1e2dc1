"""``make verify``: did a rerun reproduce the same numbers?

``reports/figures/MANIFEST.csv`` lists every figure with the sha256 of the CSV of numbers it
plots. ``verify`` compares the manifest of a fresh run with the committed one (``git show
HEAD:reports/figures/MANIFEST.csv``, or a file given with ``--against``) and names every figure
whose numbers changed, appeared or disappeared.
"""

from __future__ import annotations

import argparse
import csv
import io
import subprocess
import sys
from pathlib import Path

from helpers.core import config

MANIFEST = Path("reports") / "figures" / "MANIFEST.csv"


def read_manifest(text: str) -> dict[str, dict[str, str]]:
    return {row["figure"]: row for row in csv.DictReader(io.StringIO(text))}


def committed_manifest(ref: str = "HEAD") -> str:
    """The manifest as committed at ``ref``."""
    result = subprocess.run(
        ["git", "show", f"{ref}:{MANIFEST.as_posix()}"],
        cwd=config.PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise FileNotFoundError(
            f"no committed {MANIFEST.as_posix()} at {ref}: {result.stderr.strip()}"
        )
    return result.stdout


def compare(fresh: dict[str, dict[str, str]], committed: dict[str, dict[str, str]]) -> list[str]:
    """One line per difference, naming the figure; empty when the numbers are the same."""
    problems = []
    for figure in sorted(set(fresh) | set(committed)):
        new, old = fresh.get(figure), committed.get(figure)
        if old is None:
            problems.append(f"{figure}: new figure (not in the committed manifest)")
        elif new is None:
            problems.append(f"{figure}: missing from this run")
        elif new["data_sha256"] != old["data_sha256"]:
            mode = (
                f" (this run: {new['data_mode']}, committed: {old['data_mode']})"
                if new["data_mode"] != old["data_mode"]
                else ""
            )
            problems.append(
                f"{figure}: numbers differ - {new['data_csv']} sha256 {new['data_sha256'][:12]}... vs committed {old['data_sha256'][:12]}...{mode}"
            )
    return problems


def verify(fresh_path: Path | None = None, against: Path | None = None) -> list[str]:
    fresh_path = fresh_path or config.figures_dir() / "MANIFEST.csv"
    if not fresh_path.exists():
        raise FileNotFoundError(
            f"{config.relative(fresh_path)} does not exist: run `make reproduce` first"
        )
    committed = against.read_text() if against else committed_manifest()
    return compare(read_manifest(fresh_path.read_text()), read_manifest(committed))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.figures.manifest", description=__doc__.splitlines()[0]
    )
    parser.add_argument("command", choices=["verify"])
    parser.add_argument(
        "--fresh",
        type=Path,
        default=None,
        help="manifest of the fresh run (default reports/figures/MANIFEST.csv)",
    )
    parser.add_argument(
        "--against",
        type=Path,
        default=None,
        help="manifest to compare with (default: the committed one)",
    )
    args = parser.parse_args(argv)
    problems = verify(args.fresh, args.against)
    if problems:
        print(
            f"verify: {len(problems)} figure(s) differ from the committed manifest:",
            file=sys.stderr,
        )
        for line in problems:
            print(f"  - {line}", file=sys.stderr)
        return 1
    print(
        f"verify: every figure's numbers match the committed manifest ({len(read_manifest((args.fresh or config.figures_dir() / 'MANIFEST.csv').read_text()))} figures)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
