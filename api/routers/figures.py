"""Service figures for managers: times to each stage, SLA shares, delay reasons, workload."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import Auditing, ServiceDep

router = APIRouter(prefix="/figures", tags=["figures"])


@router.get("")
def figures(principal: Auditing, service: ServiceDep) -> dict[str, Any]:
    return service.figures()
