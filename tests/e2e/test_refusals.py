"""Refused requests (401, 403, 404, 409, 422) answer clearly and change nothing."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import httpx

from tests.e2e.server import Server, eventually
from tests.e2e.test_ward_to_delivery import STAT_BLOOD, ok, two_emergency_porters


def state(server: Server) -> dict[str, Any]:
    auditor = server.client("demo-auditor")
    clockless = ("minutes_to_pickup", "minutes_to_delivery", "minutes_free")
    return {
        "position": ok(auditor.get("/ready"))["position"],
        "jobs": [
            {k: v for k, v in j.items() if k not in clockless}
            for status in ("acknowledged", "completed")
            for j in ok(auditor.get("/jobs", params={"status": status}))
        ],
        "porters": [
            {k: v for k, v in p.items() if k not in clockless} for p in ok(auditor.get("/porters"))
        ],
    }


def test_refusals_change_nothing(server: Server) -> None:
    two_emergency_porters(server)
    ward = server.client("demo-ward-emergency")
    done = ok(ward.post("/jobs", json=STAT_BLOOD, headers={"Idempotency-Key": "r-1"}), 201)
    auditor = server.client("demo-auditor")
    held = eventually(lambda: ok(auditor.get(f"/jobs/{done['id']}"))["porters"])
    porter = server.client(f"demo-porter-{held[0]}")
    ok(porter.post(f"/jobs/{done['id']}/acknowledge"))
    ok(porter.post(f"/jobs/{done['id']}/pick-up", json={}))
    ok(porter.post(f"/jobs/{done['id']}/complete", json={"received_by": "bb"}))
    ok(ward.post(f"/jobs/{done['id']}/rate", json={"score": 3}))
    jid = done["id"]
    other = "EM-GC-02" if held[0] == "EM-GC-01" else "EM-GC-01"
    before = state(server)
    assert before["jobs"][0]["rating"] == 3

    anonymous = server.client()
    stranger = server.client("not-a-token")
    icu = server.client("demo-ward-icu")
    dispatcher = server.client("demo-dispatcher")
    intruder = server.client(f"demo-porter-{other}")
    key = {"Idempotency-Key": "r-2"}
    conflict = {**STAT_BLOOD, "notes": "x"}
    refusals: list[tuple[int, httpx.Response]] = [
        (401, anonymous.post("/jobs", json=STAT_BLOOD, headers=key)),
        (401, stranger.get("/jobs")),
        (401, anonymous.post(f"/jobs/{jid}/cancel", json={"reason": "other"})),
        (403, auditor.post("/jobs", json=STAT_BLOOD, headers=key)),
        (403, icu.post("/jobs", json=STAT_BLOOD, headers=key)),  # another department's
        (404, icu.post(f"/jobs/{jid}/rate", json={"score": 1})),  # another's: as unknown
        (404, intruder.post(f"/jobs/{jid}/acknowledge")),
        (403, intruder.post(f"/porters/{held[0]}/break/start")),
        (403, intruder.get(f"/porters/{held[0]}/jobs")),
        (403, intruder.get("/figures")),
        (403, server.client("demo-planner").post(f"/jobs/{jid}/assign", json={"porters": []})),
        (404, auditor.get(f"/jobs/{uuid4()}")),
        (404, dispatcher.post(f"/jobs/{uuid4()}/cancel", json={"reason": "other"})),
        (404, dispatcher.post("/porters/NOBODY-99/break/start")),
        (404, auditor.get("/decisions/99999")),
        (409, dispatcher.post(f"/jobs/{jid}/cancel", json={"reason": "other"})),
        (409, ward.post(f"/jobs/{jid}/rate", json={"score": 4})),  # rated already
        (409, ward.post("/jobs", json=conflict, headers={"Idempotency-Key": "r-1"})),
        (409, dispatcher.post(f"/jobs/{jid}/acknowledge", json={"badge": other})),
        (422, ward.post("/jobs", json={**STAT_BLOOD, "priority": "whenever"}, headers=key)),
        (422, ward.post("/jobs", json=STAT_BLOOD)),  # no Idempotency-Key
        (422, ward.post("/jobs", json={**STAT_BLOOD, "destination": "ED-RESUS"}, headers=key)),
        (422, ward.post("/jobs", json={**STAT_BLOOD, "origin": "ROOF"}, headers=key)),
        (422, ward.post(f"/jobs/{jid}/rate", json={"score": 7})),
        (422, auditor.get("/jobs/not-a-uuid")),
        (422, dispatcher.post(f"/jobs/{jid}/hold", json={"reason": "bored"})),
    ]
    for expected, response in refusals:
        assert response.status_code == expected, (response.request.url, response.text)
        body = response.json()
        assert body["message"]
        if expected == 422:
            assert body["field"]
    fields = {r.json()["field"] for e, r in refusals if e == 422}
    assert {"priority", "Idempotency-Key", "origin", "score"} <= fields
    assert state(server) == before
