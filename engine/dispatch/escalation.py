"""When a job escalates and what each level does: the rule, kept apart from who
fires it (the driver) and from how the write side carries it out.

A stage (not assigned, not acknowledged, not picked up) escalates once per
threshold the job has waited at it: again at twice the threshold, and so on,
each time taking the policy's next action for that stage, until the stage's
actions are done. Escalations already in the log count, so a driver that takes
over, or a replay, does not repeat them.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from engine.domain.job.aggregate import Job
from engine.domain.policy.document import PolicyDocument, Stage
from engine.domain.values import Status


@dataclass(frozen=True)
class Escalation:
    job_id: UUID
    level: int
    stage: str
    note: str
    action: str


def escalations_due(
    jobs: Iterable[Job],
    document: PolicyDocument,
    history: Mapping[UUID, Mapping[str, Sequence[datetime]]],
    now: datetime,
    answerable: Mapping[UUID, datetime] | None = None,
) -> list[Escalation]:
    """Every job waiting too long at its stage, as of `now`, in the order given.

    `history` holds, per job and stage, the times of the escalations recorded so far;
    `answerable`, for a job given to a porter about to finish, when they handed over:
    they could not answer before, so the wait for an answer counts from then.
    """
    due = []
    for job in jobs:
        start = max(job.requested_at, job.ready_at) if job.ready_at else job.requested_at
        limits = document.escalation[job.priority]
        stage: Stage
        if job.status is Status.REQUESTED:
            stage, since = "not_assigned", start
        elif job.status is Status.ASSIGNED and job.assigned_at is not None:
            stage, since = "not_acknowledged", job.assigned_at
            if answerable and job.id in answerable:
                since = max(since, answerable[job.id])
        elif job.status is Status.ACKNOWLEDGED:
            stage, since = "not_picked_up", start
        else:
            continue
        minutes = limits.minutes(stage)
        waited = now - since
        if waited < timedelta(minutes=minutes):
            continue  # the common case: not even the first threshold passed
        # The stage's escalations so far count from the job's start, not the stage's: a job
        # re-offered after nobody acknowledged it climbs on when the next porter is silent.
        times = history.get(job.id, {}).get(stage, ())  # in log order, so in time order
        done = len(times) - bisect_left(times, start)
        action = limits.action(stage, done)
        if action is not None and waited >= timedelta(minutes=minutes * (done + 1)):
            note = f"{stage.replace('_', ' ')} after {waited.total_seconds() / 60:.0f} min"
            due.append(
                Escalation(
                    job.id, job.escalation_level + 1, stage, f"{note} (limit {minutes})", action
                )
            )
    return due
