"""`dispatch serve` with a hospital file of its own, across a shift change and a restart.

The server's clock is set to run just before Riverside's 19:00 shift change
(`DISPATCH_CLOCK_OFFSET_SECONDS`: domain time is the wall clock plus an offset,
so it keeps its pace and continues across the restart). The day staff are on
shift, then the night team and nobody else; killed and started again, the
server has the night team on shift and nobody else, and keeps assigning jobs.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from tests.e2e.server import Server, eventually
from tests.hospitals import riverside, write

LONDON = ZoneInfo("Europe/London")
DAY = {"RW-01", "RW-02", "RW-03", "RT-01"}
NIGHT = {f"RN-{i:02d}" for i in range(1, 7)}
JOB = {
    "kind": "document",
    "priority": "urgent",
    "origin": "N-W1",
    "destination": "S-XRAY",
    "department": "medicine",
    "group": "wards",
}


def _offset_to(before: timedelta) -> float:
    """Seconds to add to the wall clock so that it is `before` the next 19:00 in London."""
    now = datetime.now(tz=UTC)
    local = now.astimezone(LONDON)
    change = datetime.combine(local.date(), time(19, 0), LONDON)
    if change - before <= local:
        change += timedelta(days=1)
    return (change - before - now).total_seconds()


def _on_shift(client: httpx.Client) -> set[str]:
    answer = client.get("/porters").json()
    return {p["badge"] for p in answer if p["state"] != "off_shift"}


def _submit(client: httpx.Client, key: str) -> Any:
    reply = client.post("/jobs", json=JOB, headers={"Idempotency-Key": key})
    assert reply.status_code == 201, reply.text
    return reply.json()["id"]


def test_the_rota_changes_shifts_by_itself_and_after_a_restart(tmp_path: Path) -> None:
    hospital = write(riverside(), tmp_path / "riverside.json")
    env = {
        "DISPATCH_HOSPITAL": str(hospital),
        "DISPATCH_STORE": "sqlite",
        "DISPATCH_SQLITE_PATH": str(tmp_path / "events.sqlite"),
        "DISPATCH_CLOCK_OFFSET_SECONDS": str(_offset_to(timedelta(seconds=20))),
        "DISPATCH_TICK_SECONDS": "0.5",
        "DISPATCH_POLL_SECONDS": "0.05",
        "DISPATCH_TOKENS": '{"t-disp": {"role": "dispatcher", "name": "dispatcher:test"}, '
        '"t-plan": {"role": "planner", "name": "planner:test"}}',
    }
    server = Server(env, tmp_path / "server.log")
    server.start()
    try:
        client = server.client("t-disp")
        # Riverside's night team covers the wards' and theatres' requests: its policy.
        lending = {"wards": ["night_team"], "theatres": ["night_team", "wards"]}
        published = server.client("t-plan").patch(
            "/policy", json={"document": {"lending": lending}}
        )
        assert published.status_code == 200, published.text
        assert eventually(lambda: _on_shift(client) == DAY)
        # Seconds before 19:00 nobody on the day shift could finish a job before it
        # ends: it waits for the night team, who come on at 19:00 by themselves.
        first = _submit(client, "before-the-change")
        taken = eventually(lambda: client.get(f"/jobs/{first}").json()["porters"], seconds=40)
        assert set(taken) <= NIGHT
        assert eventually(lambda: _on_shift(client) == NIGHT)
        assert client.get(f"/jobs/{first}").json()["requested_at"].endswith("+00:00")
        rota = client.get("/rota").json()
        assert rota
        assert all(s["start"].endswith(("+00:00", "+01:00")) for d in rota for s in d["shifts"])
        server.kill()
        server.start()
        client = server.client("t-disp")
        assert eventually(lambda: _on_shift(client) == NIGHT)
        second = _submit(client, "after-the-restart")
        assert set(eventually(lambda: client.get(f"/jobs/{second}").json()["porters"])) <= NIGHT
    finally:
        server.kill()
