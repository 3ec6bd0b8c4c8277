"""A day on the screens: a ward asks, the desk and the porter see it at once, the porter
does it from the phone, and everyone's page follows without a reload; a dispatcher's
override holds."""

from __future__ import annotations

from typing import Any

from tests.browser.screens import PHONE, SECOND, Screens, expect
from tests.e2e.server import Server, eventually
from tests.e2e.test_ward_to_delivery import ok, two_emergency_porters


def ask_for_blood(ward: Any) -> str:
    """The ward's form: stat blood from resus to the blood bank; the job's id, from its card
    (the one card more than before: the list may already hold an earlier request)."""
    cards = ward.locator("#ward-list article", has_text="ED-RESUS → BLOOD-BANK")
    before = {c.get_attribute("data-job-id") for c in cards.all()}
    form = ward.locator("#request-form")
    form.locator("[name=kind]").select_option("urgent_blood")
    form.locator("[name=priority]").select_option("stat")
    form.locator("[name=origin]").fill("ED-RESUS")
    form.locator("[name=destination]").fill("BLOOD-BANK")
    form.locator("[type=submit]").click()
    expect(form.locator(".sent")).to_contain_text("BLOOD-BANK")
    expect(cards).to_have_count(len(before) + 1)
    (job_id,) = {c.get_attribute("data-job-id") for c in cards.all()} - before
    assert job_id is not None
    return job_id


def test_a_stat_job_goes_from_the_ward_page_to_the_desk_and_the_phone_and_is_followed_to_delivery(
    screens: Screens, server: Server
) -> None:
    two_emergency_porters(server)
    console = screens.open("/", "demo-dispatcher")
    phone = screens.open("/m", "demo-porter-EM-GC-01", PHONE)
    ward = screens.open("/ward", "demo-ward-emergency", PHONE)

    jid = ask_for_blood(ward)
    row = console.locator(f'#job-board tr[data-job-id="{jid}"]')
    card = phone.locator(f'article[data-job-id="{jid}"]')
    expect(row).to_be_visible(timeout=SECOND)
    expect(card).to_be_visible(timeout=SECOND)
    expect(row.locator(".porters")).to_contain_text("EM-GC-01", timeout=SECOND)
    expect(row.locator(".prio")).to_have_text("stat")

    card.locator("button[data-action=acknowledge]").click()
    expect(card).to_have_attribute("data-status", "acknowledged")
    expect(row).to_have_attribute("data-status", "acknowledged", timeout=SECOND)

    card.locator("button[data-action=pick-up]").click()
    card.locator("form[data-action=pick-up] [name=handed_over_by]").fill("Nurse Chen")
    card.locator("form[data-action=pick-up] [type=submit]").click()
    expect(row).to_have_attribute("data-status", "in_progress", timeout=SECOND)
    ward_card = ward.locator(f'article[data-job-id="{jid}"]')
    expect(ward_card).to_have_attribute("data-status", "in_progress", timeout=SECOND)

    card.locator("button[data-action=complete]").click()
    card.locator("form[data-action=complete] [name=received_by]").fill("blood bank: Nurse Li")
    card.locator("form[data-action=complete] [type=submit]").click()
    expect(card).to_have_count(0, timeout=SECOND)
    expect(row).to_have_count(0, timeout=SECOND)  # the board shows open jobs
    expect(ward_card).to_have_attribute("data-status", "completed", timeout=SECOND)
    expect(phone.locator("#outbox")).to_have_attribute("data-waiting", "0")

    timeline = ok(server.client("demo-auditor").get(f"/jobs/{jid}/timeline"))["entries"]
    assert [e["event"] for e in timeline if e["event"] != "Decision"] == [
        "Submitted",
        "Assigned",
        "Acknowledged",
        "PickedUp",
        "Completed",
    ]
    done = timeline[-1]
    assert (done["actor"]["by"], done["received_by"]) == ("EM-GC-01", "blood bank: Nurse Li")

    ward_card.locator("button[data-action=rate]").click()
    ward_card.locator("form[data-action=rate] [name=score]").select_option("5")
    ward_card.locator("form[data-action=rate] [type=submit]").click()
    expect(ward_card.locator("button[data-action=rate]")).to_have_count(0)
    assert ok(server.client("demo-auditor").get(f"/jobs/{jid}"))["rating"] == 5


def test_a_dispatcher_overrides_the_engine_from_the_console_and_the_job_stays_put(
    screens: Screens, server: Server
) -> None:
    two_emergency_porters(server)
    ward = screens.open("/ward", "demo-ward-emergency", PHONE)
    console = screens.open("/", "demo-dispatcher")
    moved_to = screens.open("/m", "demo-porter-EM-GC-02", PHONE)
    jid = ask_for_blood(ward)
    row = console.locator(f'#job-board tr[data-job-id="{jid}"]')
    expect(row.locator(".porters")).to_contain_text("EM-GC-01", timeout=SECOND)

    row.click()
    page = console.locator("#job-page")
    expect(page.locator(".timeline")).to_contain_text("Assigned")
    expect(page.locator(".why")).to_contain_text("EM-GC-01")
    form = page.locator("form[data-action=override]")
    form.locator("[name=porters]").fill("EM-GC-02")
    form.locator("[name=reason]").fill("EM-GC-01 is needed in resus")
    form.locator("[type=submit]").click()
    expect(page.locator(".facts")).to_contain_text("EM-GC-02")
    expect(row.locator(".porters")).to_contain_text("EM-GC-02", timeout=SECOND)
    expect(row.locator(".flag.pinned")).to_be_visible()
    expect(moved_to.locator(f'article[data-job-id="{jid}"]')).to_be_visible(timeout=SECOND)

    # Rounds come and go (another job, the idle re-offer): the person's choice holds.
    auditor = server.client("demo-auditor")
    rounds = ok(auditor.get("/ready"))["rounds"]
    ask_for_blood(ward)
    eventually(lambda: ok(auditor.get("/ready"))["rounds"] > rounds)
    job = ok(auditor.get(f"/jobs/{jid}"))
    assert (job["porters"], job["pinned"]) == (["EM-GC-02"], True)
    expect(row.locator(".porters")).to_contain_text("EM-GC-02")
    expect(page.locator(".timeline")).to_contain_text("Overridden")
