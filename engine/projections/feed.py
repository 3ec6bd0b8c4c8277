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
        self._news = True
        self._read_at = 0.0  # monotonic
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
        self._news = True

    def _current(self) -> bool:
        """Whether the log holds nothing this board lacks, as far as it can know unasked."""
        return (
            self.read_every is not None
            and not self._news
            and self.position >= self._own_high
            and time.monotonic() - self._read_at < self.read_every()
        )

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
                self._news = False
                self._read_at = time.monotonic()
                while batch := self.fetch():
                    with self.lock:
                        made = self.apply(batch)
                    applied += len(made)
                    for subscriber in list(self._subscribers):
                        subscriber(made)
                    if len(batch) < PAGE:  # the end of the log: a second query would say so
                        break
                self._finished = mine
        return applied

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
