"""Decisions: what a dispatch round knew, chose and why; and its replay, for auditors."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from api.deps import AppDep, Auditing, ServiceDep
from engine.dispatch.decisions import get_decision
from engine.dispatch.explaining import decision_view, replay

router = APIRouter(prefix="/decisions", tags=["decisions"])

Number = Annotated[int, Path(ge=1, description="rounds are numbered from 1 per site")]


@router.get("/{number}")
def get_decision_by_number(
    number: Number, principal: Auditing, app: AppDep, service: ServiceDep
) -> dict[str, Any]:
    return decision_view(get_decision(app, number), service)


@router.get("/{number}/replay")
def replay_decision(number: Number, principal: Auditing, app: AppDep) -> dict[str, Any]:
    """Re-solve the round from its stored inputs and compare with what it recorded."""
    return replay(app, number)
