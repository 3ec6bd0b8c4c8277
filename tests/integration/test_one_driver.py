"""The server, simulations and replays step one dispatch driver; only the clock differs.

A simulation's log holds what the simulated world asked for and what the engine
did about it. Feeding the same commands, at the same domain times, to the live
loop of a freshly opened site (a manual clock, no server, no thread) must make
the engine do exactly the same: the same rounds with the same triggers and
assignments, the same escalations, the same shifts ended. The two logs are
compared byte for byte.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any

import pytest

from engine.assign import SolverParams
from engine.bootstrap import Site, open_site
from engine.clock import ManualClock
from engine.domain import events as ev
from engine.hospital import Hospital
from engine.settings import Settings
from engine.write.eventlog import export_log
from simulations.days import stressed
from simulations.engine import Simulation, driver_params
from simulations.replay import Commands, decode, engine_made, replay_exact
from simulations.runner import outcome
from simulations.scenario import Scenario, Service

SEED = 5


@pytest.fixture(scope="module")
def busy_morning() -> Scenario:
    """Nine hours of the stressed day with porters slow to acknowledge: rounds, moves,
    escalations at every stage, and the night shift ending at 07:30."""
    slow = Service(acknowledge_minutes=6.0, decline_rate=0.05)
    return stressed().model_copy(update={"hours": 9.0, "name": "busy morning", "service": slow})


@pytest.fixture(scope="module")
def simulated(busy_morning: Scenario, hospital: Hospital) -> tuple[Simulation, str]:
    simulation = Simulation(busy_morning, SEED, hospital)
    simulation.run()
    out = io.StringIO()
    export_log(simulation.app, out)
    return simulation, out.getvalue()


def drive_live(log: str, scenario: Scenario, hospital: Hospital, end: datetime) -> Site:
    """The log's commands at their times through a site's live loop, stepped as the
    loop's thread would be: after every command, and when the driver asks."""
    site_name, events = decode(log.splitlines(), hospital)
    clock = ManualClock(events[0].timestamp)
    site = open_site(
        Settings(store="memory", site=site_name),
        clock,
        hospital,
        driver=driver_params(scenario),
        solver=SolverParams(strategy=scenario.strategy, seed=SEED),
        publish_default_policy=False,
    )
    loop = site.live()
    commands = Commands(site.app, events)
    wake: datetime | None = None
    opening = True  # as a server's: policy and roster in place before the loop starts
    for event in events:
        if opening and engine_made(event):
            opening = False
            wake = loop.step()
        while wake is not None and wake <= event.timestamp:
            clock.set(max(wake, clock.now()))
            wake = loop.step()
        clock.set(max(event.timestamp, clock.now()))
        if commands.run(event) and not opening:
            wake = loop.step()
    while wake is not None and wake < end:
        clock.set(max(wake, clock.now()))
        wake = loop.step()
    assert loop.leading
    return site


def _exported(site: Site) -> str:
    out = io.StringIO()
    export_log(site.app, out)
    return out.getvalue()


def _count(log: str, hospital: Hospital, kind: Any) -> int:
    _, events = decode(log.splitlines(), hospital)
    return sum(1 for e in events if type(e) is kind)


def test_the_live_loop_given_a_simulations_commands_decides_and_escalates_identically(
    busy_morning: Scenario, simulated: tuple[Simulation, str], hospital: Hospital
) -> None:
    simulation, log = simulated
    live = drive_live(log, busy_morning, hospital, simulation.end)
    assert _exported(live) == log
    assert _count(log, hospital, ev.DecisionMade) > 50
    assert _count(log, hospital, ev.JobEscalated) > 10


def test_a_simulated_day_escalates_every_stage_as_the_server_would(
    simulated: tuple[Simulation, str], hospital: Hospital
) -> None:
    simulation, log = simulated
    _, events = decode(log.splitlines(), hospital)
    stages = {e.stage for e in events if type(e) is ev.JobEscalated}
    assert stages == {"not_assigned", "not_acknowledged", "not_picked_up"}
    # Each escalation came from the policy's thresholds, on the driver's tick.
    tick = driver_params(simulation.scenario).tick
    assert all(
        (e.timestamp - simulation.start) % tick == timedelta(0)
        for e in events
        if type(e) is ev.JobEscalated
    )


def test_the_rota_starts_and_the_engine_ends_the_shifts_of_a_simulation_too(
    simulated: tuple[Simulation, str], hospital: Hospital
) -> None:
    _, log = simulated
    _, events = decode(log.splitlines(), hospital)
    ended = [e for e in events if type(e) is ev.PorterShiftEnded]
    assert ended
    assert all(e.by.startswith("engine") for e in ended)
    started = [e for e in events if type(e) is ev.PorterShiftStarted]
    assert started
    assert all(e.by == "engine: rota" and e.shift_id for e in started)


def test_an_exact_replay_regenerates_the_rounds_escalations_and_shift_ends(
    simulated: tuple[Simulation, str], hospital: Hospital
) -> None:
    _, log = simulated
    result = replay_exact(log.splitlines(), hospital)
    assert result["identical"], result
    assert result["engine_acts_identical"]
    assert result["escalations"] > 10
    assert result["shift_ends"] > 0
    assert result["shifts_started"] > 20


def test_the_same_scenario_and_seed_give_the_same_figures_twice(
    busy_morning: Scenario, simulated: tuple[Simulation, str], hospital: Hospital
) -> None:
    first, _ = simulated
    again = Simulation(busy_morning, SEED, hospital)
    again.run()
    figures = outcome(first, busy_morning, SEED)["figures"]
    assert outcome(again, busy_morning, SEED)["figures"] == figures
