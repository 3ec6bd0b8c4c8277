"""Porters: the porter board, "my jobs", and shift, break and location.

A porter's token acts only for its own badge; staff may act for any porter
(a dispatcher booking someone onto a break by radio, a planner starting a shift).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from fastapi import APIRouter

from api.auth import Principal
from api.deps import AnyRole, AppDep, PorterOrStaff, Reader, Rostering, ServiceDep
from api.schemas import JobPublic, LocationCreate, PorterPublic, ShiftCreate
from engine.domain.values import Group
from engine.projections.service import Service

router = APIRouter(prefix="/porters", tags=["porters"])

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


@router.get("/{badge}")
def get_porter(badge: str, principal: AnyRole, service: ServiceDep) -> PorterPublic:
    _self_or_reader(principal, badge)
    return PorterPublic(**service.porter(badge))


@router.get("/{badge}/jobs")
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


@router.post("/{badge}/shift/start")
def start_shift(
    badge: str, body: ShiftCreate, principal: Rostering, app: AppDep, service: ServiceDep
) -> PorterPublic:
    return _act(service, principal, badge, lambda: app.start_shift(badge, body.ends_at))


@router.post("/{badge}/shift/end")
def end_shift(badge: str, principal: Rostering, app: AppDep, service: ServiceDep) -> PorterPublic:
    """Ends the shift; jobs not yet picked up go back to the pool for the next round."""
    return _act(service, principal, badge, lambda: app.end_shift(badge, by=principal.who))


@router.post("/{badge}/break/start")
def start_break(
    badge: str, principal: PorterOrStaff, app: AppDep, service: ServiceDep
) -> PorterPublic:
    return _act(service, principal, badge, lambda: app.start_break(badge), wake=False)


@router.post("/{badge}/break/end")
def end_break(
    badge: str, principal: PorterOrStaff, app: AppDep, service: ServiceDep
) -> PorterPublic:
    return _act(service, principal, badge, lambda: app.end_break(badge))


@router.post("/{badge}/location")
def report_location(
    badge: str, body: LocationCreate, principal: PorterOrStaff, app: AppDep, service: ServiceDep
) -> PorterPublic:
    return _act(
        service, principal, badge, lambda: app.report_location(badge, body.location), wake=False
    )
