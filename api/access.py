"""Who may touch a job: shared by the routers of jobs and of what happens around them.

A porter's action is checked by the job itself, as stored, not by a read model
that may lag behind another process's write; a ward's by the job's department,
which never changes. Another's job answers as one that does not exist (404).
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from api.auth import Principal
from api.schemas import JobPublic
from engine.domain.actor import acting
from engine.domain.errors import JobNotFound, NotThePortersJob
from engine.domain.ids import porter_id
from engine.projections.service import Service


def check(service: Service, principal: Principal, job_id: UUID) -> None:
    """Refuse a porter or ward another's job, as if it did not exist. The board as it
    stands usually answers; only a refusal is worth a fresh look at the log first."""
    own = str(porter_id(service.app.site, principal.badge)) if principal.badge else None
    try:
        principal.check_job(service.job_record(job_id, refresh=False), own)
    except JobNotFound:
        principal.check_job(service.job_record(job_id), own)


def act(
    service: Service,
    principal: Principal,
    job_id: UUID,
    command: Callable[[], object],
    wake: bool = True,
    for_: str | None = None,
) -> JobPublic:
    """Check, run, answer; the record names the caller, and the porter they acted for.
    A porter's action is checked by the job itself, as stored, not by a read model that
    may lag: a job never theirs answers 404 as an unknown one; one that moved, 409."""
    if principal.role != "porter":
        check(service, principal, job_id)
    try:
        with acting(principal.actor(for_)), service.app.saves() as saved:
            command()
    except NotThePortersJob:
        if principal.role == "porter":
            raise JobNotFound(job_id) from None
        raise
    service.written(wake)
    return JobPublic(**service.stored_job(job_id, saved()))


def own_badge(principal: Principal) -> str | None:
    """Who must hold the job for actions staff may also take: a porter, themselves."""
    return principal.badge if principal.role == "porter" else None
