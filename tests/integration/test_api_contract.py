"""The API as a client is written against it: refusals in one shape naming the request's
own field (and nothing written), answers of a declared shape, every route's refusals
listed, decisions to list and a why for every job.

In-process on the in-memory store, like `test_api_actions`.
"""

from __future__ import annotations

from typing import Any

from engine.clock import ManualClock
from tests.integration.apiclient import (
    Api,
    considered,
    post,
    refused,
    settled,
    submit,
    wait_for,
)
from tests.unit.projections.scenario import CT, DRUG

DISPATCHER = "demo-dispatcher"
AUDITOR = "demo-auditor"


def refused_job(api: Api, body: dict[str, Any], field: str, status: int = 422) -> None:
    headers = {"Idempotency-Key": f"refused-{field}"}
    refused(api, DISPATCHER, "POST", "/jobs", status, field, json=body, headers=headers)


# -- 3: one shape, the request's own field names --------------------------------------


def test_refusals_name_the_field_as_the_request_did_never_where_it_was_read_from(
    api: Api, clock: ManualClock
) -> None:
    refused_job(api, {**DRUG, "priority": "whenever"}, "priority")
    past = clock.now().replace(hour=7).isoformat()
    refused_job(api, {**DRUG, "ready_at": past}, "ready_at")  # the engine's check
    refused_job(api, {**CT, "requirements": {"mode": "sedan"}}, "requirements.mode")
    refused_job(api, {**DRUG, "origin": "ROOF"}, "origin")
    refused(api, DISPATCHER, "POST", "/jobs", 422, "Idempotency-Key", json=DRUG)
    refused(api, DISPATCHER, "GET", "/jobs?status=lost", 422, "status")
    refused(api, DISPATCHER, "GET", "/jobs/not-a-uuid", 422, "job_id")
    jid = wait_for(api, submit(api, DRUG, "drug-fields")["id"], "assigned")["id"]
    refused(api, DISPATCHER, "POST", f"/jobs/{jid}/assign", 422, "porters", json={"porters": []})
    unconfirmed = considered(api, submit(api, CT, "ct-fields")["id"])["job_id"]  # requested
    two = {"porters": ["SU-ESC-01", "SU-ESC-02"]}  # for a job that needs one
    refused(api, DISPATCHER, "POST", f"/jobs/{unconfirmed}/assign", 422, "porters", json=two)
    refused(api, DISPATCHER, "POST", f"/jobs/{jid}/complete", 422, "received_by")  # no body
    refused(api, DISPATCHER, "POST", f"/jobs/{jid}/acknowledge", 422, "badge", json={})
    garbled = {"content": b"{not json", "headers": {"Content-Type": "application/json"}}
    refused(api, DISPATCHER, "POST", f"/jobs/{jid}/hold", 422, None, **garbled)


def test_a_check_across_fields_names_the_field_it_is_about(api: Api) -> None:
    refused_job(api, {**DRUG, "destination": DRUG["origin"]}, "destination")
    refused_job(api, {**CT, "patient_ref": None}, "patient_ref")
    refused_job(api, {**DRUG, "with_return": True}, "with_return")
    backwards = {
        "badge": "EM-GC-01",
        "start": "2026-11-25T00:00:00+08:00",
        "end": "2026-11-24T00:00:00+08:00",
        "reason": "leave",
    }
    refused(api, DISPATCHER, "POST", "/rota/absences", 422, "end", json=backwards)
    naive = {**backwards, "start": "2026-11-24T00:00:00", "end": "2026-11-25T00:00:00+08:00"}
    refused(api, DISPATCHER, "POST", "/rota/absences", 422, "start", json=naive)
    policy = api.call("demo-planner", "GET", "/policy")["document"]
    slow = {**policy, "targets": {**policy["targets"], "stat": {"pickup": 30, "delivery": 10}}}
    refused(
        api,
        "demo-planner",
        "PUT",
        "/policy",
        422,
        "document.targets.stat.delivery",
        json={"document": slow},
    )


# -- 4, 6: text of blanks is no text ---------------------------------------------------


def test_a_handover_received_by_blanks_is_refused_naming_received_by(api: Api) -> None:
    jid = submit(api, DRUG, "drug-blank")["id"]
    me = f"demo-porter-{wait_for(api, jid, 'assigned')['porters'][0]}"
    post(api, me, f"/jobs/{jid}/acknowledge")
    post(api, me, f"/jobs/{jid}/pick-up")
    for blank in ("   ", "\t \n"):
        refused(
            api,
            me,
            "POST",
            f"/jobs/{jid}/complete",
            422,
            "received_by",
            json={"received_by": blank},
        )
    assert post(api, me, f"/jobs/{jid}/complete", received_by=" Nurse Li ")["status"] == (
        "completed"
    )


def test_other_free_text_of_blanks_is_refused_naming_the_field(api: Api) -> None:
    jid = considered(api, submit(api, CT, "ct-blank")["id"])["job_id"]
    ward = "demo-ward-surgery"
    path = f"/jobs/{jid}/confirm-accompaniment"
    refused(api, ward, "POST", path, 422, "companion", json={"companion": "  "})
    refused(api, DISPATCHER, "POST", f"/jobs/{jid}/acknowledge", 422, "badge", json={"badge": " "})
    refused(
        api,
        DISPATCHER,
        "POST",
        "/porters/EM-GC-01/location",
        422,
        "location",
        json={"location": " "},
    )
    refused(
        api, DISPATCHER, "POST", "/porters/EM-GC-01/retire", 422, "reason", json={"reason": "  "}
    )
    refused(api, DISPATCHER, "PATCH", "/porters/EM-GC-01", 422, "group", json={"group": " "})
    refused(
        api,
        DISPATCHER,
        "POST",
        "/jobs",
        422,
        "Idempotency-Key",
        json=DRUG,
        headers={"Idempotency-Key": "   "},
    )


def test_an_override_without_a_reason_is_refused_naming_reason(api: Api) -> None:
    jid = submit(api, DRUG, "drug-override")["id"]
    holder = wait_for(api, jid, "assigned")["porters"][0]
    free = [
        p["badge"]
        for p in api.call(DISPATCHER, "GET", "/porters?group=internal&state=free")
        if p["badge"] != holder
    ]
    for reason in ("", "   "):
        refused(
            api,
            DISPATCHER,
            "POST",
            f"/jobs/{jid}/override",
            422,
            "reason",
            json={"porters": [free[0]], "reason": reason},
        )
    assert api.call(DISPATCHER, "GET", f"/jobs/{jid}")["porters"] == [holder]


# -- 10: a query parameter the route does not take -------------------------------------


def test_a_misspelled_query_parameter_is_refused_naming_it(api: Api) -> None:
    wait_for(api, submit(api, DRUG, "drug-query")["id"], "assigned")
    refused(api, DISPATCHER, "GET", "/jobs?stauts=assigned", 422, "stauts")
    refused(api, DISPATCHER, "GET", "/porters?group=internal&sate=free", 422, "sate")
    refused(api, "demo-auditor", "GET", "/figures?form=2026-11-23", 422, "form")
    refused(api, DISPATCHER, "POST", "/porters/EM-GC-01/break/start?badge=EM-GC-02", 422, "badge")
    assert api.call(DISPATCHER, "GET", "/jobs?status=requested&kind=drug&group=internal") == []
    assert api.call("demo-auditor", "GET", "/figures?from=2026-11-23&to=2026-11-23")


# -- 9: resuming the event stream past the end of the log ------------------------------


def test_resuming_the_stream_past_the_end_of_the_log_is_refused_before_it_starts(
    api: Api,
) -> None:
    end = settled(api)
    auditor = "demo-auditor"
    refused(api, auditor, "GET", f"/events/stream?after={end + 1}", 422, "after")
    refused(
        api,
        auditor,
        "GET",
        "/events/stream",
        422,
        "Last-Event-ID",
        headers={"Last-Event-ID": str(end + 50)},
    )
    refused(api, auditor, "GET", "/events/stream?after=-1", 422, "after")


# -- 1: decisions listed and filtered; a job names its round by number ------------------


def test_decisions_are_listed_by_job_and_time_and_a_job_names_its_round_by_number(
    api: Api, clock: ManualClock
) -> None:
    jid = submit(api, DRUG, "drug-rounds")["id"]
    job = wait_for(api, jid, "assigned")
    number = job["decision_number"]
    decision = api.call(AUDITOR, "GET", f"/decisions/{number}")
    assert (decision["number"], decision["id"]) == (number, job["decision_id"])
    replayed = api.call(AUDITOR, "GET", f"/decisions/{number}/replay")
    assert replayed["same_assignments"], replayed
    mine = api.call(AUDITOR, "GET", "/decisions", params={"job": jid})
    assert number in [d["number"] for d in mine]
    (summary,) = [d for d in mine if d["number"] == number]
    assert summary["jobs_placed"] >= 1
    assert summary["made_at"] == decision["made_at"]
    assert summary["policy_version"] == decision["policy_version"]
    every = api.call(AUDITOR, "GET", "/decisions")
    assert [d["number"] for d in every] == sorted(d["number"] for d in every)
    page = api.call(AUDITOR, "GET", "/decisions", params={"limit": 1, "after": number - 1})
    assert [d["number"] for d in page] == [number]
    later = clock.now().replace(hour=10).isoformat()
    assert api.call(AUDITOR, "GET", "/decisions", params={"from": later}) == []
    assert api.call(AUDITOR, "GET", "/decisions", params={"to": later})


def test_listing_decisions_refuses_what_it_cannot_answer(api: Api, clock: ManualClock) -> None:
    now = clock.now()
    params = {"from": now.isoformat(), "to": now.replace(hour=8).isoformat()}
    refused(api, AUDITOR, "GET", "/decisions", 422, "to", params=params)
    naive = {"from": now.replace(tzinfo=None).isoformat()}
    refused(api, AUDITOR, "GET", "/decisions", 422, "from", params=naive)
    refused(api, AUDITOR, "GET", "/decisions", 422, "limit", params={"limit": 0})
    nobody = "00000000-0000-0000-0000-000000000000"
    refused(api, AUDITOR, "GET", "/decisions", 404, None, params={"job": nobody})
    refused(api, "demo-ward-icu", "GET", "/decisions", 403, None)


# -- 11: why, in one shape ---------------------------------------------------------------


def test_why_answers_in_one_shape_whether_or_not_a_round_has_seen_the_job(
    api: Api, clock: ManualClock
) -> None:
    later = clock.now().replace(hour=16).isoformat()
    unseen = submit(api, {**DRUG, "ready_at": later}, "drug-later")["id"]
    answer = api.call(AUDITOR, "GET", f"/jobs/{unseen}/why", params={"porter": "IM-DRG-01"})
    assert answer["considered"] is False
    assert (answer["source"], answer["decision"], answer["chosen"]) == (None, None, None)
    assert "ready at" in answer["explanation"]
    assert answer["porter"] is None  # nothing to explain them against
    jid = submit(api, DRUG, "drug-why")["id"]
    holder = wait_for(api, jid, "assigned")["porters"][0]
    seen = considered(api, jid)
    assert set(seen) == set(answer)
    assert (seen["source"], seen["chosen"]["badges"]) == ("decision", [holder])
    assert holder in seen["explanation"]
    other = "IM-DRG-01" if holder != "IM-DRG-01" else "IM-DRG-02"
    verdict = api.call(AUDITOR, "GET", f"/jobs/{jid}/why", params={"porter": other})["porter"]
    assert verdict["badge"] == other
    assert verdict["chosen"] == [holder]
    refused(api, AUDITOR, "GET", f"/jobs/{jid}/why", 404, None, params={"porter": "NOBODY"})


# -- 2: every answer typed, every refusal listed -----------------------------------------


def test_every_answer_has_a_declared_shape_and_every_route_lists_its_refusals(api: Api) -> None:
    spec = api.client.get("/openapi.json").json()
    problem = {"$ref": "#/components/schemas/Problem"}
    untyped = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            where = f"{method.upper()} {path}"
            responses = op["responses"]
            listed = {int(s) for s in responses if s.isdigit() and int(s) >= 400}
            expected = {422} if path in ("/health", "/ready") else {401, 403, 422}
            if "{" in path:
                expected.add(404)
            if method in ("put", "patch") or (method == "post" and "{" in path):
                expected.add(409)
            assert expected <= listed, (where, sorted(listed))
            for status in expected:
                content = responses[str(status)]["content"]["application/json"]
                assert content["schema"] == problem, (where, status)
            ok = next(responses[s] for s in ("200", "201") if s in responses)
            schema = ok.get("content", {}).get("application/json", {}).get("schema")
            if schema is None:  # the event stream
                assert "text/event-stream" in ok["content"], where
                continue
            shape = schema.get("items", schema)
            if "$ref" not in shape:
                untyped.append(where)
    assert untyped == []
