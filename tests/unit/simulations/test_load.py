"""The load model: what a job offers, what a roster gives, and utilisation between them."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.domain.values import Kind
from engine.hospital import Hospital, RosterEntry
from simulations.days import stressed
from simulations.load import DemandShape, Load, capacity_by_hour, pools_of, scenario_load
from simulations.scenario import Scenario, Service
from simulations.work import Wanted, WorkModel, noise_factor

START = datetime(2026, 11, 23, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo() -> Hospital:
    return Hospital.load()


@pytest.fixture(scope="module")
def shape(demo: Hospital) -> DemandShape:
    return DemandShape(stressed(), demo)


@settings(max_examples=20, deadline=None)
@given(sigma=st.sampled_from([0.05, 0.2, 0.5]), floor=st.sampled_from([0.0, 0.5, 0.9, 1.0]))
def test_the_mean_walk_noise_is_the_mean_of_what_the_simulation_draws(
    sigma: float, floor: float
) -> None:
    rng = random.Random(1)
    draws = [max(floor, rng.lognormvariate(0, sigma)) for _ in range(40000)]
    service = Service(travel_noise=sigma, travel_floor=floor)
    assert noise_factor(service) == pytest.approx(sum(draws) / len(draws), rel=0.01)


def test_without_noise_a_walk_takes_its_usual_time() -> None:
    assert noise_factor(Service(travel_noise=0.0)) == 1.0


def test_a_job_offers_its_answer_walk_handling_and_trip_times_its_porters(demo: Hospital) -> None:
    service = Service(travel_noise=0.0, acknowledge_minutes=0.5, not_ready_rate=0.0)
    scenario = Scenario(service=service)
    job = Wanted("internal", START, Kind.SPECIMEN, "IM-W3", "LAB", 1, frozenset())
    model = WorkModel(scenario, demo, [job])  # the group's jobs all end at the lab
    trip = demo.layout.travel_minutes("IM-W3", "LAB")
    back = demo.layout.travel_minutes("LAB", "IM-W3")
    assert model.minutes(job) == pytest.approx(0.5 + 1 + trip + back)
    pair = Wanted("internal", START, Kind.SPECIMEN, "IM-W3", "LAB", 2, frozenset())
    assert model.minutes(pair) == pytest.approx(2 * model.minutes(job))


def test_utilisation_is_the_work_weighted_mean_of_each_pools_hours() -> None:
    load = Load(
        START,
        offered={"a": [30.0, 90.0], "b": [0.0, 10.0]},
        capacity={"a": [60.0, 60.0], "b": [0.0, 0.0]},
        jobs=[1, 2],
        pools={"a": "a", "b": "b"},
    )
    # a: 30 min at 0.5 and 90 at 1.5; b's 10 minutes have nobody: uncovered, left out.
    assert load.utilisation() == pytest.approx((30 * 0.5 + 90 * 1.5) / 120)
    assert load.uncovered() == 10.0
    pooled = Load(load.start, load.offered, load.capacity, load.jobs, {"a": "a+b", "b": "a+b"})
    assert pooled.utilisation() == pytest.approx((30 * 0.5 + 100 * 100 / 60) / 130)
    assert pooled.uncovered() == 0.0
    data = pooled.as_data()
    assert data["peak"] == {"utilisation": round(100 / 60, 4), "hour": "01:00", "pool": "a+b"}
    assert [h["jobs"] for h in data["hours"]] == [1, 2]


def test_capacity_counts_each_porters_minutes_on_shift_in_each_hour() -> None:
    porter = RosterEntry("P1", "a", "porter", (), "early", "DESK", True)
    periods = [(porter, START.replace(minute=30), START.replace(hour=2, minute=15))]
    assert capacity_by_hour(periods, START, 3) == {"a": [30.0, 60.0, 15.0]}


def test_groups_that_lend_to_each_other_share_a_pool(demo: Hospital) -> None:
    assert pools_of(stressed(), demo) == {
        "emergency": "emergency",
        "internal": "internal+surgical",
        "surgical": "internal+surgical",
    }
    alone = stressed().model_copy(update={"policy": {"lending": {}}})
    assert set(pools_of(alone, demo).values()) == {"emergency", "internal", "surgical"}


@settings(max_examples=8, deadline=None)
@given(st.sampled_from([0.4, 0.6, 0.85, 1.0, 1.3]))
def test_the_demand_found_for_a_utilisation_brings_the_day_to_it(
    shape: DemandShape, target: float
) -> None:
    jobs = shape.jobs_for(target)
    assert shape.load(jobs - 1).utilisation() < target <= shape.load(jobs).utilisation()


def test_more_jobs_a_day_never_mean_a_lighter_load(shape: DemandShape) -> None:
    levels = [shape.load(n).utilisation() or 0.0 for n in range(0, 3001, 250)]
    assert levels == sorted(levels)


def test_the_same_scenario_gives_the_same_load(demo: Hospital) -> None:
    assert scenario_load(stressed(), demo).as_data() == scenario_load(stressed(), demo).as_data()


def test_the_stressed_days_evenings_offer_several_times_what_is_on_shift(
    demo: Hospital,
) -> None:
    hours = scenario_load(stressed(), demo).as_data()["hours"]
    evening = hours[17]["by_pool"]["internal+surgical"]
    assert evening["utilisation"] > 3
    assert math.isclose(sum(h["jobs"] for h in hours), 1500 * 1.15, rel_tol=0.1)
