"""Every job action and porter route through the API, in-process on the in-memory store.

The same app object as the real server (lifespan, loop, read models), driven
by a manual clock; the end-to-end tests do the same against real processes.
"""

from __future__ import annotations

from engine.clock import ManualClock
from tests.integration.apiclient import Api, considered, free_porters, post, submit, wait_for
from tests.unit.projections.scenario import CT, DRUG


def test_a_patient_transport_through_every_step(api: Api) -> None:
    job = submit(api, CT, "ct-1")
    assert submit(api, CT, "ct-1", status=200)["id"] == job["id"]  # a retry
    jid = job["id"]
    # Not assignable until the ward confirms the clinician: the engine waits.
    assert considered(api, jid)["waiting_reason"]
    post(api, "demo-ward-surgery", f"/jobs/{jid}/confirm-accompaniment", companion="Dr Wang")
    badge = wait_for(api, jid, "assigned")["porters"][0]
    me = f"demo-porter-{badge}"
    assert [j["id"] for j in api.call(me, "GET", f"/porters/{badge}/jobs")] == [jid]
    post(api, me, f"/jobs/{jid}/acknowledge")
    post(api, me, f"/jobs/{jid}/pick-up", 409)  # the companion is not there yet
    post(api, me, f"/jobs/{jid}/pick-up", companion_present=True)
    held = post(api, me, f"/jobs/{jid}/hold", reason="lift_out_of_order", note="lift B")
    assert (held["status"], held["last_reason"]) == ("on_hold", "lift_out_of_order")
    post(api, me, f"/jobs/{jid}/resume")
    done = post(api, me, f"/jobs/{jid}/complete", received_by="CT desk")
    assert done["status"] == "completed"
    assert post(api, "demo-ward-surgery", f"/jobs/{jid}/rate", score=4)["rating"] == 4
    assert api.call(me, "GET", f"/porters/{badge}")["state"] == "free"


def test_decline_release_override_cancel_and_fail(api: Api) -> None:
    jid = submit(api, DRUG, "drug-1")["id"]
    first = wait_for(api, jid, "assigned")["porters"][0]
    post(api, f"demo-porter-{first}", f"/jobs/{jid}/decline", note="cart broken")
    wait_for(api, jid, "assigned")
    free = [
        p["badge"]
        for p in api.call("demo-dispatcher", "GET", "/porters?group=internal&state=free")
        if p["badge"] != first
    ]
    refused = post(
        api, "demo-dispatcher", f"/jobs/{jid}/override", 409, porters=[first], reason="x"
    )
    assert "not_declined" in refused["message"]
    moved = post(
        api, "demo-dispatcher", f"/jobs/{jid}/override", porters=[free[0]], reason="nearer"
    )
    assert moved["porters"] == [free[0]]
    decision = api.call("demo-auditor", "GET", f"/jobs/{jid}/timeline")["entries"]
    assert any(e["event"] == "DecisionOverridden" and e["reason"] == "nearer" for e in decision)
    released = post(api, "demo-dispatcher", f"/jobs/{jid}/release", reason="other")
    assert released["last_reason"] == "other"
    holder = wait_for(api, jid, "assigned")["porters"][0]
    post(api, f"demo-porter-{holder}", f"/jobs/{jid}/acknowledge")
    failed = post(api, f"demo-porter-{holder}", f"/jobs/{jid}/fail", reason="abnormal_event")
    assert failed["status"] == "failed"

    other = submit(api, DRUG, "drug-2")["id"]
    ward = "demo-dispatcher"
    assert post(api, ward, f"/jobs/{other}/cancel", reason="request_withdrawn")["status"] == (
        "cancelled"
    )
    figures = api.call("demo-planner", "GET", "/figures")
    assert figures["delay_reasons"]["released"]["porter_declined"] == 1
    assert figures["jobs"]["failed"] == 1


def test_dispatcher_assigns_by_hand_and_porters_manage_their_shift(
    api: Api, clock: ManualClock
) -> None:
    jid = submit(api, CT, "ct-hand")["id"]  # unconfirmed: the engine leaves it
    escorts = free_porters(api, "surgical", "stretcher_bed", at_least=2)
    job = post(api, "demo-dispatcher", f"/jobs/{jid}/assign", porters=[escorts[0]])
    assert job["porters"] == [escorts[0]]
    badge = escorts[1]
    me = f"demo-porter-{badge}"
    assert post(api, me, f"/porters/{badge}/break/start")["state"] == "on_break"
    assert post(api, me, f"/porters/{badge}/break/end")["state"] == "free"
    assert post(api, me, f"/porters/{badge}/location", location="CT")["location"] == "CT"
    assert post(api, me, f"/porters/{badge}/shift/end")["state"] == "off_shift"
    ends = clock.now().replace(hour=15, minute=30).isoformat()
    assert post(api, me, f"/porters/{badge}/shift/start", ends_at=ends)["state"] == "free"
    post(api, me, f"/porters/{badge}/location", 422, location="ROOF")
    post(api, me, f"/porters/{badge}/shift/start", 422, ends_at="2026-11-23T15:30:00")


def test_boards_filter_and_policy_can_be_published_by_planners(api: Api) -> None:
    submit(api, CT, "ct-filter")
    rows = api.call("demo-dispatcher", "GET", "/jobs?group=surgical&priority=asap")
    assert [r["kind"] for r in rows] == ["patient_transport"]
    assert api.call("demo-dispatcher", "GET", "/jobs?kind=escort") == []
    assert api.call("demo-ward-icu", "GET", "/jobs") == []  # only their department's
    api.call("demo-dispatcher", "GET", "/jobs?status=lost", 422)
    policy = api.call("demo-auditor", "GET", "/policy")
    document = {**policy["document"], "max_jobs_per_porter": 2}
    api.call("demo-dispatcher", "PUT", "/policy", 403, json={"document": document})
    api.call("demo-planner", "PUT", "/policy", 422, json={"document": {"targets": {}}})
    published = api.call("demo-planner", "PUT", "/policy", json={"document": document})
    assert published["version"] == policy["version"] + 1


def test_every_request_body_has_an_example_in_the_openapi_page(api: Api) -> None:
    spec = api.client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    bodies = [
        op["requestBody"]["content"]["application/json"]["schema"]
        for path in spec["paths"].values()
        for op in path.values()
        if "requestBody" in op
    ]
    assert bodies
    for body in bodies:
        refs = [body] if "$ref" in body else body.get("anyOf", [])
        for ref in refs:
            if "$ref" in ref:
                assert schemas[ref["$ref"].rsplit("/", 1)[-1]].get("examples"), ref
    assert {"jobs", "porters", "decisions", "figures", "events", "health"} <= {
        t for path in spec["paths"].values() for op in path.values() for t in op["tags"]
    }
