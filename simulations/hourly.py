"""A run hour by hour: the demand it met against the porters it had, and what was left.

Read from the run's own board and its porters' periods on shift, with the load
model of `simulations.load`, so a report can show where a day was short: the
jobs wanted each hour, the porter-minutes of work they offered, the
porter-minutes on shift, their ratio, and the jobs still open at the hour's end.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from engine.domain.job.aggregate import Job
from engine.domain.values import Status
from engine.hospital import Hospital, RosterEntry
from engine.projections.board import Board
from simulations.load import load_of
from simulations.scenario import Scenario
from simulations.work import Wanted, WorkModel


def wanted(job: Job) -> Wanted:
    """A submitted job as the load model sees it."""
    return Wanted(
        group=job.group,
        at=max(job.requested_at, job.ready_at) if job.ready_at else job.requested_at,
        kind=job.kind,
        origin=job.origin.code,
        destination=job.destination.code,
        porters=job.requirements.porters_needed,
        skills=job.required_skills,
    )


WITHDRAWN = (Status.CANCELLED, Status.FAILED)


def _ended(job: Job) -> datetime | None:
    return job.ended_at if job.status is Status.COMPLETED or job.status in WITHDRAWN else None


def hours_of(
    board: Board,
    scenario: Scenario,
    hospital: Hospital,
    periods: Iterable[tuple[RosterEntry, datetime, datetime]],
    start: datetime,
    end: datetime,
) -> list[dict[str, Any]]:
    """One row an hour: `jobs` wanted in it, `offered` and `capacity` porter-minutes and
    their ratio, `late` among its jobs, and `open` jobs (wanted by then, not done, nor
    withdrawn) at its end."""
    jobs = sorted(board.jobs.values(), key=lambda j: (j.requested_at, j.key))
    work = [wanted(j) for j in jobs]
    hours = math.ceil((end - start).total_seconds() / 3600)
    load = load_of(work, WorkModel(scenario, hospital, work), periods, start, hours)
    zero = [0.0] * hours
    late = [0] * hours
    for job, w in zip(jobs, work, strict=True):
        h = math.floor((w.at - start).total_seconds() / 3600)
        done = job.ended_at if job.status is Status.COMPLETED else None
        missed = job.delivery_due <= end and (done is None or done > job.delivery_due)
        if 0 <= h < hours and missed and job.status not in WITHDRAWN:
            late[h] += 1
    rows = []
    for h in range(hours):
        until = min(start + timedelta(hours=h + 1), end)
        offered = sum(load.offered.get(g, zero)[h] for g in load.offered)
        capacity = sum(load.capacity.get(g, zero)[h] for g in load.capacity)
        still = sum(
            1
            for job, w in zip(jobs, work, strict=True)
            if w.at < until and ((e := _ended(job)) is None or e > until)
        )
        rows.append(
            {
                "hour": (start + timedelta(hours=h)).strftime("%H:%M"),
                "jobs": load.jobs[h],
                "offered": round(offered, 1),
                "capacity": round(capacity, 1),
                "utilisation": round(offered / capacity, 4) if capacity else None,
                "late": late[h],
                "open": still,
            }
        )
    return rows
