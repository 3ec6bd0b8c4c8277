"""The hindsight bound as a report reads it: late jobs, waits and stat pickups, each a
bound that no run of the day can beat.

Waits are bounded job by job: a job cannot be picked up before it is `ready` (the
phone answered, the patient's appointment come), so its wait, counted as
`simulations.results` counts it (to pickup, or to the end of the run for a job
never picked up), is at least `min(ready, end) - start`. Sorting keeps the order
between two lists each no smaller element by element, so every percentile and the
mean of these bounds is a bound on the same percentile and mean of any run's waits.
These per-job bounds see no queue: they are weak, and said so.

The share of stat jobs picked up within five minutes is bounded above the same way:
only a stat job ready within five minutes of its start can be.
"""

from __future__ import annotations

import statistics
from typing import Any

from engine.domain.values import Priority
from simulations.hindsight.bound import late_bound
from simulations.hindsight.day import Day, Task
from simulations.results import QUANTILES, STAT_FAST_MINUTES, quantile


def _waited(task: Task, end: float) -> float | None:
    """The least censored wait of a job, or None where a run records none."""
    if task.withdrawn or task.start >= end:
        return None
    return max(0.0, min(task.ready, end) - task.start)


def waits(day: Day) -> dict[str, dict[str, float | None]]:
    """Per priority, lower bounds of the censored waits' percentiles and mean."""
    out: dict[str, dict[str, float | None]] = {}
    for p in Priority:
        mine = sorted(
            w
            for t in day.tasks
            if t.priority == p.value and (w := _waited(t, day.minutes)) is not None
        )
        figures: dict[str, float | None] = {name: None for name in (*dict(QUANTILES), "mean")}
        if mine:
            figures = {name: round(quantile(mine, q), 2) for name, q in QUANTILES}
            figures["mean"] = round(statistics.fmean(mine), 2)
        out[p.value] = figures
    return out


def stat_fast_at_most(day: Day) -> float | None:
    """The largest share of stat jobs any run could pick up within five minutes."""
    stat = [t for t in day.tasks if t.priority == Priority.STAT.value]
    if not stat:
        return None
    could = sum(1 for t in stat if t.ready - t.start <= STAT_FAST_MINUTES)
    return round(could / len(stat), 4)


def hindsight(day: Day) -> dict[str, Any]:
    """Everything the bound says about a day, as plain numbers."""
    total = late_bound(day)
    by_priority: dict[str, int] = {}
    for p in Priority:
        # With no job late overall, none is late in any one priority: skip the solve.
        by_priority[p.value] = late_bound(day, priorities=(p.value,)).late if total.late else 0
    late = max(total.late, sum(by_priority.values()))
    return {
        "jobs_due": total.due,
        "late_jobs": late,
        "late_ratio": round(late / total.due, 4) if total.due else None,
        "late_alone": total.certain,
        "late_by_priority": by_priority,
        "stat_pickup_within_5_min_at_most": stat_fast_at_most(day),
        "wait_censored": waits(day),
    }
