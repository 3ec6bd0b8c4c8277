"""Browser tests: Debian's Chromium, driven by Playwright, against a real `dispatch serve`.

Playwright's own browser download does not work everywhere; the system's Chromium
does (`apt-get install -y chromium`). Without it, or without Playwright, these tests
skip saying why; with DISPATCH_REQUIRE_BROWSER=1 (as `.ci/run` sets) they fail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest

from tests.browser.screens import Screens
from tests.e2e.server import Server

CHROMIUM = os.environ.get("DISPATCH_CHROMIUM") or next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None
)
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def browser_reason() -> str | None:
    """None when a browser can be driven; otherwise why not."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the machine
        return f"Playwright is not installed ({exc}): pip install -e '.[dev]'"
    if CHROMIUM is None or not Path(CHROMIUM).exists():
        return "no Chromium found (apt-get install -y chromium, or set DISPATCH_CHROMIUM)"
    return None


def require_browser() -> None:
    reason = browser_reason()
    if reason is None:
        return
    if os.environ.get("DISPATCH_REQUIRE_BROWSER"):
        pytest.fail(reason + " (DISPATCH_REQUIRE_BROWSER is set, so this fails)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def start_server(folder: Path) -> Server:
    """A fresh site on embedded SQLite: the screens are the subject, not the store."""
    env = {
        "DISPATCH_SITE": f"b{uuid4().hex[:12]}",
        "DISPATCH_DEMO": "true",  # the tests sign in with the well-known demo tokens
        "DISPATCH_STORE": "sqlite",
        "DISPATCH_SQLITE_PATH": str(folder / "events.sqlite"),
        "DISPATCH_TICK_SECONDS": "0.5",
        "DISPATCH_POLL_SECONDS": "0.05",
        "DISPATCH_STANDBY_SECONDS": "0.2",
    }
    server = Server(env, folder / "server.log")
    server.start()
    return server


@pytest.fixture
def server(browser: Any, tmp_path: Path) -> Iterator[Server]:
    srv = start_server(tmp_path)
    yield srv
    srv.kill()


@pytest.fixture
def screens(browser: Any, server: Server) -> Iterator[Screens]:
    """Pages on `server`; no page may throw an uncaught error."""
    opened = Screens(browser, server)
    yield opened
    opened.close()
