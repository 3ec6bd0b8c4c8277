"""The porter's phone on poor Wi-Fi: what the porter does offline waits on the phone,
in order, and reaches the server once when the network is back."""

from __future__ import annotations

from tests.browser.screens import PHONE, SECOND, Screens, expect
from tests.e2e.server import Server, eventually
from tests.e2e.test_ward_to_delivery import STAT_BLOOD, ok, two_emergency_porters


def test_two_actions_taken_offline_wait_on_the_phone_and_land_once_when_the_network_returns(
    screens: Screens, server: Server
) -> None:
    two_emergency_porters(server)
    phone = screens.open("/m", "demo-porter-EM-GC-01", PHONE)
    ward = server.client("demo-ward-emergency")
    job = ok(ward.post("/jobs", json=STAT_BLOOD, headers={"Idempotency-Key": "offline-1"}), 201)
    card = phone.locator(f'article[data-job-id="{job["id"]}"]')
    expect(card).to_be_visible(timeout=SECOND)
    outbox = phone.locator("#outbox")

    phone.context.set_offline(True)
    expect(phone.locator("#conn")).to_have_attribute("data-state", "offline")
    card.locator("button[data-action=acknowledge]").click()
    expect(outbox).to_have_attribute("data-waiting", "1")
    card.locator("button[data-action=pick-up]").click()  # shown as if acknowledged
    card.locator("form[data-action=pick-up] [type=submit]").click()
    expect(outbox).to_have_attribute("data-waiting", "2")
    expect(outbox).to_contain_text("2 not yet sent")
    expect(card.locator(".queued")).to_contain_text("Acknowledge, Pick up")
    phone.wait_for_timeout(1_500)  # retries fail quietly meanwhile
    auditor = server.client("demo-auditor")
    assert ok(auditor.get(f"/jobs/{job['id']}"))["status"] == "assigned"

    phone.context.set_offline(False)
    expect(outbox).to_have_attribute("data-waiting", "0", timeout=10 * SECOND)
    expect(outbox).to_contain_text("Everything has reached the server")
    expect(card.locator("button[data-action=complete]")).to_be_visible()
    expect(phone.locator("#conn")).to_have_attribute("data-state", "live", timeout=5 * SECOND)
    eventually(lambda: ok(auditor.get(f"/jobs/{job['id']}"))["status"] == "in_progress")
    events = [e["event"] for e in ok(auditor.get(f"/jobs/{job['id']}/timeline"))["entries"]]
    assert events.count("Acknowledged") == 1
    assert events.count("PickedUp") == 1


def test_an_action_whose_answer_was_lost_counts_as_sent_when_the_job_shows_it_done(
    screens: Screens, server: Server
) -> None:
    """The server acted but the phone never heard: before retrying, the phone reads the job
    back, and what is already done is neither sent twice nor reported as refused."""
    two_emergency_porters(server)
    phone = screens.open("/m", "demo-porter-EM-GC-01", PHONE)
    ward = server.client("demo-ward-emergency")
    job = ok(ward.post("/jobs", json=STAT_BLOOD, headers={"Idempotency-Key": "lost-1"}), 201)
    card = phone.locator(f'article[data-job-id="{job["id"]}"]')
    expect(card).to_be_visible(timeout=SECOND)

    phone.context.set_offline(True)
    card.locator("button[data-action=acknowledge]").click()
    porter = server.client("demo-porter-EM-GC-01")  # as if the first attempt had landed
    ok(porter.post(f"/jobs/{job['id']}/acknowledge"))
    phone.context.set_offline(False)

    outbox = phone.locator("#outbox")
    expect(outbox).to_have_attribute("data-waiting", "0", timeout=10 * SECOND)
    expect(outbox.locator(".ob-refused")).to_have_count(0)
    expect(outbox.locator(".ob-sent")).to_have_count(1)
    events = ok(server.client("demo-auditor").get(f"/jobs/{job['id']}/timeline"))["entries"]
    assert [e["event"] for e in events].count("Acknowledged") == 1
