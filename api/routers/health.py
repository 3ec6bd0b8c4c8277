"""Liveness and readiness, unauthenticated, for process supervisors and load balancers."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.schemas import Health, refusals

router = APIRouter(tags=["health"], responses=refusals(422))


@router.get("/health")
def health() -> Health:
    """The process answers."""
    return Health(status="ok")


@router.get("/ready", response_model=Health, responses={503: {"model": Health}})
def ready(request: Request) -> Health | JSONResponse:
    """The store is open, the board has caught up and the dispatch loop runs."""
    runtime = getattr(request.app.state, "runtime", None)
    if runtime is None or not runtime.ready or not runtime.loop.alive:
        return JSONResponse(Health(status="starting").model_dump(), status_code=503)
    return Health(
        status="ready",
        site=runtime.app.site,
        store=runtime.engine.store,
        position=runtime.service.refresh(),
        loop="deciding" if runtime.loop.leading else "standing_by",
        rounds=runtime.loop.rounds,
        demo=runtime.api.demo,
    )
