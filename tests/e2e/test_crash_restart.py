"""SIGKILL mid-stream, restart: nothing lost, nothing twice, the board as it was."""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx

from tests.e2e.server import Server, StreamReader, eventually
from tests.e2e.test_ward_to_delivery import STAT_BLOOD, ok
from tests.unit.projections.scenario import DOCS

JOBS = 40
ROUTINE_DOCS = DOCS


def submit_until_accepted(server: Server, key: str, body: dict[str, Any]) -> str:
    """A ward's client: retry with the same key until the server answers."""
    while True:
        try:
            with server.client("demo-dispatcher") as client:
                response = client.post("/jobs", json=body, headers={"Idempotency-Key": key})
            if response.status_code in (200, 201):
                job_id: str = response.json()["id"]
                return job_id
        except httpx.HTTPError:
            pass
        time.sleep(0.05)


def board(server: Server) -> dict[str, Any]:
    """Everything the read models show, minus what moves with the clock."""
    auditor = server.client("demo-auditor")
    moving = ("minutes_to_pickup", "minutes_to_delivery", "minutes_free", "as_of")

    def still(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{k: v for k, v in r.items() if k not in moving} for r in rows]

    figures = ok(auditor.get("/figures"))
    figures.pop("as_of")
    return {
        "position": ok(auditor.get("/ready"))["position"],
        "jobs": still(ok(auditor.get("/jobs"))),
        "porters": still(ok(auditor.get("/porters"))),
        "figures": figures,
    }


def replay(server: Server) -> list[dict[str, Any]]:
    """The whole log through the stream, from position 0 to now."""
    end = ok(server.client("demo-auditor").get("/ready"))["position"]
    reader = StreamReader(server, "demo-auditor", after=0).start()
    eventually(lambda: reader.last >= end)
    reader.stop()
    return reader.events


def test_sigkill_mid_stream_loses_and_duplicates_nothing(server: Server) -> None:
    reader = StreamReader(server, "demo-auditor", after=0).start()
    keys = [f"crash-{i}" for i in range(JOBS)]
    ids: dict[str, str] = {}

    def ward() -> None:
        for i, key in enumerate(keys):
            body = STAT_BLOOD if i % 2 else ROUTINE_DOCS
            ids[key] = submit_until_accepted(server, key, body)

    submitter = threading.Thread(target=ward)
    submitter.start()
    eventually(lambda: len(ids) >= JOBS // 3)
    server.kill()  # SIGKILL: no shutdown, no flush, mid-request
    time.sleep(0.3)
    server.start()
    submitter.join(60)
    assert len(ids) == JOBS

    # Every job once: one Submitted event per key, however often it was retried.
    eventually(lambda: reader.last >= ok(server.client("demo-auditor").get("/ready"))["position"])
    reader.stop()
    assert reader.connections >= 2  # the stream was cut and resumed
    submitted = [  # the ward's, not the hospital's recurring rounds that came due meanwhile
        e
        for e in reader.events
        if e["type"] == "Job.Submitted" and not e["key"].startswith("round:")
    ]
    assert sorted(e["key"] for e in submitted) == sorted(keys)
    assert {e["id"] for e in submitted} == set(ids.values())

    # The stream across the crash is exactly the log: no gap, nothing twice.
    log = replay(server)
    assert [e["position"] for e in reader.events] == [
        e["position"] for e in log[: len(reader.events)]
    ]
    assert reader.events == log[: len(reader.events)]

    # Once quiet, a crash and restart rebuild exactly the board that was live.
    def quiet() -> dict[str, Any] | None:
        first = board(server)
        time.sleep(0.6)  # longer than the loop's tick
        return first if board(server) == first else None

    before = eventually(quiet, seconds=30)
    server.kill()
    server.env["DISPATCH_DECIDE"] = "false"  # rebuild only: no takeover round to move things
    server.start()
    assert ok(server.client("demo-auditor").get("/ready"))["loop"] == "standing_by"
    assert board(server) == before
    assert replay(server)[: len(log)] == log
