"""The dispatch driver: everything that happens because of an event or the passing of time.

One driver per site decides *when*: a round runs because the log says something
happened that may let a job be placed (a job submitted or handed back, a porter
freed, a shift started, a policy published); escalations fire, porters past
their shift go off it, and waiting jobs are looked at again on the tick. No
other module decides when a round runs or what escalates.

The driver reads the time only from the site's clock, so the same driver runs
everywhere and only the clock differs:

- the live server steps it from its own thread on the system clock
  (`engine.dispatch.live`);
- a simulation steps it on a simulated clock after every command and at the
  times it asks for (`simulations.engine`);
- a replay re-runs its rounds and escalations at the instants a log recorded.

The contract is one method: `step()` does whatever is due at `clock.now()` and
returns when it next needs stepping. Call it after every command (a trigger
may be waiting) and again at the time it returns.

Threading, in the live server::

    request threads ──command──▶ DispatchApp ──▶ store (the notification log)
          │  catch the board up for their answer          │
          └──── wake ──▶ live thread: board.catch_up() ◀──┘
                                      driver.step():
                                        1 read the board under its lock
                                        2 solve, with the lock let go
                                        3 save the decision and its assignments
                                        4 catch the board up: subscribers hear now

The board (`engine.projections.feed.Feed`) is the one shared state: it is
folded only inside `catch_up`, under its lock, by whichever thread calls it,
and its listeners (this driver's `_on_batch` among them) run there too. So the
driver's own bookkeeping (pending triggers, waiting jobs, escalation history)
is guarded by the board's lock, and nothing else is shared. A round that raced
another writer saved nothing; it is tried again at once, from a fresh board.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from engine.assign import SolverParams
from engine.dispatch.lookahead import HandOvers
from engine.dispatch.rota import RotaKeeping
from engine.dispatch.rounds import Dispatcher
from engine.dispatch.specs import queued
from engine.dispatch.staging import Staging
from engine.dispatch.upkeep import Upkeep
from engine.domain import events as ev
from engine.domain.actor import engine_acts
from engine.domain.decision.aggregate import Decision
from engine.domain.errors import DomainError
from engine.domain.recurring import RecurringWork, is_recurring
from engine.domain.rota.aggregate import Templates
from engine.domain.values import ENGINE, Priority, Reason, Status
from engine.projections.board import Board
from engine.write.application import DispatchApp

log = logging.getLogger(__name__)

# Events after which a round may place something it could not before, and what
# the decision records as its trigger.
TRIGGERS = {
    ev.JobSubmitted: "submitted",
    ev.JobReleased: "released",
    ev.JobAccompanimentConfirmed: "accompaniment",
    ev.PorterJobDropped: "porter_free",
    ev.PorterBreakEnded: "porter_free",
    ev.PorterShiftStarted: "shift_started",
    ev.PolicyRepublished: "policy",
}
# Events that put a job in the pool (status requested) and that take it out.
_WAITING = {ev.JobSubmitted, ev.JobReleased}
_NOT_WAITING = {ev.JobAssigned, *ev.JOB_ENDED}
_RETRIES_AT_ONCE = 3
# Events after which a job that was out of reach may be given a porter.
_REOPENING = frozenset({ev.JobReleased, ev.JobAccompanimentConfirmed})
# Events that end a job's wait for its porter's answer.
_ANSWERED = {ev.JobAcknowledged, ev.JobReleased, *ev.JOB_ENDED}
# Events after which the rota's days to come follow the porters' templates again.
_ROSTER = {ev.PorterRegistered, ev.PorterChanged, ev.PorterRetired}


# Escalation actions that change what a round may do with the job.
_REROUNDING = frozenset({"reoffer", "widen"})


@dataclass(frozen=True)
class DriverParams:
    """How often the driver looks: the live server's defaults; a simulation's are coarser."""

    tick: timedelta = timedelta(seconds=5)
    """Escalations, shift ends and re-rounds for waiting jobs are looked at this often."""
    round_gap: timedelta = timedelta(milliseconds=5)
    """The shortest time between two rounds; what arrives meanwhile shares the next one
    (a round costs much the same for one new job as for ten). A stat job never waits."""
    idle_round: timedelta = timedelta(seconds=60)
    """Waiting jobs are offered again this often even if nothing changed (scheduled
    jobs come into their window that way)."""
    rota_days_ahead: int = 14
    """The rota is planned this many days ahead (so far ahead can leave be entered)."""


class Driver(RotaKeeping, Staging, Upkeep, HandOvers):
    def __init__(
        self,
        app: DispatchApp,
        board: Board,
        params: DriverParams | None = None,
        solver: SolverParams | None = None,
        templates: Templates | None = None,
        recurring: tuple[RecurringWork, ...] = (),
    ) -> None:
        """Attach before the board's first catch-up: the escalations the driver counts
        are the ones it has seen, and a fresh board shows it the whole log. Without
        `templates` (the hospital's shift templates) there is no rota to keep."""
        self.app = app
        self.templates = templates
        self.recurring = recurring
        self._recurred_to: datetime | None = None
        self._round_keys: set[str] = set()  # recurring jobs' keys already submitted
        self.board = board
        self.params = params or DriverParams()
        self.dispatcher = Dispatcher(app, board, solver)
        self.rounds = 0  # decisions this driver recorded
        self.escalations = 0
        # Guarded by the board's lock (see the module docstring).
        self._pending: set[str] = set()
        self._urgent = False
        self._waiting: set[UUID] = set()
        self._history: dict[UUID, dict[str, list[datetime]]] = {}
        self._last_round_at: datetime | None = None
        self._last_round_position = -1
        self._next_tick: datetime | None = None
        self._retries = 0
        self._retry_at: datetime | None = None
        self._roster_changed = False
        self._picked_up = False
        self._finishing = False  # the policy counts porters about to finish (see `step`)
        self._handed_over: dict[UUID, datetime] = {}
        with board.held():
            self._waiting = {j.id for j in board.open_jobs() if j.status is Status.REQUESTED}
            board.listeners.append(self._on_batch)

    # -- what the log says happened ---------------------------------------------

    def _on_batch(self, batch: Sequence[tuple[int, Any]]) -> None:
        """Runs inside the board's catch-up, under its lock."""
        for _, event in batch:
            kind = type(event)
            if kind is ev.JobPickedUp:
                self._picked_up = True  # someone may now be finishing (see `step`)
            if kind in _WAITING:
                self._waiting.add(event.originator_id)
            elif kind in _NOT_WAITING or kind is ev.JobAcknowledged:
                self._waiting.discard(event.originator_id)
            if kind is ev.JobAssigned and self._finishing:
                job = self.board.jobs.get(event.originator_id)
                if job is not None and queued(job, self.board.jobs, self.board.porters):
                    self._waiting.add(job.id)  # waits for a hand-over: still movable
            if kind in ev.JOB_ENDED and self._finishing:
                self._hand_over(event)
            elif kind in _ANSWERED and event.originator_id in self._handed_over:
                self._handed_over.pop(event.originator_id)  # answered, released or ended
            if kind in _ROSTER:
                self._roster_changed = True
            elif kind is ev.JobSubmitted and is_recurring(event.key):
                self._round_keys.add(event.key)
            if kind is ev.JobEscalated:
                stages = self._history.setdefault(event.originator_id, {})
                stages.setdefault(event.stage, []).append(event.timestamp)
                job = self.board.jobs.get(event.originator_id)
                if getattr(event, "action", "") in _REROUNDING and (
                    job is not None and job.status is Status.REQUESTED
                ):
                    self._pending.add("escalation")  # it may now go to someone else
            elif kind not in TRIGGERS:
                continue
            elif (
                kind is ev.JobReleased
                and event.by == ENGINE
                and event.reason == Reason.REOPTIMISED.value
                and not self._stat(kind, event)  # but a stat job it left without a porter
            ):
                continue  # a round's own re-optimisation: it placed the job already
            elif kind is ev.PorterJobDropped and event.outcome == "released":
                continue  # the job's own Released event says why
            else:
                self._pending.add(TRIGGERS[kind])
                if self._stat(kind, event):
                    self._urgent = True

    def _stat(self, kind: type, event: Any) -> bool:
        """Whether the event puts a stat job in reach of a porter: a stat job never waits
        for the round gap, whether it is new, given back or just cleared to go."""
        if kind is ev.JobSubmitted:
            return bool(event.priority == Priority.STAT.value)
        if kind in _REOPENING:
            job = self.board.jobs.get(event.originator_id)
            return job is not None and job.priority is Priority.STAT
        return False

    def took_over(self) -> None:
        """Another process decided until now: look at everything at once."""
        with self.board.held():
            self._pending.add("takeover")
            self._next_tick = None

    # -- stepping -------------------------------------------------------------------

    @engine_acts
    def step(self) -> datetime:
        """Do what is due now; returns when the driver next needs stepping."""
        board, params = self.board, self.params
        board.catch_up()
        now = self.app.clock.now()
        ticked = self._next_tick is None or now >= self._next_tick
        if self._next_tick is None or now >= self._next_tick:
            self._next_tick = now + params.tick
            quiet = board.position == self._last_round_position
            self.escalate()
            self.end_shifts()  # what they hand back is a trigger of its own
            self.staff()  # a shift started is a trigger of its own too
            self.recur()  # and so is a job submitted
            with board.held():
                if quiet:  # escalations alone change nothing a round reads
                    self._last_round_position = board.position
                stale = (
                    self._last_round_at is None or now - self._last_round_at >= params.idle_round
                )
                if board.position != self._last_round_position or stale:
                    self._pending.add("timer")
        if self._roster_changed:  # a porter registered, changed or retired: roster at once
            self.staff()
        finishing = self.app.policy_document()[1].anticipation.finishing_minutes > 0
        with board.held():
            if finishing and not self._finishing:  # on since the board was read (a start)
                self._waiting |= {
                    j.id
                    for j in board.open_jobs()
                    if j.status is Status.ASSIGNED and queued(j, board.jobs, board.porters)
                }
            self._finishing = finishing
            if self._picked_up and finishing and self._waiting:
                self._pending.add("porter_finishing")  # a porter under way may be a candidate
            self._picked_up = False
        due, ready = self._due(now)
        if due and ready <= now:
            self._round()
            due, ready = self._due(now)
        if ticked:  # who is still free after the round waits where calls will come
            with board.held():
                before = board.position
            if self.stage():
                with board.held():  # staging changes nothing a round reads
                    if self._last_round_position == before:
                        self._last_round_position = board.position
        return min(self._next_tick, ready) if due else self._next_tick

    def _due(self, now: datetime) -> tuple[bool, datetime]:
        """Whether a round is called for, and from when."""
        with self.board.held():
            if not self._waiting:
                self._pending.clear()  # nothing waits for a porter: no round to run
                self._urgent = False
            due = bool(self._pending)
            if self._retry_at is not None:
                return due, self._retry_at
            if self._urgent or self._last_round_at is None:
                return due, now
            return due, self._last_round_at + self.params.round_gap

    def _round(self) -> None:
        with self.board.held():
            trigger = "+".join(sorted(self._pending))
            self._pending.clear()
            self._urgent = False
        try:
            self.run_round(trigger)
        except DomainError as exc:
            # The board was a moment behind (a job or porter changed between reading and
            # saving): nothing was written. Catch up and go again.
            log.info("round %s raced another writer (%s); retrying", trigger, exc)
            self.board.told()  # a board behind the store: the retry reads the log first
            now = self.app.clock.now()
            with self.board.held():
                self._retries += 1
                self._pending.add("retry")
                soon = self._retries > _RETRIES_AT_ONCE
                self._retry_at = now + self.params.tick if soon else now
            return
        with self.board.held():
            self._retries = 0
            self._retry_at = None

    # -- the actions ------------------------------------------------------------------

    @engine_acts
    def run_round(self, trigger: str, solver: SolverParams | None = None) -> Decision | None:
        """One round now, whatever the triggers say (a replay calls this at the recorded
        instants); None when there was nothing to decide."""
        if solver is not None:
            self.dispatcher.params = solver
        decision = self.dispatcher.run_round(trigger)
        if decision is not None:
            self.rounds += 1
        self.board.catch_up()  # a shared board tells its subscribers from here, at once
        with self.board.held():
            self._last_round_position = self.board.position
            # The gap runs from the end of a round: on a live clock a round takes time,
            # and what arrived meanwhile should share the next one, not start it at once.
            self._last_round_at = self.app.clock.now()
        return decision
