"""The live dispatch loop: one thread per process, one deciding loop per site.

Rounds are triggered by what the log says happened (a job submitted, a porter
freed, a job handed back) rather than by who asked, so a request served by a
stand-by process still leads to a round in the deciding one; a wake-up from
this process's own requests only makes it look sooner. A timer tick fires
escalations and re-runs rounds for jobs still waiting (scheduled jobs come
into their window that way).

Exactly one loop decides per site. A lease says which: on PostgreSQL a
session advisory lock on a dedicated connection (it goes when the process or
its connection dies, and a stand-by takes it over); on SQLite an exclusive
lock on a file beside the database; in memory the process is alone anyway.
Two deciders could still not corrupt anything — decisions are numbered and
saved atomically, so the second would get a conflict — the lease just keeps
them from wasting rounds on it.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import IO, Any, Protocol
from uuid import UUID

from eventsourcing.persistence import Notification

from engine.application import DispatchApp
from engine.dispatch import Dispatcher
from engine.domain.errors import DomainError
from engine.domain.job.aggregate import Job
from engine.domain.policy.document import PolicyDocument
from engine.domain.values import Status
from engine.projections.board import Board
from engine.settings import Settings

log = logging.getLogger(__name__)

# Events after which a round may assign something it could not before.
_TRIGGERS = {
    "Job.Submitted": "submitted",
    "Job.Released": "released",
    "Job.AccompanimentConfirmed": "accompaniment",
    "Porter.JobDropped": "porter_free",
    "Porter.BreakEnded": "porter_free",
    "Porter.ShiftStarted": "shift_started",
    "Policy.Republished": "policy",
}


# Events that put a job in the pool (status requested) and that take it out.
_WAITING = {"Job.Submitted", "Job.Released"}
_NOT_WAITING = {"Job.Assigned", "Job.Cancelled", "Job.Failed", "Job.Completed"}


class Lease(Protocol):
    def acquire(self) -> bool: ...

    def held(self) -> bool: ...

    def release(self) -> None: ...


class FixedLease:
    """No contest: an in-memory store's one process decides; an API-only node never does."""

    def __init__(self, decides: bool) -> None:
        self.decides = decides

    def acquire(self) -> bool:
        return self.decides

    def held(self) -> bool:
        return self.decides

    def release(self) -> None:
        return None


class FileLease:
    """SQLite: an exclusive `flock` on a file beside the database; the OS drops it on exit."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._file: IO[bytes] | None = None

    def acquire(self) -> bool:
        import fcntl

        handle = open(self.path, "ab")  # noqa: SIM115 - held open as the lease
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._file = handle
        return True

    def held(self) -> bool:
        return self._file is not None

    def release(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class AdvisoryLease:
    """PostgreSQL: `pg_try_advisory_lock` on a connection used for nothing else."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        digest = hashlib.sha256(f"porter-dispatch:{settings.site}".encode()).digest()
        self.key = int.from_bytes(digest[:8], "big", signed=True)
        self._conn: Any = None

    def acquire(self) -> bool:
        import psycopg

        s = self.settings
        try:
            conn = psycopg.connect(
                host=s.postgres_host,
                port=s.postgres_port,
                user=s.postgres_user,
                password=s.postgres_password,
                dbname=s.postgres_dbname,
                autocommit=True,
                connect_timeout=5,
            )
            row = conn.execute("SELECT pg_try_advisory_lock(%s)", (self.key,)).fetchone()
        except Exception:
            log.warning("cannot reach PostgreSQL for the dispatch lease", exc_info=True)
            return False
        if not (row and row[0]):
            conn.close()
            return False
        self._conn = conn
        return True

    def held(self) -> bool:
        if self._conn is None:
            return False
        try:
            self._conn.execute("SELECT 1")
        except Exception:
            log.warning("lost the dispatch lease connection; standing by", exc_info=True)
            self.release()
            return False
        return True

    def release(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):  # closing a broken connection
                self._conn.close()
            self._conn = None


def lease_for(settings: Settings) -> Lease:
    if settings.store == "postgres":
        return AdvisoryLease(settings)
    if settings.store == "sqlite" and str(settings.sqlite_path) != ":memory:":
        return FileLease(f"{settings.sqlite_path}.{settings.site}.loop-lock")
    return FixedLease(decides=True)


def escalations_due(
    jobs: Sequence[Job],
    document: PolicyDocument,
    history: dict[UUID, list[tuple[str, datetime]]],
    now: datetime,
) -> list[tuple[UUID, int, str, str]]:
    """(job, next level, stage, note) for every job waiting too long at its stage.

    A stage escalates once per threshold it has waited: again at twice the
    threshold, and so on; escalations already in the log count, so a loop
    that takes over does not repeat them.
    """
    due = []
    for job in jobs:
        start = max(job.requested_at, job.ready_at) if job.ready_at else job.requested_at
        limits = document.escalation[job.priority]
        if job.status is Status.REQUESTED:
            stage, since, minutes = "not_assigned", start, limits.not_assigned
        elif job.status is Status.ASSIGNED and job.assigned_at is not None:
            stage, since, minutes = "not_acknowledged", job.assigned_at, limits.not_acknowledged
        elif job.status is Status.ACKNOWLEDGED:
            stage, since, minutes = "not_picked_up", start, limits.not_picked_up
        else:
            continue
        done = sum(1 for s, at in history.get(job.id, []) if s == stage and at >= since)
        waited = now - since
        if waited >= timedelta(minutes=minutes * (done + 1)):
            note = f"{stage.replace('_', ' ')} after {waited.total_seconds() / 60:.0f} min"
            due.append((job.id, job.escalation_level + 1, stage, note + f" (limit {minutes})"))
    return due


class DispatchLoop:
    """Background thread: wake, catch up, escalate on the tick, run a round if anything new."""

    def __init__(
        self,
        app: DispatchApp,
        lease: Lease,
        *,
        tick_seconds: float = 5.0,
        poll_seconds: float = 0.25,
        standby_seconds: float = 1.0,
        idle_round_seconds: float = 60.0,
        round_interval: float = 0.0,
        on_change: Callable[[], object] = lambda: None,
    ) -> None:
        self.app = app
        self.lease = lease
        self.tick_seconds = tick_seconds
        self.poll_seconds = poll_seconds
        self.standby_seconds = standby_seconds
        self.idle_round_seconds = idle_round_seconds
        self.round_interval = round_interval
        self.on_change = on_change
        self.leading = False
        self.rounds = 0
        self.escalations = 0
        self.errors = 0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pending: set[str] = set()
        self._history: dict[UUID, list[tuple[str, datetime]]] = {}
        self._waiting: set[Any] = set()  # ids of jobs in status requested
        self._last_round_position = -1
        self._last_round_at = 0.0
        self._next_tick = 0.0
        self._retries = 0
        self.dispatcher: Dispatcher | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="dispatch-loop", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self.lease.release()
        self.leading = False

    def wake(self) -> None:
        self._wake.set()

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if not self._lead():
                    self._stop.wait(self.standby_seconds)
                    continue
                self._wake.wait(min(self.poll_seconds, max(self._next_tick - time.monotonic(), 0)))
                self._wake.clear()
                if not self._stop.is_set():
                    self.step()
            except Exception:
                self.errors += 1
                log.exception("dispatch loop step failed; retrying")
                self._stop.wait(min(self.poll_seconds * 4, 1.0))

    def _lead(self) -> bool:
        if self.leading and self.lease.held():
            return True
        self.leading = self.lease.acquire()
        if self.leading:
            log.info("site %s: this process now decides", self.app.site)
            board = Board(self.app)
            board.listeners.append(self._on_batch)
            self._history.clear()
            self._waiting.clear()
            self.dispatcher = Dispatcher(self.app, board)
            self._pending = {"takeover"}
            self._next_tick = 0.0
        return self.leading

    def _on_batch(self, batch: Sequence[Notification]) -> None:
        for n in batch:
            name = n.topic.rsplit(":", 1)[-1]
            if name in _WAITING:
                self._waiting.add(n.originator_id)
            elif name in _NOT_WAITING:
                self._waiting.discard(n.originator_id)
            if name == "Job.Escalated":
                event: Any = self.app.mapper.to_domain_event(n)
                self._history.setdefault(UUID(str(n.originator_id)), []).append(
                    (event.stage, event.timestamp)
                )
                continue
            if name not in _TRIGGERS:
                continue
            if name in ("Job.Released", "Porter.JobDropped"):
                event = self.app.mapper.to_domain_event(n)
                if name == "Job.Released" and event.by == "engine":
                    continue  # a round's own re-optimisation
                if name == "Porter.JobDropped" and event.outcome == "released":
                    continue  # the job's own Released event says why
            self._pending.add(_TRIGGERS[name])

    def step(self) -> None:
        """One turn: catch up, escalate on the tick, run a round if anything calls for it."""
        assert self.dispatcher is not None
        board = self.dispatcher.board
        board.catch_up()
        if time.monotonic() >= self._next_tick:
            self._next_tick = time.monotonic() + self.tick_seconds
            self._escalate(board)
            stale = time.monotonic() - self._last_round_at >= self.idle_round_seconds
            if board.position != self._last_round_position or stale:
                self._pending.add("timer")
        if self._pending and self._waiting:
            # Under load, gather what arrives in a short window into one round: a round
            # costs much the same for one new job as for ten.
            gap = self._last_round_at + self.round_interval - time.monotonic()
            if gap > 0:
                self._stop.wait(gap)
                board.catch_up()
            self._round(board)
        elif self._pending:
            self._pending.clear()  # nothing waits for a porter: no round to run

    def _round(self, board: Board) -> None:
        assert self.dispatcher is not None
        trigger = "+".join(sorted(self._pending))
        self._pending.clear()
        try:
            decision = self.dispatcher.run_round(trigger)
        except DomainError as exc:
            # The board was a moment behind (a job or porter changed between reading and
            # saving): nothing was written. Catch up and go again, at once the first times.
            self._retries += 1
            log.info("round %s raced another writer (%s); retrying", trigger, exc)
            self._pending.add("retry")
            if self._retries <= 3:
                self._wake.set()
            return
        self._retries = 0
        if decision is not None:
            self.rounds += 1
        board.catch_up()
        self._last_round_position = board.position
        self._last_round_at = time.monotonic()
        if decision is not None:
            self.on_change()

    def _escalate(self, board: Board) -> None:
        _, document = self.app.policy_document()
        now = self.app.clock.now()
        open_jobs = board.open_jobs()
        fired = 0
        for job_id, level, stage, note in escalations_due(open_jobs, document, self._history, now):
            try:
                self.app.escalate_job(job_id, level, stage, note)
                fired += 1
            except DomainError as exc:
                log.info("escalation of %s skipped: %s", job_id, exc)
        if fired:
            self.escalations += fired
            self.on_change()
