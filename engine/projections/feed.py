"""The board that a whole process shares: request threads and the live dispatch loop.

Each event is decoded once and applied once, in log order, to the board and to
the read models' folds. Reading the log and applying it are split: one reader
at a time queries the store, holding no lock that a reader of the board needs,
then applies the batch under a short lock. A caller arriving while a catch-up
is under way shares the next one instead of querying again, so one query
serves every waiting caller. What the folds make of a batch (the change feed)
goes to subscribers after the lock is let go, from whichever thread caught up:
after a round that is the dispatch loop itself, so a live screen hears of an
assignment without waiting for another thread to be scheduled.

This process's own writes are folded as they are made (`offer`), so the log
holds something this board lacks only when another process wrote. The dispatch
loop's catch-ups therefore read the log at most once per `read_every` seconds (its
poll; longer where a listener hears every other writer, PostgreSQL's NOTIFY)
unless told that another process wrote, or a write of this one's went unfolded.
A request's catch-up (`strict`) always asks the store, so an answer shows
whatever any process wrote before it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Notification, Recording

from engine.projections.board import PAGE, Board

Subscriber = Callable[[list[Any]], None]


class Feed(Board):
    def __init__(self, app: Application[UUID], fold: Callable[[int, Any], Any]) -> None:
        super().__init__(app)
        self._fold = fold
        self.lock = threading.RLock()  # the board's and the folds' state
        self._reading = threading.Lock()  # one reader of the log at a time
        self._started = 0  # catch-ups begun, and the last one finished (see `catch_up`)
        self._finished = 0
        self._subscribers: list[Subscriber] = []
        # How long the log may go unread unless told of another writer (set by the live
        # loop; None: read at every catch-up), and whether it was told since last read.
        self.read_every: Callable[[], float] | None = None
        self._told = 0  # times told of another writer
        self._read_told = -1  # ... as of the start of the last read that finished
        self._read_at = 0.0  # monotonic, when that read started
        self._own_high = 0  # this process's last write's position

    def apply(self, batch: Sequence[Notification]) -> list[Any]:
        """Fold a batch (under `lock`); returns what the folds made of it."""
        decode = self._app.mapper.to_domain_event
        return self._fold_all([(n.id, decode(n)) for n in batch if n.id > self.position])

    def _fold_all(self, applied: list[tuple[int, Any]]) -> list[Any]:
        made = []
        for position, event in applied:
            self._apply(event)
            made.append(self._fold(position, event))
            self.position = position
        for listener in self.listeners:
            listener(applied)
        return made

    def offer(self, recordings: Sequence[Recording[UUID]]) -> bool:
        """Fold this process's own write at once, if it is the next thing in the log:
        the events in hand are the ones the store would give back, so they are neither
        read back nor decoded. Anything else (another writer's events first, a reader
        busy with the log) is left to `catch_up`; returns whether it was folded."""
        applied = [(r.notification.id, r.domain_event) for r in recordings]
        if not applied:
            return False
        with self.lock:
            self._own_high = max(self._own_high, applied[-1][0])
        if not all(_as_read_back(event) for _, event in applied):
            return False
        if not self._reading.acquire(blocking=False):
            return False
        try:
            with self.lock:
                first = self.position + 1
                if [p for p, _ in applied] != list(range(first, first + len(applied))):
                    return False
                made = self._fold_all(applied)
            for subscriber in list(self._subscribers):
                subscriber(made)
            return True
        finally:
            self._reading.release()

    def told(self) -> None:
        """Another process wrote (a listener heard it)."""
        with self.lock:
            self._told += 1

    def _current(self) -> bool:
        """Whether the log holds nothing this board lacks, as far as it can know unasked."""
        return (
            self.read_every is not None
            and self._started == self._finished  # a read under way may miss what it was told
            and self._told == self._read_told
            and self.position >= self._own_high
            and time.monotonic() - self._read_at < self.read_every()
        )

    def read_due_in(self) -> float:
        """Seconds until a catch-up reads the log again even if told nothing."""
        if self.read_every is None:
            return 0.0
        return max(0.0, self._read_at + self.read_every() - time.monotonic())

    def catch_up(self, strict: bool = False) -> int:
        """Apply everything recorded before this call (`strict`), or everything known to
        be there (see the module's docstring); returns how many this call applied."""
        if not strict and self._current():
            return 0
        ticket = self._started + 1
        applied = 0
        with self._reading:
            if self._finished < ticket:
                self._started += 1
                mine = self._started
                told, started_at = self._told, time.monotonic()
                try:
                    while batch := self.fetch():
                        with self.lock:
                            made = self.apply(batch)
                        applied += len(made)
                        for subscriber in list(self._subscribers):
                            subscriber(made)
                        if len(batch) < PAGE:  # the end of the log: asking again says so
                            break
                    self._read_told, self._read_at = told, started_at  # a read that ended
                finally:
                    self._finished = mine
        return applied

    def quiet(self) -> bool:
        """Whether, at this moment, no thread reads the log or holds the board: a
        command that would wait for either had better not wait on the event loop."""
        if self._reading.locked() or not self.lock.acquire(blocking=False):
            return False
        self.lock.release()
        return True

    @contextmanager
    def held(self) -> Iterator[Feed]:
        with self.lock:
            yield self

    def subscribe(self, subscriber: Subscriber) -> int:
        """Receive what every later batch makes; returns the position it starts after."""
        with self._reading:
            self._subscribers.append(subscriber)
            return self.position

    def tell(self, items: list[Any]) -> None:
        """Send subscribers something that is not in the log (an alert), in order with
        the batches they get."""
        with self._reading:
            for subscriber in list(self._subscribers):
                subscriber(items)

    def unsubscribe(self, subscriber: Subscriber) -> None:
        with self._reading:
            if subscriber in self._subscribers:
                self._subscribers.remove(subscriber)


def _as_read_back(event: Any) -> bool:
    """Whether an event in hand is what the store gives back. Its times come back with a
    fixed UTC offset; one stamped by a clock in a named zone (a simulation's) would carry
    the zone, and Python subtracts two times of one zone by their wall clocks, an hour out
    across a change of summer time. The live service's clock gives UTC."""
    return isinstance(getattr(event, "timestamp", None), datetime) and isinstance(
        event.timestamp.tzinfo, timezone
    )
