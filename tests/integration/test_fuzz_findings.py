"""What the fuzzing (`test_fuzzing`) found, each kept as a plain test of its own: the
fuzz finds it again only while its cases happen to, these always do.

In-process on the in-memory store, like `test_hostile_inputs`.
"""

from __future__ import annotations

from typing import Any

import pytest

from engine.bootstrap import seed_roster
from engine.clock import ManualClock
from engine.dispatch.manual import assign_by_hand
from engine.domain.commands import SubmitJob, parse
from engine.domain.errors import InvalidInput
from engine.hospital import Hospital
from engine.write.application import DispatchApp
from tests.integration.apiclient import Api, refused, submit
from tests.unit.projections.scenario import DRUG

D, P = "demo-dispatcher", "demo-planner"
JSON = {"Content-Type": "application/json"}


def bodies(api: Api) -> list[tuple[str, str, str, dict[str, str]]]:
    """(token, method, path, headers) of routes taking a body: a submission, an action on
    a job, a porter's registration, the policy."""
    jid = submit(api, DRUG, "finding-1")["id"]
    return [
        (D, "POST", "/jobs", {"Idempotency-Key": "finding-2"}),
        (D, "POST", f"/jobs/{jid}/cancel", {}),
        (D, "POST", "/porters", {}),
        (P, "PATCH", "/policy", {}),
    ]


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b'{"kind": "drug", "notes": "\xff\xfe"}', "it is not UTF-8 text"),
        (b"[" * 20_000 + b"]" * 20_000, "it is nested too deeply"),
    ],
    ids=["not UTF-8", "nested 20,000 deep"],
)
def test_a_body_that_cannot_be_read_as_json_is_refused_as_bad_json_and_changes_nothing(
    api: Api, content: bytes, why: str
) -> None:
    """It was a 400 the OpenAPI does not list, outside the one error shape's wording."""
    for token, method, path, headers in bodies(api):
        answer = refused(
            api, token, method, path, 422, None, content=content, headers={**JSON, **headers}
        )
        assert answer == {
            "error": "InvalidInput",
            "message": f"the body is not valid JSON: {why}",
            "field": None,
        }, (method, path)


def test_ready_is_documented_as_answering_with_a_token_or_without_one(api: Api) -> None:
    """Anyone may ask /ready (a reader is told more), but its OpenAPI said a token was
    required: a client generated from it would never ask without one."""
    spec: dict[str, Any] = api.client.get("/openapi.json").json()
    assert spec["paths"]["/ready"]["get"]["security"] == [{"HTTPBearer": []}, {}]
    assert api.client.get("/ready").json() == {"status": "ready", "demo": True}


def test_assigning_or_overriding_with_the_same_porter_twice_is_refused_naming_porters(
    api: Api,
) -> None:
    """It was a 500: the engine checked its rules on a round holding the porter twice."""
    jid = submit(api, DRUG, "finding-3")["id"]
    twice = ["IM-DRG-01", "IM-DRG-01"]
    for path, body in (
        (f"/jobs/{jid}/assign", {"porters": twice}),
        (f"/jobs/{jid}/override", {"porters": twice, "reason": "radio call"}),
    ):
        answer = refused(api, D, "POST", path, 422, "porters", json=body)
        assert answer["message"].endswith("names the same porter twice"), answer


def test_the_engine_refuses_one_porter_named_twice_by_badge_and_by_id(
    memory_app: DispatchApp, hospital: Hospital, clock: ManualClock
) -> None:
    """The API refuses the same badge twice; the engine, which takes ids too, refuses the
    same porter however they are named, before it checks a rule or writes anything."""
    seed_roster(memory_app, hospital, clock.now())
    jid = memory_app.submit_job(parse(SubmitJob, DRUG), "finding-4")
    before = memory_app.recorder.max_notification_id()
    porter = memory_app.porter("IM-DRG-01")
    with pytest.raises(InvalidInput) as refusal:
        assign_by_hand(memory_app, jid, ["IM-DRG-01", porter.id], "desk")
    assert refusal.value.field == "porters"
    assert memory_app.recorder.max_notification_id() == before


NOT_A_NUMBER = "must be ISO 8601 text such as 2026-11-23T09:30:00+08:00, not a number"


@pytest.mark.parametrize(
    ("method", "path", "field", "kwargs"),
    [
        ("GET", "/decisions", "to", {"params": {"to": "0.5"}}),
        ("GET", "/decisions", "from", {"params": {"from": "1795000000"}}),
        ("GET", "/figures", "from", {"params": {"from": "20000"}}),
        ("GET", "/rota", "to", {"params": {"to": "1e3"}}),
        (
            "POST",
            "/jobs",
            "ready_at",
            {"json": {**DRUG, "ready_at": 1795000000}, "headers": {"Idempotency-Key": "k5"}},
        ),
        ("POST", "/porters/IM-DRG-01/shift/start", "ends_at", {"json": {"ends_at": "1795000000"}}),
        (
            "POST",
            "/rota/absences",
            "start",
            {
                "json": {
                    "badge": "IM-ESC-01",
                    "start": 0,
                    "end": "2026-11-27T00:00:00+08:00",
                    "reason": "leave",
                }
            },
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_a_number_given_as_a_date_or_time_is_refused_naming_it_not_read_as_1970(
    api: Api, method: str, path: str, field: str, kwargs: dict[str, Any]
) -> None:
    """`to=0.5` answered 200, read as half a second past midnight in 1970; a number
    for a ready time or a period was read the same way."""
    answer = refused(api, D, method, path, 422, field, **kwargs)
    assert answer["message"] == f"{field}: {NOT_A_NUMBER}", answer


def test_a_date_and_time_written_out_is_still_read(api: Api) -> None:
    api.call(D, "GET", "/decisions", params={"to": "2026-11-23T09:30:00+08:00"})
    api.call(D, "GET", "/figures", params={"from": "2026-11-20", "to": "2026-11-23"})


@pytest.mark.parametrize(
    ("path", "allowed"),
    [("/policy", "GET, PATCH, PUT"), ("/porters/IM-DRG-01", "GET, PATCH")],
)
def test_a_method_a_path_does_not_take_is_answered_with_every_method_it_does(
    api: Api, path: str, allowed: str
) -> None:
    """`Allow` named one route's methods only: `GET` for /policy, which PUT and PATCH
    change too."""
    answer = api.client.request("DELETE", path, headers={"Authorization": f"Bearer {D}"})
    assert answer.status_code == 405
    assert answer.headers["Allow"] == allowed
    for method in allowed.split(", "):  # what it names, it takes
        taken = api.client.request(method, path, headers={"Authorization": f"Bearer {D}"})
        assert taken.status_code != 405, method
