"""Liveness and readiness, for process supervisors and load balancers.

Anyone may ask; only a reader's token (dispatcher, planner, auditor, admin) is told
more than ready or not: the site, store, log position, loop and, when not ready,
why. An anonymous caller learns nothing of the site, except that it runs in demo
mode when it does, where the well-known tokens let anyone in.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.auth import READERS
from api.deps import authenticate
from api.routing import OneHopRoute
from api.runtime import Runtime
from api.schemas import Health, refusals

router = APIRouter(route_class=OneHopRoute, tags=["health"], responses=refusals(422))

_bearer = HTTPBearer(auto_error=False, description="a reader's token: the details too")


@router.get("/health")
def health() -> Health:
    """The process answers."""
    return Health(status="ok")


async def _reader(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> bool:
    """Whether the caller may see the details: a known reader's token. No token, an
    unknown one or another role's is no refusal here, only the short answer."""
    runtime = getattr(request.app.state, "runtime", None)
    if runtime is None or credentials is None:
        return False
    try:
        principal = await authenticate(request, credentials)
    except HTTPException:
        return False
    return principal.role in READERS


def _not_ready(runtime: Runtime | None) -> str | None:
    if runtime is None or not runtime.ready:
        return "starting"
    if not runtime.loop.alive:
        return "the dispatch loop is not running"
    return runtime.loop.failure


@router.get(
    "/ready",
    response_model=Health,
    response_model_exclude_none=True,
    responses={503: {"model": Health}},
    # Signing in is optional here: FastAPI lists the bearer token as required and
    # appends this list to its own, so the page says "a token, or none".
    openapi_extra={"security": [{}]},
)
def ready(request: Request, reader: Annotated[bool, Depends(_reader)]) -> Health | JSONResponse:
    """The store is open, the board has caught up, the dispatch loop runs and its last
    step (a round, an escalation, a shift's end) did not fail."""
    runtime = getattr(request.app.state, "runtime", None)
    reason = _not_ready(runtime)
    if not reader or runtime is None:
        # Demo mode is the one thing anyone is told: anyone may sign in as anyone.
        demo = True if runtime is not None and runtime.api.demo else None
        if reason is not None:
            short = {"status": "not_ready", **({"demo": True} if demo else {})}
            return JSONResponse(short, status_code=503)
        return Health(status="ready", demo=demo)
    details = Health(
        status="ready" if reason is None else "not_ready",
        reason=reason,
        site=runtime.app.site,
        store=runtime.engine.store,
        position=runtime.service.refresh() if runtime.ready else None,
        loop="deciding" if runtime.loop.leading else "standing_by",
        rounds=runtime.loop.rounds,
        demo=runtime.api.demo,
    )
    if reason is not None:
        return JSONResponse(details.model_dump(exclude_none=True), status_code=503)
    return details
