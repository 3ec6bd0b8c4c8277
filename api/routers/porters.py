"""Porters: the porter board, "my jobs", registering, changing and retiring porters, and
shift, break and location.

A porter's token acts only for its own badge; staff may act for any porter
(a dispatcher booking someone onto a break by radio, a planner starting a shift).
Planners and dispatchers keep the staff list; a porter registered with a shift
template is rostered by it from then on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from fastapi import APIRouter, status

from api.auth import Principal
from api.deps import AnyRole, AppDep, PorterOrStaff, Reader, Rostering, ServiceDep, Staffing
from api.rota_schemas import PorterCreate, PorterUpdate, RetireCreate
from api.routing import OneHopRoute, one_write
from api.schemas import JobPublic, LocationCreate, PorterPublic, ShiftCreate, refusals
from engine.domain.commands import ChangePorter, RegisterPorter, RetirePorter, parse
from engine.domain.values import Group
from engine.projections.service import Service

router = APIRouter(
    route_class=OneHopRoute, prefix="/porters", tags=["porters"], responses=refusals(401, 403, 422)
)

State = Literal["off_shift", "free", "busy", "on_break"]


@router.get("")
def porter_board(
    principal: Reader, service: ServiceDep, state: State | None = None, group: Group | None = None
) -> list[PorterPublic]:
    """Every porter: on shift or not, free, busy with which job, on break; where; today's load."""
    return [PorterPublic(**p) for p in service.porter_board(state, group)]


def _self_or_reader(principal: Principal, badge: str) -> None:
    if principal.role == "porter":
        principal.check_porter(badge)
    else:
        principal.require("dispatcher", "planner", "auditor", "admin")


_ONE = refusals(404)  # no such porter
_ACT = refusals(404, 409)  # no such porter; their state refuses it (retired, off shift, ...)


@router.post("", status_code=status.HTTP_201_CREATED, responses=refusals(409))
def register_porter(
    body: PorterCreate, principal: Staffing, app: AppDep, service: ServiceDep
) -> PorterPublic:
    """A new porter; with a shift template they are rostered by it at once."""
    app.register_porter(parse(RegisterPorter, body.model_dump()))
    service.written()
    return PorterPublic(**service.stored_porter(body.badge))


@router.patch("/{badge}", responses=_ACT)
def change_porter(
    badge: str, body: PorterUpdate, principal: Staffing, app: AppDep, service: ServiceDep
) -> PorterPublic:
    fields = body.model_dump(exclude_unset=True)
    if "skills" in fields and fields["skills"] is not None:
        fields["skills"] = tuple(fields["skills"])
    app.change_porter(badge, parse(ChangePorter, {**fields, "by": principal.who}))
    service.written()
    return PorterPublic(**service.stored_porter(badge))


@router.post("/{badge}/retire", responses=_ACT)
def retire_porter(
    badge: str, body: RetireCreate, principal: Staffing, app: AppDep, service: ServiceDep
) -> PorterPublic:
    """The porter leaves the service; their shifts to come are cancelled."""
    app.retire_porter(badge, parse(RetirePorter, {"reason": body.reason, "by": principal.who}))
    service.written()
    return PorterPublic(**service.stored_porter(badge))


@router.get("/{badge}", responses=_ONE)
def get_porter(badge: str, principal: AnyRole, service: ServiceDep) -> PorterPublic:
    _self_or_reader(principal, badge)
    return PorterPublic(**service.porter(badge))


@router.get("/{badge}/jobs", responses=_ONE)
def my_jobs(badge: str, principal: AnyRole, service: ServiceDep) -> list[JobPublic]:
    """A porter's open jobs, most urgent first."""
    _self_or_reader(principal, badge)
    return [JobPublic(**j) for j in service.porter_jobs(badge)]


def _act(
    service: Service,
    principal: Principal,
    badge: str,
    command: Callable[[], object],
    wake: bool = True,
) -> PorterPublic:
    principal.check_porter(badge)
    command()
    service.written(wake)
    return PorterPublic(**service.stored_porter(badge))


@router.post("/{badge}/shift/start", responses=_ACT)
def start_shift(
    badge: str, body: ShiftCreate, principal: Rostering, app: AppDep, service: ServiceDep
) -> PorterPublic:
    return _act(service, principal, badge, lambda: app.start_shift(badge, body.ends_at))


@router.post("/{badge}/shift/end", responses=_ACT)
def end_shift(badge: str, principal: Rostering, app: AppDep, service: ServiceDep) -> PorterPublic:
    """Ends the shift; jobs not yet picked up go back to the pool for the next round."""
    return _act(service, principal, badge, lambda: app.end_shift(badge, by=principal.who))


@router.post("/{badge}/break/start", responses=_ACT)
@one_write
def start_break(
    badge: str, principal: PorterOrStaff, app: AppDep, service: ServiceDep
) -> PorterPublic:
    return _act(service, principal, badge, lambda: app.start_break(badge), wake=False)


@router.post("/{badge}/break/end", responses=_ACT)
@one_write
def end_break(
    badge: str, principal: PorterOrStaff, app: AppDep, service: ServiceDep
) -> PorterPublic:
    return _act(service, principal, badge, lambda: app.end_break(badge))


@router.post("/{badge}/location", responses=_ACT)
@one_write
def report_location(
    badge: str, body: LocationCreate, principal: PorterOrStaff, app: AppDep, service: ServiceDep
) -> PorterPublic:
    return _act(
        service, principal, badge, lambda: app.report_location(badge, body.location), wake=False
    )
