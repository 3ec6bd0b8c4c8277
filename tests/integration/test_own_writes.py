"""A process folds its own writes as it makes them, and hears only other processes'.

The board is a fold of the log. Folding a write from the events in hand must give
the board that reading the log back gives, or a process would answer differently
from one that had just started; and a process that skips reading the log must
still see every other process's write.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path
from uuid import uuid4

import pytest

from engine.bootstrap import Site, open_site, seed_roster
from engine.clock import ManualClock
from engine.domain.commands import Complete, SubmitJob, parse
from engine.hospital import Hospital
from engine.projections.service import Service
from engine.settings import Settings
from tests.conftest import MORNING, drop_site_tables, require_postgres
from tests.integration.test_api_loop import AT_ONCE, eventually
from tests.unit.projections.scenario import BLOOD


@pytest.fixture
def clock() -> ManualClock:
    """The live service's clock gives UTC, as the store gives times back."""
    return ManualClock(MORNING.astimezone(UTC))


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


def test_a_write_stamped_in_a_named_zone_is_read_back_not_folded_as_made(
    store: Settings, hospital: Hospital
) -> None:
    """Its times would subtract by the wall clock across a change of summer time, where
    the store's (a fixed offset) subtract by the instant: the board takes the store's."""
    zoned = ManualClock(MORNING.astimezone(hospital.timezone))
    site = open_site(store, zoned, hospital, driver=AT_ONCE)
    try:
        jid = site.app.submit_job(parse(SubmitJob, BLOOD), "zoned")
        assert jid not in site.board.jobs
        site.service.refresh()
        assert site.board.jobs[jid].requested_at.tzinfo != hospital.timezone
    finally:
        site.close()


def test_a_loop_told_of_another_writer_does_not_skip_while_a_read_is_under_way(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Until the read under way has ended, what it was told is not yet on the board,
    and the loop, which was woken for it, must not step without it."""
    board = site.board
    board.read_every = lambda: 60.0
    board.catch_up()  # a read that ended: the board is current for a minute
    assert board.catch_up() == 0
    entered, release = threading.Event(), threading.Event()
    reads: list[str] = []
    fetch = board.fetch

    def slow_fetch() -> object:
        reads.append(threading.current_thread().name)
        if threading.current_thread().name == "request":
            entered.set()
            release.wait(5)
        return fetch()

    monkeypatch.setattr(board, "fetch", slow_fetch)
    board.told()  # heard just before a request's read began
    request = threading.Thread(target=lambda: board.catch_up(strict=True), name="request")
    request.start()
    assert entered.wait(5)
    loop = threading.Thread(target=board.catch_up, name="loop")
    loop.start()
    release.set()
    request.join(5)
    loop.join(5)
    assert "loop" in reads


def test_a_board_is_quiet_only_while_no_other_thread_holds_it_or_reads_the_log(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a command about to run on the event loop asks: it goes to a thread instead
    of waiting there for a board-wide read or a catch-up."""
    board = site.board
    assert board.quiet()
    holding, done = threading.Event(), threading.Event()

    def hold() -> None:
        with board.held():
            holding.set()
            done.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(5)
    assert not board.quiet()
    done.set()
    holder.join(5)
    assert board.quiet()
    reading, release = threading.Event(), threading.Event()
    fetch = board.fetch

    def slow_fetch() -> object:
        reading.set()
        release.wait(5)
        return fetch()

    monkeypatch.setattr(board, "fetch", slow_fetch)
    reader = threading.Thread(target=lambda: board.catch_up(strict=True))
    reader.start()
    assert reading.wait(5)
    assert not board.quiet()
    release.set()
    reader.join(5)
    assert board.quiet()
