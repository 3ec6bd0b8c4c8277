"""Opening the screens as their users do: a browser context per person, signed in
through the page's own form, in a timezone other than the hospital's."""

from __future__ import annotations

from typing import Any

from tests.e2e.server import Server

try:  # without Playwright the tests still collect, and skip (or fail) saying why
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - depends on the machine
    expect = None  # type: ignore[assignment]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}
SECOND = 1_000  # ms: what "live" means here
# Not the hospital's (Asia/Shanghai): times on the screens must not follow the device.
DEVICE_TZ = "America/New_York"


class Screens:
    def __init__(self, browser: Any, server: Server) -> None:
        self.browser = browser
        self.server = server
        self.contexts: list[Any] = []
        self.errors: list[str] = []

    def open(self, path: str, token: str, size: dict[str, int] = DESKTOP) -> Any:
        """A signed-in page of its own context (its own sessionStorage and localStorage)."""
        context = self.browser.new_context(
            viewport=size, locale="en-GB", timezone_id=DEVICE_TZ, service_workers="block"
        )
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: self.errors.append(f"{path}: {error}"))
        page.goto(self.server.url + path)
        page.fill("#signin-form [name=token]", token)
        page.click("#signin-form [type=submit]")
        page.wait_for_selector("#app", state="visible", timeout=10_000)
        page.wait_for_selector("#conn[data-state=live]", timeout=10_000)
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()
        assert self.errors == [], self.errors
