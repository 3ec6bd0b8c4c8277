"""Dispatchers in control, through the API on SQLite and PostgreSQL.

The same app object as the real server (lifespan, live loop, read models) over a
real store, on a manual clock the tests move: an override that stays put, declines
that bar only the decliner, two porters acknowledging one job, a job climbing
every escalation level, and each role's notices.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from api.main import create_app
from api.settings import ApiSettings, Grant
from engine.clock import ManualClock
from engine.domain.values import Reason
from engine.hospital import Hospital
from engine.settings import Settings
from tests.integration.apiclient import Api, TestClient, post, submit, wait_for
from tests.unit.projections.scenario import DRUG

DESK = "demo-dispatcher"
WARD = "ward-medicine-5"
BED = {
    "kind": "patient_transport",
    "priority": "urgent",
    "origin": "IM-W5",
    "destination": "CT",
    "department": "internal_medicine_5",
    "group": "internal",
    "patient_ref": "P-2201",
    "requirements": {"mode": "bed", "porters_needed": 2},
}
STAT_DRUG = {**DRUG, "priority": "stat"}


@pytest.fixture
def desk(store: Settings, clock: ManualClock, hospital: Hospital) -> Iterator[Api]:
    engine = store.model_copy(update={"round_interval": 0, "poll_seconds": 0.01})
    medicine = Grant(role="ward", department="internal_medicine_5")
    settings = ApiSettings(seed_demo=True, demo=True, tokens={WARD: medicine})
    app = create_app(settings, engine, clock, hospital)
    with TestClient(app) as client:
        yield Api(client)


def until(check: Callable[[], Any], seconds: float = 10.0) -> Any:
    deadline = time.monotonic() + seconds
    while not (value := check()):
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)
    return value


def porter(badge: str) -> str:
    return f"demo-porter-{badge}"


def notices(api: Api, token: str, job_id: str | None = None) -> list[dict[str, Any]]:
    """A porter's or a ward's notices; for staff, the notices the changes carry."""
    items = api.call(token, "GET", "/events?after=0")["items"]
    found = [n for item in items for n in item.get("notices", [item])]
    return [n for n in found if job_id is None or n.get("job_id") == job_id]


def free_internal(api: Api, *besides: str) -> list[str]:
    rows = api.call(DESK, "GET", "/porters?group=internal&state=free")
    return [p["badge"] for p in rows if p["badge"] not in besides]


def test_an_override_survives_a_burst_of_twenty_submissions_and_rounds(desk: Api) -> None:
    jid = submit(desk, DRUG, "pinned")["id"]
    chosen = wait_for(desk, jid, "assigned")["porters"][0]
    target = free_internal(desk, chosen)[-1]
    moved = post(desk, DESK, f"/jobs/{jid}/override", porters=[target], reason="knows the ward")
    assert (moved["porters"], moved["pinned"]) == ([target], True)
    before = desk.call("demo-auditor", "GET", "/figures")["position"]
    for i in range(20):
        submit(desk, {**DRUG, "priority": "stat" if i % 3 == 0 else "urgent"}, f"burst-{i}")
    until(lambda: all(j["status"] != "requested" for j in desk.call(DESK, "GET", "/jobs")))
    job = desk.call(DESK, "GET", f"/jobs/{jid}")
    assert (job["porters"], job["pinned"], job["status"]) == ([target], True, "assigned")
    entries = desk.call("demo-auditor", "GET", f"/jobs/{jid}/timeline")["entries"]
    after = [e for e in entries if e.get("position", 0) > before]
    assert not [e for e in after if e["event"] == "Released"], after
    assert desk.call("demo-auditor", "GET", "/figures")["position"] > before + 20


def test_a_decline_with_every_reason_code_never_returns_the_job_to_the_decliner(
    desk: Api,
) -> None:
    for reason in Reason:
        jid = submit(desk, DRUG, f"decline-{reason.value}")["id"]
        first = wait_for(desk, jid, "assigned")["porters"][0]
        post(desk, porter(first), f"/jobs/{jid}/decline", reason=reason.value, note="no")
        again = wait_for(desk, jid, "assigned")
        assert first not in again["porters"], reason
        # A dispatcher may not hand it back without saying why they force it...
        refused = post(desk, DESK, f"/jobs/{jid}/override", 409, porters=[first], reason="x")
        assert "not_declined" in refused["message"]
        post(desk, DESK, f"/jobs/{jid}/cancel", reason="request_withdrawn")
    performance = desk.call("demo-planner", "GET", "/figures/porters")
    assert sum(row["declines"] for row in performance) == len(Reason)


def test_a_two_porter_job_is_acknowledged_by_each_porter_and_a_decline_bars_only_one(
    desk: Api,
) -> None:
    jid = submit(desk, BED, "bed-1")["id"]
    first, second = wait_for(desk, jid, "assigned")["porters"]
    one = post(desk, porter(first), f"/jobs/{jid}/acknowledge")
    assert (one["status"], one["acknowledged_by"]) == ("assigned", [first])
    post(desk, porter(first), f"/jobs/{jid}/acknowledge", 409)  # once each
    both = post(desk, porter(second), f"/jobs/{jid}/acknowledge")
    assert (both["status"], sorted(both["acknowledged_by"])) == (
        "acknowledged",
        sorted([first, second]),
    )

    other = submit(desk, BED, "bed-2")["id"]
    pair = wait_for(desk, other, "assigned")["porters"]
    post(desk, porter(pair[0]), f"/jobs/{other}/decline", reason="wrong_equipment")
    again = wait_for(desk, other, "assigned")["porters"]
    assert pair[0] not in again
    entries = desk.call("demo-auditor", "GET", f"/jobs/{other}/timeline")["entries"]
    (released,) = [e for e in entries if e["event"] == "Released"]
    assert released["barred_badges"] == [pair[0]]


def test_a_job_nobody_acknowledges_climbs_every_escalation_level(
    desk: Api, clock: ManualClock
) -> None:
    jid = submit(desk, STAT_DRUG, "silent")["id"]
    first = wait_for(desk, jid, "assigned")["porters"][0]
    clock.advance(minutes=2)  # stat: 2 minutes unacknowledged: re-offered to someone else
    second = until(
        lambda: (
            (j := desk.call(DESK, "GET", f"/jobs/{jid}"))["porters"]
            and j["porters"][0] != first
            and j["porters"][0]
        )
    )
    assert first not in desk.call(DESK, "GET", f"/jobs/{jid}")["porters"]
    for minutes, action in ((4, "widen"), (2, "alert_dispatcher"), (2, "alert_supervisor")):
        clock.advance(minutes=minutes)
        until(lambda a=action: any(a in n["text"] for n in notices(desk, DESK, jid)))
    clock.advance(minutes=10)
    time.sleep(0.2)
    job = desk.call(DESK, "GET", f"/jobs/{jid}")
    assert (job["escalation_level"], job["widened"], job["porters"]) == (4, True, [second])
    assert job["escalation"]["action"] == "alert_supervisor"  # on the board, with its effect
    assert job["escalation"]["effect"] == "supervisor alerted"
    entries = desk.call("demo-auditor", "GET", f"/jobs/{jid}/timeline")["entries"]
    levels = [(e["level"], e["action"]) for e in entries if e["event"] == "Escalated"]
    assert levels == [
        (1, "reoffer"),
        (2, "widen"),
        (3, "alert_dispatcher"),
        (4, "alert_supervisor"),
    ]
    assert all(e["actor"]["role"] == "engine" for e in entries if e["event"] == "Escalated")
    # Each level's effect reaches the right people: the porter who lost the job...
    lost = notices(desk, porter(first), jid)
    assert [n["kind"] for n in lost] == ["new", "moved"]
    assert "re-offered" in lost[-1]["text"]
    # ...the desk every level, and the supervisor the last.
    desk_notes = [n for n in notices(desk, DESK, jid) if n["kind"] == "escalation"]
    assert [n["to"] for n in desk_notes] == ["dispatch"] * 4 + ["supervisor"]


def test_a_porters_and_a_wards_notices_carry_theirs_and_nothing_else(desk: Api) -> None:
    ours = submit(desk, DRUG, "ours")["id"]
    theirs = submit(desk, {**DRUG, "origin": "LAB"}, "theirs")["id"]
    badge = wait_for(desk, ours, "assigned")["porters"][0]
    other = wait_for(desk, theirs, "assigned")["porters"][0]
    me = porter(badge)
    post(desk, me, f"/jobs/{ours}/acknowledge")
    post(desk, me, f"/jobs/{ours}/pick-up", handed_over_by="pharmacist Wu")
    post(desk, me, f"/jobs/{ours}/hold", reason="lift_out_of_order", note="lift B")
    post(desk, me, f"/jobs/{ours}/resume")
    post(desk, me, f"/jobs/{ours}/complete", received_by="Nurse Li")

    mine = notices(desk, me)
    assert {n["to"] for n in mine} == {f"porter:{badge}"}
    assert [n["kind"] for n in mine if n["job_id"] == ours] == ["new"]
    assert other == badge or all(n["job_id"] != theirs for n in mine)

    assert notices(desk, "demo-ward-surgery") == []  # surgery asked for none of these
    # Internal medicine follows its own jobs, in order, and nothing else of anyone's.
    ward = notices(desk, WARD)
    assert {n["to"] for n in ward} == {"ward:internal_medicine_5"}
    assert [n["kind"] for n in ward if n["job_id"] == ours] == [
        "assigned",
        "picked_up",
        "delayed",
        "delivered",
    ]
    assert all(set(n) == {"position", "at", "to", "kind", "job_id", "text"} for n in ward)
    assert "lift_out_of_order" in next(n for n in ward if n["kind"] == "delayed")["text"]
    kinds = [n["kind"] for n in notices(desk, DESK, ours) if n["to"] == "dispatch"]
    assert kinds == []  # the desk hears of escalations and breaches, not routine progress
    changes = desk.call(DESK, "GET", "/events?after=0")["items"]
    picked = [c for c in changes if c["type"] == "Job.PickedUp" and c["id"] == ours]
    assert picked[0]["handed_over_by"] == "pharmacist Wu"
    assert picked[0]["actor"] == {"by": badge, "role": "porter", "for": None}


def test_a_dispatcher_acting_for_a_porter_is_named_with_whom_they_acted_for(desk: Api) -> None:
    jid = submit(desk, DRUG, "for-them")["id"]
    badge = wait_for(desk, jid, "assigned")["porters"][0]
    post(desk, DESK, f"/jobs/{jid}/acknowledge", badge=badge)
    changes = desk.call("demo-auditor", "GET", "/events?after=0")["items"]
    (ack,) = [c for c in changes if c["type"] == "Job.Acknowledged"]
    assert ack["actor"] == {"by": "dispatcher:demo", "role": "dispatcher", "for": badge}
    (submitted,) = [c for c in changes if c["type"] == "Job.Submitted" and c["id"] == jid]
    assert submitted["actor"]["for"] == DRUG["department"]
    assert all(c.get("actor") for c in changes), [c["type"] for c in changes if not c.get("actor")]
