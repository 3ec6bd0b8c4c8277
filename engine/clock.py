"""Clocks: the only way the engine learns the time.

The domain never reads the wall clock; the composition root injects one of
these and every event is stamped from it, so a replay or a simulation runs
through the same code with simulated time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """Wall-clock time for the live service; the only place `datetime.now` is called.

    `offset` moves it, for training and for tests of a live server at a chosen hour
    (a shift change): domain time is the wall clock plus the offset, so it still
    runs at the wall clock's pace and continues across a restart.
    """

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(tz=UTC) + self.offset


class ManualClock:
    """A clock that moves only when told to: tests and simulations."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("clock start must be timezone-aware")
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, minutes: float = 0.0, seconds: float = 0.0) -> datetime:
        self._now += timedelta(minutes=minutes, seconds=seconds)
        return self._now

    def set(self, when: datetime) -> None:
        if when < self._now:
            raise ValueError("a manual clock never goes backwards")
        self._now = when
