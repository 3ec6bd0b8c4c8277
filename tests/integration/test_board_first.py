"""Porters act on their process's board, not a store read: a board behind the store
(another process moved the job a moment ago) must neither let the wrong porter act
nor refuse the right one. Two sites on one store stand for two API processes."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID

import pytest

from engine.bootstrap import Site, open_site, seed_roster
from engine.clock import ManualClock
from engine.domain.commands import Complete, SubmitJob, Transition, parse
from engine.domain.errors import MovedToAnotherPorter
from engine.domain.values import Reason, Status
from engine.hospital import Hospital
from engine.settings import Settings

REQUEST = {
    "kind": "document",
    "priority": "routine",
    "origin": "ED-RESUS",
    "destination": "LAB",
    "department": "emergency",
    "group": "emergency",
}


@pytest.fixture
def two_sites(
    store: Settings, clock: ManualClock, hospital: Hospital
) -> Iterator[tuple[Site, Site]]:
    first = open_site(store, clock, hospital)
    seed_roster(first.app, hospital, clock.now())
    second = open_site(store, clock, hospital)
    yield first, second
    first.close()
    second.close()


def assigned(site: Site, clock: ManualClock, key: str) -> tuple[UUID, UUID]:
    jid = site.app.submit_job(parse(SubmitJob, REQUEST), key)
    clock.advance(seconds=1)
    site.driver.run_round("submitted")
    job = site.app.job(jid)
    assert job.porter_ids, "the round placed it"
    return jid, UUID(job.porter_ids[0])


def other_porter(site: Site, holder: UUID) -> UUID:
    site.service.refresh()
    free = [
        p.id
        for p in site.board.porters.values()
        if p.on_shift and p.id != holder and not p.active_jobs and p.group == "emergency"
    ]
    return free[0]


def test_a_porter_whose_job_moved_in_another_process_is_refused_and_nothing_is_written(
    two_sites: tuple[Site, Site], clock: ManualClock
) -> None:
    a, b = two_sites
    jid, first = assigned(a, clock, "moved-1")
    b.service.refresh()  # b's board: the job is the first porter's
    second = other_porter(a, first)
    move = Transition(reason=Reason.DISPATCHER_OVERRIDE, note="closer", by="dispatcher")
    a.app.reassign_job(jid, [second], move)  # b has not seen this
    end = a.app.recorder.max_notification_id()

    with pytest.raises(MovedToAnotherPorter, match="moved to another porter"):
        b.app.acknowledge_job(jid, first)

    assert a.app.recorder.max_notification_id() == end
    assert a.app.job(jid).porter_ids == [str(second)]


def test_the_porter_a_job_moved_to_can_act_through_a_process_that_has_not_seen_it_yet(
    two_sites: tuple[Site, Site], clock: ManualClock
) -> None:
    a, b = two_sites
    jid, first = assigned(a, clock, "moved-2")
    b.service.refresh()
    second = other_porter(a, first)
    move = Transition(reason=Reason.DISPATCHER_OVERRIDE, note="closer", by="dispatcher")
    a.app.reassign_job(jid, [second], move)

    b.app.acknowledge_job(jid, second)  # b's board says the first porter holds it
    b.app.pick_up_job(jid, second)  # and b's board has not caught up since
    b.app.complete_job(jid, second, Complete(received_by="lab"))

    job = a.app.job(jid)
    assert job.status is Status.COMPLETED
    assert not a.app.porter(second).active_jobs
