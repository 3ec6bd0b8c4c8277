"""Simulations drive the real engine: same seed, same bytes; replays reproduce the record."""

from __future__ import annotations

from typing import Any

import pytest

from simulations.days import stressed
from simulations.replay import replay_exact, replay_whatif
from simulations.runner import run_one, sweep
from simulations.scenario import Scenario, Staffing


@pytest.fixture(scope="module")
def morning() -> Scenario:
    """Three busy morning hours (07:00-10:00) of the stressed day."""
    base = stressed()
    return base.model_copy(update={"hours": 10.0, "name": "short morning"})


@pytest.fixture(scope="module")
def recorded(morning: Scenario) -> dict[str, Any]:
    """One run of the short morning, with its event log."""
    return run_one(morning, seed=7, with_log=True)


def test_the_same_scenario_and_seed_give_byte_identical_logs_and_figures(
    morning: Scenario, recorded: dict[str, Any]
) -> None:
    again = run_one(morning, seed=7, with_log=True)
    assert again["log"] == recorded["log"]
    assert again["figures"] == recorded["figures"]
    assert again["records"] == recorded["records"]


def test_another_seed_gives_another_day(morning: Scenario, recorded: dict[str, Any]) -> None:
    assert run_one(morning, seed=8)["records"] != recorded["records"]


def test_a_recorded_log_replays_to_exactly_the_recorded_assignments(
    recorded: dict[str, Any],
) -> None:
    outcome = replay_exact(recorded["log"].splitlines())
    assert outcome["rounds"] == recorded["decisions"] > 0
    assert outcome["identical"], outcome["differing_rounds"]


def test_a_what_if_with_the_recorded_scenario_reproduces_its_figures(
    morning: Scenario, recorded: dict[str, Any]
) -> None:
    again = replay_whatif(recorded["log"].splitlines(), morning, seed=7)
    assert again["figures"] == recorded["figures"]


def test_a_what_if_with_two_more_porters_changes_the_outcome(
    morning: Scenario, recorded: dict[str, Any]
) -> None:
    more = morning.model_copy(
        update={"staffing": [Staffing(group="internal", role="escort", shift="early", count=2)]}
    )  # type: ignore[arg-type]
    outcome = replay_whatif(recorded["log"].splitlines(), more, seed=7)
    assert outcome["figures"]["jobs"] == recorded["figures"]["jobs"]
    assert any("X-IN-ESC" in r["porters"] for r in outcome["records"])


def test_the_simulated_log_is_an_ordinary_log_the_engine_reads(
    recorded: dict[str, Any],
) -> None:
    import io

    from engine.bootstrap import bootstrap
    from engine.settings import Settings
    from engine.write.eventlog import export_log, import_log

    lines = recorded["log"].splitlines()
    app = bootstrap(Settings(store="memory", site="sim"), publish_default_policy=False)
    import_log(app, lines)
    out = io.StringIO()
    export_log(app, out)
    assert out.getvalue() == recorded["log"]


def test_a_seed_sweep_in_a_process_pool_gives_the_same_numbers(morning: Scenario) -> None:
    short = morning.model_copy(update={"hours": 8.0})
    pooled = sweep(short, [1, 2], processes=2)
    alone = sweep(short, [1, 2], processes=1)
    assert [r["figures"] for r in pooled] == [r["figures"] for r in alone]


def test_each_hour_says_what_was_wanted_on_shift_and_left_open(
    recorded: dict[str, Any],
) -> None:
    hours = recorded["hours"]
    assert [h["hour"] for h in hours] == [f"{h:02d}:00" for h in range(10)]
    rows = recorded["records"]
    wanted = [r for r in rows if max(r["requested_at"], r["ready_at"] or "") < "2026-11-23T10"]
    assert sum(h["jobs"] for h in hours) == len(wanted)
    assert all(h["capacity"] > 0 for h in hours)
    assert hours[-1]["open"] <= recorded["figures"]["open_at_end"]
    assert sum(h["late"] for h in hours) <= recorded["figures"]["late_jobs"]


def test_waits_have_their_tail_and_count_jobs_never_picked_up(recorded: dict[str, Any]) -> None:
    for block in recorded["figures"]["by_priority"].values():
        picked, censored = block["wait_to_pickup"], block["wait_censored"]
        assert set(censored) == {"p50", "p90", "p95", "p99", "mean"}
        if picked["p95"] is not None:
            assert picked["p50"] <= picked["p95"] <= picked["p99"]
            assert censored["p99"] >= picked["p99"]


def test_the_minutes_a_ward_keeps_a_job_are_counted_apart_from_dispatch(
    recorded: dict[str, Any],
) -> None:
    """A patient not ready when the porter came, or an escort not yet confirmed, is the
    ward's wait: counted in the job's wait to pickup, and apart, within it."""
    rows = recorded["records"]
    kept = [r for r in rows if r["ward_minutes"] > 0]
    assert kept
    for r in kept:
        assert r["wait_to_pickup"] is None or r["ward_minutes"] <= r["wait_to_pickup"] + 1e-6
