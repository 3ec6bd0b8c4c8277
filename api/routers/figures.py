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
from api.deps import AnyRole, Auditing, ServiceDep
from api.schemas import Problem
from engine.projections.performance import as_csv
from engine.projections.service import Service

router = APIRouter(prefix="/figures", tags=["figures"])

From = Annotated[date | None, Query(alias="from", description="first local day")]
To = Annotated[date | None, Query(description="last local day, included")]
Format = Annotated[Literal["json", "csv"], Query(description="csv: one row per porter")]
_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "no such porter"},
    422: {"model": Problem, "description": "a bad period: named in `field`"},
}
_CSV = {"content": {"text/csv": {}}, "description": "one row per porter (format=csv)"}


def _period(service: Service, first: date | None, last: date | None) -> tuple[datetime, datetime]:
    today = service.now().astimezone(service.tz).date()
    first = first or last or today
    last = last or first
    return (
        datetime.combine(first, time(0), service.tz),
        datetime.combine(last + timedelta(days=1), time(0), service.tz),
    )


@router.get("", responses={422: _ERRORS[422]})
def figures(
    principal: Auditing, service: ServiceDep, from_: From = None, to: To = None
) -> dict[str, Any]:
    """The whole log by default; with `from`/`to`, the jobs requested in those days."""
    if from_ is None and to is None:
        return service.figures()
    return service.figures(*_period(service, from_, to))


def _answer(rows: list[dict[str, Any]], fmt: str) -> Response | list[dict[str, Any]]:
    if fmt == "csv":
        return PlainTextResponse(as_csv(rows), media_type="text/csv")
    return rows


@router.get(
    "/porters",
    response_model=None,
    responses={200: {"content": {"text/csv": {}}}, 422: _ERRORS[422]},
)
def porters(
    principal: Auditing,
    service: ServiceDep,
    from_: From = None,
    to: To = None,
    format: Format = "json",
) -> Response | list[dict[str, Any]]:
    """Every porter's work over the period (default: today): jobs by kind, a workload
    weighted by kind and distance, times to acknowledge, pick up and deliver, share
    within SLA, ratings, declines, incidents and overtime."""
    return _answer(service.porter_performance(*_period(service, from_, to)), format)


@router.get(
    "/porters/{badge}",
    response_model=None,
    responses={200: {"content": {"text/csv": {}}}, **_ERRORS},
)
def porter(
    badge: str,
    principal: AnyRole,
    service: ServiceDep,
    from_: From = None,
    to: To = None,
    format: Format = "json",
) -> Response | list[dict[str, Any]]:
    """One porter's work over the period; a porter may see their own."""
    _own_or_staff(principal, badge)
    rows = service.porter_performance(*_period(service, from_, to), badge)
    return _answer(rows, format)


def _own_or_staff(principal: Principal, badge: str) -> None:
    if principal.role == "porter":
        principal.check_porter(badge)
    else:
        principal.require("dispatcher", "planner", "auditor", "admin")
