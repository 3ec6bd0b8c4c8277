"""The console's figures as charts, and calling a porter in from the porter board."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tests.browser.screens import SECOND, Screens, expect
from tests.e2e.server import Server, eventually
from tests.e2e.test_ward_to_delivery import STAT_BLOOD, ok, two_emergency_porters

HOSPITAL_TZ = ZoneInfo("Asia/Shanghai")  # the demo hospital's


def delivered(server: Server, key: str) -> str:
    """A stat blood job from the ward, done at once by whoever the engine gives it to."""
    ward = server.client("demo-ward-emergency")
    job = ok(ward.post("/jobs", json=STAT_BLOOD, headers={"Idempotency-Key": key}), 201)
    desk = server.client("demo-auditor")
    badge: str = eventually(lambda: ok(desk.get(f"/jobs/{job['id']}"))["porters"])[0]
    porter = server.client(f"demo-porter-{badge}")
    steps = (("acknowledge", None), ("pick-up", {}), ("complete", {"received_by": "lab"}))
    for step, body in steps:
        ok(porter.post(f"/jobs/{job['id']}/{step}", json=body))
    return badge


def test_the_charts_show_the_days_figures_and_follow_them_without_a_reload(
    screens: Screens, server: Server
) -> None:
    two_emergency_porters(server)
    first = delivered(server, "chart-1")
    console = screens.open("/", "demo-dispatcher")

    sla = console.locator("svg.chart-sla")
    stat = sla.locator('g.row[data-key="stat"]')
    expect(stat.locator("g.bar.delivery")).to_have_attribute("data-value", "1")
    expect(stat.locator("g.bar.pickup")).to_have_attribute("data-value", "1")
    expect(sla.locator('g.row[data-key="routine"] g.bar.delivery')).to_have_attribute(
        "data-value", ""
    )  # nothing to judge yet
    hour = datetime.now(HOSPITAL_TZ).strftime("%H")
    waits = console.locator("svg.chart-waits g.col")
    expect(waits).to_have_count(1)
    expect(waits).to_have_attribute("data-hour", hour)  # the hospital's hour, not the device's
    work = console.locator("svg.chart-workload")
    expect(work.locator("g.row")).to_have_count(1)
    expect(work.locator("g.row")).to_have_attribute("data-key", first)

    desk = server.client("demo-dispatcher")
    ok(desk.post(f"/porters/{first}/break/start"))  # the other one takes the next
    second = delivered(server, "chart-2")
    assert second != first
    expect(work.locator("g.row")).to_have_count(2, timeout=5 * SECOND)
    expect(console.locator(".numbers")).to_contain_text("2")


def test_a_dispatcher_calls_a_porter_in_and_sees_them_free_on_the_board(
    screens: Screens, server: Server
) -> None:
    two_emergency_porters(server)
    console = screens.open("/", "demo-dispatcher")
    board = console.locator("#porter-board")
    called = board.locator('li[data-badge="EM-GC-03"]')
    expect(called).to_have_count(0)  # off shift: hidden until asked for
    console.locator("#porter-filters [name=off]").check()
    expect(called).to_have_attribute("data-state", "off_shift")

    called.locator("button[data-action=call-in]").click()
    form = console.locator("#call-in")
    expect(form).to_be_visible()
    expect(form).to_contain_text("EM-GC-03")
    until = form.locator("[name=ends_at]")
    until.fill("")
    form.locator("[type=submit]").click()
    expect(form.locator('[data-field="ends_at"] .error')).to_have_text("Required.")

    too_long = (datetime.now(HOSPITAL_TZ) + timedelta(hours=30)).strftime("%Y-%m-%dT%H:%M")
    until.fill(too_long)
    form.locator("[type=submit]").click()
    expect(form.locator('[data-field="ends_at"] .error')).to_contain_text("at most 24 hours")
    expect(called).to_have_attribute("data-state", "off_shift")
    planner = server.client("demo-planner")
    assert ok(planner.get("/porters/EM-GC-03"))["state"] == "off_shift"  # nothing written

    ends = datetime.now(HOSPITAL_TZ) + timedelta(hours=4)
    until.fill(ends.strftime("%Y-%m-%dT%H:%M"))
    form.locator("[type=submit]").click()
    expect(form).to_be_hidden()
    expect(called).to_have_attribute("data-state", "free", timeout=SECOND)
    expect(called.locator(".where")).to_contain_text(ends.strftime("%H:%M"))
    porter = ok(planner.get("/porters/EM-GC-03"))
    assert porter["state"] == "free"
    shift_end = datetime.fromisoformat(porter["shift_ends_at"]).astimezone(UTC)
    assert abs(shift_end - ends.replace(second=0, microsecond=0).astimezone(UTC)) < timedelta(
        seconds=1
    )
