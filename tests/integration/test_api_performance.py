"""Performance by porter and period through the API, as JSON and CSV; a porter sees
their own; a job counts for who did it, a decline for who declined."""

from __future__ import annotations

import time
from datetime import timedelta

from engine.clock import ManualClock
from engine.projections.performance import COLUMNS
from tests.integration.apiclient import Api, post, submit, wait_for
from tests.unit.projections.scenario import BLOOD

STAFF = "demo-dispatcher"


def _others_job(api: Api, jid: str, before: str) -> str:
    for _ in range(200):
        job = api.call(STAFF, "GET", f"/jobs/{jid}")
        if job["status"] == "assigned" and job["porters"] != [before]:
            return str(job["porters"][0])
        time.sleep(0.01)
    raise AssertionError("never moved to another porter")


def test_a_days_work_counts_for_who_did_it_and_declines_for_who_declined(
    api: Api, clock: ManualClock
) -> None:
    jid = submit(api, BLOOD, "perf-1")["id"]
    first = wait_for(api, jid, "assigned")["porters"][0]
    post(api, f"demo-porter-{first}", f"/jobs/{jid}/decline", note="cart broken")
    second = _others_job(api, jid, first)
    me = f"demo-porter-{second}"
    post(api, me, f"/jobs/{jid}/acknowledge")
    clock.advance(minutes=3)
    post(api, me, f"/jobs/{jid}/pick-up")
    clock.advance(minutes=4)
    post(api, me, f"/jobs/{jid}/complete", received_by="blood bank")
    today = clock.now().date().isoformat()

    rows = {r["badge"]: r for r in api.call(STAFF, "GET", f"/figures/porters?from={today}")}
    assert rows[second]["completed"] == 1
    assert rows[second]["by_kind"] == {"urgent_blood": 1}
    assert rows[second]["workload"] > 0
    assert rows[second]["minutes_to_pickup"] == 3.0
    assert rows[second]["minutes_to_deliver"] == 4.0
    assert rows[second]["within_sla"] == 1.0
    assert rows[first]["completed"] == 0
    assert rows[first]["declines"] == 1

    # A porter sees their own, not another's nor everyone's.
    mine = api.call(me, "GET", f"/figures/porters/{second}")
    assert [r["completed"] for r in mine] == [1]
    api.call(me, "GET", f"/figures/porters/{first}", 403)
    api.call(me, "GET", "/figures/porters", 403)
    api.call(STAFF, "GET", "/figures/porters/NOBODY", 404)

    # CSV for a spreadsheet: a header and a row per porter.
    response = api.client.get(
        "/figures/porters?format=csv", headers={"Authorization": f"Bearer {STAFF}"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.text.splitlines()
    assert lines[0].split(",") == list(COLUMNS)
    assert any(line.startswith(f"{second},") for line in lines[1:])

    # Another week: nothing done then.
    later = (clock.now() + timedelta(days=7)).date().isoformat()
    rows = api.call(STAFF, "GET", f"/figures/porters?from={later}")
    assert all(r["completed"] == 0 for r in rows)


def test_the_service_figures_cover_a_period_and_refuse_a_backwards_one(
    api: Api, clock: ManualClock
) -> None:
    submit(api, BLOOD, "perf-2")
    today = clock.now().date()
    assert api.call(STAFF, "GET", f"/figures?from={today}&to={today}")["jobs"]["submitted"] >= 1
    tomorrow = today + timedelta(days=1)
    assert api.call(STAFF, "GET", f"/figures?from={tomorrow}")["jobs"]["submitted"] == 0
    refused = api.call(STAFF, "GET", f"/figures?from={tomorrow}&to={today}", 422)
    assert refused["field"] == "to"
