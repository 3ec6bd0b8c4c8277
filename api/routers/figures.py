"""Figures: the service's (times to each stage, SLA shares, delay reasons, workload) and
each porter's performance, for a day, a week or a month, as JSON or CSV.

Periods are local days of the hospital: `from` is the first, `to` the last (both
included). Porters see their own performance; dispatchers, planners, auditors
and admins see everyone's.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse, Response

from api.auth import Principal
from api.deps import AnyRole, Auditing, ServiceDep, check_period
from api.figure_schemas import FiguresPublic, PorterPerformance
from api.routing import OneHopRoute
from api.schemas import refusals
from engine.domain.values import Day
from engine.projections.performance import as_csv
from engine.projections.service import Service

router = APIRouter(
    route_class=OneHopRoute, prefix="/figures", tags=["figures"], responses=refusals(401, 403, 422)
)

From = Annotated[Day | None, Query(alias="from", description="first local day")]
To = Annotated[Day | None, Query(description="last local day, included")]
Format = Annotated[Literal["json", "csv"], Query(description="csv: one row per porter")]
_CSV = {"content": {"text/csv": {}}, "description": "rows as JSON, or one per porter as CSV"}


def _period(service: Service, first: date | None, last: date | None) -> tuple[datetime, datetime]:
    today = service.now().astimezone(service.tz).date()
    first = first or last or today
    last = last or first
    check_period(first, last, today, 366)
    return (
        datetime.combine(first, time(0), service.tz),
        datetime.combine(last + timedelta(days=1), time(0), service.tz),
    )


@router.get("")
def figures(
    principal: Auditing, service: ServiceDep, from_: From = None, to: To = None
) -> FiguresPublic:
    """The whole log by default; with `from`/`to`, the jobs requested in those days."""
    if from_ is None and to is None:
        return FiguresPublic(**service.figures())
    return FiguresPublic(**service.figures(*_period(service, from_, to)))


def _answer(rows: list[dict[str, Any]], fmt: str) -> Response | list[PorterPerformance]:
    if fmt == "csv":
        return PlainTextResponse(as_csv(rows), media_type="text/csv")
    return [PorterPerformance(**r) for r in rows]


@router.get("/porters", response_model=list[PorterPerformance], responses={200: _CSV})
def porters(
    principal: Auditing,
    service: ServiceDep,
    from_: From = None,
    to: To = None,
    format: Format = "json",
) -> Response | list[PorterPerformance]:
    """Every porter's work over the period (default: today): jobs by kind, a workload
    weighted by kind and distance, times to acknowledge, pick up and deliver, share
    within SLA, ratings, declines, incidents and overtime."""
    return _answer(service.porter_performance(*_period(service, from_, to)), format)


@router.get(
    "/porters/{badge}",
    response_model=list[PorterPerformance],
    responses={200: _CSV, **refusals(404)},
)
def porter(
    badge: str,
    principal: AnyRole,
    service: ServiceDep,
    from_: From = None,
    to: To = None,
    format: Format = "json",
) -> Response | list[PorterPerformance]:
    """One porter's work over the period; a porter may see their own."""
    _own_or_staff(principal, badge)
    rows = service.porter_performance(*_period(service, from_, to), badge)
    return _answer(rows, format)


def _own_or_staff(principal: Principal, badge: str) -> None:
    if principal.role == "porter":
        principal.check_porter(badge)
    else:
        principal.require("dispatcher", "planner", "auditor", "admin")
