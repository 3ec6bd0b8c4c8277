"""An auditor opens a round: the jobs and porters it considered, and for one job every
porter, with each rule that excluded them or what they would have cost.

At Riverside (tests/hospitals.py) at one in the morning the night team and a ward porter
are on shift, and neither group lends anybody to the theatres: a theatre's job waits,
every porter excluded by the group rule, until a dispatcher calls the theatre porter in.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest

from api.main import create_app
from api.settings import ApiSettings, Grant
from engine.clock import ManualClock
from engine.hospital import Hospital
from engine.settings import Settings
from tests.hospitals import riverside
from tests.integration.apiclient import Api, TestClient, refused

AUDITOR, DISPATCHER, WARD = "rv-auditor", "rv-dispatcher", "rv-ward"
NOTES = {
    "kind": "document",
    "origin": "S-RECOVERY",
    "destination": "S-XRAY",
    "department": "surgery",
}


@pytest.fixture
def api(clock: ManualClock) -> Iterator[Api]:
    tokens = {
        AUDITOR: Grant(role="auditor"),
        DISPATCHER: Grant(role="dispatcher"),
        WARD: Grant(role="ward", department="surgery"),
    }
    settings = ApiSettings(seed_demo=True, tokens=tokens)
    engine = Settings(store="memory", site="rvaudit", round_interval=0, poll_seconds=0.01)
    app = create_app(settings, engine, clock, Hospital.from_data(riverside()))
    with TestClient(app) as client:
        yield Api(client)


def eventually(api: Api, path: str, check: Callable[[Any], bool]) -> Any:
    for _ in range(300):
        answer = api.call(AUDITOR, "GET", path)
        if check(answer):
            return answer
        time.sleep(0.01)
    raise AssertionError(f"{path}: never as expected: {answer}")


def considered(api: Api, jid: str) -> Any:
    return eventually(api, f"/jobs/{jid}/why", lambda why: why["considered"])


def waiting_then_placed(api: Api, clock: ManualClock) -> tuple[str, int, int]:
    """A theatre's job that waited for want of a theatre porter, then went to RT-01 once
    called in: its id, the first round that considered it and the round that placed it."""
    headers = {"Idempotency-Key": "notes-1"}
    jid: str = api.call(WARD, "POST", "/jobs", 201, json=NOTES, headers=headers)["id"]
    assert "group_eligible" in considered(api, jid)["waiting_reason"]
    ends = (clock.now() + timedelta(hours=8)).isoformat()
    api.call(DISPATCHER, "POST", "/porters/RT-01/shift/start", json={"ends_at": ends})
    placed = eventually(api, f"/jobs/{jid}", lambda job: job["status"] == "assigned")
    first = api.call(AUDITOR, "GET", "/decisions", params={"job": jid})[0]["number"]
    return jid, first, placed["decision_number"]


def test_a_round_shows_the_jobs_and_porters_it_considered_as_it_knew_them(
    api: Api, clock: ManualClock
) -> None:
    jid, first, _ = waiting_then_placed(api, clock)
    decision = api.call(AUDITOR, "GET", f"/decisions/{first}")
    (job,) = [j for j in decision["jobs"] if j["id"] == jid]
    assert (job["outcome"], job["badges"], job["eligible_porters"]) == ("waiting", [], 0)
    assert "group_eligible" in job["reason"]
    assert job["requested_at"].endswith("+00:00")  # London's time in November
    porters = {p["badge"]: p for p in decision["porters"]}
    assert "RT-01" not in porters  # not on shift then
    assert {p["group"] for p in porters.values()} == {"night_team", "wards"}
    assert all(p["eligible_jobs"] == 0 and p["given"] == [] for p in porters.values())
    assert decision["jobs_considered"] == len(decision["jobs"])
    assert decision["porters_considered"] == len(decision["porters"])


def test_a_jobs_options_in_a_round_name_every_rule_that_excluded_each_porter(
    api: Api, clock: ManualClock
) -> None:
    jid, first, placed = waiting_then_placed(api, clock)
    waited = api.call(AUDITOR, "GET", f"/decisions/{first}/jobs/{jid}")
    assert waited["chosen"] is None
    assert waited["job"]["outcome"] == "waiting"
    assert waited["options"]
    for option in waited["options"]:
        assert not option["eligible"]
        (rule,) = [v for v in option["violations"] if v["rule"] == "group_eligible"]
        assert "does not lend porters to theatres" in rule["reason"]

    went = api.call(AUDITOR, "GET", f"/decisions/{placed}/jobs/{jid}")
    chosen, *others = went["options"]
    assert (chosen["badge"], chosen["chosen"], chosen["eligible"]) == ("RT-01", True, True)
    assert chosen["cost"] == pytest.approx(went["chosen"]["cost"])
    assert went["chosen"]["badges"] == ["RT-01"]
    assert all(not o["chosen"] and not o["eligible"] for o in others)
    assert went["leave_cost"] > chosen["cost"]  # cheaper to send RT-01 than to leave it
    assert went["job"]["eligible_porters"] == 1


def test_asking_a_round_about_what_it_did_not_consider_is_refused_and_writes_nothing(
    api: Api, clock: ManualClock
) -> None:
    jid, first, _ = waiting_then_placed(api, clock)
    later = api.call(WARD, "POST", "/jobs", 201, json=NOTES, headers={"Idempotency-Key": "n-2"})
    considered(api, later["id"])
    refused(api, AUDITOR, "GET", f"/decisions/{first}/jobs/{later['id']}", 404, None)
    refused(api, AUDITOR, "GET", f"/decisions/9999/jobs/{jid}", 404, None)
    refused(api, AUDITOR, "GET", f"/decisions/{first}/jobs/not-a-job", 422, "job_id")
    refused(api, AUDITOR, "GET", f"/decisions/0/jobs/{jid}", 422, "number")
    refused(api, WARD, "GET", f"/decisions/{first}/jobs/{jid}", 403, None)
