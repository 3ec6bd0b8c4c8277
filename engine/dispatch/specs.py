"""The assignment core's view of a job and of a porter, derived from their aggregates.

Pure functions of an aggregate's state: a round builds its problem with them, and a
recorded round rebuilds its inputs with them from the jobs' versions it names.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from uuid import UUID

from engine.assign import JobSpec, PorterSpec, Travel
from engine.domain.job.aggregate import Job
from engine.domain.policy.document import PolicyDocument
from engine.domain.porter.aggregate import Porter
from engine.domain.values import Priority, Status


def job_spec(job: Job) -> JobSpec:
    return JobSpec(
        id=str(job.id),
        kind=job.kind,
        priority=job.priority,
        group=job.group,
        origin=job.origin.code,
        destination=job.destination.code,
        requested_at=job.requested_at,
        pickup_due=job.pickup_due,
        delivery_due=job.delivery_due,
        required_skills=job.required_skills,
        porters_needed=job.requirements.porters_needed,
        needs_accompaniment=job.needs_accompaniment,
        accompaniment_confirmed=job.accompaniment_confirmed_by is not None,
        ready_at=job.ready_at,
        assigned_porters=tuple(job.porter_ids) if job.status is Status.ASSIGNED else (),
        declined_by=tuple(sorted(set(job.declined_by) | set(job.passed_over))),
        widened=job.widened,
    )


def job_order(spec: JobSpec) -> tuple[datetime, str]:
    return spec.requested_at, spec.id


def finishing(
    porter: Porter,
    jobs: Mapping[UUID, Job],
    document: PolicyDocument,
    travel: Travel,
    movable: set[str],
) -> tuple[datetime, str] | None:
    """When and where a porter whose one fixed job is under way should be free: picked up
    at, plus the job's handling, plus the walk to its destination (policy
    `anticipation.finishing_minutes`); None for anyone else. A job queued behind it that
    the round may still move does not count, as in `porter_spec`."""
    fixed = [j for j in porter.active_jobs if j not in movable]
    if len(fixed) != 1:
        return None
    job = jobs.get(UUID(fixed[0]))
    if job is None or job.status is not Status.IN_PROGRESS or job.picked_up_at is None:
        return None
    minutes = document.handling_minutes.get(job.kind, 0) + travel.between(
        job.origin.code, job.destination.code
    )
    return job.picked_up_at + timedelta(minutes=minutes), job.destination.code


def diverting(porter: Porter, jobs: Mapping[UUID, Job], movable: set[str]) -> str | None:
    """The job a porter is on the way to pick up, if a stat job may divert them from it
    (policy `anticipation.divert_for_stat`): their one fixed job, acknowledged, not yet
    picked up, not stat, for one porter, and not placed by a person; and nothing else."""
    if len(porter.active_jobs) != 1:  # nothing else held, movable or not
        return None
    job = jobs.get(UUID(porter.active_jobs[0]))
    if (
        job is None
        or str(job.id) in movable
        or job.status is not Status.ACKNOWLEDGED
        or job.priority is Priority.STAT
        or job.requirements.porters_needed != 1
        or job.pinned
    ):
        return None
    return str(job.id)


def porter_spec(
    porter: Porter,
    movable: set[str],
    free: tuple[datetime, str] | None = None,
    diverting: str | None = None,
) -> PorterSpec:
    """`free`: when and where a finishing porter will be free (see `finishing`);
    `diverting`: the pickup a stat job may divert them from (see `diverting`)."""
    return PorterSpec(
        id=str(porter.id),
        badge=porter.badge,
        group=porter.group,
        skills=frozenset(porter.skills),
        location=porter.location,
        on_shift=porter.on_shift,
        on_break=porter.on_break,
        shift_ends_at=porter.shift_ends_at,
        active_jobs=sum(1 for j in porter.active_jobs if j not in movable),
        jobs_this_shift=porter.jobs_this_shift,
        free_since=porter.last_free_at,
        free_at=None if free is None else free[0],
        free_location=None if free is None else free[1],
        diverting=diverting,
    )


def queued(job: Job, jobs: Mapping[UUID, Job], porters: Mapping[UUID, Porter]) -> bool:
    """Whether `job` waits for a porter of its to hand over another job they carry: given
    to a porter about to finish, it is not under way yet."""
    for pid in job.porter_ids:
        porter = porters.get(UUID(pid))
        if porter is not None and any(
            (other := jobs.get(UUID(j))) is not None and other.status is Status.IN_PROGRESS
            for j in porter.active_jobs
            if j != str(job.id)
        ):
            return True
    return False
