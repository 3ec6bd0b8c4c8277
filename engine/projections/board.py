"""The live board: every job and porter of a site, kept current from the event log.

It folds the notification log through the aggregates' own event mutators, so
the board can never disagree with how the domain reads its events. It tracks
the position it has applied up to: each event is applied exactly once, in log
order, and a board built from scratch reaches the same state as one kept live.
Pulling the log works the same on every store (SQLite has no subscription).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from copy import deepcopy
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Notification

from engine.domain import events as ev
from engine.domain.job.aggregate import Job
from engine.domain.porter.aggregate import Porter
from engine.domain.rota.aggregate import RotaDay, Shift

PAGE = 500
_DECISION_MADE = ev.topic_of(ev.DecisionMade)


class Board:
    def __init__(self, app: Application[UUID]) -> None:
        self._app = app
        self.position = 0
        self.jobs: dict[UUID, Job] = {}
        self.open: dict[UUID, Job] = {}
        self.porters: dict[UUID, Porter] = {}
        self.rota: dict[date, RotaDay] = {}  # by local date
        self._rota_days: dict[UUID, date] = {}
        self.decisions = 0
        self.policy_version = 0  # the latest policy this board has folded
        # Called with each applied batch, as (position, event) pairs (decisions left out).
        self.listeners: list[Callable[[list[tuple[int, Any]]], None]] = []

    def catch_up(self) -> int:
        """Apply every event recorded since the last call; returns how many."""
        applied = 0
        while batch := self.fetch():
            self.apply(batch)
            applied += len(batch)
            if len(batch) < PAGE:  # the end of the log: no need to ask again to be told so
                break
        return applied

    def told(self) -> None:
        """Another process wrote: this board reads the log at every catch-up anyway."""

    def fetch(self) -> Sequence[Notification]:
        return self._app.recorder.select_notifications(start=self.position + 1, limit=PAGE)

    def apply(self, batch: Sequence[Notification]) -> list[Any]:
        """Fold one batch; returns the (position, event) pairs the listeners were given."""
        events: list[Any] = []
        for n in batch:
            if n.topic == _DECISION_MADE:
                self.decisions += 1  # numbered 1, 2, ...: no need to decode its inputs
            else:
                event = self._app.mapper.to_domain_event(n)
                self._apply(event)
                events.append((n.id, event))
            self.position = n.id
        for listener in self.listeners:
            listener(events)
        return events

    def _apply(self, event: Any) -> None:
        kind = type(event)
        if kind in ev.JOB_EVENTS:
            job = event.mutate(self.jobs.get(event.originator_id))
            self.jobs[job.id] = job
            if job.is_open:
                self.open[job.id] = job
            else:
                self.open.pop(job.id, None)
        elif kind in ev.PORTER_EVENTS:
            self.porters[event.originator_id] = event.mutate(self.porters.get(event.originator_id))
        elif kind in ev.ROTA_EVENTS:
            day = self._rota_days.get(event.originator_id)
            rota = event.mutate(None if day is None else self.rota[day])
            self._rota_days[event.originator_id] = rota.day
            self.rota[rota.day] = rota
        elif kind in ev.POLICY_EVENTS:
            self.policy_version = max(self.policy_version, event.originator_version)
        elif kind is ev.DecisionMade:
            self.decisions = max(self.decisions, int(event.number))  # (`Feed` decodes them)

    def _under_way(self, when: datetime, tz: Any) -> list[RotaDay]:
        """The planned days whose shifts may be under way at `when`: a night shift began
        the day before."""
        local = when.astimezone(tz).date()
        days = (self.rota.get(local - timedelta(days=1)), self.rota.get(local))
        return [day for day in days if day is not None]

    def rostered(self, when: datetime, tz: Any) -> list[Shift]:
        """The rota's shifts working at `when`."""
        return [s for rota in self._under_way(when, tz) for s in rota.working() if s.covers(when)]

    def cancelled_shifts(self, when: datetime, tz: Any) -> set[str]:
        """Ids of shifts the rota cancelled, of the days that may be under way."""
        return {i for rota in self._under_way(when, tz) for i in rota.cancelled}

    def job_copy(self, job_id: UUID) -> Job | None:
        """A job as of this board's position, to act on: a copy, so the board itself only
        ever changes by folding the log. Saving it is optimistic like any other write: if
        the store has moved past this board, the save is refused and nothing is written."""
        with self.held():
            job = self.jobs.get(job_id)
            return None if job is None else deepcopy(job)

    def porter_copy(self, porter_id: UUID) -> Porter | None:
        with self.held():
            porter = self.porters.get(porter_id)
            return None if porter is None else deepcopy(porter)

    def copy_of(self, aggregate_id: UUID) -> Job | Porter | None:
        return self.job_copy(aggregate_id) or self.porter_copy(aggregate_id)

    def open_jobs(self) -> list[Job]:
        return list(self.open.values())

    @contextmanager
    def held(self) -> Iterator[Board]:
        """The board held still while a round reads it. Alone in its thread, as here,
        nothing else moves it; a board that other threads fold (`Feed`) locks."""
        yield self
