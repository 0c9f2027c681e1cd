"""Headless Chromium for the tests: Debian's ``chromium`` driven by Playwright.

Playwright's own browser download is never used (no internet here); the system browser at
``IKG_CHROMIUM`` (default ``/usr/bin/chromium``, Debian package ``chromium``) is. Without it (or
without the ``playwright`` package) the browser tests are skipped on a developer's machine and
fail under CI (``CI`` set), so that a CI run cannot pass by testing nothing.

:func:`watch` records what a page does that a view must never do: console errors and
warnings, uncaught exceptions, dialogs (``alert``/``confirm``/``prompt``), and every request.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

__all__ = ["DRAWN", "Watch", "chromium_path", "distinct_colours", "launch", "require_chromium", "watch"]

#: Wait until the view has drawn once (``window.ikg.firstDraw`` is set by the page).
DRAWN = "() => window.ikg !== undefined && window.ikg.firstDraw !== null"


def chromium_path() -> str | None:
    """The Chromium executable to use (``IKG_CHROMIUM`` if set), or ``None`` if there is none."""
    chosen = os.environ.get("IKG_CHROMIUM")
    candidate = chosen or "/usr/bin/chromium"
    if Path(candidate).is_file() and os.access(candidate, os.X_OK):
        return candidate
    return None if chosen else shutil.which("chromium")


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"browser tests need {reason} (CI is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(f"needs {reason}")


def require_chromium() -> str:
    """Return the Chromium path; skip the test locally, fail it under CI, if anything is missing."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _missing("the Python package playwright (pip install '.[test]')")
    path = chromium_path()
    if path is None:
        _missing("Chromium (apt-get install chromium)")
    return str(path)


@contextmanager
def launch() -> Iterator[Any]:
    """Start headless Chromium once; yield the Playwright ``Browser``."""
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"], headless=True)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Watch:
    """What a page did while it was watched."""

    requests: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        """Console errors and warnings, uncaught exceptions and dialogs, one line each."""
        return self.console + self.errors + [f"dialog: {d}" for d in self.dialogs]


def _on_console(seen: Watch, message: Any) -> None:
    if message.type in ("error", "warning", "assert"):
        seen.console.append(f"console.{message.type}: {message.text}")


def _on_dialog(seen: Watch, dialog: Any) -> None:
    seen.dialogs.append(f"{dialog.type}: {dialog.message}")
    dialog.dismiss()


@contextmanager
def watch(browser: Any, *, width: int = 1200, height: int = 800) -> Iterator[tuple[Any, Watch]]:
    """Open a new page in ``browser`` that records requests, console problems and dialogs."""
    page = browser.new_page(viewport={"width": width, "height": height})
    seen = Watch()
    page.on("request", lambda request: seen.requests.append(request.url))
    page.on("console", lambda message: _on_console(seen, message))
    page.on("pageerror", lambda error: seen.errors.append(f"page error: {error}"))
    page.on("dialog", lambda dialog: _on_dialog(seen, dialog))
    try:
        yield page, seen
    finally:
        page.close()


def distinct_colours(png: bytes) -> int:
    """How many different RGB colours a PNG screenshot has (1 for a blank one)."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 24)
    return len(colours or [])
