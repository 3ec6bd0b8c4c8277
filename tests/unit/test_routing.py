"""A plain `def` endpoint leaves the event loop once: it runs in a worker thread, its
signature (parameters, answer model, status) is still what FastAPI documents and checks."""

from __future__ import annotations

import asyncio
import threading

from fastapi import APIRouter, FastAPI, Response
from pydantic import BaseModel

from api.routing import OneHopRoute
from tests.integration.apiclient import TestClient


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


def client() -> TestClient:
    app = FastAPI()
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
