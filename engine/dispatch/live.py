"""The live dispatch loop: one thread per process, one deciding loop per site.

Rounds are triggered by what the log says happened (a job submitted, a porter
freed, a job handed back) rather than by who asked, so a request served by a
stand-by process still leads to a round in the deciding one; a wake-up from
this process's own requests only makes it look sooner. A timer tick fires
escalations and re-runs rounds for jobs still waiting (scheduled jobs come
into their window that way).

Exactly one loop decides per site; a lease (`engine.dispatch.lease`) says which. The
loop reads the process's shared board, so every event is decoded and folded
once per process, and after a round it catches that board up itself: the
change feed hears of the assignment from this thread, at once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from engine.dispatch.lease import Lease
from engine.dispatch.rounds import Dispatcher
from engine.domain.errors import DomainError
from engine.domain.job.aggregate import Job
from engine.domain.policy.document import PolicyDocument
from engine.domain.values import Status
from engine.projections.board import Board
from engine.write.application import DispatchApp

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
    """Background thread: wake, catch up, escalate on the tick, run a round if anything new.

    It watches the board it is given (the process's shared one, or its own) from
    the start, leading or not, so a stand-by that takes over knows at once which
    jobs wait and what has been escalated. Attach it before the board's first
    catch-up: the escalations it remembers are the ones it has seen.
    """

    def __init__(
        self,
        app: DispatchApp,
        lease: Lease,
        *,
        board: Board | None = None,
        tick_seconds: float = 5.0,
        poll_seconds: float = 0.25,
        standby_seconds: float = 1.0,
        idle_round_seconds: float = 60.0,
        round_interval: float = 0.0,
    ) -> None:
        self.app = app
        self.lease = lease
        self.tick_seconds = tick_seconds
        self.poll_seconds = poll_seconds
        self.standby_seconds = standby_seconds
        self.idle_round_seconds = idle_round_seconds
        self.round_interval = round_interval
        self.leading = False
        self.rounds = 0
        self.escalations = 0
        self.errors = 0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._state = threading.Lock()  # the three below; the board's listener runs anywhere
        self._pending: set[str] = set()
        self._history: dict[UUID, list[tuple[str, datetime]]] = {}
        self._waiting: set[UUID] = set()  # ids of jobs in status requested
        self._last_round_position = -1
        self._last_round_at = 0.0
        self._next_tick = 0.0
        self._retries = 0
        self.board = board or Board(app)
        with self.board.held():
            self._waiting = {j.id for j in self.board.open_jobs() if j.status is Status.REQUESTED}
            self.board.listeners.append(self._on_batch)
        self.dispatcher = Dispatcher(app, self.board)

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
            with self._state:
                self._pending.add("takeover")
            self._next_tick = 0.0
        return self.leading

    def _on_batch(self, batch: Sequence[tuple[int, Any]]) -> None:
        with self._state:
            for _, event in batch:
                name = type(event).__qualname__
                if name in _WAITING:
                    self._waiting.add(event.originator_id)
                elif name in _NOT_WAITING:
                    self._waiting.discard(event.originator_id)
                if name == "Job.Escalated":
                    self._history.setdefault(event.originator_id, []).append(
                        (event.stage, event.timestamp)
                    )
                elif name not in _TRIGGERS:
                    continue
                elif name == "Job.Released" and event.by == "engine":
                    continue  # a round's own re-optimisation
                elif name == "Porter.JobDropped" and event.outcome == "released":
                    continue  # the job's own Released event says why
                else:
                    self._pending.add(_TRIGGERS[name])

    def step(self) -> None:
        """One turn: catch up, escalate on the tick, run a round if anything calls for it."""
        board = self.board
        board.catch_up()
        if time.monotonic() >= self._next_tick:
            self._next_tick = time.monotonic() + self.tick_seconds
            self._escalate()
            self._end_expired_shifts()
            stale = time.monotonic() - self._last_round_at >= self.idle_round_seconds
            if board.position != self._last_round_position or stale:
                with self._state:
                    self._pending.add("timer")
        with self._state:
            due = bool(self._pending and self._waiting)
            if not self._waiting:
                self._pending.clear()  # nothing waits for a porter: no round to run
        if due:
            # Under load, gather what arrives in a short window into one round: a round
            # costs much the same for one new job as for ten.
            gap = self._last_round_at + self.round_interval - time.monotonic()
            if gap > 0:
                self._stop.wait(gap)
                board.catch_up()
            self._round()

    def _round(self) -> None:
        with self._state:
            trigger = "+".join(sorted(self._pending))
            self._pending.clear()
        try:
            decision = self.dispatcher.run_round(trigger)
        except DomainError as exc:
            # The board was a moment behind (a job or porter changed between reading and
            # saving): nothing was written. Catch up and go again, at once the first times.
            self._retries += 1
            log.info("round %s raced another writer (%s); retrying", trigger, exc)
            with self._state:
                self._pending.add("retry")
            if self._retries <= 3:
                self._wake.set()
            return
        self._retries = 0
        if decision is not None:
            self.rounds += 1
        self.board.catch_up()  # a shared board tells its subscribers from here, at once
        self._last_round_position = self.board.position
        self._last_round_at = time.monotonic()

    def _escalate(self) -> None:
        _, document = self.app.policy_document()
        now = self.app.clock.now()
        with self.board.held(), self._state:
            due = escalations_due(self.board.open_jobs(), document, self._history, now)
        fired = 0
        for job_id, level, stage, note in due:
            try:
                self.app.escalate_job(job_id, level, stage, note)
                fired += 1
            except DomainError as exc:
                log.info("escalation of %s skipped: %s", job_id, exc)
        if fired:
            self.escalations += fired
            self.board.catch_up()

    def _end_expired_shifts(self) -> None:
        """Porters past the end of their shift go off the board once their hands are free
        (one with a patient in hand finishes first); a shift they extend is theirs to say."""
        now = self.app.clock.now()
        with self.board.held():
            over = [
                p.badge
                for p in self.board.porters.values()
                if p.on_shift
                and p.shift_ends_at is not None
                and p.shift_ends_at <= now
                and not p.active_jobs
            ]
        for badge in over:
            try:
                self.app.end_shift(badge, by="engine: shift over")
            except DomainError as exc:  # they took a job or ended it themselves meanwhile
                log.info("shift end of %s skipped: %s", badge, exc)
        if over:
            self.board.catch_up()
