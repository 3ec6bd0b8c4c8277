"""A process folds its own writes as it makes them, and hears only other processes'.

The board is a fold of the log. Folding a write from the events in hand must give
the board that reading the log back gives, or a process would answer differently
from one that had just started; and a process that skips reading the log must
still see every other process's write.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest

from engine.bootstrap import Site, open_site, seed_roster
from engine.clock import ManualClock
from engine.domain.commands import Complete, SubmitJob, parse
from engine.hospital import Hospital
from engine.projections.service import Service
from engine.settings import Settings
from tests.conftest import drop_site_tables, require_postgres
from tests.integration.test_api_loop import AT_ONCE, eventually
from tests.unit.projections.scenario import BLOOD


@pytest.fixture
def site(store: Settings, clock: ManualClock, hospital: Hospital) -> Iterator[Site]:
    site = open_site(store, clock, hospital, driver=AT_ONCE)
    seed_roster(site.app, hospital, clock.now())
    yield site
    site.close()


def everything(service: Service) -> dict[str, object]:
    service.refresh()
    return {
        "jobs": [service.job(j) for j in sorted(service.board.jobs, key=str)],
        "porters": service.porter_board(),
        "timelines": {j: service.timeline(j) for j in sorted(service.board.jobs, key=str)},
        "figures": service.figures(),
        "decisions": service.decisions(),
        "position": service.board.position,
    }


def test_a_board_folded_from_its_own_writes_is_the_board_the_log_rebuilds(
    site: Site, clock: ManualClock
) -> None:
    app, service = site.app, site.service
    service.refresh()
    jobs = [
        app.submit_job(parse(SubmitJob, {**BLOOD, "priority": p}), f"own-{i}")
        for i, p in enumerate(["stat", "urgent", "routine", "routine"])
    ]
    assert all(j in service.board.jobs for j in jobs)  # folded as saved, no catch-up
    site.driver.step()
    for jid in jobs[:2]:
        job = service.job_record(jid)
        (porter,) = job.porter_ids
        badge = service.timelines.badges[porter]
        clock.advance(minutes=1)
        app.acknowledge_job(jid, badge)
        app.pick_up_job(jid, badge)
        clock.advance(minutes=5)
        app.complete_job(jid, badge, Complete(received_by="Ward 4 nurse"))
    site.driver.step()
    live = everything(service)
    rebuilt = Service(app, site.hospital.timezone)
    assert everything(rebuilt) == live
    assert live["position"] == service.log_end()


def test_on_postgres_a_process_is_not_woken_by_its_own_writes_yet_hears_another(
    clock: ManualClock, hospital: Hospital
) -> None:
    """Its own writes it folded as it made them; another's it must read, and reads at
    once although its loop would otherwise skip the query."""
    require_postgres()
    name = f"t{uuid4().hex[:12]}"
    settings = Settings(store="postgres", site=name, poll_seconds=30, standby_seconds=0.05)
    one, other = (open_site(settings, clock, hospital, driver=AT_ONCE) for _ in range(2))
    loop = one.live(decide=False)
    try:
        loop.start()
        eventually(lambda: loop.listener.listening)
        heard = loop.listener.heard
        mine = one.app.submit_job(parse(SubmitJob, BLOOD), "mine")
        assert mine in one.board.jobs
        time.sleep(0.5)
        assert loop.listener.heard == heard  # its own NOTIFY let pass
        theirs = other.app.submit_job(parse(SubmitJob, BLOOD), "theirs")
        eventually(lambda: theirs in one.board.jobs)
        assert loop.listener.heard > heard
    finally:
        loop.stop()
        one.close()
        other.close()
    drop_site_tables(name)


def test_a_loop_reads_the_log_once_a_poll_yet_sees_another_process_within_it(
    clock: ManualClock, hospital: Hospital, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite has no channel to hear other writers on: the loop's poll is how their
    writes arrive. Its own writes, folded as made, call for no read of the log."""
    settings = Settings(store="sqlite", sqlite_path=tmp_path / "s.sqlite", poll_seconds=0.5)
    one, other = (open_site(settings, clock, hospital, driver=AT_ONCE) for _ in range(2))
    reads: list[int] = []
    fetch = one.board.fetch
    monkeypatch.setattr(one.board, "fetch", lambda: reads.append(1) or fetch())
    loop = one.live(decide=False)
    try:
        loop.start()
        time.sleep(0.1)
        before = len(reads)
        for i in range(20):  # each wakes the loop, as a request's write does
            assert one.app.submit_job(parse(SubmitJob, BLOOD), f"own-{i}") in one.board.jobs
            loop.wake()
            time.sleep(0.01)
        assert len(reads) - before <= 2  # a poll's worth, not one a write
        theirs = other.app.submit_job(parse(SubmitJob, BLOOD), "theirs")
        started = time.monotonic()
        eventually(lambda: theirs in one.board.jobs)
        assert time.monotonic() - started < 1.5
    finally:
        loop.stop()
        one.close()
        other.close()
