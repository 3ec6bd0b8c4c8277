"""A week at a hospital unlike the demo, simulated through the same engine.

Riverside (tests/hospitals.py) has two campuses, a measured travel matrix that
differs each way, groups and skills of its own and a roster heavy at night. A
week of its demand runs through the real driver: every hour exactly the rota's
porters are on shift (and those finishing a job past their shift's end, whose
overtime is recorded), and every request is either served or was reported
unserved with the reason.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from engine.domain import events as ev
from engine.hospital import Hospital
from simulations.engine import Simulation
from simulations.replay import decode, replay_exact
from simulations.runner import outcome
from simulations.scenario import Demand, Scenario
from tests.hospitals import riverside, write

DAYS = 7


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> tuple[Simulation, list[Any]]:
    path = write(riverside(), tmp_path_factory.mktemp("riverside") / "riverside.json")
    scenario = Scenario(
        name="a week at Riverside",
        hospital=str(path),
        day=date(2026, 11, 23),
        hours=24 * DAYS,
        demand=Demand(jobs_per_day=60),
        # The night team covers both groups' requests; nobody covers theirs by day.
        policy={"lending": {"wards": ["night_team"], "theatres": ["night_team", "wards"]}},
    )
    simulation = Simulation(scenario, seed=11)
    simulation.run()
    import io

    from engine.write.eventlog import export_log

    out = io.StringIO()
    export_log(simulation.app, out)
    _, events = decode(out.getvalue().splitlines(), simulation.hospital)
    return simulation, events


def _on_shift(events: list[Any], at: datetime, badges: dict[UUID, str]) -> dict[str, Any]:
    """Who was on shift at `at` by the log (events stamped `at` included), with the
    ShiftStarted event of the shift they were working."""
    working: dict[str, Any] = {}
    for e in events:
        if e.timestamp > at:
            break
        if type(e) is ev.PorterShiftStarted:
            working[badges[e.originator_id]] = e
        elif type(e) is ev.PorterShiftEnded:
            working.pop(badges[e.originator_id], None)
    return working


def test_every_hour_of_the_week_has_exactly_the_rotas_porters_on_shift(
    week: tuple[Simulation, list[Any]],
) -> None:
    simulation, events = week
    assert simulation.hospital.source.endswith("riverside.json")
    badges = {e.originator_id: e.badge for e in events if type(e) is ev.PorterRegistered}
    rota = simulation.site.board.rota
    tz = simulation.hospital.timezone
    hour = simulation.start
    checked = 0
    while hour < simulation.end:
        local = hour.astimezone(tz).date()
        rostered = {
            s.badge
            for day in (local - timedelta(days=1), local)
            if day in rota
            for s in rota[day].working()
            if s.covers(hour)
        }
        on_shift = _on_shift(events, hour, badges)
        assert rostered <= set(on_shift), (hour, rostered - set(on_shift))
        for badge in set(on_shift) - rostered:  # only overtime: finishing a job past the end
            assert on_shift[badge].ends_at <= hour, (hour, badge)
        checked += 1
        hour += timedelta(hours=1)
    assert checked == 24 * DAYS
    # The supervisor takes no jobs and is on no rota; the weekday courier has weekends off.
    sunday = date(2026, 11, 29)
    assert not [s for s in rota[sunday].working() if s.badge == "RC-01"]
    assert [s for s in rota[sunday - timedelta(days=1) * 2].working() if s.badge == "RC-01"]
    # The weekly pattern: days on Monday, nights on Saturday, off on Wednesday.
    pattern = {d: [s.source for s in rota[d].working() if s.badge == "RP-01"] for d in rota}
    assert pattern[date(2026, 11, 23)] == pattern[date(2026, 11, 24)] == ["days"]
    assert pattern[date(2026, 11, 25)] == []
    assert pattern[date(2026, 11, 28)] == ["nights"]


def test_every_recurring_round_is_created_on_time(week: tuple[Simulation, list[Any]]) -> None:
    simulation, events = week
    created = {e.key: e.timestamp for e in events if type(e) is ev.JobSubmitted}
    tz = simulation.hospital.timezone
    expected = []
    for offset in range(DAYS):
        day = simulation.start.astimezone(tz).date() + timedelta(days=offset)
        expected.append(("specimen_round", datetime.combine(day, time(6, 30), tz)))
        if day.weekday() < 5:
            for t in (time(8, 0), time(13, 0)):
                expected.append(("theatre_packs", datetime.combine(day, t, tz)))
    for work, at in expected:
        key = f"round:{work}:{at.date().isoformat()}T{at:%H:%M}"
        assert created.get(key) == at, key
    assert sum(1 for k in created if k.startswith("round:")) == len(expected) == 7 + 5 * 2


def test_every_request_is_served_or_reported_unserved_with_the_reason(
    week: tuple[Simulation, list[Any]],
) -> None:
    simulation, events = week
    ended = {str(e.originator_id) for e in events if type(e) in ev.JOB_ENDED}
    held: dict[str, bool] = {}  # whether a porter holds it now (escalation re-offers)
    for e in events:
        if type(e) in (ev.JobAssigned, ev.JobReleased):
            held[str(e.originator_id)] = type(e) is ev.JobAssigned
    submitted = [str(e.originator_id) for e in events if type(e) is ev.JobSubmitted]
    assert len(submitted) > 300
    result = outcome(simulation, simulation.scenario, 11)
    reported = {u["job_id"]: u["reason"] for u in result["unserved"]}
    waiting = {j for j in submitted if j not in ended and not held.get(j, False)}
    assert waiting == set(reported)
    assert all(reported.values())
    assert result["hospital"].endswith("riverside.json")
    assert result["figures"]["completed"] > 0.8 * len(submitted)
    # Scheduled patients are not collected before they are ready.
    ready = {
        str(e.originator_id): e.request["ready_at"] for e in events if type(e) is ev.JobSubmitted
    }
    for e in events:
        if type(e) is ev.JobPickedUp and ready[str(e.originator_id)]:
            assert e.timestamp >= datetime.fromisoformat(ready[str(e.originator_id)])


def test_the_weeks_log_replays_exactly_with_its_hospital(
    week: tuple[Simulation, list[Any]],
) -> None:
    import io

    from engine.write.eventlog import export_log

    simulation, _ = week
    out = io.StringIO()
    export_log(simulation.app, out)
    hospital: Hospital = simulation.hospital
    result = replay_exact(out.getvalue().splitlines(), hospital)
    assert result["identical"], {k: v for k, v in result.items() if k != "differing_rounds"}
    assert result["shifts_started"] >= DAYS * 9


def test_a_scenario_of_a_missing_hospital_file_is_refused(tmp_path: Path) -> None:
    from engine.hospital import HospitalFileError

    with pytest.raises(HospitalFileError):
        Simulation(Scenario(hospital=str(tmp_path / "nowhere.json"), hours=1), seed=1)


def test_a_scenario_can_take_recorded_requests_with_their_times_instead_of_demand(
    tmp_path: Path,
) -> None:
    import json

    from engine.domain.errors import InvalidInput

    path = write(riverside(), tmp_path / "riverside.json")
    request = {
        "kind": "document",
        "origin": "N-W1",
        "destination": "S-XRAY",
        "department": "medicine",
        "group": "wards",
    }
    lines = [
        {"at": "2026-11-23T10:15:00+00:00", "key": "ward-call-1", "request": request},
        {"at": "2026-11-23T11:40:00+00:00", "request": {**request, "priority": "urgent"}},
    ]
    requests = tmp_path / "requests.jsonl"
    requests.write_text("\n".join(json.dumps(line) for line in lines) + "\n", "utf-8")
    scenario = Scenario(
        hospital=str(path), requests=str(requests), day=date(2026, 11, 23), hours=14
    )
    simulation = Simulation(scenario, seed=1)
    simulation.run()
    asked = sorted(
        (j.requested_at.isoformat(), j.key)
        for j in simulation.site.board.jobs.values()
        if not j.key.startswith("round:")
    )
    assert asked == [
        ("2026-11-23T10:15:00+00:00", "ward-call-1"),
        ("2026-11-23T11:40:00+00:00", "req-000002"),
    ]
    requests.write_text(json.dumps({**lines[0], "request": {**request, "group": "x"}}), "utf-8")
    with pytest.raises(InvalidInput) as bad:
        Simulation(scenario, seed=1).run()
    assert "line 1: request.group" in str(bad.value)
