"""Flat per-job records of a run, and the service figures planners compare.

Records are read back from the run's own board (its event log folded through
the aggregates), not from the simulation's bookkeeping, so a replayed or real
log gives figures the same way.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from engine.domain import events as ev
from engine.domain.job.aggregate import Job
from engine.domain.values import Priority, Status
from engine.projections.board import Board
from engine.write.application import DispatchApp

STAT_FAST_MINUTES = 5.0


@dataclass(frozen=True)
class JobRecord:
    key: str
    kind: str
    priority: str
    group: str
    origin: str
    destination: str
    leg: str
    status: str
    requested_at: str
    ready_at: str | None
    porters: str
    lent: bool
    wait_to_pickup: float | None
    wait_to_delivery: float | None
    late_pickup: bool | None
    late: bool | None
    assignments: int
    escalations: int
    # Where the time went: start to the (last) assignment, and from it to the pickup.
    to_assignment: float | None = None
    assignment_to_pickup: float | None = None
    # Of the wait to pickup, minutes on the ward: an escort not yet confirmed, a patient
    # not ready when the porter came (a simulation knows; a log does not say).
    ward_minutes: float = 0.0


def _minutes(a: datetime, b: datetime) -> float:
    return round((b - a).total_seconds() / 60, 3)


def _late(done: datetime | None, due: datetime, end: datetime) -> bool | None:
    """Late if done after due, or not done by the end though due before it; None if unknown."""
    if done is not None:
        return done > due
    return True if due <= end else None


def record(job: Job, board: Board, end: datetime, ward_minutes: float = 0.0) -> JobRecord:
    start = max(job.requested_at, job.ready_at) if job.ready_at else job.requested_at
    porters = [board.porters[UUID(p)] for p in job.porter_ids]
    picked = job.picked_up_at
    delivered = job.ended_at if job.status is Status.COMPLETED else None
    ended_otherwise = job.status in (Status.CANCELLED, Status.FAILED)
    return JobRecord(
        key=job.key,
        kind=job.kind.value,
        priority=job.priority.value,
        group=job.group,
        origin=job.origin.code,
        destination=job.destination.code,
        leg=job.leg,
        status=job.status.value,
        requested_at=job.requested_at.isoformat(),
        ready_at=job.ready_at.isoformat() if job.ready_at else None,
        porters=";".join(p.badge for p in porters),
        lent=any(p.group != job.group for p in porters),
        wait_to_pickup=_minutes(start, picked) if picked else None,
        wait_to_delivery=_minutes(start, delivered) if delivered else None,
        late_pickup=None if ended_otherwise else _late(picked, job.pickup_due, end),
        late=None if ended_otherwise else _late(delivered, job.delivery_due, end),
        assignments=job.assignments,
        escalations=job.escalation_level,
        to_assignment=_minutes(start, job.assigned_at) if job.assigned_at else None,
        assignment_to_pickup=_minutes(job.assigned_at, picked)
        if picked and job.assigned_at
        else None,
        ward_minutes=round(ward_minutes, 3),
    )


def records(
    board: Board, end: datetime, ward_minutes: Mapping[UUID, float] | None = None
) -> list[JobRecord]:
    board.catch_up()
    jobs = sorted(board.jobs.values(), key=lambda j: (j.requested_at, j.key))
    ward = ward_minutes or {}
    return [record(j, board, end, ward.get(j.id, 0.0)) for j in jobs]


QUANTILES = (("p50", 0.5), ("p90", 0.9), ("p95", 0.95), ("p99", 0.99))


def quantile(ordered: list[float], q: float) -> float:
    """The nearest-rank q-quantile of sorted values: a value some job really waited."""
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def _quantiles(values: list[float]) -> dict[str, float | None]:
    out: dict[str, float | None] = {name: None for name in (*dict(QUANTILES), "mean")}
    if values:
        ordered = sorted(values)
        out = {name: round(quantile(ordered, q), 2) for name, q in QUANTILES}
        out["mean"] = round(statistics.fmean(ordered), 2)
    return out


def _share(flags: list[bool | None]) -> float | None:
    known = [f for f in flags if f is not None]
    return round(sum(1 for f in known if not f) / len(known), 4) if known else None


def censored_wait(row: JobRecord, end: datetime) -> float | None:
    """Minutes to pickup, or, for a job never picked up, to the end of the run (it waited
    at least that long): a rule that leaves jobs waiting cannot hide them from the tail.
    None for a job not wanted before the end, or withdrawn."""
    if row.wait_to_pickup is not None:
        return row.wait_to_pickup
    if row.status in (Status.CANCELLED.value, Status.FAILED.value):
        return None
    start = datetime.fromisoformat(row.ready_at or row.requested_at)
    start = max(start, datetime.fromisoformat(row.requested_at))
    return _minutes(start, end) if start < end else None


def summarise(
    rows: list[JobRecord], busy_minutes: float, shift_minutes: float, end: datetime
) -> dict[str, Any]:
    """The service figures of one run, as plain numbers.

    Waits to pickup are given twice: over the jobs picked up, and `wait_censored`,
    where a job never picked up counts as waiting until the end of the run."""
    late = [r.late for r in rows if r.late is not None]
    stat = [r for r in rows if r.priority == Priority.STAT.value]
    stat_fast = [
        r.wait_to_pickup is not None and r.wait_to_pickup <= STAT_FAST_MINUTES for r in stat
    ]
    # The same, less the minutes the ward kept the job: what dispatch answers for.
    stat_fast_dispatch = [
        r.wait_to_pickup is not None and r.wait_to_pickup - r.ward_minutes <= STAT_FAST_MINUTES
        for r in stat
    ]
    by_priority = {}
    censored: dict[str, list[float]] = {}
    for p in Priority:
        mine = [r for r in rows if r.priority == p.value]
        censored[p.value] = [w for r in mine if (w := censored_wait(r, end)) is not None]
        by_priority[p.value] = {
            "jobs": len(mine),
            "wait_to_pickup": _quantiles(
                [r.wait_to_pickup for r in mine if r.wait_to_pickup is not None]
            ),
            "wait_censored": _quantiles(censored[p.value]),
            "wait_to_delivery": _quantiles(
                [r.wait_to_delivery for r in mine if r.wait_to_delivery is not None]
            ),
            "pickup_within_sla": _share([r.late_pickup for r in mine]),
            "delivered_within_sla": _share([r.late for r in mine]),
        }
    every = [w for ws in censored.values() for w in ws]
    return {
        "jobs": len(rows),
        "completed": sum(1 for r in rows if r.status == Status.COMPLETED.value),
        "open_at_end": sum(1 for r in rows if r.status not in ("completed", "cancelled", "failed")),
        "late_jobs": sum(1 for f in late if f),
        "late_ratio": round(sum(1 for f in late if f) / len(late), 4) if late else None,
        "stat_jobs": len(stat),
        "stat_pickup_within_5_min": round(sum(stat_fast) / len(stat), 4) if stat else None,
        "stat_pickup_within_5_min_of_ward_ready": (
            round(sum(stat_fast_dispatch) / len(stat), 4) if stat else None
        ),
        "wait_censored_minutes": round(sum(every), 2),
        "lent_jobs": sum(1 for r in rows if r.lent),
        "porter_utilisation": round(busy_minutes / shift_minutes, 4) if shift_minutes else None,
        "by_priority": by_priority,
    }


def busy_minutes(board: Board) -> float:
    """Porter-minutes spent on completed jobs, from assignment to delivery."""
    total = 0.0
    for job in board.jobs.values():
        if job.status is Status.COMPLETED and job.assigned_at and job.ended_at:
            total += _minutes(job.assigned_at, job.ended_at) * len(job.porter_ids)
    return total


def as_rows(rows: list[JobRecord]) -> list[dict[str, Any]]:
    return [asdict(r) for r in rows]


def unserved(app: DispatchApp, board: Board, end: datetime) -> list[dict[str, Any]]:
    """Every request nobody took, with why: what the last round that looked at it said
    (no one on shift with the skill, nobody of that group, ...), or that it was due
    after the run, or arrived after the last round."""
    waiting = {str(j.id): j for j in board.jobs.values() if j.status is Status.REQUESTED}
    reasons: dict[str, str] = {}
    topic = ev.topic_of(ev.DecisionMade)
    stop = app.recorder.max_notification_id() or 0
    window = 5000
    while stop > 0 and len(reasons) < len(waiting):  # the last rounds first: few are read
        start = max(1, stop - window + 1)
        batch = app.recorder.select_notifications(
            start=start, limit=window, stop=stop, topics=[topic]
        )
        for n in reversed(batch):
            decision: Any = app.mapper.to_domain_event(n)
            for u in decision.result.get("unassigned", []):
                if u["job_id"] in waiting:
                    reasons.setdefault(u["job_id"], u["reason"])
        stop = start - 1
    out = []
    for jid, job in sorted(waiting.items(), key=lambda kv: (kv[1].requested_at, kv[0])):
        reason = reasons.get(jid)
        if reason is None and job.ready_at is not None and job.ready_at >= end:
            reason = f"scheduled for {job.ready_at.isoformat()}, after the run"
        elif reason is None:
            reason = "arrived after the last round of the run"
        out.append({"job_id": jid, "kind": job.kind.value, "group": job.group, "reason": reason})
    return out
