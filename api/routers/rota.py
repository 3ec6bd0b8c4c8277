"""The rota: who works when. Readers see it; planners and dispatchers edit it.

Days are planned by the engine from each porter's shift template, 14 days ahead;
edits are leave and sickness (the porter's shifts in that time are cancelled),
extra shifts and call-ins, and swaps between two porters. The engine starts and
ends shifts by what the rota says, so an edit takes effect on its own.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, status

from api.deps import AppDep, Reader, ServiceDep, Staffing, check_period
from api.rota_schemas import (
    AbsenceCreate,
    RotaDayPublic,
    RotaShiftCreate,
    ShiftIds,
    SwapCreate,
)
from api.routing import OneHopRoute
from api.schemas import refusals
from engine.domain.commands import Absence, AddShift, SwapShifts, parse
from engine.domain.values import Day

router = APIRouter(
    route_class=OneHopRoute, prefix="/rota", tags=["rota"], responses=refusals(401, 403, 422)
)

_ERRORS = refusals(404, 409)  # no such porter; the edit clashes with the rota


@router.get("")
def get_rota(
    principal: Reader,
    service: ServiceDep,
    from_: Annotated[
        Day | None, Query(alias="from", description="first day (default today)")
    ] = None,
    to: Annotated[Day | None, Query(description="last day (default from + 6)")] = None,
) -> list[RotaDayPublic]:
    """Each planned day: every shift, in the hospital's time, cancelled ones with why."""
    today = service.now().astimezone(service.tz).date()
    first = from_ or today
    last = to or first + timedelta(days=6)
    check_period(first, last, today, 92)
    return [RotaDayPublic(**d) for d in service.rota(first, last)]


@router.post("/absences", responses=_ERRORS)
def record_absence(
    body: AbsenceCreate, principal: Staffing, app: AppDep, service: ServiceDep
) -> ShiftIds:
    """Leave or sickness: the porter's shifts in that time are cancelled; one under way
    ends once their hands are free."""
    cancelled = app.absence(parse(Absence, {**body.model_dump(), "by": principal.who}))
    service.written()
    return ShiftIds(shifts=cancelled)


@router.post("/shifts", status_code=status.HTTP_201_CREATED, responses=_ERRORS)
def add_shift(
    body: RotaShiftCreate, principal: Staffing, app: AppDep, service: ServiceDep
) -> ShiftIds:
    """An extra shift, or a call-in (starting now): the engine starts it when due."""
    added = app.add_shift(parse(AddShift, {**body.model_dump(), "by": principal.who}))
    service.written()
    return ShiftIds(shifts=[added])


@router.post("/swaps", responses=_ERRORS)
def swap_shifts(
    body: SwapCreate, principal: Staffing, app: AppDep, service: ServiceDep
) -> ShiftIds:
    """Two porters exchange shifts."""
    added = app.swap_shifts(SwapShifts(first=body.first, second=body.second, by=principal.who))
    service.written()
    return ShiftIds(shifts=added)
