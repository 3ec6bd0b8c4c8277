"""A plain `def` endpoint leaves the event loop once: it runs in a worker thread, its
signature (parameters, answer model, status) is still what FastAPI documents and checks.
The runtime's parts reach it without being dependencies, what the request set reaches
its thread, and a query parameter it does not take is refused. A `one_write` endpoint
stays on the loop where the runtime says writes may."""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import SimpleNamespace
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from pydantic import BaseModel

from api import errors
from api.deps import AppDep, RuntimeDep, ServiceDep
from api.routing import OneHopRoute, one_write
from tests.integration.apiclient import TestClient

_caller: contextvars.ContextVar[str] = contextvars.ContextVar("caller", default="nobody")


class Answer(BaseModel):
    n: int
    thread: str


router = APIRouter(route_class=OneHopRoute)


@router.post("/double/{n}", status_code=201)
def double(n: int, response: Response) -> Answer:
    if n == 0:
        response.status_code = 200
    return Answer(n=2 * n, thread=threading.current_thread().name)


@router.get("/loop")
async def on_the_loop() -> Answer:
    asyncio.get_running_loop()  # a coroutine endpoint stays on the event loop
    return Answer(n=0, thread=threading.current_thread().name)


async def who(request: Request) -> str:
    _caller.set(request.headers.get("x-caller", "nobody"))  # as signing in sets the actor
    return "checked"


@router.get("/parts")
def parts(
    runtime: RuntimeDep,
    service: ServiceDep,
    app: AppDep,
    checked: Annotated[str, Depends(who)],
    limit: int = 10,
) -> dict[str, object]:
    return {
        "runtime": runtime.site,
        "service": service,
        "app": app,
        "caller": _caller.get(),
        "checked": checked,
        "limit": limit,
    }


@router.get("/parts/own-request")
async def parts_with_own_request(request: Request, service: ServiceDep) -> dict[str, object]:
    return {"path": request.url.path, "service": service}


@router.post("/write/{n}", status_code=201)
@one_write
def one_command(
    n: int, service: ServiceDep, checked: Annotated[str, Depends(who)]
) -> dict[str, object]:
    return {
        "n": n,
        "thread": threading.current_thread().name,
        "service": service,
        "caller": _caller.get(),  # set by `who`, the dependency `checked` comes from
        "checked": checked,
    }


@router.post("/write/own-request/{n}")
@one_write
def one_command_with_own_request(n: int, request: Request, app: AppDep) -> dict[str, object]:
    return {"n": n, "path": request.url.path, "app": app, "thread": threading.current_thread().name}


def client(writes_on_loop: bool = False) -> TestClient:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.runtime = SimpleNamespace(
            site="the runtime", service="board", app="store", stays_on_loop=lambda: writes_on_loop
        )
        yield

    app = FastAPI(lifespan=lifespan)
    errors.install(app)
    app.include_router(router)
    return TestClient(app)


def test_a_plain_endpoint_runs_off_the_event_loop_and_answers_its_model() -> None:
    with client() as c:
        loop_thread = c.get("/loop").json()["thread"]
        answer = c.post("/double/4")
        assert answer.status_code == 201
        assert answer.json()["n"] == 8
        assert answer.json()["thread"] != loop_thread
        assert c.post("/double/0").status_code == 200  # the endpoint's own status stands


def test_its_parameters_are_still_checked_and_documented() -> None:
    with client() as c:
        refused = c.post("/double/x")
        assert refused.status_code == 422
        operation = c.get("/openapi.json").json()["paths"]["/double/{n}"]["post"]
        assert operation["parameters"][0]["name"] == "n"
        assert operation["responses"]["201"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Answer"
        }


def test_the_runtime_parts_are_handed_over_and_the_request_context_reaches_the_thread() -> None:
    with client() as c:
        answer = c.get("/parts", params={"limit": 3}, headers={"x-caller": "porter P1"})
        assert answer.status_code == 200
        assert answer.json() == {
            "runtime": "the runtime",
            "service": "board",
            "app": "store",
            "caller": "porter P1",
            "checked": "checked",
            "limit": 3,
        }
        own = c.get("/parts/own-request").json()
        assert own == {"path": "/parts/own-request", "service": "board"}


def test_the_runtime_parts_leave_no_trace_in_the_openapi() -> None:
    with client() as c:
        operation = c.get("/openapi.json").json()["paths"]["/parts"]["get"]
        assert [p["name"] for p in operation["parameters"]] == ["limit"]
        assert "requestBody" not in operation


def test_a_query_parameter_the_route_does_not_take_is_refused_naming_it() -> None:
    with client() as c:
        refused = c.get("/parts", params={"limt": 3})
        assert refused.status_code == 422
        assert refused.json()["field"] == "limt"
        assert "it takes: limit" in refused.json()["message"]
        assert c.get("/loop", params={"x": 1}).json()["field"] == "x"


def test_a_one_write_endpoint_stays_on_the_loop_only_where_the_runtime_says_so() -> None:
    for on_loop in (True, False):
        with client(writes_on_loop=on_loop) as c:
            loop_thread = c.get("/loop").json()["thread"]
            answer = c.post("/write/7", headers={"x-caller": "ward W2"})
            assert answer.status_code == 201
            body = answer.json()
            assert (body["n"], body["service"], body["caller"]) == (7, "board", "ward W2")
            assert (body["thread"] == loop_thread) is on_loop
            own = c.post("/write/own-request/3").json()
            assert (own["n"], own["path"], own["app"]) == (3, "/write/own-request/3", "store")
            assert (own["thread"] == loop_thread) is on_loop
            operation = c.get("/openapi.json").json()["paths"]["/write/{n}"]["post"]
            assert [p["name"] for p in operation["parameters"]] == ["n"]
