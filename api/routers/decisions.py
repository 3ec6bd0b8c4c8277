"""Decisions: every dispatch round in brief, to list and filter; what one knew, chose and
why; and its replay. For auditors (and dispatchers, planners, admins)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Query

from api.audit_schemas import DecisionPublic, DecisionSummary, ReplayPublic
from api.deps import AppDep, Auditing, ServiceDep
from api.round_schemas import RoundJobPublic
from api.routing import OneHopRoute
from api.schemas import refusals
from engine.dispatch.auditing import decision_with_inputs, round_job
from engine.dispatch.explaining import replay
from engine.domain.values import Moment

router = APIRouter(
    route_class=OneHopRoute,
    prefix="/decisions",
    tags=["decisions"],
    responses=refusals(401, 403, 422),
)

Number = Annotated[int, Path(ge=1, description="rounds are numbered from 1 per site")]


@router.get("", responses=refusals(404))
def list_decisions(
    principal: Auditing,
    service: ServiceDep,
    job: Annotated[UUID | None, Query(description="only the rounds this job was in")] = None,
    from_: Annotated[
        Moment | None, Query(alias="from", description="made at or after (with offset)")
    ] = None,
    to: Annotated[Moment | None, Query(description="made before (with offset)")] = None,
    after: Annotated[int, Query(ge=0, description="numbered above: the last one seen")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[DecisionSummary]:
    """Rounds in brief, oldest first; page on with `after` = the last number answered."""
    rows = service.decisions(job, from_, to, after, limit)
    return [DecisionSummary(**r) for r in rows]


@router.get("/{number}", responses=refusals(404))
def get_decision_by_number(
    number: Number, principal: Auditing, app: AppDep, service: ServiceDep
) -> DecisionPublic:
    """The round whole: its parameters, the jobs and porters it considered, its choices
    with their costs, what it left waiting and why, exclusions by rule, overrides."""
    return DecisionPublic(**decision_with_inputs(app, number, service))


@router.get("/{number}/jobs/{job_id}", responses=refusals(404))
def get_decision_job(
    number: Number, job_id: UUID, principal: Auditing, app: AppDep, service: ServiceDep
) -> RoundJobPublic:
    """One job in the round: every porter the round considered for it, each with every
    hard rule that excluded them, or what they would have cost. 404 for a job the round
    did not consider."""
    return RoundJobPublic(**round_job(app, service, number, job_id))


@router.get("/{number}/replay", responses=refusals(404))
def replay_decision(number: Number, principal: Auditing, app: AppDep) -> ReplayPublic:
    """Re-solve the round from its stored inputs and compare with what it recorded."""
    return ReplayPublic(**replay(app, number))
