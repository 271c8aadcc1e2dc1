"""``make screenshots``: pictures of the built site for reviewers, taken in headless Chromium
(Debian's ``chromium``, driven by Playwright for Python; no browser is downloaded).

Writes ``reports/screenshots/index.png``, ``profile-<force>.png`` and
``community-resolutions.png`` (with a force chosen) from the pages ``make reproduce`` built.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
from pathlib import Path

from helpers.core import config

#: the flags that let Chromium run headless here without a sandbox, a GPU or any network service
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: the force shown in the screenshots (Kent)
FORCE = "E23000032"


class BrowserUnavailable(RuntimeError):
    """Chromium or Playwright is missing or cannot start; the message says which and what to do."""


def chromium_path() -> str:
    """The Chromium executable: ``$CHROMIUM`` if set, else ``chromium`` or ``chromium-browser`` on
    the PATH. Raises BrowserUnavailable naming the Debian package when none is found."""
    for candidate in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser"):
        if candidate and shutil.which(candidate):
            return str(shutil.which(candidate))
    raise BrowserUnavailable(
        "Chromium is not installed (Debian: apt-get install chromium, or set CHROMIUM to its path)"
    )


@contextlib.contextmanager
def browser():
    """A headless Chromium (Playwright ``Browser``) for the duration of a ``with`` block. Raises
    BrowserUnavailable when Playwright is not installed or Chromium cannot start."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError as error:
        raise BrowserUnavailable(
            f"Playwright for Python is not installed ({error}); `make setup` installs it"
        ) from error
    executable = chromium_path()
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
        except Error as error:
            raise BrowserUnavailable(f"Chromium at {executable} did not start: {error}") from error
        try:
            yield chromium
        finally:
            chromium.close()


def take(reports: Path | None = None, force: str = FORCE) -> list[Path]:
    """Screenshots of the index, one force page and the community resolution page (with
    ``force`` chosen) into ``reports/screenshots/``; returns the files written. Raises
    FileNotFoundError when the site has not been built, BrowserUnavailable without Chromium."""
    from helpers.reference import forces

    reports = reports or config.reports_dir()
    slug = forces.slug(force)
    pages = {
        "index.png": (reports / "index.html", None),
        f"profile-{slug}.png": (reports / "profiles" / f"{slug}.html", None),
        "community-resolutions.png": (reports / "community-resolutions.html", force),
    }
    missing = [str(path) for path, _ in pages.values() if not path.exists()]
    if missing:
        raise FileNotFoundError(f"build the site first (make reproduce): missing {missing}")
    out = reports / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with browser() as chromium:
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        for name, (path, chosen) in pages.items():
            page.goto(path.as_uri())
            if page.locator(".chart").count():
                page.wait_for_selector(".chart .main-svg")  # the charts are drawn
            if chosen:
                page.select_option("#force-select", chosen)
            page.screenshot(path=str(out / name), full_page=True)
            written.append(out / name)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.report.screenshots", description=__doc__.splitlines()[0]
    )
    parser.parse_args(argv)
    try:
        for path in take():
            print(f"[screenshots] {config.relative(path)}", flush=True)
    except (FileNotFoundError, BrowserUnavailable) as error:
        print(f"[screenshots] {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
