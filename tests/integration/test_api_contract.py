"""The API as a client is written against it: refusals in one shape naming the request's
own field, and nothing written by a refused request.

In-process on the in-memory store, like `test_api_actions`; each refusal is checked
against the store's own log, not the read models.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from api.main import create_app
from api.settings import ApiSettings, Grant
from engine.clock import ManualClock
from engine.hospital import Hospital
from engine.settings import Settings
from tests.hospitals import riverside
from tests.integration.apiclient import Api, TestClient, considered, post, submit, wait_for
from tests.unit.projections.scenario import CT, DRUG
from tests.unit.test_submission import hold_before_saving

DISPATCHER = "demo-dispatcher"


def log_end(api: Api) -> int:
    """The last position in the site's log, read from the store itself."""
    recorder = api.client.app.state.runtime.app.recorder  # type: ignore[attr-defined]
    return int(recorder.max_notification_id() or 0)


def settled(api: Api) -> int:
    """The log's end once the loop has stopped writing (the rota starting shifts, rounds)."""
    last, same = log_end(api), 0
    while same < 3:
        time.sleep(0.02)
        now = log_end(api)
        last, same = now, same + 1 if now == last else 0
    return last


def refused(
    api: Api, token: str, method: str, path: str, status: int, field: str | None, **kwargs: Any
) -> dict[str, Any]:
    """A refusal: its status, one shape naming `field`, and the log as it was."""
    before = settled(api)
    body: dict[str, Any] = api.call(token, method, path, status, **kwargs)
    assert set(body) == {"error", "message", "field"}, body
    assert body["field"] == field, body
    assert body["message"]
    assert log_end(api) == before, f"{method} {path} wrote to the log although refused"
    return body


def refused_job(api: Api, body: dict[str, Any], field: str, status: int = 422) -> None:
    headers = {"Idempotency-Key": f"refused-{field}"}
    refused(api, DISPATCHER, "POST", "/jobs", status, field, json=body, headers=headers)


# -- 3: one shape, the request's own field names --------------------------------------


def test_refusals_name_the_field_as_the_request_did_never_where_it_was_read_from(
    api: Api,
) -> None:
    refused_job(api, {**DRUG, "priority": "whenever"}, "priority")
    refused_job(api, {**CT, "requirements": {"mode": "sedan"}}, "requirements.mode")
    refused_job(api, {**DRUG, "origin": "ROOF"}, "origin")
    refused(api, DISPATCHER, "POST", "/jobs", 422, "Idempotency-Key", json=DRUG)
    refused(api, DISPATCHER, "GET", "/jobs?status=lost", 422, "status")
    refused(api, DISPATCHER, "GET", "/jobs/not-a-uuid", 422, "job_id")
    jid = submit(api, DRUG, "drug-fields")["id"]
    refused(api, DISPATCHER, "POST", f"/jobs/{jid}/assign", 422, "porters", json={"porters": []})
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
    jid = submit(api, CT, "ct-blank")["id"]
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
    submit(api, DRUG, "drug-query")
    refused(api, DISPATCHER, "GET", "/jobs?stauts=assigned", 422, "stauts")
    refused(api, DISPATCHER, "GET", "/porters?group=internal&sate=free", 422, "sate")
    refused(api, "demo-auditor", "GET", "/figures?form=2026-11-23", 422, "form")
    refused(api, DISPATCHER, "POST", "/porters/EM-GC-01/break/start?badge=EM-GC-02", 422, "badge")
    assert api.call(DISPATCHER, "GET", "/jobs?status=requested&kind=drug&group=internal") == []
    assert api.call("demo-auditor", "GET", "/figures?from=2026-11-23&to=2026-11-23")


# -- 5: one Idempotency-Key, many callers at once --------------------------------------


def test_concurrent_submissions_with_one_key_answer_201_once_and_200_with_the_job_to_the_rest(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    callers = 8
    hold_before_saving(monkeypatch, api.client.app.state.runtime.app, callers)  # type: ignore[attr-defined]
    headers = {"Authorization": f"Bearer {DISPATCHER}", "Idempotency-Key": "race-1"}

    def one(_: int) -> tuple[int, str]:
        response = api.client.post("/jobs", json=DRUG, headers=headers)
        return response.status_code, response.json()["id"]

    before = settled(api)
    with ThreadPoolExecutor(callers) as pool:
        answers = list(pool.map(one, range(callers)))
    assert sorted(status for status, _ in answers) == [200] * (callers - 1) + [201]
    (jid,) = {job for _, job in answers}
    timeline = api.call("demo-auditor", "GET", f"/jobs/{jid}/timeline")["entries"]
    assert [e["event"] for e in timeline].count("Submitted") == 1
    assert log_end(api) > before


# -- 7: an escort's return leg takes no key from the caller -----------------------------

ESCORT = {**CT, "kind": "escort", "destination": "ULTRASOUND", "with_return": True}


def test_a_callers_key_ending_in_return_is_their_own_whatever_escorts_were_submitted(
    api: Api,
) -> None:
    outbound = submit(api, ESCORT, "esc-1")
    mine = submit(api, DRUG, "esc-1:return")
    assert mine["id"] != outbound["linked_job_id"]
    assert mine["leg"] == "single"
    first = submit(api, DRUG, "esc-2:return")
    second = submit(api, ESCORT, "esc-2")
    assert second["linked_job_id"] not in (None, first["id"])
    back = api.call(DISPATCHER, "GET", f"/jobs/{second['linked_job_id']}")
    assert (back["leg"], back["linked_job_id"]) == ("return", second["id"])


# -- 12: the group follows from the department ----------------------------------------


def test_a_job_goes_to_the_group_serving_its_department_and_a_ward_may_not_name_another(
    api: Api,
) -> None:
    ward = "demo-ward-surgery"
    without = {k: v for k, v in CT.items() if k != "group"}
    headers = {"Idempotency-Key": "ct-group"}
    job = api.call(ward, "POST", "/jobs", 201, json=without, headers=headers)
    assert job["group"] == "surgical"  # surgery_7's, by the hospital file
    # Naming it is the same request: a retry.
    assert api.call(ward, "POST", "/jobs", 200, json=CT, headers=headers)["id"] == job["id"]
    elsewhere = {**CT, "group": "internal"}
    refused(
        api,
        ward,
        "POST",
        "/jobs",
        422,
        "group",
        json=elsewhere,
        headers={"Idempotency-Key": "ct-elsewhere"},
    )
    lent = submit(api, elsewhere, "ct-lent")  # a dispatcher may
    assert lent["group"] == "internal"


@pytest.fixture
def riverside_api(clock: ManualClock) -> Iterator[Api]:
    """The API over a hospital of its own groups and departments, with a theatre ward."""
    tokens = {
        "theatre-ward": Grant(role="ward", department="surgery"),
        "rv-dispatcher": Grant(role="dispatcher"),
    }
    settings = ApiSettings(seed_demo=True, demo_tokens=False, tokens=tokens)
    engine = Settings(store="memory", site="rvapi", round_interval=0, poll_seconds=0.01)
    app = create_app(settings, engine, clock, Hospital.from_data(riverside()))
    with TestClient(app) as client:
        yield Api(client)


def test_at_any_hospital_the_group_is_the_one_its_file_says_serves_the_department(
    riverside_api: Api,
) -> None:
    api = riverside_api
    specimen = {
        "kind": "specimen",
        "origin": "S-RECOVERY",
        "destination": "N-LAB",
        "department": "surgery",
    }
    headers = {"Idempotency-Key": "rv-1"}
    job = api.call("theatre-ward", "POST", "/jobs", 201, json=specimen, headers=headers)
    assert job["group"] == "theatres"
    refused(
        api,
        "theatre-ward",
        "POST",
        "/jobs",
        422,
        "group",
        json={**specimen, "group": "wards"},
        headers={"Idempotency-Key": "rv-2"},
    )
    refused(
        api,
        "rv-dispatcher",
        "POST",
        "/jobs",
        422,
        "department",
        json={**specimen, "department": "icu"},
        headers={"Idempotency-Key": "rv-3"},
    )


# -- 8: PUT replaces the whole policy, PATCH changes some of it -------------------------

PLANNER = "demo-planner"


def test_a_put_of_part_of_the_policy_is_refused_naming_the_first_field_left_out(
    api: Api,
) -> None:
    current = api.call(PLANNER, "GET", "/policy")
    whole = current["document"]
    part = {"document": {"max_jobs_per_porter": 2}}
    refused(api, PLANNER, "PUT", "/policy", 422, "document.targets", json=part)
    nested = {**whole, "scheduled": {"lead_minutes": 5}}
    refused(
        api,
        PLANNER,
        "PUT",
        "/policy",
        422,
        "document.scheduled.window_minutes",
        json={"document": nested},
    )
    assert api.call(PLANNER, "GET", "/policy") == current
    published = api.call(PLANNER, "PUT", "/policy", json={"document": whole})
    assert published == {"version": current["version"] + 1, "document": whole}


def test_a_patch_merges_the_fields_it_gives_into_the_current_policy(api: Api) -> None:
    current = api.call(PLANNER, "GET", "/policy")
    changes = {"max_jobs_per_porter": 2, "scheduled": {"window_minutes": 20}}
    amended = api.call(PLANNER, "PATCH", "/policy", json={"document": changes, "note": "x"})
    expected = {
        **current["document"],
        "max_jobs_per_porter": 2,
        "scheduled": {**current["document"]["scheduled"], "window_minutes": 20},
    }
    assert amended == {"version": current["version"] + 1, "document": expected}
    assert api.call("demo-auditor", "GET", "/policy") == amended
    refused(
        api,
        PLANNER,
        "PATCH",
        "/policy",
        422,
        "document.max_jobs",
        json={"document": {"max_jobs": 3}},
    )
    refused(api, PLANNER, "PATCH", "/policy", 422, "document", json={"document": {}})
    refused(
        api,
        PLANNER,
        "PATCH",
        "/policy",
        422,
        "document.targets.stat.delivery",
        json={"document": {"targets": {"stat": {"delivery": 1}}}},
    )
    refused(api, DISPATCHER, "PATCH", "/policy", 403, None, json={"document": changes})


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

AUDITOR = "demo-auditor"


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
