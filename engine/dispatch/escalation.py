"""When a job escalates: the rule, kept apart from who fires it (the driver).

A stage (not assigned, not acknowledged, not picked up) escalates once per
threshold the job has waited at it: again at twice the threshold, and so on.
Escalations already in the log count, so a driver that takes over, or a
replay, does not repeat them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from engine.domain.job.aggregate import Job
from engine.domain.policy.document import PolicyDocument
from engine.domain.values import Status


@dataclass(frozen=True)
class Escalation:
    job_id: UUID
    level: int
    stage: str
    note: str


def escalations_due(
    jobs: Iterable[Job],
    document: PolicyDocument,
    history: Mapping[UUID, Sequence[tuple[str, datetime]]],
    now: datetime,
) -> list[Escalation]:
    """Every job waiting too long at its stage, as of `now`, in the order given."""
    due = []
    for job in jobs:
        start = max(job.requested_at, job.ready_at) if job.ready_at else job.requested_at
        limits = document.escalation[job.priority]
        if job.status is Status.REQUESTED:
            stage, since, minutes = "not_assigned", start, limits.not_assigned
        elif job.status is Status.ASSIGNED and job.assigned_at is not None:
            stage, since, minutes = "not_acknowledged", job.assigned_at, limits.not_acknowledged
        elif job.status is Status.ACKNOWLEDGED:
            stage, since, minutes = "not_picked_up", start, limits.not_picked_up
        else:
            continue
        done = sum(1 for s, at in history.get(job.id, ()) if s == stage and at >= since)
        waited = now - since
        if waited >= timedelta(minutes=minutes * (done + 1)):
            note = f"{stage.replace('_', ' ')} after {waited.total_seconds() / 60:.0f} min"
            due.append(Escalation(job.id, job.escalation_level + 1, stage, f"{note} (limit {minutes})"))
    return due
