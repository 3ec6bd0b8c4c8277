"""What happens around a job besides moving it: incidents, complaints, a new time.

Kept beside `jobs` so each router stays readable; the same checks apply (a porter
only on their own job, a ward only on its department's), and each answer is the
job read back from the store.
"""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from api.access import act
from api.deps import AppDep, PorterOrStaff, ServiceDep, WardOrStaff
from api.record_schemas import ComplaintCreate, IncidentCreate, RescheduleCreate
from api.routing import OneHopRoute
from api.schemas import JobPublic, refusals

router = APIRouter(
    route_class=OneHopRoute,
    prefix="/jobs",
    tags=["jobs"],
    responses=refusals(401, 403, 404, 409, 422),
)


@router.post("/{job_id}/incidents")
def report_incident(
    job_id: UUID, body: IncidentCreate, principal: PorterOrStaff, app: AppDep, service: ServiceDep
) -> JobPublic:
    """Anything abnormal during a transport, reported at once: the dispatcher is alerted."""
    badge = principal.acting_badge(body.badge)
    return act(
        service,
        principal,
        job_id,
        lambda: app.report_incident(job_id, badge, body.category.value, body.note),
        wake=False,
        for_=badge,
    )


@router.post("/{job_id}/complaints")
def complain(
    job_id: UUID, body: ComplaintCreate, principal: WardOrStaff, app: AppDep, service: ServiceDep
) -> JobPublic:
    """The requesting ward complains about a job; it counts in the figures and against
    the porters who held it."""
    return act(
        service,
        principal,
        job_id,
        lambda: app.complain(job_id, body.category.value, body.text, principal.who),
        wake=False,
    )


@router.post("/{job_id}/reschedule")
def reschedule(
    job_id: UUID, body: RescheduleCreate, principal: WardOrStaff, app: AppDep, service: ServiceDep
) -> JobPublic:
    """A scheduled job (an appointment) moves; its return leg moves with it."""
    return act(
        service, principal, job_id, lambda: app.reschedule_job(job_id, body.ready_at, principal.who)
    )
