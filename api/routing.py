"""The route class every router uses: a plain `def` endpoint costs one thread hop,
the runtime's parts are handed over without walking dependencies, and a query
parameter the route does not take is refused.

FastAPI runs a plain `def` endpoint in the thread pool and then, because the
endpoint is not a coroutine, hops to the pool a second time to validate its
answer. Our endpoints block (they read the board, write to the store), so they
leave the event loop once (short writes may not leave it at all, below); validating
a model that is already built does not need to.
Wrapping the endpoint in a coroutine that makes the one hop itself keeps the
signature FastAPI reads (through `__wrapped__`) and halves the hops. The answer
is then validated on the event loop, where FastAPI already serialised it: for a
whole board of a few thousand jobs that is milliseconds of pydantic-core, less
than the hop costs the many small answers.

The hop is asyncio's own (`to_thread`, into the loop's default executor, which the
app's lifespan sizes): anyio's, which Starlette uses, adds a capacity limiter, a
cancel scope and checkpoints on the event loop. The endpoint runs in a copy of the
request's context either way, so what the request set (who is acting) reaches it.

An endpoint's `RuntimeDep`, `ServiceDep` and `AppDep` are filled by the wrapper
from the request's runtime: FastAPI sees a signature with the request in their
place. The query check is part of the route's handler, not an app-wide dependency.
Each dependency is a node FastAPI walks on every request (a nested solve, four
parameter lookups, cache keys), and these need nothing FastAPI resolves. With the
hop, they were nearly a third of the Python calls a job's requests made on the event loop.

A job's own commands (`@one_write`: submit, acknowledge, pick up, complete...) and a
porter's break and location make no hop at all where the runtime lets writes stay
on the loop (`writes_on_loop`: by default unless the store is PostgreSQL; `--workers`
turns it off). SQLite takes one writer at a time, so a thread lets such a command
only wait for the lock elsewhere, and costs two thread switches and a contest for
the interpreter lock each way: on the loop, the server spent about an eighth less
CPU a job under `benchmarks/api.py`. The command holds the loop for its write and
its commit's fsync (about a millisecond). It goes to a thread after all when, as it
starts, another thread holds the board or reads the log (a board-wide read, the
dispatch loop catching up), so as not to wait for them on the loop. What it cannot
see coming is another process holding SQLite's lock (a second server on the file,
`dispatch rotate-key --vacuum`): then the whole server waits with it, up to the
lock timeout; such sites set `DISPATCH_WRITES_ON_LOOP=false`. Reads, which may walk
a whole board, and any write that checks more than its job or porter, keep the
thread; so does everything on PostgreSQL, whose round trips would hold up every
other request.

A route flat enough (`api.lean`) answers the plain case without FastAPI's generic
dependency walk, and hands anything else (a parameter that fails validation) to
FastAPI's handler.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
from collections.abc import Callable, Coroutine
from typing import Annotated, Any, TypeVar, get_origin, get_type_hints

from fastapi import APIRouter, FastAPI, Request, Response, params
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from api.deps import RUNTIME_PARTS
from api.lean import Lean
from api.runtime import Runtime
from engine.domain.errors import InvalidInput

_ONE_WRITE = "__one_write__"
E = TypeVar("E", bound=Callable[..., Any])


def one_write(endpoint: E) -> E:
    """Mark a plain `def` endpoint as one short command on one job or one porter (no
    board walk, no round, no rule check across porters), which may run on the event
    loop (see the module's docstring)."""
    setattr(endpoint, _ONE_WRITE, True)
    return endpoint


def one_hop(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """The endpoint as a coroutine FastAPI can call: runtime parts filled in, and a
    plain `def` run in a worker thread, once (or, for `one_write`, perhaps none)."""
    hints = get_type_hints(endpoint, include_extras=True)
    signature = inspect.signature(endpoint)
    parts: dict[str, Callable[[Runtime], Any]] = {}
    kept: list[inspect.Parameter] = []
    for param in signature.parameters.values():
        hint = hints.get(param.name, param.annotation)
        part = _runtime_part(hint)
        if part is None:
            kept.append(param.replace(annotation=hint))
        else:
            parts[param.name] = part
    blocking = not inspect.iscoroutinefunction(endpoint)
    may_stay = blocking and getattr(endpoint, _ONE_WRITE, False)
    own = next((p.name for p in kept if p.annotation is Request), None)
    if (parts or may_stay) and own is None:
        kept.append(inspect.Parameter(_REQUEST, inspect.Parameter.KEYWORD_ONLY, annotation=Request))
    if not (parts or blocking):
        return endpoint

    @functools.wraps(endpoint)
    async def run(**kwargs: Any) -> Any:
        stay = False
        if parts or may_stay:
            request: Request = kwargs[own] if own else kwargs.pop(_REQUEST)
            runtime: Runtime = request.app.state.runtime
            for name, part in parts.items():
                kwargs[name] = part(runtime)
            stay = may_stay and runtime.stays_on_loop()
        if stay:
            return endpoint(**kwargs)
        if blocking:
            return await asyncio.to_thread(endpoint, **kwargs)
        return await endpoint(**kwargs)

    run.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=kept, return_annotation=hints.get("return", signature.return_annotation)
    )
    return run


_REQUEST = "runtime_request_"


def _runtime_part(hint: Any) -> Callable[[Runtime], Any] | None:
    if get_origin(hint) is not Annotated:
        return None
    for meta in hint.__metadata__:
        if isinstance(meta, params.Depends) and meta.dependency in RUNTIME_PARTS:
            return RUNTIME_PARTS[meta.dependency]
    return None


class OneHopRoute(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if inspect.isfunction(endpoint) and not (
            inspect.isgeneratorfunction(endpoint) or inspect.isasyncgenfunction(endpoint)
        ):
            endpoint = one_hop(endpoint)
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Refuse a query parameter the route does not take: a misspelled filter
        (`?stauts=open`) would otherwise be ignored, and answer as if none was given.
        The names are the route's own and its router's dependencies'; the app adds
        none (`flat` includes only the routes; a dependency taking a query parameter
        added elsewhere would have to be named here)."""
        handler = super().get_route_handler()
        lean = Lean.of(self)
        known = _query_names(self.dependant)
        takes = ", ".join(sorted(known)) or "none"
        refusal = f"not a query parameter of this route (it takes: {takes})"

        async def checked(request: Request) -> Response:
            for name in request.query_params:
                if name not in known:
                    raise InvalidInput(name, refusal)
            if lean is not None and (answer := await lean(request)) is not None:
                return answer
            return await handler(request)

        return checked


def _query_names(dependant: Dependant) -> frozenset[str]:
    names = {f.alias for f in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return frozenset(names)


def flat(app: FastAPI, router: APIRouter) -> None:
    """Add a router's routes to the app's own list, as `include_router` did before
    FastAPI 0.16x. It now keeps each included router as a branch, and a request tries
    the routes of every branch before its own (and its own twice), keeping scope
    bookkeeping at each: under `benchmarks/api.py` the event loop made about a fifth
    fewer Python calls per job with the routes flat. A router's prefix, tags,
    responses and dependencies are already in its routes (`APIRouter.add_api_route`
    put them there), so the app and its OpenAPI are the same. What a branch would
    have added is the app's `dependency_overrides`, which therefore reach no route:
    tests build a runtime of their own (`api.deps`)."""
    app.router.routes.extend(router.routes)
