"""A fixed reference workload, timed, so figures compare across machines and moments.

This machine's speed swings by about a quarter from one minute to the next, and
machines differ up to twofold: every benchmark prints these seconds beside its
figures, measured just before them.
"""

from __future__ import annotations

import time


def reference_seconds(steps: int = 10_000_000) -> float:
    """Seconds for a 10M-step pure-Python loop (best of three)."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for i in range(steps):
            total += i
        best = min(best, time.perf_counter() - started)
    return round(best, 3)
