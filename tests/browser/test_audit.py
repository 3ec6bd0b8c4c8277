"""The auditor's view, walked as an auditor: from the console to the rounds, a round
opened to the job it moved and the porter it left out (and the rule that did), and the
job's whole story with who did what, in which role, for whom."""

from __future__ import annotations

from typing import Any

from tests.browser.screens import PHONE, Screens, expect
from tests.e2e.server import Server, eventually
from tests.e2e.test_ward_to_delivery import STAT_BLOOD, ok, two_emergency_porters


def declined_then_moved(server: Server) -> dict[str, Any]:
    """Stat blood the desk took by phone for the emergency department, given to EM-GC-01,
    who declines it; a round gives it to EM-GC-02. The job as it then stands."""
    two_emergency_porters(server)
    desk_phone = server.client("demo-dispatcher")
    job = ok(desk_phone.post("/jobs", json=STAT_BLOOD, headers={"Idempotency-Key": "aud-1"}), 201)
    desk = server.client("demo-auditor")
    eventually(lambda: ok(desk.get(f"/jobs/{job['id']}"))["porters"] == ["EM-GC-01"])
    porter = server.client("demo-porter-EM-GC-01")
    body = {"reason": "porter_declined", "note": "both hands full"}
    ok(porter.post(f"/jobs/{job['id']}/decline", json=body))
    return eventually(
        lambda: (j := ok(desk.get(f"/jobs/{job['id']}")))["porters"] == ["EM-GC-02"] and j
    )


def test_an_auditor_opens_a_round_and_sees_which_rule_kept_a_porter_out(
    screens: Screens, server: Server
) -> None:
    job = declined_then_moved(server)
    console = screens.open("/", "demo-auditor")
    console.locator(".topbar a.navlink[href='/audit']").click()
    expect(console).to_have_url(f"{server.url}/audit")
    audit = console
    expect(audit.locator("#conn")).to_have_attribute("data-state", "live")

    number = job["decision_number"]
    row = audit.locator(f'#round-list tr[data-number="{number}"]')
    expect(row).to_contain_text("released")  # the decline set this round going
    row.click()
    panel = audit.locator("#round")
    expect(panel.locator("h2")).to_have_text(f"Round #{number}")
    expect(panel.locator(".round-porters")).to_contain_text("EM-GC-01")

    panel.locator(f'tr.job-in-round[data-job-id="{job["id"]}"]').click()
    options = panel.locator(".options")
    expect(options.locator('tr[data-verdict="chosen"]')).to_have_attribute("data-badge", "EM-GC-02")
    left_out = options.locator('tr[data-badge="EM-GC-01"]')
    expect(left_out).to_have_attribute("data-verdict", "excluded")
    expect(left_out.locator('li[data-rule="not_declined"]')).to_contain_text("declined this job")
    other_group = options.locator('tr[data-verdict="excluded"] li[data-rule="group_eligible"]')
    expect(other_group.first).to_contain_text("does not lend porters to emergency")

    panel.locator("button.replay").click()
    expect(panel.locator(".replay-verdict")).to_have_class("replay-verdict same")

    options.get_by_role("link", name="The job's whole story").click()
    story = audit.locator("#story")
    expect(story).to_be_visible()
    expect(panel).to_be_hidden()
    released = story.locator('li[data-event="Released"]')
    expect(released.locator('.actor[data-role="porter"]')).to_contain_text("EM-GC-01")
    expect(released).to_contain_text("both hands full")
    requested = story.locator('li[data-event="Submitted"] .actor[data-role="dispatcher"]')
    expect(requested.locator(".for")).to_have_text("for emergency")  # the ward it called for
    expect(story.locator(".story-rounds tbody tr")).to_have_count(2)  # given, then moved
    audit.go_back()  # the address names what is open: Back returns to the round
    expect(panel.locator(".options")).to_be_visible()


def test_rounds_are_filtered_by_job_and_a_mistyped_id_is_shown_beside_its_field(
    screens: Screens, server: Server
) -> None:
    job = declined_then_moved(server)
    audit = screens.open("/audit", "demo-auditor", PHONE)
    form = audit.locator("#round-filters")
    form.locator("[name=job]").fill("not-a-job")
    form.locator("[type=submit]").click()
    expect(form.locator('[data-field="job"] .error')).to_contain_text("Not a job's id")

    form.locator("[name=job]").fill(job["id"])
    form.locator("[type=submit]").click()
    expect(form.locator('[data-field="job"] .error')).to_have_text("")
    rows = audit.locator("#round-list tbody tr")
    expect(rows).to_have_count(2)
    numbers = ok(server.client("demo-auditor").get("/decisions", params={"job": job["id"]}))
    assert [r.get_attribute("data-number") for r in rows.all()] == [
        str(d["number"]) for d in numbers
    ]
