"""A stat job never waits for the round gap: not when it is new, not when its porter
declines it, not when its escort is confirmed. At Riverside (not the demo), on SQLite
and PostgreSQL, with a driver whose rounds are a minute apart."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest

from engine.clock import ManualClock
from engine.dispatch.driver import Driver, DriverParams
from engine.domain.commands import SubmitJob, Transition, parse
from engine.domain.values import Reason, Status
from engine.projections.board import Board
from engine.write.application import DispatchApp

A_MINUTE_APART = DriverParams(round_gap=timedelta(minutes=1), tick=timedelta(minutes=1))


@pytest.fixture
def site(riverside_one: DispatchApp, clock: ManualClock) -> DispatchApp:
    """RW-01 and RW-02 on shift at the north desk."""
    riverside_one.start_shift("RW-02", clock.now() + timedelta(hours=8))
    riverside_one.report_location("RW-02", "N-DESK")
    return riverside_one


def submit(app: DispatchApp, key: str, priority: str, **fields: Any) -> UUID:
    data: dict[str, Any] = {
        "kind": "specimen",
        "priority": priority,
        "origin": "N-W1",
        "destination": "N-LAB",
        "department": "medicine",
        "group": "wards",
        **fields,
    }
    return app.submit_job(parse(SubmitJob, data), key)


def holder(app: DispatchApp, job: UUID) -> str | None:
    porters = app.job(job).porter_ids
    return app.porter(UUID(porters[0])).badge if porters else None


def test_a_declined_stat_job_goes_to_the_next_porter_at_once(site: DispatchApp) -> None:
    driver = Driver(site, Board(site), A_MINUTE_APART)
    stat = submit(site, "stat", "stat")
    driver.step()
    first = holder(site, stat)
    assert first is not None

    why = Transition(reason=Reason.PORTER_DECLINED, note="", by=first)
    site.decline_job(stat, first, why)
    driver.step()  # the same instant: well inside the round gap

    assert site.job(stat).status is Status.ASSIGNED
    assert holder(site, stat) not in (None, first)


def test_a_declined_routine_job_waits_for_the_round_gap(
    site: DispatchApp, clock: ManualClock
) -> None:
    driver = Driver(site, Board(site), A_MINUTE_APART)
    routine = submit(site, "routine", "routine")
    driver.step()  # the first round of a driver runs at once
    first = holder(site, routine)
    assert first is not None

    site.decline_job(routine, first, Transition(reason=Reason.PORTER_DECLINED, note="", by=first))
    driver.step()
    assert site.job(routine).status is Status.REQUESTED
    clock.advance(minutes=1)
    driver.step()
    assert site.job(routine).status is Status.ASSIGNED


def test_a_stat_patient_goes_as_soon_as_their_escort_is_confirmed(site: DispatchApp) -> None:
    driver = Driver(site, Board(site), A_MINUTE_APART)
    patient = submit(
        site,
        "escorted",
        "stat",
        kind="patient_transport",
        patient_ref="P-000123",
        requirements={"accompaniment": "clinician"},
    )
    driver.step()
    assert site.job(patient).status is Status.REQUESTED  # not without the escort

    site.confirm_accompaniment(patient, "ward N-W1", "nurse on duty")
    driver.step()  # the same instant

    assert site.job(patient).status is Status.ASSIGNED
