"""Signing in, and what each role is shown; the screens in English and 简体中文, with
times on the hospital's clock whatever the device's timezone."""

from __future__ import annotations

from typing import Any

from tests.browser.screens import DEVICE_TZ, PHONE, SECOND, Screens, expect
from tests.e2e.server import Server, eventually
from tests.e2e.test_ward_to_delivery import STAT_BLOOD, ok


def fresh(screens: Screens, path: str) -> Any:
    context = screens.browser.new_context(timezone_id=DEVICE_TZ, viewport=PHONE)
    screens.contexts.append(context)
    page = context.new_page()
    page.goto(screens.server.url + path)
    return page


def test_an_unknown_token_is_refused_beside_the_field_and_a_known_one_is_asked_once_per_tab(
    screens: Screens, server: Server
) -> None:
    page = fresh(screens, "/ward")
    page.fill("#signin-form [name=token]", "not-a-token")
    page.click("#signin-form [type=submit]")
    expect(page.locator('#signin-form [data-field="token"] .error')).to_contain_text("unknown")
    page.fill("#signin-form [name=token]", "demo-ward-icu")
    page.click("#signin-form [type=submit]")
    expect(page.locator("#app")).to_be_visible()
    expect(page.locator("#where")).to_have_text("ICU")
    page.reload()
    expect(page.locator("#app")).to_be_visible()
    assert page.evaluate("location.search") == ""  # the token never goes in a URL
    page.click("#signout")
    expect(page.locator("#signin")).to_be_visible()


def test_a_page_for_another_role_shows_where_that_roles_page_is_and_nothing_else(
    screens: Screens, server: Server
) -> None:
    page = fresh(screens, "/")
    page.fill("#signin-form [name=token]", "demo-porter-EM-GC-01")
    page.click("#signin-form [type=submit]")
    expect(page.locator("#wrongrole")).to_be_visible()
    expect(page.locator("#wrongrole a")).to_have_attribute("href", "/m")
    expect(page.locator("#app")).to_be_hidden()


def test_a_planner_reads_the_console_but_is_offered_no_call_and_no_action(
    screens: Screens, server: Server
) -> None:
    ward = server.client("demo-ward-emergency")
    job = ok(ward.post("/jobs", json=STAT_BLOOD, headers={"Idempotency-Key": "plan-1"}), 201)
    console = screens.open("/", "demo-planner")
    expect(console.locator("#new-call")).to_be_hidden()
    console.locator(f'tr[data-job-id="{job["id"]}"]').click()
    expect(console.locator("#job-page .timeline")).to_contain_text("Requested")
    expect(console.locator("#job-page form.act")).to_have_count(0)


def test_the_console_speaks_chinese_when_asked_and_keeps_the_hospitals_clock(
    screens: Screens, server: Server
) -> None:
    ward = server.client("demo-ward-emergency")
    job = ok(ward.post("/jobs", json=STAT_BLOOD, headers={"Idempotency-Key": "zh-1"}), 201)
    console = screens.open("/", "demo-dispatcher")
    row = console.locator(f'tr[data-job-id="{job["id"]}"]')
    expect(row.locator(".prio")).to_have_text("stat", timeout=SECOND)

    console.select_option("#lang", "zh")
    expect(console.locator("h1")).to_have_text("调度台")
    expect(row.locator(".prio")).to_have_text("特急")
    expect(console.locator("#new-call")).to_have_text("☎ 电话登记")
    assert console.evaluate("document.documentElement.lang") == "zh-CN"

    # The device is in New York; the hospital, and so every time shown, in Shanghai.
    requested = job["requested_at"]  # ISO, with the hospital's offset
    assert requested.endswith("+08:00")
    expect(row.locator("td").last).to_have_text(requested[11:16])
    expect(console.locator("#clock")).to_contain_text("Asia/Shanghai")
    row.click()
    auditor = server.client("demo-auditor")
    entries = eventually(lambda: ok(auditor.get(f"/jobs/{job['id']}/timeline"))["entries"])
    first = console.locator("#job-page .timeline li").first
    expect(first.locator("time")).to_have_text(entries[0]["at"][11:19])
    expect(first).to_contain_text("提交申请")

    console.reload()  # the choice is remembered, and the tab stays signed in
    expect(console.locator("h1")).to_have_text("调度台")


def test_the_desks_bell_once_muted_stays_muted(screens: Screens, server: Server) -> None:
    console = screens.open("/", "demo-dispatcher")
    bell = console.locator("#mute")
    expect(bell).to_have_attribute("aria-pressed", "false")
    bell.click()
    expect(bell).to_have_attribute("aria-pressed", "true")
    expect(bell).to_have_text("Muted")
    console.reload()
    expect(console.locator("#mute")).to_have_attribute("aria-pressed", "true")
