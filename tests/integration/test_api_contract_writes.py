"""The API as a client is written against it: what a request writes. One job per
Idempotency-Key however many send it at once, return legs no caller's key reaches,
the group that serves the department, and a policy replaced whole or changed in part.

In-process on the in-memory store, like `test_api_actions`.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from api.main import create_app
from api.settings import ApiSettings, Grant
from engine.clock import ManualClock
from engine.hospital import Hospital
from engine.settings import Settings
from tests.conftest import hold_before_saving
from tests.hospitals import riverside
from tests.integration.apiclient import (
    Api,
    TestClient,
    considered,
    log_end,
    refused,
    settled,
    submit,
)
from tests.unit.projections.scenario import CT, DRUG

DISPATCHER = "demo-dispatcher"
PLANNER = "demo-planner"
# -- 5: one Idempotency-Key, many callers at once --------------------------------------


def test_concurrent_submissions_with_one_key_answer_201_once_and_200_with_the_job_to_the_rest(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    callers = 8
    runtime = api.client.app.state.runtime  # type: ignore[attr-defined]
    # Callers race only where commands run in threads (PostgreSQL, several processes):
    # on the loop, one process's submissions come one at a time.
    monkeypatch.setattr(runtime.api, "writes_on_loop", False)
    hold_before_saving(monkeypatch, runtime.app, callers)
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


def test_a_callers_key_may_not_be_one_the_regular_rounds_file_their_jobs_under(
    api: Api,
) -> None:
    key = "round:specimen_round:2026-11-23T06:30"
    headers = {"Idempotency-Key": key}
    refused(api, DISPATCHER, "POST", "/jobs", 422, "Idempotency-Key", json=DRUG, headers=headers)
    assert submit(api, DRUG, "my round:1")["leg"] == "single"


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
    considered(api, job["id"])
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
    settings = ApiSettings(seed_demo=True, tokens=tokens)
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
