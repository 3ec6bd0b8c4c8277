"""The hindsight bound holds against real runs: no strategy's day beats it.

Small random mornings at the tests' second hospital, busy enough that the bound is
often above zero (few porters, little lending, sometimes no widening), run by every
strategy through the real engine; the bound read from one run is held against
all three: late jobs overall and by priority, waits' percentiles and means, stat
pickups within five minutes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulations.hindsight import hindsight
from simulations.runner import run_one
from simulations.scenario import Demand, Scenario, Service
from tests.hospitals import riverside, write

STRATEGIES = ("phone_desk", "greedy", "optimal")
NO_WIDENING = {
    p: {
        "not_assigned": m,
        "not_acknowledged": m,
        "not_picked_up": 3 * m,
        "actions": {"not_assigned": ["alert_dispatcher"], "not_acknowledged": ["reoffer"]},
    }
    for p, m in (("stat", 2), ("asap", 5), ("urgent", 8), ("routine", 15))
}
LENDING = {"wards": ["night_team"]}  # the theatres' own porter alone, until widened


@pytest.fixture(scope="module")
def hospital(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(riverside(), tmp_path_factory.mktemp("hindsight") / "riverside.json")


def _late_by_priority(run: dict[str, Any]) -> dict[str, int]:
    out = dict.fromkeys(("stat", "asap", "urgent", "routine"), 0)
    for r in run["records"]:
        out[r["priority"]] += bool(r["late"])
    return out


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(1, 10_000),
    jobs=st.sampled_from([300, 900]),
    widening=st.booleans(),
    noise=st.sampled_from([0.0, 0.2]),
)
def test_no_strategy_has_fewer_late_jobs_or_shorter_waits_than_the_hindsight_bound(
    hospital: Path, seed: int, jobs: int, widening: bool, noise: float
) -> None:
    policy: dict[str, Any] = {"lending": LENDING}
    if not widening:
        policy["escalation"] = NO_WIDENING
    scenario = Scenario(
        name="busy morning",
        hospital=str(hospital),
        demand=Demand(jobs_per_day=jobs),
        hours=9.0,
        policy=policy,
        service=Service(travel_noise=noise),
    )
    runs = {s: run_one(scenario.with_strategy(s), seed, with_day=True) for s in STRATEGIES}
    bound = hindsight(runs["optimal"]["day"])
    assert bound == hindsight(runs["greedy"]["day"]), "the same requests and roster"
    for strategy, run in runs.items():
        figures = run["figures"]
        assert figures["late_jobs"] >= bound["late_jobs"], strategy
        late = _late_by_priority(run)
        for p, lower in bound["late_by_priority"].items():
            assert late[p] >= lower, (strategy, p)
            waited = figures["by_priority"][p]["wait_censored"]
            for q, least in bound["wait_censored"][p].items():
                if least is not None:
                    assert waited[q] >= least, (strategy, p, q)
        stat_fast = figures["stat_pickup_within_5_min"]
        if stat_fast is not None:
            assert stat_fast <= bound["stat_pickup_within_5_min_at_most"], strategy


def test_the_bound_is_above_zero_on_a_morning_too_busy_for_its_porters(hospital: Path) -> None:
    """Else the test above would hold of a bound that says nothing."""
    scenario = Scenario(
        name="busy morning",
        hospital=str(hospital),
        demand=Demand(jobs_per_day=900),
        hours=9.0,
        policy={"lending": LENDING, "escalation": NO_WIDENING},
    )
    run = run_one(scenario.with_strategy("greedy"), 3, with_day=True)
    bound = hindsight(run["day"])
    assert 0 < bound["late_jobs"] <= run["figures"]["late_jobs"]
