"""What happens around a job, across the screens: an incident reported from the phone
alerts the desk, a job waiting for its companion goes out once the ward confirms one,
a break taken on the phone shows on the porter board."""

from __future__ import annotations

from tests.browser.screens import PHONE, SECOND, Screens, expect
from tests.e2e.server import Server, eventually
from tests.e2e.test_ward_to_delivery import STAT_BLOOD, ok, two_emergency_porters


def test_an_incident_reported_from_the_phone_alerts_the_desk_at_once(
    screens: Screens, server: Server
) -> None:
    two_emergency_porters(server)
    ward = server.client("demo-ward-emergency")
    job = ok(ward.post("/jobs", json=STAT_BLOOD, headers={"Idempotency-Key": "inc-1"}), 201)
    console = screens.open("/", "demo-dispatcher")
    phone = screens.open("/m", "demo-porter-EM-GC-01", PHONE)
    card = phone.locator(f'article[data-job-id="{job["id"]}"]')
    card.locator("button[data-action=acknowledge]").click()
    card.locator("button[data-action=incidents]").click()
    form = card.locator("form[data-action=incidents]")
    form.locator("[name=category]").select_option("equipment_failure")
    form.locator("[name=note]").fill("cold box latch broken")
    form.locator("[type=submit]").click()

    alert = console.locator("#alert-list .a-incident")
    expect(alert).to_contain_text("cold box latch broken", timeout=SECOND)
    expect(alert).to_contain_text("EM-GC-01")
    alert.locator("a").click()
    expect(console.locator("#job-page .timeline")).to_contain_text("Incident reported")
    assert ok(server.client("demo-auditor").get(f"/jobs/{job['id']}"))["incidents"] == 1


def test_a_job_waiting_for_its_companion_reaches_the_phone_once_the_ward_confirms(
    screens: Screens, server: Server
) -> None:
    body = {
        **STAT_BLOOD,
        "kind": "patient_transport",
        "destination": "CT",
        "patient_ref": "P-000042",
        "requirements": {"mode": "stretcher", "accompaniment": "clinician"},
    }
    two_emergency_porters(server)
    phone = screens.open("/m", "demo-porter-EM-GC-01", PHONE)
    ward_api = server.client("demo-ward-emergency")
    job = ok(ward_api.post("/jobs", json=body, headers={"Idempotency-Key": "comp-1"}), 201)
    desk = server.client("demo-auditor")
    why = eventually(lambda: (w := ok(desk.get(f"/jobs/{job['id']}/why")))["considered"] and w)
    assert "accompaniment_confirmed" in why["waiting_reason"]  # no porter until confirmed

    ward = screens.open("/ward", "demo-ward-emergency", PHONE)
    card = ward.locator(f'article[data-job-id="{job["id"]}"]')
    expect(card.locator(".warn")).to_contain_text("Confirm who goes along")
    card.locator("button[data-action=confirm-accompaniment]").click()
    card.locator("[name=companion]").fill("Dr Wang (anaesthetist)")
    card.locator("form [type=submit]").click()
    expect(card.locator("button[data-action=confirm-accompaniment]")).to_have_count(0)
    expect(card).to_contain_text("Goes along: Dr Wang (anaesthetist)")

    on_phone = phone.locator(f'article[data-job-id="{job["id"]}"]')
    expect(on_phone).to_contain_text("Goes along: Dr Wang (anaesthetist)", timeout=SECOND)
    expect(card).to_contain_text("porter EM-GC-01", timeout=SECOND)
    on_phone.locator("button[data-action=acknowledge]").click()
    on_phone.locator("button[data-action=pick-up]").click()
    expect(on_phone.locator("[name=companion_present]")).to_be_visible()


def test_a_break_taken_on_the_phone_shows_on_the_porter_board(
    screens: Screens, server: Server
) -> None:
    two_emergency_porters(server)
    console = screens.open("/", "demo-dispatcher")
    phone = screens.open("/m", "demo-porter-EM-GC-02", PHONE)
    phone.locator("button[data-action='break/start']").click()
    expect(phone.locator(".day .state")).to_have_text("on break")
    row = console.locator('#porter-board li[data-badge="EM-GC-02"]')
    expect(row).to_have_attribute("data-state", "on_break", timeout=SECOND)
    phone.locator("button[data-action='break/end']").click()
    expect(row).to_have_attribute("data-state", "free", timeout=SECOND)
    expect(phone.locator("#outbox")).to_have_attribute("data-waiting", "0")
