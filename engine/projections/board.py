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
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Notification

from engine.domain import events as ev
from engine.domain.job.aggregate import Job
from engine.domain.porter.aggregate import Porter

PAGE = 500
_DECISION_MADE = ev.topic_of(ev.DecisionMade)


class Board:
    def __init__(self, app: Application[UUID]) -> None:
        self._app = app
        self.position = 0
        self.jobs: dict[UUID, Job] = {}
        self.open: dict[UUID, Job] = {}
        self.porters: dict[UUID, Porter] = {}
        self.decisions = 0
        # Called with each applied batch, as (position, event) pairs (decisions left out).
        self.listeners: list[Callable[[list[tuple[int, Any]]], None]] = []

    def catch_up(self) -> int:
        """Apply every event recorded since the last call; returns how many."""
        applied = 0
        while batch := self.fetch():
            self.apply(batch)
            applied += len(batch)
        return applied

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
        elif kind is ev.DecisionMade:
            self.decisions = max(self.decisions, int(event.number))  # (`Feed` decodes them)

    def open_jobs(self) -> list[Job]:
        return list(self.open.values())

    @contextmanager
    def held(self) -> Iterator[Board]:
        """The board held still while a round reads it. Alone in its thread, as here,
        nothing else moves it; a board that other threads fold (`Feed`) locks."""
        yield self
