"""Dependency aliases: what a route needs, spelled once.

`Reader`, `Staff` and friends both authenticate and check the role, so a
route's signature says who may call it.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.auth import READERS, Principal, unauthorised
from api.runtime import Runtime
from api.settings import Role
from engine.domain.actor import act_as
from engine.domain.errors import InvalidInput
from engine.domain.recurring import KEY_PREFIX, is_recurring
from engine.projections.service import Service
from engine.write.application import DispatchApp

_bearer = HTTPBearer(
    auto_error=False,
    description="a static token from DISPATCH_TOKENS, or a token (JWT) of the identity provider",
)


# Dependencies are `async def` although they never await: FastAPI runs a plain `def`
# dependency in the thread pool, a thread hop per dependency per request.


def check_period(first: date, last: date, today: date, days: int) -> None:
    """A period of local days a reader asks for: in order, at most `days` long, and within
    years that can hold records (a year 9999 is no question worth a 500)."""
    for name, day in (("from", first), ("to", last)):
        if abs((day - today).days) > 20 * 366:
            raise InvalidInput(name, "must be within 20 years of today")
    if last < first:
        raise InvalidInput("to", "must not be before from")
    if (last - first).days >= days:
        raise InvalidInput("to", f"a period is at most {days} days")


async def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


async def get_service(request: Request) -> Service:
    service: Service = request.app.state.runtime.service
    return service


async def get_app(request: Request) -> DispatchApp:
    app: DispatchApp = request.app.state.runtime.app
    return app


# An endpoint's runtime parts are not walked as dependencies: every dependency is a
# node FastAPI walks on every request, and these run on every one. The route class
# (`api.routing`) fills them from the runtime itself; a dependency that needs them
# still gets them through `Depends`. `app.dependency_overrides` reaches no route (the
# routes are added flat, `api.routing.flat`): a test builds a runtime of its own instead.
RUNTIME_PARTS: dict[Callable[[Request], Coroutine[Any, Any, Any]], Callable[[Runtime], Any]] = {
    get_runtime: lambda runtime: runtime,
    get_service: lambda runtime: runtime.service,
    get_app: lambda runtime: runtime.app,
}

RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
ServiceDep = Annotated[Service, Depends(get_service)]
AppDep = Annotated[DispatchApp, Depends(get_app)]


Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


async def authenticate(request: Request, credentials: Credentials) -> Principal:
    if credentials is None:
        raise unauthorised("send a bearer token: Authorization: Bearer <token>")
    runtime: Runtime = request.app.state.runtime
    principal = await runtime.signin.principal(credentials.credentials)
    # Whatever this request records names its caller. Set here, in the request's own
    # task, it reaches the endpoint, which runs in a copy of this context.
    act_as(principal.actor())
    return principal


async def caller_key(
    key: Annotated[
        str, Header(alias="Idempotency-Key", min_length=1, max_length=200, pattern=r"\S")
    ],
) -> str:
    """A caller's idempotency key, from the callers' own key space: the hospital's regular
    rounds file their jobs under `round:...` keys, which a caller's must not meet."""
    if is_recurring(key):
        raise InvalidInput("Idempotency-Key", f"keys starting {KEY_PREFIX!r} are the rounds'")
    return key


IdempotencyKey = Annotated[str, Depends(caller_key)]


class Allow(HTTPBearer):
    """The caller, signed in, in one of `roles` (any role when none are named).

    A bearer scheme itself rather than a dependency on one: FastAPI walks each node of
    a route's dependencies on every request (a nested solve, cache keys, parameter
    lookups), and reading the header here spares a node on every request (under
    `benchmarks/api.py`, the dependency walk was about a seventh of the event loop's
    time). The OpenAPI is unchanged: the same `HTTPBearer` scheme."""

    def __init__(self, *roles: Role) -> None:
        super().__init__(
            scheme_name="HTTPBearer", description=_bearer.model.description, auto_error=False
        )
        self.roles = roles

    async def __call__(self, request: Request) -> Principal:  # type: ignore[override]
        principal = await authenticate(request, await super().__call__(request))
        if self.roles:
            principal.require(*self.roles)
        return principal


Reader = Annotated[Principal, Depends(Allow(*READERS))]
Dispatching = Annotated[Principal, Depends(Allow("dispatcher", "admin"))]
Submitter = Annotated[Principal, Depends(Allow("ward", "dispatcher", "admin"))]
PorterOrStaff = Annotated[Principal, Depends(Allow("porter", "dispatcher", "admin"))]
WardOrStaff = Annotated[Principal, Depends(Allow("ward", "dispatcher", "admin"))]
Rater = Annotated[Principal, Depends(Allow("ward", "admin"))]
Rostering = Annotated[Principal, Depends(Allow("porter", "dispatcher", "planner", "admin"))]
Planning = Annotated[Principal, Depends(Allow("planner", "admin"))]
Staffing = Annotated[Principal, Depends(Allow("dispatcher", "planner", "admin"))]
Auditing = Annotated[Principal, Depends(Allow("dispatcher", "auditor", "planner", "admin"))]
AnyRole = Annotated[Principal, Depends(Allow())]
