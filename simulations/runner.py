"""Run a scenario for one seed or many; every run is a pure function of (scenario, seed).

`run_one` returns plain data (figures, flat records, optionally the log), so a
process pool can call it and a sweep in parallel gives the same numbers as one
run after another.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from engine.dispatch.staging import suggested_staging
from engine.write.eventlog import export_log
from simulations import hourly, results
from simulations.engine import Simulation
from simulations.hindsight import day_of
from simulations.late_causes import late_causes
from simulations.scenario import Scenario
from simulations.stat_misses import stat_misses


def outcome(simulation: Simulation, scenario: Scenario, seed: int) -> dict[str, Any]:
    """A finished run as plain data: figures, flat per-job records, counts."""
    board = simulation.site.board
    rows = results.records(board, simulation.end, simulation.ward_minutes)
    figures = results.summarise(
        rows, results.busy_minutes(board), sum(simulation.shift_minutes.values()), simulation.end
    )
    hours = hourly.hours_of(
        board,
        scenario,
        simulation.hospital,
        simulation.periods,
        simulation.start,
        simulation.end,
    )
    return {
        "unserved": results.unserved(simulation.app, board, simulation.end),
        "hours": hours,
        "scenario": scenario.name,
        "hospital": simulation.hospital.source,
        "strategy": scenario.strategy,
        "seed": seed,
        "figures": figures,
        "records": results.as_rows(rows),
        "events": simulation.app.recorder.max_notification_id() or 0,
        "decisions": board.decisions,
    }


def run_one(
    scenario: Scenario,
    seed: int,
    with_log: bool = False,
    progress: Callable[[float], None] | None = None,
    with_day: bool = False,
    with_stat_misses: bool = False,
    with_late_causes: bool = False,
) -> dict[str, Any]:
    """`with_day`: also the day's requests and roster as the hindsight bound reads them
    (`simulations.hindsight.Day`, under "day"); `with_stat_misses`: why each stat pickup
    slower than five minutes was (`simulations.stat_misses`, under "stat_misses");
    `with_late_causes`: why each late job was (`simulations.late_causes`, "late_causes")."""
    started = time.perf_counter()
    simulation = Simulation(scenario, seed)
    simulation.run(progress=progress)
    seconds = time.perf_counter() - started
    out = outcome(simulation, scenario, seed) | {"seconds": round(seconds, 3)}
    if with_day:
        out["day"] = day_of(simulation)
    if with_stat_misses:
        board = simulation.site.board
        out["stat_misses"] = stat_misses(simulation.app, board.jobs, simulation.ward_minutes)
    if with_late_causes:
        board = simulation.site.board
        out["late_causes"] = late_causes(
            simulation.app, board.jobs, simulation.ward_minutes, simulation.end
        )
    if with_log:
        buffer = io.StringIO()
        export_log(simulation.app, buffer)
        out["log"] = buffer.getvalue()
    return out


def learnt_staging(
    scenario: Scenario, seed: int, points: int = 3, min_calls: int = 3
) -> dict[str, dict[int, str | list[str]]]:
    """The staging points a planner would learn from one simulated day of the site's own
    log, as `GET /policy/staging-suggestion` learns them from a live site's."""
    simulation = Simulation(scenario, seed)
    simulation.run()
    site = simulation.site
    learnt, _ = suggested_staging(
        site.service.board,
        site.hospital.timezone,
        simulation.clock.now(),
        days=1 + int(scenario.hours // 24),
        min_calls=min_calls,
        points=points,
        travel=site.hospital.layout.travel_minutes,
    )
    return learnt


def _call(args: tuple[Scenario, int, bool]) -> dict[str, Any]:
    return run_one(*args)


def sweep(
    scenario: Scenario, seeds: list[int], processes: int = 1, with_log: bool = False
) -> list[dict[str, Any]]:
    """Runs in seed order whatever the pool does; timings aside, identical either way."""
    jobs = [(scenario, seed, with_log) for seed in seeds]
    if processes <= 1:
        return [_call(j) for j in jobs]
    with ProcessPoolExecutor(max_workers=processes) as pool:
        return list(pool.map(_call, jobs))
