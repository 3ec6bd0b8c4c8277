"""What is recorded around a job, through the API: an escort's legs ending together,
a new time for an appointment, incidents and complaints in the figures."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from engine.clock import ManualClock
from tests.integration.apiclient import Api, post, submit, wait_for
from tests.unit.projections.scenario import DRUG

DESK = "demo-dispatcher"
ESCORT = {
    "kind": "escort",
    "priority": "urgent",
    "origin": "SU-W7",
    "destination": "CT",
    "department": "surgery_7",
    "patient_ref": "P-3301",
    "with_return": True,
}


def _items(api: Api, token: str) -> list[dict[str, Any]]:
    return list(api.call(token, "GET", "/events?after=0")["items"])


def test_cancelling_an_outbound_leg_cancels_its_return_leg(api: Api) -> None:
    out = submit(api, ESCORT, "escort-1")
    back = out["linked_job_id"]
    assert api.call(DESK, "GET", f"/jobs/{back}")["leg"] == "return"
    post(api, "demo-ward-surgery", f"/jobs/{out['id']}/cancel", reason="exam_cancelled")
    legs = [api.call(DESK, "GET", f"/jobs/{j}") for j in (out["id"], back)]
    assert [j["status"] for j in legs] == ["cancelled", "cancelled"]
    assert legs[1]["last_reason"] == "exam_cancelled"


def test_a_scheduled_job_moves_to_a_new_time_with_its_return_leg(
    api: Api, clock: ManualClock
) -> None:
    ready = clock.now() + timedelta(hours=2)
    out = submit(api, {**ESCORT, "ready_at": ready.isoformat()}, "escort-2")
    back = api.call(DESK, "GET", f"/jobs/{out['linked_job_id']}")
    later = ready + timedelta(hours=1)
    moved = post(
        api, "demo-ward-surgery", f"/jobs/{out['id']}/reschedule", ready_at=later.isoformat()
    )
    assert datetime.fromisoformat(moved["ready_at"]) == later
    due = datetime.fromisoformat(moved["pickup_due"]) - datetime.fromisoformat(out["pickup_due"])
    assert due == timedelta(hours=1)
    back_now = api.call(DESK, "GET", f"/jobs/{back['id']}")
    shift = datetime.fromisoformat(back_now["ready_at"]) - datetime.fromisoformat(back["ready_at"])
    assert shift == timedelta(hours=1)
    ward = _items(api, "demo-ward-surgery")
    assert any(n["kind"] == "rescheduled" and n["job_id"] == out["id"] for n in ward)
    # Too far ahead, or a job with no time to move: refused, nothing written.
    far = (clock.now() + timedelta(days=31)).isoformat()
    refused = post(api, DESK, f"/jobs/{out['id']}/reschedule", 422, ready_at=far)
    assert refused["field"] == "ready_at"
    plain = submit(api, DRUG, "plain")["id"]
    post(api, DESK, f"/jobs/{plain}/reschedule", 409, ready_at=later.isoformat())


def test_an_incident_alerts_the_desk_and_counts_for_the_porter_who_reported_it(api: Api) -> None:
    jid = submit(api, DRUG, "incident")["id"]
    badge = wait_for(api, jid, "assigned")["porters"][0]
    me = f"demo-porter-{badge}"
    post(api, me, f"/jobs/{jid}/incidents", 409, category="fall", note="too early")
    post(api, me, f"/jobs/{jid}/acknowledge")
    bad = post(api, me, f"/jobs/{jid}/incidents", 422, category="alien", note="x")
    assert bad["field"] == "category"
    blank = post(api, me, f"/jobs/{jid}/incidents", 422, category="fall", note="   ")
    assert blank["field"] == "note"
    post(api, me, f"/jobs/{jid}/pick-up")
    job = post(api, me, f"/jobs/{jid}/incidents", category="specimen_damaged", note="box dropped")
    assert job["incidents"] == 1
    desk = [n for c in _items(api, DESK) for n in c["notices"] if n["kind"] == "incident"]
    assert [n["to"] for n in desk] == ["dispatch"]
    assert "box dropped" in desk[0]["text"]
    figures = api.call("demo-planner", "GET", "/figures")
    assert figures["incidents"] == {"count": 1, "by_category": {"specimen_damaged": 1}}
    (row,) = api.call("demo-planner", "GET", f"/figures/porters/{badge}")
    assert (row["incidents"], row["holds"], row["complaints"]) == (1, 0, 0)


def test_a_ward_complains_about_its_own_job_only(api: Api) -> None:
    jid = submit(api, {**DRUG, "department": "surgery_7", "destination": "SU-W7"}, "late")["id"]
    badge = wait_for(api, jid, "assigned")["porters"][0]
    me = f"demo-porter-{badge}"
    for action in ("acknowledge", "pick-up"):
        post(api, me, f"/jobs/{jid}/{action}")
    post(api, me, f"/jobs/{jid}/complete", received_by="Nurse Chen")
    post(api, "demo-ward-icu", f"/jobs/{jid}/complaints", 404, category="late", text="slow")
    job = post(api, "demo-ward-surgery", f"/jobs/{jid}/complaints", category="late", text="slow")
    assert job["complaints"] == 1
    figures = api.call("demo-planner", "GET", "/figures")
    assert figures["complaints"]["by_category"] == {"late": 1}
    assert figures["porters"][badge]["complaints"] == 1
