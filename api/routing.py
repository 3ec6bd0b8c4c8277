"""The route class every router uses: a plain `def` endpoint costs one thread hop.

FastAPI runs a plain `def` endpoint in the thread pool and then, because the
endpoint is not a coroutine, hops to the pool a second time to validate its
answer. Our endpoints block (they write to the store), so they must leave the
event loop once; validating a model that is already built does not need to.
Wrapping the endpoint in a coroutine that makes the one hop itself keeps the
signature FastAPI reads (through `__wrapped__`) and halves the hops. The answer
is then validated on the event loop, where FastAPI already serialised it: for a
whole board of a few thousand jobs that is milliseconds of pydantic-core, less
than the hop costs the many small answers.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool


def one_hop(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(endpoint)
    async def run(*args: Any, **kwargs: Any) -> Any:
        return await run_in_threadpool(endpoint, *args, **kwargs)

    return run


class OneHopRoute(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if inspect.isfunction(endpoint) and not (
            inspect.iscoroutinefunction(endpoint)
            or inspect.isgeneratorfunction(endpoint)
            or inspect.isasyncgenfunction(endpoint)
        ):
            endpoint = one_hop(endpoint)
        super().__init__(path, endpoint, **kwargs)
