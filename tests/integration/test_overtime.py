"""Overtime at the hand-over (policy `anticipation.overtime_minutes`), at Riverside (not
the demo), on SQLite and PostgreSQL: a porter whose shift ends before a stat sample
could be delivered takes it only when the policy allows, stays on shift until it is
handed over, and goes off shift once the hands are free."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from uuid import UUID

import pytest

from engine.assign import explain
from engine.bootstrap import bootstrap, seed_roster
from engine.clock import ManualClock
from engine.dispatch.driver import Driver, DriverParams
from engine.dispatch.rounds import Dispatcher
from engine.domain.commands import Complete, SubmitJob, parse
from engine.hospital import Hospital
from engine.projections.board import Board
from engine.settings import Settings
from engine.write.application import DispatchApp
from tests.hospitals import riverside

ORIGIN, DESTINATION = "N-DESK", "N-LAB"


@pytest.fixture
def site(store: Settings, clock: ManualClock) -> Iterator[DispatchApp]:
    """RW-01 alone on shift, at the desk, their shift ending halfway through the job."""
    hospital = Hospital.from_data(riverside())
    app = bootstrap(store, clock, hospital)
    seed_roster(app, hospital)
    _, document = app.policy_document()
    work = document.handling_minutes.get("specimen", 0) + hospital.layout.travel_minutes(
        ORIGIN, DESTINATION
    )
    app.start_shift("RW-01", clock.now() + timedelta(minutes=work / 2))
    app.report_location("RW-01", ORIGIN)
    yield app
    app.close()


def with_overtime(app: DispatchApp, minutes: int) -> None:
    document = app.policy_document()[1].to_data()
    document["anticipation"] = {**document.get("anticipation", {}), "overtime_minutes": minutes}
    app.publish_policy(document, "planner", "porters finish what they pick up at the hand-over")


def stat_sample(app: DispatchApp) -> UUID:
    data = {
        "kind": "specimen",
        "priority": "stat",
        "origin": ORIGIN,
        "destination": DESTINATION,
        "department": "medicine",
        "group": "wards",
    }
    return app.submit_job(parse(SubmitJob, data), "stat-sample")


def test_without_overtime_the_porter_ending_first_is_not_sent_and_the_round_says_why(
    site: DispatchApp,
) -> None:
    jid = stat_sample(site)
    dispatcher = Dispatcher(site)
    dispatcher.run_round("submitted")
    assert site.job(jid).porter_ids == []
    why = explain(dispatcher.build_problem(), str(jid), str(site.porter("RW-01").id))
    assert "shift ends at" in str(why)
    assert "would finish at about" in str(why)


def test_with_overtime_the_porter_takes_it_and_stays_on_shift_until_it_is_handed_over(
    site: DispatchApp, clock: ManualClock
) -> None:
    with_overtime(site, 15)
    jid = stat_sample(site)
    assert Dispatcher(site).run_round("submitted") is not None
    assert site.job(jid).porter_ids == [str(site.porter("RW-01").id)]
    site.acknowledge_job(jid, "RW-01")
    site.pick_up_job(jid, "RW-01")

    driver = Driver(site, Board(site), DriverParams(round_gap=timedelta(0)))
    clock.advance(minutes=15)  # past the shift's end: the sample is still in hand
    assert driver.end_shifts() == []
    assert site.porter("RW-01").on_shift
    site.complete_job(jid, "RW-01", Complete(received_by="lab"))
    assert driver.end_shifts() == ["RW-01"]
    assert not site.porter("RW-01").on_shift
