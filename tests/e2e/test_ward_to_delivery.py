"""A stat job from request to rating, through HTTP against a real server process."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.e2e.server import Server, StreamReader, eventually
from tests.unit.projections.scenario import BLOOD

STAT_BLOOD = {**BLOOD, "priority": "stat"}


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def two_emergency_porters(server: Server) -> None:
    """Whatever the time of day: end every emergency shift, start EM-GC-01 and EM-GC-02.

    EM-GC-01 waits in resus, where the job starts; EM-GC-02 on a far ward.
    """
    planner = server.client("demo-planner")

    def rostered_now() -> set[str]:
        """The emergency porters the rota has on duty now (it starts them on its tick)."""
        now = datetime.now(UTC)
        days = ok(planner.get("/rota", params={"from": str((now - timedelta(days=1)).date())}))
        return {
            s["badge"]
            for d in days
            for s in d["shifts"]
            if s["badge"].startswith("EM-")
            and s["cancelled"] is None
            and datetime.fromisoformat(s["start"]) <= now < datetime.fromisoformat(s["end"])
        }

    def started() -> set[str]:
        board = ok(planner.get("/porters", params={"group": "emergency"}))
        return {p["badge"] for p in board if p["rota_shift"] or p["state"] != "off_shift"}

    # The rota has started whoever it has on duty (so it will not start them after this).
    eventually(lambda: rostered_now() <= started())
    for porter in ok(planner.get("/porters", params={"group": "emergency"})):
        if porter["state"] != "off_shift":
            ok(planner.post(f"/porters/{porter['badge']}/shift/end"))
    ends = (datetime.now(UTC) + timedelta(hours=8)).isoformat()
    for badge, where in (("EM-GC-01", "ED-RESUS"), ("EM-GC-02", "IM-W10")):
        ok(planner.post(f"/porters/{badge}/shift/start", json={"ends_at": ends}))
        porter = server.client(f"demo-porter-{badge}")
        ok(porter.post(f"/porters/{badge}/location", json={"location": where}))


def test_a_stat_job_goes_from_the_ward_to_delivery_and_rating(server: Server) -> None:
    auditor = server.client("demo-auditor")
    start = ok(server.client("demo-auditor").get("/ready"))["position"]
    stream = StreamReader(server, "demo-auditor", after=start).start()
    two_emergency_porters(server)
    free = ok(auditor.get("/porters", params={"group": "emergency", "state": "free"}))
    assert [p["badge"] for p in free] == ["EM-GC-01", "EM-GC-02"]

    ward = server.client("demo-ward-emergency")
    headers = {"Idempotency-Key": "e2e-stat-1"}
    job = ok(ward.post("/jobs", json=STAT_BLOOD, headers=headers), 201)
    assert ok(ward.post("/jobs", json=STAT_BLOOD, headers=headers))["id"] == job["id"]
    jid = job["id"]

    assigned = eventually(
        lambda: (j := ok(auditor.get(f"/jobs/{jid}")))["status"] == "assigned" and j
    )
    assert assigned["porters"] == ["EM-GC-01"]  # the porter already at the origin

    porter = server.client("demo-porter-EM-GC-01")
    assert [j["id"] for j in ok(porter.get("/porters/EM-GC-01/jobs"))] == [jid]
    assert ok(porter.post(f"/jobs/{jid}/acknowledge"))["status"] == "acknowledged"
    assert ok(porter.post(f"/jobs/{jid}/pick-up", json={}))["status"] == "in_progress"
    done = ok(porter.post(f"/jobs/{jid}/complete", json={"received_by": "blood bank"}))
    assert done["status"] == "completed"
    rated = ok(ward.post(f"/jobs/{jid}/rate", json={"score": 5, "comment": "spot on"}))
    assert rated["rating"] == 5

    # The board, the porter board, the timeline, the figures and the stream all show it.
    assert jid not in [j["id"] for j in ok(auditor.get("/jobs"))]
    (completed,) = ok(auditor.get("/jobs", params={"status": "completed"}))
    assert completed["id"] == jid
    porters = {p["badge"]: p for p in ok(auditor.get("/porters"))}
    assert porters["EM-GC-01"]["state"] == "free"
    assert porters["EM-GC-01"]["jobs_this_shift"] == 1
    timeline = ok(auditor.get(f"/jobs/{jid}/timeline"))["entries"]
    kinds = [e["event"] for e in timeline]
    assert kinds == [
        "Submitted",
        "Decision",
        "Assigned",
        "Acknowledged",
        "PickedUp",
        "Completed",
        "Rated",
    ]
    assert timeline[1]["badges"] == ["EM-GC-01"]
    why = ok(auditor.get(f"/jobs/{jid}/why", params={"porter": "EM-GC-02"}))
    assert why["chosen"]["badges"] == ["EM-GC-01"]
    assert why["porter"]["eligible"] is True
    assert why["porter"]["cost"] > why["chosen"]["cost"]
    decision = ok(auditor.get(f"/decisions/{why['decision']}"))
    # The round may have placed other jobs too (a recurring round that came due).
    (mine,) = [a for a in decision["assignments"] if a["job_id"] == jid]
    assert mine["badges"] == ["EM-GC-01"]

    figures = ok(auditor.get("/figures"))
    assert figures["jobs"]["completed"] == 1
    assert figures["sla"]["by_priority"]["stat"]["delivery"]["met"] == 1
    assert figures["ratings"]["count"] == 1
    assert figures["porters"]["EM-GC-01"]["completed"] == 1

    end = ok(auditor.get("/ready"))["position"]
    eventually(lambda: stream.last >= end)
    stream.stop()
    positions = [e["position"] for e in stream.events]
    assert positions == sorted(set(positions))
    mine = [e["type"] for e in stream.events if e["id"] == jid]
    assert mine == [
        "Job.Submitted",
        "Job.Assigned",
        "Job.Acknowledged",
        "Job.PickedUp",
        "Job.Completed",
        "Job.Rated",
    ]
