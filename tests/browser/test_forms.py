"""Forms say what is wrong beside the field the API names, and a refused form writes
nothing; what the phone can tell at once it says before queueing anything."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.browser.screens import PHONE, Screens, expect
from tests.e2e.server import Server
from tests.e2e.test_ward_to_delivery import STAT_BLOOD, ok, two_emergency_porters


def submitted_since(server: Server, position: int) -> list[Any]:
    page = ok(server.client("demo-auditor").get("/events", params={"after": position}))
    return [c for c in page["items"] if c["type"] == "Job.Submitted"]


def test_a_call_taken_at_the_desk_with_an_unknown_place_is_refused_beside_that_field(
    screens: Screens, server: Server
) -> None:
    console = screens.open("/", "demo-dispatcher")
    console.click("#new-call")
    form = console.locator("#intake-form")
    form.locator("[name=kind]").select_option("specimen")
    form.locator("[name=department]").fill("surgery_7")
    form.locator("[name=origin]").fill("ROOF")
    form.locator("[name=destination]").fill("LAB")
    before = ok(server.client("demo-auditor").get("/ready"))["position"]
    form.locator("[type=submit]").click()

    origin = form.locator('[data-field="origin"]')
    expect(origin.locator(".error")).to_contain_text("ROOF")
    expect(origin).to_have_class("field invalid")
    expect(form.locator('[data-field="destination"] .error')).to_have_text("")
    assert submitted_since(server, before) == []

    form.locator("[name=origin]").fill("SU-W7")  # corrected: the same form goes through
    form.locator("[type=submit]").click()
    expect(form.locator(".sent")).to_contain_text("SU-W7 → LAB")
    expect(origin).to_have_class("field")
    assert len(submitted_since(server, before)) == 1


def test_a_ward_asking_to_go_nowhere_is_told_so_beside_the_destination(
    screens: Screens, server: Server
) -> None:
    ward = screens.open("/ward", "demo-ward-surgery", PHONE)
    form = ward.locator("#request-form")
    form.locator("[name=kind]").select_option("document")
    form.locator("[name=origin]").fill("SU-W7")
    form.locator("[name=destination]").fill("SU-W7")
    before = ok(server.client("demo-auditor").get("/ready"))["position"]
    form.locator("[type=submit]").click()
    expect(form.locator('[data-field="destination"] .error')).to_contain_text("differ")
    assert submitted_since(server, before) == []


def test_a_completion_without_who_received_it_is_refused_on_the_phone_before_it_is_queued(
    screens: Screens, server: Server
) -> None:
    two_emergency_porters(server)
    ward = server.client("demo-ward-emergency")
    job = ok(ward.post("/jobs", json=STAT_BLOOD, headers={"Idempotency-Key": "form-1"}), 201)
    porter = server.client("demo-porter-EM-GC-01")
    for step in ("acknowledge", "pick-up"):
        ok(porter.post(f"/jobs/{job['id']}/{step}", json={}))
    phone = screens.open("/m", "demo-porter-EM-GC-01", PHONE)
    card = phone.locator(f'article[data-job-id="{job["id"]}"]')
    card.locator("button[data-action=complete]").click()
    card.locator("form[data-action=complete] [type=submit]").click()
    expect(card.locator('[data-field="received_by"] .error')).not_to_be_empty()
    expect(phone.locator("#outbox")).to_have_attribute("data-waiting", "0")
    assert ok(porter.get(f"/jobs/{job['id']}"))["status"] == "in_progress"


def test_a_time_typed_into_a_form_is_the_hospitals_wall_clock_wherever_the_device_is(
    screens: Screens, server: Server
) -> None:
    tomorrow = (datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(days=1)).date()
    ward = screens.open("/ward", "demo-ward-surgery", PHONE)  # the device: New York
    form = ward.locator("#request-form")
    form.locator("[name=kind]").select_option("escort")
    form.locator("[name=patient_ref]").fill("P-004711")
    form.locator("[name=origin]").fill("SU-W7")
    form.locator("[name=destination]").fill("CT")
    form.locator("[name=ready_at]").fill(f"{tomorrow}T10:30")
    form.locator("[type=submit]").click()
    expect(form.locator(".sent")).to_contain_text("SU-W7 → CT")
    (job,) = [
        j
        for j in ok(server.client("demo-auditor").get("/jobs", params={"kind": "escort"}))
        if j["department"] == "surgery_7"
    ]
    assert job["ready_at"] == f"{tomorrow}T10:30:00+08:00"
