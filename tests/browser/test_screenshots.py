"""Each page at a phone's size (390×844) and a desk's (1440×900), on a busy morning (the
audit page with a round opened at one of its jobs): something worth seeing, nothing
wider than the screen. The PNGs are kept in the test's tmp dir (and copied to
DISPATCH_SCREENSHOTS, when set, for the docs)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.browser.conftest import start_server
from tests.browser.screens import DESKTOP, PHONE, Screens, expect
from tests.e2e.server import Server, eventually
from tests.e2e.test_ward_to_delivery import STAT_BLOOD, ok, two_emergency_porters
from tests.unit.projections.scenario import CT, DOCS, DRUG

PAGES = {
    "console": ("/", "demo-dispatcher", "#job-board tbody tr"),
    "phone": ("/m", "demo-porter-EM-GC-01", "article.job"),
    "ward": ("/ward", "demo-ward-emergency", "article.job"),
    "audit": ("/audit", "demo-auditor", "#round-list tbody tr"),
}
SIZES = {"phone": PHONE, "desktop": DESKTOP}


@pytest.fixture(scope="module")
def morning(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Jobs of every priority, one on its way (picked up), one waiting for a companion."""
    server = start_server(tmp_path_factory.mktemp("morning"))
    two_emergency_porters(server)
    desk = server.client("demo-dispatcher")
    for n, body in enumerate((STAT_BLOOD, CT, DRUG, DOCS)):
        ok(desk.post("/jobs", json=body, headers={"Idempotency-Key": f"morning-{n}"}), 201)
    blood = ok(desk.get("/jobs", params={"kind": "urgent_blood"}))[0]["id"]
    porter = server.client("demo-porter-EM-GC-01")
    eventually(lambda: ok(desk.get(f"/jobs/{blood}"))["porters"] == ["EM-GC-01"])
    for step in ("acknowledge", "pick-up"):
        ok(porter.post(f"/jobs/{blood}/{step}", json={}))
    ok(
        server.client("demo-ward-emergency").post(
            "/jobs", json=STAT_BLOOD, headers={"Idempotency-Key": "m-5"}
        ),
        201,
    )
    yield server
    server.kill()


def non_trivial(png: Path, size: dict[str, int]) -> None:
    assert png.stat().st_size > 10_000, png
    with Image.open(png) as image:
        assert image.size == (size["width"], size["height"])
        colours = image.convert("RGB").getcolors(maxcolors=1 << 16)
        assert colours is None or len(colours) > 64, f"{png}: {len(colours or [])} colours"


@pytest.mark.parametrize("size", SIZES, ids=str)
@pytest.mark.parametrize("name", PAGES, ids=str)
def test_each_page_shows_its_morning_at_a_phones_size_and_a_desks(
    browser: Any, morning: Server, name: str, size: str, tmp_path: Path
) -> None:
    path, token, content = PAGES[name]
    screens = Screens(browser, morning)
    page = screens.open(path, token, SIZES[size])
    expect(page.locator(content).first).to_be_visible()
    if name == "console":  # an incident comes in while the desk watches
        porter = morning.client("demo-porter-EM-GC-01")
        (held,) = ok(porter.get("/porters/EM-GC-01/jobs"))[:1]
        body = {"category": "equipment_failure", "note": "cold box latch broken"}
        ok(porter.post(f"/jobs/{held['id']}/incidents", json=body))
        expect(page.locator("#alert-list .a-incident").first).to_be_visible()
    if name == "audit":  # the round that placed the blood, opened at the blood
        blood = ok(morning.client("demo-auditor").get("/jobs", params={"kind": "urgent_blood"}))
        placed = next(j for j in blood if j["status"] == "in_progress")
        page.locator(f'#round-list tr[data-number="{placed["decision_number"]}"]').click()
        page.locator(f'#round tr[data-job-id="{placed["id"]}"]').click()
        expect(page.locator('#round .options tr[data-verdict="chosen"]')).to_be_visible()
    page.wait_for_timeout(300)  # the last refresh painted
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    png = tmp_path / f"{name}-{size}.png"
    page.screenshot(path=str(png))
    non_trivial(png, SIZES[size])
    if folder := os.environ.get("DISPATCH_SCREENSHOTS"):
        shutil.copy(png, Path(folder) / png.name)
    screens.close()
