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
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Notification

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

    def apply(self, batch: Sequence[Notification]) -> list[Any]:
        """Fold a batch (under `lock`); returns what the folds made of it."""
        applied: list[tuple[int, Any]] = []
        made = []
        for notification in batch:
            if notification.id <= self.position:
                continue
            event = self._app.mapper.to_domain_event(notification)
            self._apply(event)
            made.append(self._fold(notification.id, event))
            applied.append((notification.id, event))
            self.position = notification.id
        for listener in self.listeners:
            listener(applied)
        return made

    def catch_up(self) -> int:
        """Apply everything recorded before this call; returns how many this call applied."""
        ticket = self._started + 1
        applied = 0
        with self._reading:
            if self._finished < ticket:
                self._started += 1
                mine = self._started
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
