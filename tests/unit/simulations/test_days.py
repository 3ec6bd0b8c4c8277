"""The named days: the stressed day as it was, a standard day that is staffed for its
demand, and the load levels a sweep runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.hospital import Hospital
from simulations.days import COVER_TARGET, at_loads, cover, covered, standard, stressed
from simulations.load import scenario_load
from simulations.scenario import Demand, Scenario
from tests.hospitals import riverside, write


@pytest.fixture(scope="module")
def demo() -> Hospital:
    return Hospital.load()


@pytest.fixture(scope="module")
def day() -> Scenario:
    return standard()


def test_the_stressed_day_is_the_reference_roster_against_a_full_days_demand() -> None:
    day = stressed()
    assert (day.name, day.staffing, day.demand.jobs_per_day) == ("stressed day", [], 1500)


def test_the_standard_day_has_the_stressed_days_demand_on_more_porters(day: Scenario) -> None:
    assert day.name == "standard day"
    assert day.demand == stressed().demand
    assert day.staffing
    assert all(s.count > 0 for s in day.staffing)


def test_no_hour_of_the_standard_day_asks_more_than_its_pools_can_give(
    day: Scenario, demo: Hospital
) -> None:
    hours = scenario_load(day, demo).as_data()["hours"]
    for hour in hours:
        for pool, figures in hour["by_pool"].items():
            assert figures["utilisation"] <= COVER_TARGET + 0.05, (hour["hour"], pool)


def test_the_evenings_specimens_documents_and_drugs_have_porters(
    day: Scenario, demo: Hospital
) -> None:
    evening = [s for s in day.staffing if s.shift in ("middle", "night")]
    assert {s.group for s in evening} >= {"internal", "surgical"}
    roles = {e.role: set(e.skills) for e in demo.porters()}
    assert all(set(s.skills) >= roles["specimen_courier"] for s in evening)


def test_the_standard_day_is_the_same_every_time(day: Scenario) -> None:
    assert standard() == day


def test_load_levels_bring_the_day_to_each_utilisation(day: Scenario, demo: Hospital) -> None:
    levels = at_loads(day, [0.5, 0.85, 1.0])
    jobs = [levels[u].demand.jobs_per_day for u in (0.5, 0.85, 1.0)]
    assert jobs == sorted(jobs)
    assert len(set(jobs)) == 3
    for level, scenario in levels.items():
        assert scenario_load(scenario, demo).utilisation() == pytest.approx(level, abs=0.01)
        assert scenario.staffing == day.staffing
        assert scenario.name == f"standard day at {level:.0%} utilisation"


def test_any_hospital_file_can_be_covered_on_its_own_shifts(tmp_path: Path) -> None:
    path = write(riverside(), tmp_path / "riverside.json")
    lending = {"lending": {"wards": ["night_team"], "theatres": ["night_team", "wards"]}}
    base = Scenario(hospital=str(path), demand=Demand(jobs_per_day=200), policy=lending)
    hospital = Hospital.load(path)
    added = cover(base, hospital)
    assert added
    assert {s.shift for s in added} <= {"days", "nights"}
    assert {s.group for s in added} <= {"wards", "theatres", "night_team"}
    day = covered(base, "riverside day", hospital)
    assert (day.name, day.staffing) == ("riverside day", added)
    assert scenario_load(day, hospital).utilisation() < scenario_load(base, hospital).utilisation()
