"""A client for the API tests: the same app object as the real server (lifespan, loop,
read models), in-process on the in-memory store, driven by a manual clock."""

from __future__ import annotations

import warnings
from typing import Any

with warnings.catch_warnings():  # starlette would rather have httpx2; httpx is what we ship
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient


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


def wait_for(api: Api, job_id: str, status: str) -> Any:
    import time

    for _ in range(200):
        job = api.call("demo-dispatcher", "GET", f"/jobs/{job_id}")
        if job["status"] == status:
            return job
        time.sleep(0.01)
    raise AssertionError(f"job {job_id} never became {status}: {job}")


def considered(api: Api, job_id: str) -> Any:
    """Why the job went where it did, once a dispatch round has considered it."""
    import time

    for _ in range(200):
        why = api.call("demo-dispatcher", "GET", f"/jobs/{job_id}/why")
        if why["considered"]:
            return why
        time.sleep(0.01)
    raise AssertionError(f"no round considered job {job_id}: {why}")
