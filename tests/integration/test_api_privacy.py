"""Each caller sees what their role needs and learns nothing of the rest: another's job
answers as an unknown one, a ward's idempotency keys are its own, the event feed gives
porters and wards only their notices, /ready tells strangers only ready or not, and the
logs carry no patient data.

In-process on the in-memory store, like `test_api_actions`.
"""

from __future__ import annotations

import logging
import time
from typing import Any
from uuid import UUID

import pytest

from engine.domain.commands import SubmitJob, parse
from tests.integration.apiclient import Api, post, submit, wait_for
from tests.unit.projections.scenario import CT, DRUG

SURGERY, ICU = "demo-ward-surgery", "demo-ward-icu"
REF, NOTE = "P-880021", "fragile-left-hip"
PATIENT = {**CT, "patient_ref": REF, "notes": NOTE, "requirements": {"mode": "stretcher"}}


def ward_submits(api: Api, token: str, body: dict[str, Any], key: str, status: int) -> Any:
    return api.call(token, "POST", "/jobs", status, json=body, headers={"Idempotency-Key": key})


def unknown_alike(api: Api, token: str, method: str, path: str, jid: str, **kw: Any) -> None:
    """Another's job answers exactly as a job that does not exist, but for the id."""
    nobody = str(UUID(int=99))
    theirs = api.call(token, method, path.format(jid), 404, **kw)
    unknown = api.call(token, method, path.format(nobody), 404, **kw)
    assert theirs == {**unknown, "message": unknown["message"].replace(nobody, jid)}


def test_another_departments_or_porters_job_answers_as_an_unknown_one(api: Api) -> None:
    jid = ward_submits(api, SURGERY, PATIENT, "priv-1", 201)["id"]
    holder = wait_for(api, jid, "assigned")["porters"][0]
    unknown_alike(api, ICU, "GET", "/jobs/{}", jid)
    unknown_alike(api, ICU, "POST", "/jobs/{}/cancel", jid, json={"reason": "other"})
    stranger = "demo-porter-IM-DRG-01"
    unknown_alike(api, stranger, "GET", "/jobs/{}", jid)
    unknown_alike(api, stranger, "POST", "/jobs/{}/acknowledge", jid, json={})
    unknown_alike(api, stranger, "POST", "/jobs/{}/hold", jid, json={"reason": "other"})
    mine = api.call(f"demo-porter-{holder}", "GET", f"/jobs/{jid}")
    assert (mine["patient_ref"], mine["notes"]) == (REF, NOTE)
    assert REF not in str(api.call(ICU, "GET", "/jobs"))


def test_a_wards_idempotency_key_is_its_own_and_reveals_no_other_wards_job(api: Api) -> None:
    surgery = ward_submits(api, SURGERY, PATIENT, "shared-key", 201)
    icu_body = {**DRUG, "origin": "PHARMACY", "destination": "ICU", "department": "icu"}
    icu_body.pop("group")
    icu = ward_submits(api, ICU, icu_body, "shared-key", 201)  # not a 409 naming surgery's
    assert icu["id"] != surgery["id"]
    assert ward_submits(api, ICU, icu_body, "shared-key", 200)["id"] == icu["id"]
    assert ward_submits(api, SURGERY, PATIENT, "shared-key", 200)["id"] == surgery["id"]
    conflict = ward_submits(api, ICU, {**icu_body, "notes": "x"}, "shared-key", 409)
    assert surgery["id"] not in conflict["message"]


def test_a_job_filed_before_keys_had_scopes_is_found_by_its_own_ward_only(api: Api) -> None:
    runtime = api.client.app.state.runtime  # type: ignore[attr-defined]
    old = str(runtime.app.submit_job(parse(SubmitJob, PATIENT), "before-scopes"))
    runtime.service.refresh()  # such a job is long on the board, which a retry reads
    assert ward_submits(api, SURGERY, PATIENT, "before-scopes", 200)["id"] == old
    icu_body = {**DRUG, "destination": "ICU", "department": "icu"}
    icu_body.pop("group")
    assert ward_submits(api, ICU, icu_body, "before-scopes", 201)["id"] != old


def test_porters_and_wards_read_from_the_event_feed_only_their_notices(api: Api) -> None:
    jid = ward_submits(api, SURGERY, PATIENT, "feed-priv", 201)["id"]
    holder = wait_for(api, jid, "assigned")["porters"][0]
    post(api, f"demo-porter-{holder}", f"/jobs/{jid}/acknowledge")
    hold = {"reason": "patient_not_ready", "note": "bed-7-isolation"}
    post(api, f"demo-porter-{holder}", f"/jobs/{jid}/hold", **hold)
    for token in (ICU, "demo-porter-IM-DRG-01", f"demo-porter-{holder}", SURGERY):
        page = str(api.call(token, "GET", "/events", params={"after": 0}))
        assert REF not in page
        assert NOTE not in page
        assert ("bed-7-isolation" in page) == (token == SURGERY), token  # its own delay
    assert REF in str(api.call("demo-auditor", "GET", "/events", params={"after": 0}))


def test_ready_tells_a_stranger_only_ready_or_not_and_a_reader_why(api: Api) -> None:
    assert api.client.get("/ready").json() == {"status": "ready", "demo": True}
    assert api.call("demo-porter-IM-DRG-01", "GET", "/ready") == {"status": "ready", "demo": True}
    assert api.call("not-a-token", "GET", "/ready") == {"status": "ready", "demo": True}
    details = api.call("demo-auditor", "GET", "/ready")
    assert (details["status"], details["site"], details["loop"]) == ("ready", "apitest", "deciding")
    loop = api.client.app.state.runtime.loop  # type: ignore[attr-defined]
    step = loop.driver.step
    loop.driver.step = lambda: (_ for _ in ()).throw(RuntimeError("solver crashed"))
    try:
        loop.wake()
        for _ in range(200):
            if api.client.get("/ready").status_code == 503:
                break
            time.sleep(0.01)
        assert api.client.get("/ready").json() == {"status": "not_ready", "demo": True}
        failing = api.call("demo-auditor", "GET", "/ready", 503)
        assert failing["status"] == "not_ready"
        assert "RuntimeError" in failing["reason"]
    finally:
        loop.driver.step = step
    loop.wake()
    for _ in range(200):
        if api.client.get("/ready").status_code == 200:
            break
        time.sleep(0.01)
    assert api.client.get("/ready").json() == {"status": "ready", "demo": True}


def test_our_logs_carry_no_patient_reference_or_note(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    jid = ward_submits(api, SURGERY, PATIENT, "log-priv", 201)["id"]
    holder = wait_for(api, jid, "assigned")["porters"][0]
    post(api, f"demo-porter-{holder}", f"/jobs/{jid}/acknowledge")
    post(api, f"demo-porter-{holder}", f"/jobs/{jid}/fail", reason="patient_unwell", note=NOTE)
    submit(api, {**PATIENT, "patient_ref": "nobody"}, "log-bad", 422)
    access = logging.getLogger("uvicorn.access")
    access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5", "GET", f"/jobs?ref={REF}", "1.1", 422)
    assert "GET /jobs?…" in caplog.text
    assert REF not in caplog.text
    assert NOTE not in caplog.text


def test_no_route_takes_patient_data_in_its_path_or_query(api: Api) -> None:
    """Paths and queries are what access logs print; patient data travels in bodies."""
    spec = api.client.get("/openapi.json").json()
    named = [
        (path, p["name"])
        for path, item in spec["paths"].items()
        for op in item.values()
        for p in op.get("parameters", [])
        if p["in"] in ("path", "query")
    ]
    assert named
    assert [n for n in named if any(w in n[1].lower() for w in ("patient", "note", "text"))] == []
