"""The assignment core's view of a job and of a porter, derived from their aggregates.

Pure functions of an aggregate's state: a round builds its problem with them, and a
recorded round rebuilds its inputs with them from the jobs' versions it names.
"""

from __future__ import annotations

from datetime import datetime

from engine.assign import JobSpec, PorterSpec
from engine.domain.job.aggregate import Job
from engine.domain.porter.aggregate import Porter
from engine.domain.values import Status


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


def porter_spec(porter: Porter, movable: set[str]) -> PorterSpec:
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
    )
