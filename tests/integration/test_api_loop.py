"""The live loop: the site's driver stepped in a thread, one decider per site."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from engine.bootstrap import Site, open_site, seed_roster
from engine.clock import ManualClock
from engine.dispatch.driver import DriverParams
from engine.dispatch.escalation import escalations_due
from engine.dispatch.lease import AdvisoryLease, FileLease, lease_for
from engine.dispatch.live import LiveLoop
from engine.domain.commands import SubmitJob, parse
from engine.domain.ids import job_id
from engine.domain.values import Status
from engine.hospital import Hospital
from engine.settings import Settings
from engine.write.application import DispatchApp
from tests.conftest import drop_site_tables, require_postgres
from tests.unit.projections.scenario import BLOOD

STAT = {**BLOOD, "priority": "stat"}


def submit(app: DispatchApp, key: str, **changes: object) -> UUID:
    return app.submit_job(parse(SubmitJob, {**STAT, **changes}), key)


def eventually(check: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


def test_escalations_follow_the_policy_thresholds_stage_by_stage(
    memory_app: DispatchApp, clock: ManualClock
) -> None:
    app = memory_app
    _, policy = app.policy_document()
    jid = submit(app, "esc-1")
    history: dict[UUID, dict[str, list[datetime]]] = {}

    def due() -> list[tuple[UUID, int, str]]:
        found = escalations_due([app.job(jid)], policy, history, clock.now())
        return [(e.job_id, e.level, e.stage) for e in found]

    clock.advance(minutes=1)
    assert due() == []
    clock.advance(minutes=1)  # stat: 2 minutes unassigned
    ((job, level, stage),) = due()
    assert (job, level, stage) == (jid, 1, "not_assigned")
    app.escalate_job(jid, level, stage)
    history[jid] = {stage: [clock.now()]}
    clock.advance(minutes=1)
    assert due() == []  # once per threshold waited
    clock.advance(minutes=1)
    assert [(lv, st) for _, lv, st in due()] == [(2, "not_assigned")]


def test_scheduled_jobs_escalate_from_their_ready_time(
    memory_app: DispatchApp, clock: ManualClock
) -> None:
    _, policy = memory_app.policy_document()
    ready = clock.now() + timedelta(minutes=30)
    jid = submit(memory_app, "esc-sched", ready_at=ready.isoformat(), priority="stat")
    clock.advance(minutes=31)
    assert escalations_due([memory_app.job(jid)], policy, {}, clock.now()) == []
    clock.advance(minutes=1)
    assert len(escalations_due([memory_app.job(jid)], policy, {}, clock.now())) == 1


# A frozen manual clock never lets a gap between rounds pass: rounds follow each other.
AT_ONCE = DriverParams(round_gap=timedelta(0))


def live_site(settings: Settings, clock: ManualClock, hospital: Hospital) -> Site:
    return open_site(settings, clock, hospital, driver=AT_ONCE)


@pytest.fixture
def site(clock: ManualClock, hospital: Hospital) -> Iterator[Site]:
    site = live_site(Settings(store="memory", poll_seconds=0.02), clock, hospital)
    seed_roster(site.app, hospital, clock.now())
    yield site
    site.close()


@pytest.fixture
def running(site: Site) -> Iterator[LiveLoop]:
    loop = site.live()
    loop.start()
    yield loop
    loop.stop()


def test_a_submitted_job_is_assigned_by_the_loop(running: LiveLoop, site: Site) -> None:
    jid = submit(site.app, "loop-1")
    running.wake()
    eventually(lambda: site.app.job(jid).status is Status.ASSIGNED)
    assert running.leading
    assert running.rounds >= 1


def test_the_tick_fires_escalations_once_per_threshold(
    running: LiveLoop, site: Site, clock: ManualClock
) -> None:
    # Every emergency porter is busy: the stat job waits, and escalates.
    for i in range(20):
        submit(site.app, f"busy-{i}")
    running.wake()
    eventually(lambda: running.rounds >= 1)
    with site.board.held():
        waiting = [j for j in site.board.jobs.values() if j.status is Status.REQUESTED]
    assert waiting
    clock.advance(minutes=2)
    eventually(lambda: all(site.app.job(j.id).escalation_level == 1 for j in waiting))
    time.sleep(0.2)  # more ticks, no new threshold passed: no more escalations
    assert all(site.app.job(j.id).escalation_level == 1 for j in waiting)


def test_one_loop_decides_per_sqlite_site_and_a_stand_by_takes_over(
    tmp_path: Path, clock: ManualClock, hospital: Hospital
) -> None:
    settings = Settings(
        store="sqlite",
        site="lease",
        sqlite_path=tmp_path / "e.sqlite",
        poll_seconds=0.02,
        standby_seconds=0.05,
    )
    sites = [live_site(settings, clock, hospital) for _ in range(2)]
    first, second = (s.app for s in sites)
    seed_roster(first, hospital, clock.now())
    assert isinstance(lease_for(settings), FileLease)
    loops = [s.live() for s in sites]
    try:
        loops[0].start()
        eventually(lambda: loops[0].leading)
        loops[1].start()
        time.sleep(0.2)
        assert not loops[1].leading
        jid = submit(first, "lease-1")
        eventually(lambda: first.job(jid).status is Status.ASSIGNED)
        loops[0].stop()
        eventually(lambda: loops[1].leading)
        jid = submit(first, "lease-2")
        eventually(lambda: second.job(jid).status is Status.ASSIGNED)
        assert loops[1].rounds >= 1
    finally:
        for loop in loops:
            loop.stop()
        for s in sites:
            s.close()


@pytest.mark.postgres
def test_postgres_advisory_lock_moves_to_the_stand_by_when_the_leader_dies(
    clock: ManualClock, hospital: Hospital
) -> None:
    require_postgres()
    import psycopg

    from tests.conftest import PG

    site = f"t{uuid4().hex[:12]}"
    settings = Settings(store="postgres", site=site, poll_seconds=0.02, standby_seconds=0.05)
    sites = [live_site(settings, clock, hospital) for _ in range(2)]
    apps = [s.app for s in sites]
    seed_roster(apps[0], hospital, clock.now())
    loops = [s.live() for s in sites]
    try:
        loops[0].start()
        eventually(lambda: loops[0].leading)
        loops[1].start()
        time.sleep(0.3)
        assert not loops[1].leading
        # The leader's lease connection dies: it notices, stands down, and whichever
        # process gets the lock next decides; never two at once.
        lease = loops[0].lease
        assert isinstance(lease, AdvisoryLease)
        pid = lease.backend_pid
        with psycopg.connect(autocommit=True, **PG) as admin:  # type: ignore[arg-type]
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        eventually(lambda: sum(loop.leading for loop in loops) == 1)
        jid = submit(apps[0], "pg-lease-1")
        eventually(lambda: apps[1].job(jid).status is Status.ASSIGNED)
        # The leader's process goes: the stand-by takes over.
        leader, standby = (0, 1) if loops[0].leading else (1, 0)
        loops[leader].stop()
        eventually(lambda: loops[standby].leading)
        jid = submit(apps[0], "pg-lease-2")
        eventually(lambda: apps[0].job(jid).status is Status.ASSIGNED)
        assert loops[standby].rounds >= 1
    finally:
        for loop in loops:
            loop.stop()
        for s in sites:
            s.close()
        drop_site_tables(site)


def test_porters_past_their_shift_end_go_off_shift_once_their_hands_are_free(
    running: LiveLoop, site: Site, clock: ManualClock
) -> None:
    with site.board.held():
        on_shift = [p for p in site.board.porters.values() if p.on_shift]
    first_end = min(p.shift_ends_at for p in on_shift if p.shift_ends_at is not None)
    clock.set(first_end + timedelta(minutes=1))
    running.wake()
    leaving = [p.badge for p in on_shift if p.shift_ends_at and p.shift_ends_at <= clock.now()]
    assert leaving
    eventually(lambda: not any(site.app.porter(b).on_shift for b in leaving))
    staying = [p.badge for p in on_shift if p.badge not in leaving]
    assert all(site.app.porter(b).on_shift for b in staying)


def test_the_loop_itself_tells_subscribers_of_its_assignments(site: Site) -> None:
    """No other thread catches the board up here: only the loop's own catch-up can
    deliver the news."""
    loop = site.live()
    badges: tuple[str, ...] = ()  # porters' events are not this test's
    heard: list[str] = []
    mine = str(job_id(site.app.site, "feed-1"))
    site.service.subscribe(
        lambda changes: heard.extend(c["type"] for c in changes if c["id"] in (mine, *badges))
    )
    loop.start()
    try:
        jid = submit(site.app, "feed-1")
        loop.wake()
        eventually(lambda: "Job.Assigned" in heard)
        assert site.app.job(jid).status is Status.ASSIGNED
        assert heard.count("Job.Submitted") == 1  # each event folded once
        assert loop.driver.board is site.service.board
    finally:
        loop.stop()


@pytest.mark.postgres
def test_on_postgres_another_process_write_arrives_by_notify_not_by_the_poll(
    clock: ManualClock, hospital: Hospital
) -> None:
    """The listening process polls only every 30 s, yet sees the other's job at once."""
    require_postgres()
    site = f"t{uuid4().hex[:12]}"
    settings = Settings(store="postgres", site=site, poll_seconds=30, standby_seconds=0.05)
    writer, reader = (live_site(settings, clock, hospital) for _ in range(2))
    loop = reader.live(decide=False)
    try:
        loop.start()
        eventually(lambda: loop.listener.listening)
        time.sleep(0.3)  # the loop is now waiting out its long poll
        jid = submit(writer.app, "notified")
        started = time.monotonic()
        eventually(lambda: jid in reader.service.board.jobs)
        assert time.monotonic() - started < 5
        assert loop.listener.heard >= 1
    finally:
        loop.stop()
        writer.close()
        reader.close()
    drop_site_tables(site)


def test_a_failing_loop_alerts_whoever_watches_and_says_when_it_recovers(
    clock: ManualClock, hospital: Hospital, tmp_path: Path
) -> None:
    """A real failure: the site's table is taken away from under the loop, then put
    back. Subscribers hear `dispatch_failing` once, with why, then `dispatch_recovered`."""
    settings = Settings(store="sqlite", sqlite_path=tmp_path / "s.sqlite", poll_seconds=0.02)
    site = live_site(settings, clock, hospital)
    heard: list[dict[str, str]] = []
    site.service.subscribe(lambda items: heard.extend(i for i in items if i["type"] == "alert"))
    loop = site.live()
    table = f"dispatch_{site.app.site}_events"
    store = sqlite3.connect(tmp_path / "s.sqlite", isolation_level=None)
    try:
        loop.start()
        eventually(lambda: loop.driver.board.position > 0)
        store.execute(f"ALTER TABLE {table} RENAME TO away")
        loop.wake()
        eventually(lambda: loop.failure is not None)
        assert site.service.alert is not None
        assert site.service.alert["kind"] == "dispatch_failing"
        store.execute(f"ALTER TABLE away RENAME TO {table}")
        loop.wake()
        eventually(lambda: loop.failure is None)
        eventually(lambda: [a["kind"] for a in heard][-1:] == ["dispatch_recovered"])
        kinds = [a["kind"] for a in heard]
        assert kinds == ["dispatch_failing", "dispatch_recovered"]
        assert heard[0]["text"]
        assert site.service.alert is None
    finally:
        loop.stop()
        store.close()
        site.close()
