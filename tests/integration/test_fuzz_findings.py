"""What the fuzzing (`test_fuzzing`) found, each kept as a plain test of its own: the
fuzz finds it again only while its cases happen to, these always do.

In-process on the in-memory store, like `test_hostile_inputs`.
"""

from __future__ import annotations

from typing import Any

import pytest

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
