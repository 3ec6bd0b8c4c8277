"""Why jobs were late, read back from the log at a hospital that is not the demo: every
late job of the late share's own count is put down to exactly one cause."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from engine.assign.rules import RULES
from engine.clock import ManualClock
from engine.dispatch.driver import Driver
from engine.domain.commands import Complete, SubmitJob, Transition, parse
from engine.domain.values import Reason, Status
from engine.projections.board import Board
from engine.write.application import DispatchApp
from simulations.late_causes import CAUSES, late_causes


def test_every_late_job_of_the_late_share_has_exactly_one_cause(
    busy_riverside_day: dict[str, Any],
) -> None:
    late = busy_riverside_day["late_causes"]
    assert set(late["causes"]) == set(CAUSES)
    assert late["late_jobs"] == busy_riverside_day["figures"]["late_jobs"] > 0
    assert sum(late["causes"].values()) == late["late_jobs"]
    assert set(late["barred_by"]) <= {rule.name for rule in RULES}


# -- single causes, on each store, with the test running the rounds ------------------


def _submit(app: DispatchApp, key: str, origin: str, destination: str) -> UUID:
    data = {
        "kind": "specimen",
        "priority": "stat",  # delivered within 20 minutes
        "origin": origin,
        "destination": destination,
        "department": "medicine",
        "group": "wards",
    }
    return app.submit_job(parse(SubmitJob, data), key)


def _causes(
    app: DispatchApp, clock: ManualClock, ward: dict[UUID, float] | None = None
) -> dict[str, int]:
    board = Board(app)
    board.catch_up()
    found: dict[str, int] = late_causes(app, board.jobs, ward or {}, clock.now())["causes"]
    return {cause: n for cause, n in found.items() if n}


def _carry(app: DispatchApp, clock: ManualClock, job: UUID, minutes: float) -> None:
    """RW-01 takes the job and delivers it `minutes` later."""
    app.acknowledge_job(job, "RW-01")
    app.pick_up_job(job, "RW-01")
    clock.advance(minutes=minutes)
    app.complete_job(job, "RW-01", Complete(received_by="lab", note=""))


def test_a_porter_chosen_in_time_who_delivered_late_is_put_down_to_the_porter(
    riverside_one: DispatchApp, clock: ManualClock
) -> None:
    job = _submit(riverside_one, "slow", "N-W1", "N-LAB")
    Driver(riverside_one, Board(riverside_one)).step()
    assert riverside_one.job(job).status is Status.ASSIGNED  # RW-01, minutes away
    _carry(riverside_one, clock, job, minutes=25)
    assert _causes(riverside_one, clock) == {"chosen_in_reach": 1}


def test_the_wards_minutes_that_made_a_job_late_are_put_down_to_the_ward(
    riverside_one: DispatchApp, clock: ManualClock
) -> None:
    job = _submit(riverside_one, "kept", "N-W1", "N-LAB")
    Driver(riverside_one, Board(riverside_one)).step()
    _carry(riverside_one, clock, job, minutes=25)
    assert _causes(riverside_one, clock, {job: 10.0}) == {"ward": 1}


def test_a_job_nobody_could_reach_in_time_is_put_down_to_where_the_porters_were(
    riverside_one: DispatchApp, clock: ManualClock
) -> None:
    """RW-01 waits on the north campus; the south's X-ray to recovery is a short trip,
    but the walk over takes longer than the twenty minutes leave."""
    job = _submit(riverside_one, "far", "S-XRAY", "S-RECOVERY")
    Driver(riverside_one, Board(riverside_one)).step()
    assert riverside_one.job(job).status is Status.ASSIGNED
    _carry(riverside_one, clock, job, minutes=25)
    assert _causes(riverside_one, clock) == {"none_in_reach": 1}


def test_a_job_first_given_a_porter_too_late_to_make_it_waited_past_its_reach(
    riverside_one: DispatchApp, clock: ManualClock
) -> None:
    job = _submit(riverside_one, "queued", "N-W1", "N-LAB")
    clock.advance(minutes=18)  # no round until now, as when every porter is busy
    Driver(riverside_one, Board(riverside_one)).step()
    _carry(riverside_one, clock, job, minutes=6)
    assert _causes(riverside_one, clock) == {"waited_past_reach": 1}


def test_a_window_shorter_than_the_trip_is_put_down_to_the_window(
    riverside_one: DispatchApp, clock: ManualClock
) -> None:
    """Up the hill from the south's theatres to the north's lab takes longer than a stat
    job's twenty minutes: late with a porter waiting at the pickup."""
    _submit(riverside_one, "uphill", "S-THEATRE", "N-LAB")
    clock.advance(minutes=21)
    assert _causes(riverside_one, clock) == {"window_too_short": 1}


def test_a_job_due_that_no_round_gave_anyone_is_never_assigned(
    riverside_one: DispatchApp, clock: ManualClock
) -> None:
    _submit(riverside_one, "alone", "N-W1", "N-LAB")
    clock.advance(minutes=19)
    assert _causes(riverside_one, clock) == {}  # not due yet
    clock.advance(minutes=2)
    assert _causes(riverside_one, clock) == {"never_assigned": 1}


def test_a_cancelled_job_is_neither_late_nor_on_time(
    riverside_one: DispatchApp, clock: ManualClock
) -> None:
    job = _submit(riverside_one, "cancelled", "N-W1", "N-LAB")
    clock.advance(minutes=1)
    why = Transition(reason=Reason.REQUEST_WITHDRAWN, note="", by="ward nurse")
    riverside_one.cancel_job(job, why)
    clock.advance(minutes=30)
    assert _causes(riverside_one, clock) == {}
