"""Staging points learnt from a site's own log, for a planner to review and publish:
at Riverside (not the demo), where each group's pickups were, by the hospital's hour."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from api.main import create_app
from api.settings import ApiSettings, Grant
from engine.assign.staging import learn_staging
from engine.clock import ManualClock
from engine.hospital import Hospital
from engine.settings import Settings
from tests.hospitals import riverside
from tests.integration.apiclient import Api, TestClient

PLANNER, DISPATCHER = "rv-planner", "rv-dispatcher"


def test_each_group_and_hour_gets_its_most_frequent_pickup_and_thin_hours_none() -> None:
    calls = [("wards", 9, "N-W1")] * 3 + [("wards", 9, "N-W2")] * 2 + [("wards", 10, "N-W2")]
    calls += [("theatres", 9, "S-THEATRE"), ("theatres", 9, "S-RECOVERY")] * 2
    points, counted = learn_staging(calls, min_calls=3)
    # a tie goes to the first code, so the same log always gives the same points
    assert points == {"wards": {9: "N-W1"}, "theatres": {9: "S-RECOVERY"}}
    assert counted == {"theatres": {9: 4}, "wards": {9: 5, 10: 1}}


@pytest.fixture
def api() -> Iterator[tuple[Api, ManualClock]]:
    clock = ManualClock(datetime(2026, 7, 14, 8, 5, tzinfo=UTC))  # 09:05 in London
    tokens = {PLANNER: Grant(role="planner"), DISPATCHER: Grant(role="dispatcher")}
    settings = ApiSettings(seed_demo=True, tokens=tokens)
    engine = Settings(store="memory", site="rvstaging", round_interval=0, poll_seconds=0.01)
    app = create_app(settings, engine, clock, Hospital.from_data(riverside()))
    with TestClient(app) as client:
        yield Api(client), clock


def submit(api: Api, origin: str, key: str) -> None:
    body = {"kind": "document", "origin": origin, "destination": "N-LAB", "department": "medicine"}
    api.call(DISPATCHER, "POST", "/jobs", 201, json=body, headers={"Idempotency-Key": key})


def test_a_planner_gets_points_learnt_from_the_log_and_can_publish_them_as_they_are(
    api: tuple[Api, ManualClock],
) -> None:
    client, clock = api
    for i in range(3):
        submit(client, "N-W2", f"w2-{i}")
    submit(client, "N-W1", "w1-0")
    clock.advance(minutes=60)  # 10:05 in London: one call only
    submit(client, "N-W1", "w1-1")

    learnt = client.call(PLANNER, "GET", "/policy/staging-suggestion?days=7")

    assert learnt["staging"]["wards"] == {"9": "N-W2"}  # 10:00 had one call: no point
    assert learnt["calls"]["wards"] == {"9": 4, "10": 1}
    published = client.call(
        PLANNER,
        "PATCH",
        "/policy",
        json={"document": {"anticipation": {"staging": learnt["staging"]}}, "note": "learnt"},
    )
    assert published["document"]["anticipation"]["staging"] == learnt["staging"]


def test_only_planners_may_ask_and_bad_bounds_name_the_field(
    api: tuple[Api, ManualClock],
) -> None:
    client, _ = api
    client.call(DISPATCHER, "GET", "/policy/staging-suggestion", 403)
    refusal = client.call(PLANNER, "GET", "/policy/staging-suggestion?days=0", 422)
    assert "days" in str(refusal)


def test_several_points_are_chosen_to_shorten_the_walks_not_by_count_alone() -> None:
    """Riverside's two campuses: the north wards call most, but a second point goes south,
    where a porter waiting at the north wards would walk a quarter of an hour."""
    site = Hospital.from_data(riverside())
    calls = (
        [("wards", 9, "N-W1")] * 5 + [("wards", 9, "N-W2")] * 4 + [("wards", 9, "S-THEATRE")] * 2
    )
    one, _ = learn_staging(calls, min_calls=3)
    two, _ = learn_staging(calls, min_calls=3, points=2, travel=site.layout.travel_minutes)
    assert one == {"wards": {9: "N-W1"}}
    assert two == {"wards": {9: ["N-W1", "S-THEATRE"]}}


def test_a_point_that_would_shorten_no_walk_is_not_added() -> None:
    site = Hospital.from_data(riverside())
    calls = [("wards", 9, "N-W1")] * 4
    points, _ = learn_staging(calls, min_calls=3, points=3, travel=site.layout.travel_minutes)
    assert points == {"wards": {9: ["N-W1"]}}


def test_a_planner_may_ask_for_several_points_an_hour_and_publish_them(
    api: tuple[Api, ManualClock],
) -> None:
    client, _ = api
    for i, origin in enumerate(["N-W1", "N-W1", "N-W2", "S-THEATRE", "S-THEATRE"]):
        submit(client, origin, f"spread-{i}")
    learnt = client.call(PLANNER, "GET", "/policy/staging-suggestion?days=7&points=2")
    assert learnt["points"] == 2
    assert learnt["staging"]["wards"] == {"9": ["N-W1", "S-THEATRE"]}
    published = client.call(
        PLANNER,
        "PATCH",
        "/policy",
        json={"document": {"anticipation": {"staging": learnt["staging"]}}, "note": "spread"},
    )
    assert published["document"]["anticipation"]["staging"] == learnt["staging"]
    refusal = client.call(PLANNER, "GET", "/policy/staging-suggestion?points=13", 422)
    assert "points" in str(refusal)
