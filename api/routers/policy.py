"""The site's dispatch policy: read it, or publish a new version (planners): a whole one
(PUT), or the current one with some fields changed (PATCH)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.deps import AppDep, Planning, Reader, ServiceDep
from api.routing import OneHopRoute
from api.schemas import PolicyCreate, PolicyPublic, PolicyUpdate, refusals
from engine.dispatch.staging import suggested_staging
from engine.projections.service import Service
from engine.write.application import DispatchApp

router = APIRouter(
    route_class=OneHopRoute, prefix="/policy", tags=["policy"], responses=refusals(401, 403, 422)
)


@router.get("")
def get_policy(principal: Reader, app: AppDep) -> PolicyPublic:
    version, document = app.policy_document()
    return PolicyPublic(version=version, document=document.to_data())


@router.put("", responses=refusals(409))
def publish_policy(
    body: PolicyCreate, principal: Planning, app: AppDep, service: ServiceDep
) -> PolicyPublic:
    """A new version, whole; jobs already submitted keep the due times of theirs."""
    app.publish_policy(body.document, principal.who, body.note)
    return _published(app, service)


@router.patch("", responses=refusals(409))
def amend_policy(
    body: PolicyUpdate, principal: Planning, app: AppDep, service: ServiceDep
) -> PolicyPublic:
    """A new version: the current one with the given fields changed, the rest kept."""
    app.amend_policy(body.document, principal.who, body.note)
    return _published(app, service)


def _published(app: DispatchApp, service: Service) -> PolicyPublic:
    service.written()
    service.refresh()
    version, document = app.policy_document()
    return PolicyPublic(version=version, document=document.to_data())


class StagingSuggestion(BaseModel):
    days: int = Field(description="the days of the site's log it was learnt from")
    min_calls: int = Field(description="an hour with fewer of a group's calls gets no point")
    points: int = Field(description="the most points asked for, per group and hour")
    staging: dict[str, dict[int, str | list[str]]] = Field(
        description="group → local hour → the location where most of its pickups were (one"
        " point), or the places that most shorten the walk to them (several): ready to"
        " publish as the policy's `anticipation.staging` (PATCH /policy)"
    )
    calls: dict[str, dict[int, int]] = Field(description="the calls counted, group → hour")


@router.get("/staging-suggestion")
def staging_suggestion(
    principal: Planning,
    app: AppDep,
    service: ServiceDep,
    days: Annotated[int, Query(ge=1, le=366, description="days of the log to learn from")] = 28,
    min_calls: Annotated[int, Query(ge=1, le=100_000, description="calls an hour needs")] = 3,
    points: Annotated[
        int, Query(ge=1, le=12, description="points per group and hour, to spread idle porters")
    ] = 1,
) -> StagingSuggestion:
    """Staging points learnt from the site's own log: for each group and hour of the
    hospital's day, where its pickups were most often. A planner reviews them and
    publishes them (or their own) in the policy; nothing changes until then."""
    service.refresh()
    staging, calls = suggested_staging(
        service.board,
        app.layout.timezone,
        app.clock.now(),
        days,
        min_calls,
        points,
        app.layout.travel_minutes,
    )
    return StagingSuggestion(
        days=days, min_calls=min_calls, points=points, staging=staging, calls=calls
    )
