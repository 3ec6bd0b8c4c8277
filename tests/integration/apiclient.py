"""A client for the API tests: the same app object as the real server (lifespan, loop,
read models), in-process on the in-memory store, driven by a manual clock."""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

with warnings.catch_warnings():  # starlette would rather have httpx2; httpx is what we ship
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient

T = TypeVar("T")


class Api:
    def __init__(self, client: TestClient) -> None:
        self.client = client

    def call(self, token: str, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
        response = self.client.request(method, path, headers=headers, **kwargs)
        assert response.status_code == status, response.text
        return response.json()


def post(api: Api, token: str, path: str, status: int = 200, **body: Any) -> Any:
    return api.call(token, "POST", path, status, json=body)


def submit(api: Api, body: dict[str, Any], key: str, status: int = 201) -> Any:
    return api.call(
        "demo-dispatcher", "POST", "/jobs", status, json=body, headers={"Idempotency-Key": key}
    )


def until(read: Callable[[], T], ok: Callable[[T], bool], what: str) -> T:
    """`read()` once it is `ok`, within two seconds: the live loop works in its own
    thread, a moment after the app answers."""
    for _ in range(200):
        value = read()
        if ok(value):
            return value
        time.sleep(0.01)
    raise AssertionError(f"{what}: {value}")


def wait_for(api: Api, job_id: str, status: str) -> Any:
    return until(
        lambda: api.call("demo-dispatcher", "GET", f"/jobs/{job_id}"),
        lambda job: job["status"] == status,
        f"job {job_id} never became {status}",
    )


def free_porters(api: Api, group: str, skill: str, at_least: int) -> list[str]:
    """Badges of free porters of `group` with `skill`, once at least `at_least` are: the
    live loop starts the roster's shifts at its first steps, not before the app answers."""
    return until(
        lambda: [
            p["badge"]
            for p in api.call("demo-dispatcher", "GET", f"/porters?group={group}&state=free")
            if skill in p["skills"]
        ],
        lambda badges: len(badges) >= at_least,
        f"fewer than {at_least} free {group} porters with {skill}",
    )


def considered(api: Api, job_id: str) -> Any:
    """Why the job went where it did, once a dispatch round has considered it."""
    return until(
        lambda: api.call("demo-dispatcher", "GET", f"/jobs/{job_id}/why"),
        lambda why: bool(why["considered"]),
        f"no round considered job {job_id}",
    )


def log_end(api: Api) -> int:
    """The last position in the site's log, read from the store itself."""
    recorder = api.client.app.state.runtime.app.recorder  # type: ignore[attr-defined]
    return int(recorder.max_notification_id() or 0)


def settled(api: Api) -> int:
    """The log's end once the loop has stopped writing (the rota starting shifts, rounds):
    unchanged for longer than a round takes from the write that called for it."""
    last, same = log_end(api), 0
    while same < 6:
        time.sleep(0.025)
        now = log_end(api)
        last, same = now, same + 1 if now == last else 0
    return last


def refused(
    api: Api, token: str, method: str, path: str, status: int, field: str | None, **kwargs: Any
) -> dict[str, Any]:
    """A refusal: its status, one shape naming `field`, and the log as it was: checked
    against the store's own log, not the read models."""
    before = settled(api)
    body: dict[str, Any] = api.call(token, method, path, status, **kwargs)
    assert set(body) == {"error", "message", "field"}, body
    assert body["field"] == field, body
    assert body["message"]
    assert log_end(api) == before, f"{method} {path} wrote to the log although refused"
    return body
