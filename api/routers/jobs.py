"""Jobs: submit, read the board, and every lifecycle action, one route each.

A ward is refused another department's job before anything runs, a porter by the
job itself (`api.access`), both as if it did not exist (404); the command then
validates and saves atomically.
The answer is the job read back from the store, so it shows the caller's own
write even before the read models (and the event stream) have caught up,
which they do a moment later in the background.

FastAPI tries a router's routes in the order they are declared, so the ones every
job takes (submit, then the porter's acknowledge, pick-up and complete) come first.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status

from api.access import act, check, own_badge
from api.audit_schemas import TimelinePublic, WhyPublic
from api.auth import Principal
from api.deps import (
    AnyRole,
    AppDep,
    Auditing,
    Dispatching,
    IdempotencyKey,
    PorterOrStaff,
    Rater,
    ServiceDep,
    Submitter,
    WardOrStaff,
)
from api.routing import OneHopRoute, one_write
from api.schemas import (
    AccompanimentCreate,
    AssignCreate,
    CompleteCreate,
    DeclineCreate,
    JobCreate,
    JobPublic,
    OverrideCreate,
    PickUpCreate,
    PorterActionCreate,
    RateCreate,
    TransitionCreate,
    refusals,
)
from engine.dispatch.explaining import why
from engine.dispatch.manual import assign_by_hand
from engine.dispatch.manual import override as override_job
from engine.domain.actor import acting
from engine.domain.commands import Complete, Rate, Transition
from engine.domain.values import Group, Kind, Priority, Status

router = APIRouter(
    route_class=OneHopRoute, prefix="/jobs", tags=["jobs"], responses=refusals(401, 403, 422)
)
_ONE = refusals(404)  # no such job (or porter)
_ACT = refusals(404, 409)  # no such job or porter; the job's state refuses it


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"model": JobPublic, "description": "a retry: the job this key created"},
        **refusals(409),
    },
)
@one_write
def submit_job(
    body: JobCreate,
    principal: Submitter,
    app: AppDep,
    service: ServiceDep,
    response: Response,
    idempotency_key: IdempotencyKey,
) -> JobPublic:
    """Record a request once per Idempotency-Key: 201 the first time, 200 for a retry."""
    principal.check_request(
        body.department, body.group, app.layout.catalogue.departments.get(body.department)
    )
    with acting(principal.actor(for_=body.department)), app.saves() as saved:
        jid, created = app.submit(body, idempotency_key, scope=principal.key_scope())
    service.written()
    if not created:
        response.status_code = status.HTTP_200_OK
    return JobPublic(**service.stored_job(jid, saved()))


@router.post("/{job_id}/acknowledge", responses=_ACT)
@one_write
def acknowledge(
    job_id: UUID,
    principal: PorterOrStaff,
    app: AppDep,
    service: ServiceDep,
    body: PorterActionCreate | None = None,
) -> JobPublic:
    badge = principal.acting_badge(body.badge if body else None)
    return act(
        service,
        principal,
        job_id,
        lambda: app.acknowledge_job(job_id, badge),
        wake=False,
        for_=badge,
    )


@router.post("/{job_id}/confirm-accompaniment", responses=_ACT)
@one_write
def confirm_accompaniment(
    job_id: UUID,
    body: AccompanimentCreate,
    principal: WardOrStaff,
    app: AppDep,
    service: ServiceDep,
) -> JobPublic:
    """The ward confirms who goes along; pickup is refused until it has."""
    return act(
        service,
        principal,
        job_id,
        lambda: app.confirm_accompaniment(job_id, principal.who, body.companion),
    )


@router.post("/{job_id}/pick-up", responses=_ACT)
@one_write
def pick_up(
    job_id: UUID, body: PickUpCreate, principal: PorterOrStaff, app: AppDep, service: ServiceDep
) -> JobPublic:
    badge = principal.acting_badge(body.badge)
    return act(
        service,
        principal,
        job_id,
        lambda: app.pick_up_job(job_id, badge, body.companion_present, body.handed_over_by),
        wake=False,
        for_=badge,
    )


@router.post("/{job_id}/complete", responses=_ACT)
@one_write
def complete(
    job_id: UUID, body: CompleteCreate, principal: PorterOrStaff, app: AppDep, service: ServiceDep
) -> JobPublic:
    badge = principal.acting_badge(body.badge)
    cmd = Complete(received_by=body.received_by, note=body.note)
    return act(service, principal, job_id, lambda: app.complete_job(job_id, badge, cmd), for_=badge)


@router.get("")
def job_board(
    principal: AnyRole,
    service: ServiceDep,
    status_: Annotated[Status | None, Query(alias="status")] = None,
    group: Group | None = None,
    priority: Priority | None = None,
    kind: Kind | None = None,
) -> list[JobPublic]:
    """Open jobs, most urgent first (or the jobs of one status)."""
    principal.require("ward", "dispatcher", "planner", "auditor", "admin")
    jobs = service.job_board(status_, group, priority, kind)
    if principal.role == "ward" and principal.department:
        jobs = [j for j in jobs if j["department"] == principal.department]
    return [JobPublic(**j) for j in jobs]


@router.get("/{job_id}", responses=_ONE)
def get_job(job_id: UUID, principal: AnyRole, service: ServiceDep) -> JobPublic:
    """One job, as of everything recorded before the request. Porters see only theirs,
    wards only their department's."""
    check(service, principal, job_id)
    return JobPublic(**service.job(job_id))


@router.get("/{job_id}/timeline", responses=_ONE)
def job_timeline(job_id: UUID, principal: Auditing, service: ServiceDep) -> TimelinePublic:
    """Every event of the job and every dispatch round that considered it, oldest first."""
    return TimelinePublic(job=service.job(job_id), entries=service.timeline(job_id))


@router.get("/{job_id}/why", responses=_ONE)
def job_why(
    job_id: UUID,
    principal: Auditing,
    app: AppDep,
    service: ServiceDep,
    porter: Annotated[
        str | None, Query(max_length=32, description="a badge: why (not) this porter")
    ] = None,
) -> WhyPublic:
    """Why the engine chose who it chose for this job, and why not `porter`."""
    return WhyPublic(**why(app, service, job_id, porter))


@router.post("/{job_id}/assign", responses=_ACT)
def assign(
    job_id: UUID, body: AssignCreate, principal: Dispatching, app: AppDep, service: ServiceDep
) -> JobPublic:
    """A person's choice: pinned (no round moves it), refused with the rule it breaks
    unless `force` says why."""
    refs: list[UUID | str] = list(body.porters)
    return act(
        service,
        principal,
        job_id,
        lambda: assign_by_hand(app, job_id, refs, principal.who, body.force),
    )


@router.post("/{job_id}/override", responses=_ACT)
def override(
    job_id: UUID, body: OverrideCreate, principal: Dispatching, app: AppDep, service: ServiceDep
) -> JobPublic:
    """Overrule the engine: the job moves and its decision records who, why and what it chose."""
    cmd = Transition(reason=body.code, note=body.reason, by=principal.who)
    refs: list[UUID | str] = list(body.porters)
    return act(service, principal, job_id, lambda: override_job(app, job_id, refs, cmd, body.force))


@router.post("/{job_id}/decline", responses=_ACT)
@one_write
def decline(
    job_id: UUID, body: DeclineCreate, principal: PorterOrStaff, app: AppDep, service: ServiceDep
) -> JobPublic:
    badge = principal.acting_badge(body.badge)
    cmd = Transition(reason=body.reason, note=body.note, by=principal.who)
    return act(service, principal, job_id, lambda: app.decline_job(job_id, badge, cmd), for_=badge)


def _transition(body: TransitionCreate, principal: Principal) -> Transition:
    return Transition(reason=body.reason, note=body.note, by=principal.who)


@router.post("/{job_id}/hold", responses=_ACT)
@one_write
def hold(
    job_id: UUID, body: TransitionCreate, principal: PorterOrStaff, app: AppDep, service: ServiceDep
) -> JobPublic:
    cmd = _transition(body, principal)
    me = own_badge(principal)
    return act(service, principal, job_id, lambda: app.hold_job(job_id, cmd, me), wake=False)


@router.post("/{job_id}/resume", responses=_ACT)
@one_write
def resume(job_id: UUID, principal: PorterOrStaff, app: AppDep, service: ServiceDep) -> JobPublic:
    me = own_badge(principal)
    return act(
        service, principal, job_id, lambda: app.resume_job(job_id, principal.who, me), wake=False
    )


@router.post("/{job_id}/release", responses=_ACT)
@one_write
def release(
    job_id: UUID, body: TransitionCreate, principal: Dispatching, app: AppDep, service: ServiceDep
) -> JobPublic:
    """Hand a job back to the pool; the next round assigns it again."""
    cmd = _transition(body, principal)
    return act(service, principal, job_id, lambda: app.release_job(job_id, cmd))


@router.post("/{job_id}/cancel", responses=_ACT)
@one_write
def cancel(
    job_id: UUID, body: TransitionCreate, principal: WardOrStaff, app: AppDep, service: ServiceDep
) -> JobPublic:
    cmd = _transition(body, principal)
    return act(service, principal, job_id, lambda: app.cancel_job(job_id, cmd))


@router.post("/{job_id}/fail", responses=_ACT)
@one_write
def fail(
    job_id: UUID, body: TransitionCreate, principal: PorterOrStaff, app: AppDep, service: ServiceDep
) -> JobPublic:
    cmd, me = _transition(body, principal), own_badge(principal)
    return act(service, principal, job_id, lambda: app.fail_job(job_id, cmd, me))


@router.post("/{job_id}/rate", responses=_ACT)
@one_write
def rate(
    job_id: UUID, body: RateCreate, principal: Rater, app: AppDep, service: ServiceDep
) -> JobPublic:
    """The requesting ward rates a completed job, once."""
    cmd = Rate(score=body.score, comment=body.comment, by=principal.who)
    return act(service, principal, job_id, lambda: app.rate_job(job_id, cmd), wake=False)
