"""A real server with a cipher key, its access log on and its logs at debug: a job with a
patient's reference and notes goes through, a client even puts a reference in a URL,
and neither the server's log nor the store's raw bytes hold any of it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import httpx
import pytest
from eventsourcing.cipher import AESCipher

from engine.settings import Settings
from tests.conftest import drop_site_tables
from tests.e2e.conftest import site_env
from tests.e2e.server import Server
from tests.e2e.test_ward_to_delivery import ok
from tests.integration.test_encryption import raw_bytes

REF, NOTE, HOLD = "P-557731", "needs-oxygen-2L", "waiting-for-porter-lift"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def private(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Server, Settings]]:
    site = f"p{uuid4().hex[:12]}"
    env = {
        **site_env(request.param, site, tmp_path),
        "DISPATCH_CIPHER_KEY": AESCipher.create_key(32),
    }
    srv = Server(env, tmp_path / "server.log", args=("--log-level", "debug"))
    srv.start()
    store = Settings(store=request.param, site=site, sqlite_path=tmp_path / "events.sqlite")
    yield srv, store
    srv.kill()
    if request.param == "postgres":
        drop_site_tables(site)


def hand_to_a_free_escort(dispatcher: httpx.Client, job_id: str) -> str:
    """Give the job to a free surgical porter who can push a stretcher, whatever the hour
    (starting a shift if nobody is on) and whatever the engine gives them meanwhile."""
    for _ in range(20):
        rows = ok(dispatcher.get("/porters?group=surgical"))
        able = [p for p in rows if "stretcher_bed" in p["skills"]]
        free = [p["badge"] for p in able if p["state"] == "free"]
        if not free:
            ends = (datetime.now(UTC) + timedelta(hours=8)).isoformat()
            off = next(p["badge"] for p in able if p["state"] == "off_shift")
            dispatcher.post(f"/porters/{off}/shift/start", json={"ends_at": ends})
            continue
        # Forced: near a shift's end the free porter may finish too late for the rules,
        # and this test is about patient data, not the hour it runs at.
        move = {"porters": [free[0]], "reason": "the test's porter", "force": "the test's escort"}
        if dispatcher.post(f"/jobs/{job_id}/override", json=move).status_code == 200:
            return str(free[0])
    raise AssertionError("no free escort took the job")


def test_no_patient_reference_or_note_reaches_the_log_or_the_stores_bytes(
    private: tuple[Server, Settings],
) -> None:
    server, store = private
    ward = server.client("demo-ward-surgery")
    body = {
        "kind": "patient_transport",
        "origin": "SU-W7",
        "destination": "CT",
        "department": "surgery_7",
        "patient_ref": REF,
        "notes": NOTE,
    }
    job = ok(ward.post("/jobs", json=body, headers={"Idempotency-Key": REF}), 201)
    dispatcher = server.client("demo-dispatcher")
    badge = hand_to_a_free_escort(dispatcher, job["id"])
    porter = server.client(f"demo-porter-{badge}")
    ok(porter.post(f"/jobs/{job['id']}/acknowledge"))
    ok(porter.post(f"/jobs/{job['id']}/hold", json={"reason": "patient_not_ready", "note": HOLD}))
    assert ok(porter.get(f"/jobs/{job['id']}"))["patient_ref"] == REF
    ok(dispatcher.get("/jobs", params={"patient_ref": REF}), 422)  # no such query parameter
    ok(dispatcher.get(f"/jobs?q={NOTE}"), 422)
    server.kill()  # the log flushed and closed, the store at rest
    log = server.log.read_text()
    assert "GET /jobs?" in log  # the access log was on, and wrote the refused requests
    assert [s for s in (REF, NOTE, HOLD) if s in log] == []
    assert [s for s in (REF, NOTE, HOLD) if s.encode() in raw_bytes(store)] == []
