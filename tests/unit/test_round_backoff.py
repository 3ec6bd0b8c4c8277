"""A round that raced other writers tries again at once, then backs off to the tick."""

from __future__ import annotations

from datetime import timedelta

from engine.dispatch.driver import _backoff

TICK = timedelta(seconds=5)


def test_the_first_races_are_retried_at_once_then_after_ten_ms_doubling() -> None:
    waits = [_backoff(n, TICK) for n in range(1, 8)]
    ms = [w / timedelta(milliseconds=1) for w in waits]
    assert ms == [0, 0, 0, 10, 20, 40, 80]


def test_a_round_that_keeps_failing_waits_a_tick_and_no_longer() -> None:
    assert _backoff(30, TICK) == TICK
    assert _backoff(10_000, TICK) == TICK
