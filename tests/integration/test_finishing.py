"""Porters about to finish as candidates (policy `anticipation.finishing_minutes`), at
Riverside (not the demo), on SQLite and PostgreSQL: who gets the next job, from where,
what the decision records, and that the job waits movable until the hand-over."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest

from engine.assign import Travel, explain
from engine.clock import ManualClock
from engine.dispatch.decisions import recorded_problem, replay_decision
from engine.dispatch.driver import Driver, DriverParams
from engine.dispatch.rounds import Dispatcher
from engine.domain.commands import Complete, SubmitJob, parse
from engine.domain.values import Kind, Status
from engine.projections.board import Board
from engine.write.application import DispatchApp


@pytest.fixture
def site(riverside_one: DispatchApp) -> DispatchApp:
    return riverside_one


def finishing_within(app: DispatchApp, minutes: int) -> None:
    document = app.policy_document()[1].to_data()
    document["anticipation"] = {**document.get("anticipation", {}), "finishing_minutes": minutes}
    app.publish_policy(document, "planner", "porters about to finish are candidates")


def submit(
    app: DispatchApp, key: str, origin: str, destination: str, priority: str = "urgent"
) -> UUID:
    data: dict[str, Any] = {
        "kind": "specimen" if priority == "stat" else "document",
        "priority": priority,
        "origin": origin,
        "destination": destination,
        "department": "medicine",
        "group": "wards",
    }
    return app.submit_job(parse(SubmitJob, data), key)


def under_way(app: DispatchApp, origin: str = "N-W1") -> UUID:
    """RW-01 carries a document from `origin` to the lab."""
    jid = submit(app, "first", origin, "N-LAB")
    assert Dispatcher(app).run_round("submitted") is not None
    app.acknowledge_job(jid, "RW-01")
    app.pick_up_job(jid, "RW-01")
    return jid


def test_a_porter_about_to_finish_gets_the_next_job_from_where_they_will_hand_over(
    site: DispatchApp,
) -> None:
    finishing_within(site, 10)
    first = under_way(site)
    then = submit(site, "then", "N-LAB", "N-W1")

    decision = Dispatcher(site).run_round("submitted")

    assert decision is not None
    rw01 = str(site.porter("RW-01").id)
    assert site.job(then).status is Status.ASSIGNED
    assert site.job(then).porter_ids == [rw01]
    assert site.porter("RW-01").active_jobs == [str(first), str(then)]
    carried = site.job(first)
    assert carried.picked_up_at is not None
    document = site.policy_document()[1]
    minutes = document.handling_minutes.get(Kind.DOCUMENT, 0) + Travel.from_site(
        site.layout
    ).between("N-W1", "N-LAB")
    free_at = carried.picked_up_at + timedelta(minutes=minutes)
    assert decision.problem["finishing"] == {rw01: [free_at.isoformat(), "N-LAB"]}
    (note,) = decision.result["anticipation"]["after_hand_over"]
    assert (note["job_id"], note["porter_id"], note["location"]) == (str(then), rw01, "N-LAB")
    assert "RW-01 hands over at N-LAB" in note["reason"]
    recorded, recomputed = replay_decision(site, decision.number)
    assert recomputed == recorded
    why = explain(recorded_problem(site, decision), str(then), rw01).verdict
    assert "finishing a job and will be free at N-LAB" in why


def test_without_the_setting_a_porter_under_way_is_given_nothing_more(
    site: DispatchApp,
) -> None:
    under_way(site)
    then = submit(site, "then", "N-LAB", "N-W1")

    Dispatcher(site).run_round("submitted")

    assert site.job(then).status is Status.REQUESTED


def test_the_queued_job_stays_movable_until_the_hand_over_and_goes_to_someone_free_sooner(
    site: DispatchApp, clock: ManualClock
) -> None:
    finishing_within(site, 30)
    under_way(site, "S-XRAY")  # across the campuses: about twenty minutes to the lab
    then = submit(site, "then", "N-LAB", "N-W1")
    assert Dispatcher(site).run_round("submitted") is not None
    assert site.job(then).porter_ids == [str(site.porter("RW-01").id)]
    clock.advance(minutes=3)  # past the stability window: still queued, not yet set off

    assert str(then) in Dispatcher(site).build_problem().job_index
    site.start_shift("RW-02", clock.now() + timedelta(hours=8))
    site.report_location("RW-02", "N-LAB")  # free, and standing at the pickup
    assert Dispatcher(site).run_round("shift_started") is not None

    assert site.job(then).porter_ids == [str(site.porter("RW-02").id)]
    assert len(site.porter("RW-01").active_jobs) == 1


def test_a_stat_job_behind_a_hand_over_waits_for_an_answer_only_from_the_hand_over(
    site: DispatchApp, clock: ManualClock
) -> None:
    """Its porter cannot answer while carrying: no "not acknowledged" escalation (a stat
    job's comes after 2 minutes) until 2 minutes after they hand over."""
    finishing_within(site, 10)
    first = under_way(site)
    driver = Driver(site, Board(site), DriverParams(round_gap=timedelta(0)))
    stat = submit(site, "stat", "N-LAB", "N-W1", priority="stat")
    driver.step()
    assert site.job(stat).porter_ids == [str(site.porter("RW-01").id)]

    clock.advance(minutes=3)
    driver.step()
    assert site.job(stat).escalation_level == 0
    site.complete_job(first, "RW-01", Complete(received_by="lab"))
    driver.step()
    clock.advance(minutes=1.5)
    driver.step()
    assert site.job(stat).escalation_level == 0
    clock.advance(minutes=1)
    driver.step()
    assert site.job(stat).escalation_level == 1
