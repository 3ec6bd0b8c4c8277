"""Schemathesis against the running app, on SQLite and on PostgreSQL: every operation
with cases drawn from its OpenAPI (its examples, valid and invalid cases), as each kind
of caller; then scenarios along the OpenAPI's links (submit a job, act on it, act on
what that answered). No answer may be a server error, carry a status or media type the
OpenAPI does not list for its operation, or differ from its documented shape; invalid
input must be refused, and a request without a valid token too where one is needed.

Bounded and derandomized (`fuzzing.budget`): the same cases on every run. What
answers them is the live app, its dispatch loop deciding in the background.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis

from api.limits import MAX_BODY
from engine.clock import ManualClock
from engine.hospital import Hospital
from engine.settings import Settings
from tests.integration.apiclient import Api
from tests.integration.fuzzing import (
    ADMIN,
    CALLS,
    PORTER,
    WARD,
    fuzz_each_operation,
    fuzzed,
    walk_links,
)


@pytest.fixture
def fuzzed_api(
    store: Settings, clock: ManualClock, hospital: Hospital
) -> Iterator[schemathesis.BaseSchema]:
    with fuzzed(store, clock, hospital) as schema:
        # The live stream never ends, so no answer of it could be checked whole.
        yield schema.exclude(path="/events/stream")


def test_no_operation_answers_a_server_error_an_undocumented_status_or_shape(
    fuzzed_api: schemathesis.BaseSchema,
) -> None:
    problems = fuzz_each_operation(fuzzed_api, ADMIN)
    # A porter and a ward reach other branches (their own jobs, their department's):
    # their examples and a case or two of each kind.
    problems += fuzz_each_operation(fuzzed_api, PORTER, examples=1)
    problems += fuzz_each_operation(fuzzed_api, WARD, examples=1)
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


def test_no_scenario_along_the_links_answers_a_server_error_an_undocumented_status_or_shape(
    fuzzed_api: schemathesis.BaseSchema,
) -> None:
    answered = walk_links(fuzzed_api)
    assert answered.total() >= CALLS, answered
    # The links were followed: jobs submitted were then reached by their id (a job that
    # exists answers anything but 404; which operations the walk reaches varies with the
    # schema, since each operation added changes Hypothesis's choices).
    assert answered["POST /jobs", 201], answered
    assert any("{job_id}" in op and s not in (404, 422) for op, s in answered), answered


def test_every_answer_giving_a_job_or_a_porter_links_to_the_operations_on_it() -> None:
    """What the scenarios walk, and what a client is told follows what."""
    from api.main import create_app

    spec = create_app().openapi()
    links = spec["components"]["links"]
    on_job = {
        op["operationId"]
        for path, item in spec["paths"].items()
        if path.startswith("/jobs/{job_id}")
        for op in item.values()
    }
    submitted = spec["paths"]["/jobs"]["post"]["responses"]
    for status in ("201", "200"):
        named = {
            links[ref["$ref"].rsplit("/", 1)[1]]["operationId"]
            for ref in submitted[status]["links"].values()
        }
        assert on_job <= named
    ack = links["job_post_acknowledge"]
    assert ack["parameters"] == {"job_id": "$response.body#/id"}
    assert ack["requestBody"] == {"badge": "$response.body#/porters/0"}
    moved = spec["paths"]["/porters/{badge}/shift/end"]["post"]["responses"]["200"]["links"]
    assert links[moved["porter_get"]["$ref"].rsplit("/", 1)[1]]["parameters"] == {
        "badge": "$response.body#/badge"
    }


def test_every_operation_taking_a_body_documents_the_413_it_answers_to_one_too_large(
    api: Api,
) -> None:
    """The body limit refuses before any route is reached, so no route's own list of
    refusals had it: the fuzz would not send 64 KiB, a client may."""
    spec = api.client.get("/openapi.json").json()
    taking = [
        (method, path)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if "requestBody" in op
    ]
    assert len(taking) > 20
    for method, path in taking:
        assert "413" in spec["paths"][path][method]["responses"], (method, path)
    answer = api.client.post(
        "/jobs",
        content=b" " * (MAX_BODY + 1),
        headers={"Authorization": "Bearer demo-dispatcher", "Idempotency-Key": "big"},
    )
    assert answer.status_code == 413
