"""The live service under load: submit → assigned latency over HTTP, SQLite and PostgreSQL.

Prints one JSON object. For each store, `dispatch serve` runs in its own
process; this process is the load generator, over loopback. It submits jobs
at a fixed rate (open loop: a slow answer does not slow the offered load),
follows /events/stream, and on each `Job.Assigned` drives the porter through
acknowledge, pick-up and complete so capacity frees as in a real shift. The
submit → assigned time is measured from just before the POST to the arrival
of the assignment on the stream. A job is lost if it was accepted (2xx) but
is not in the log afterwards.

Usage: python benchmarks/api.py [--duration 60] [--rate 50] [--stores sqlite,postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
from reference import reference_seconds

from engine.domain.ids import job_id
from engine.hospital import Hospital

ROOT = Path(__file__).resolve().parents[1]
PG = {"host": "127.0.0.1", "port": "5432", "user": "postgres", "dbname": "test"}
KINDS = [  # (kind, priority, share): a day's mix, patients included
    ("specimen", "urgent", 3),
    ("drug", "routine", 2),
    ("document", "routine", 2),
    ("item", "routine", 1),
    ("urgent_blood", "stat", 1),
    ("patient_transport", "asap", 2),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(
    store: str, site: str, tmp: Path, workers: int = 1, extra_env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "DISPATCH_STORE": store,
        "DISPATCH_SITE": site,
        "DISPATCH_DEMO": "true",  # the load signs in with the well-known demo tokens
        "DISPATCH_SQLITE_PATH": str(tmp / "bench.sqlite"),
        "DISPATCH_POSTGRES_HOST": PG["host"],
        "DISPATCH_POSTGRES_PORT": PG["port"],
        "DISPATCH_POSTGRES_USER": PG["user"],
        "DISPATCH_POSTGRES_DBNAME": PG["dbname"],
        "DISPATCH_POSTGRES_POOL_SIZE": "10",
        # Several processes see each other's writes only by reading the log: read it often.
        "DISPATCH_POLL_SECONDS": "0.25" if workers == 1 else "0.01",
        **(extra_env or {}),
    }
    dispatch = Path(sys.executable).parent / "dispatch"
    log = open(tmp / f"{store}-{site}.log", "wb")  # noqa: SIM115 - the server's for its life
    command = [str(dispatch), "serve"]
    if os.environ.get("BENCH_SERVER_WRAPPER"):  # e.g. a profiler around the server
        command = [sys.executable, os.environ["BENCH_SERVER_WRAPPER"]]
    options = ["--port", str(port), "--workers", str(workers), "--log-level", "warning"]
    proc = subprocess.Popen(
        [*command, *options, "--no-access-log"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError((tmp / f"{store}-{site}.log").read_text()[-2000:])
        try:
            if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.kill()  # not left behind serving nobody
    proc.wait(15)
    raise RuntimeError("server did not become ready")


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, max(0, int(q * len(ordered) + 0.5) - 1))], 2)


def requests(hospital: Hospital, count: int, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    codes = hospital.layout.codes
    weighted = [k for k in KINDS for _ in range(k[2])]
    groups = ["internal", "surgical", "emergency", "internal", "surgical"]
    departments = sorted(hospital.layout.catalogue.departments)
    out = []
    for i in range(count):
        kind, priority, _ = rng.choice(weighted)
        origin, destination = rng.sample(codes, 2)
        body: dict[str, Any] = {
            "kind": kind,
            "priority": priority,
            "origin": origin,
            "destination": destination,
            "department": rng.choice(departments),  # the site refuses names it does not know
            "group": rng.choice(groups),
        }
        if kind == "patient_transport":
            body["patient_ref"] = f"P-{i:06d}"
        out.append(body)
    return out


class Wire:
    """A minimal keep-alive HTTP/1.1 client on asyncio streams.

    The load generator shares the machine with the server it measures, so it
    must cost far less per request than the server does; httpx costs about as
    much. Enough HTTP for this server: Content-Length answers, and a chunked
    stream for /events/stream.
    """

    def __init__(self, url: str) -> None:
        host, _, port = url.removeprefix("http://").partition(":")
        self.host, self.port = host, int(port)
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    def _head(self, method: str, path: str, headers: dict[str, str], length: int) -> bytes:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}", f"Content-Length: {length}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        if length:
            lines.append("Content-Type: application/json")
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    @staticmethod
    async def _status(reader: asyncio.StreamReader) -> tuple[int, int]:
        first = await reader.readline()
        if not first:
            raise ConnectionResetError("closed by the server")
        status = int(first.split()[1])
        length = 0
        while (line := await reader.readline()) not in (b"\r\n", b""):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        return status, length

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: Any = None
    ) -> tuple[int, bytes]:
        payload = b"" if body is None else json.dumps(body).encode()
        request = self._head(method, path, headers, len(payload)) + payload
        while True:
            reused = bool(self.idle)
            conn = self.idle.pop() if reused else await self._connect()
            reader, writer = conn
            try:
                writer.write(request)
                status, length = await self._status(reader)
                data = await reader.readexactly(length)
            except ConnectionResetError:
                writer.close()
                if reused:  # the server closed an idle keep-alive connection: reconnect
                    continue
                raise
            except BaseException:
                writer.close()
                raise
            self.idle.append(conn)
            return status, data

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection(self.host, self.port)

    async def events(self, path: str, headers: dict[str, str]) -> AsyncIterator[tuple[str, bytes]]:
        """(event, data) pairs from a server-sent event stream."""
        reader, writer = await asyncio.open_connection(self.host, self.port)
        writer.write(self._head("GET", path, headers, 0))
        await self._status(reader)
        buffer = b""
        try:
            while size := int((await reader.readline()).strip() or b"0", 16):
                buffer += await reader.readexactly(size)
                await reader.readexactly(2)
                *blocks, buffer = buffer.split(b"\n\n")
                for block in blocks:
                    event, data = "", b""
                    for line in block.split(b"\n"):
                        if line.startswith(b"event: "):
                            event = line[7:].decode()
                        elif line.startswith(b"data: "):
                            data = line[6:]
                    yield event, data
        finally:
            writer.close()

    def close(self) -> None:
        for _, writer in self.idle:
            writer.close()


class Load:
    def __init__(
        self, url: str, site: str, rate: float, duration: float, keys: str = "bench"
    ) -> None:
        self.url, self.site, self.rate, self.duration = url, site, rate, duration
        self.keys = keys  # idempotency keys' prefix: a second run on one store needs its own
        self.sent: dict[str, float] = {}  # job id -> when its POST started
        self.sent_wall: dict[str, float] = {}  # the same instant on the wall clock
        self.submitted_at: dict[str, float] = {}  # job id -> its Submitted event's time
        self.stages: dict[str, list[float]] = {"recorded": [], "decided": [], "streamed": []}
        self.accepted: set[str] = set()
        self.assigned: dict[str, float] = {}
        self.completed: set[str] = set()
        self.submit_ms: list[float] = []
        self.errors: Counter[str] = Counter()
        self.seen_submitted: Counter[str] = Counter()
        self.hello = asyncio.Event()
        self.porters: set[asyncio.Task[None]] = set()
        self.position = 0

    async def prepare(self, client: httpx.AsyncClient, hospital: Hospital) -> int:
        """Every porter on shift for the run, at their base."""
        planner = {"Authorization": "Bearer demo-planner"}
        ends = (datetime.now(UTC) + timedelta(hours=8)).isoformat()
        board = (await client.get("/porters", headers=planner)).json()
        bases = {e.badge: e.base for e in hospital.porters()}
        for porter in board:
            if porter["state"] == "off_shift":
                badge = porter["badge"]
                await client.post(
                    f"/porters/{badge}/shift/start", json={"ends_at": ends}, headers=planner
                )
                await client.post(
                    f"/porters/{badge}/location",
                    json={"location": bases[badge]},
                    headers={"Authorization": "Bearer demo-dispatcher"},
                )
        return len(board)

    async def follow(self, wire: Wire, start: int) -> None:
        headers = {"Authorization": "Bearer demo-auditor"}
        async for event, data in wire.events(f"/events/stream?after={start}", headers):
            if event == "hello":
                self.hello.set()
            elif event in ("Job.Assigned", "Job.Completed", "Job.Submitted"):
                self.on_event(wire, event, json.loads(data))

    def on_event(self, wire: Wire, event: str, change: dict[str, Any]) -> None:
        jid = change["id"]
        self.position = change["position"]
        if event == "Job.Submitted":
            self.seen_submitted[jid] += 1
            self.submitted_at[jid] = datetime.fromisoformat(change["at"]).timestamp()
        elif event == "Job.Completed":
            self.completed.add(jid)
        elif event == "Job.Assigned":
            if jid in self.sent and jid not in self.assigned:
                self.assigned[jid] = time.perf_counter()
                self._stages(jid, datetime.fromisoformat(change["at"]).timestamp())
            task = asyncio.get_running_loop().create_task(self.work(wire, jid, change["badges"][0]))
            self.porters.add(task)
            task.add_done_callback(self.porters.discard)

    def _stages(self, jid: str, assigned_at: float) -> None:
        """Where the time went, by the server's own event stamps (same machine, same clock):
        POST to recorded, recorded to the round's assignment, assignment to the stream."""
        now, sent, recorded = time.time(), self.sent_wall.get(jid), self.submitted_at.get(jid)
        if sent is None or recorded is None:
            return
        self.stages["recorded"].append((recorded - sent) * 1000)
        self.stages["decided"].append((assigned_at - recorded) * 1000)
        self.stages["streamed"].append((now - assigned_at) * 1000)

    async def work(self, wire: Wire, jid: str, badge: str) -> None:
        """The porter acknowledges, picks up and delivers at once."""
        headers = {"Authorization": f"Bearer demo-porter-{badge}"}
        steps = [("acknowledge", None), ("pick-up", {}), ("complete", {"received_by": "bench"})]
        for action, body in steps:
            try:
                status, _ = await wire.request("POST", f"/jobs/{jid}/{action}", headers, body)
            except OSError as exc:
                self.errors[f"porter {type(exc).__name__}"] += 1
                return
            if status in (404, 409):  # moved to another porter meanwhile
                self.errors[f"porter {status} (job moved)"] += 1
                return
            if status != 200:
                self.errors[f"porter {status}"] += 1
                return

    async def submit(self, wire: Wire, key: str, body: dict[str, Any]) -> None:
        jid = str(job_id(self.site, key))
        headers = {"Authorization": "Bearer demo-dispatcher", "Idempotency-Key": key}
        started = time.perf_counter()
        self.sent[jid] = started
        self.sent_wall[jid] = time.time()
        try:
            status, _ = await wire.request("POST", "/jobs", headers, body)
        except OSError as exc:
            self.errors[f"submit {type(exc).__name__}"] += 1
            return
        self.submit_ms.append((time.perf_counter() - started) * 1000)
        if status in (200, 201):
            self.accepted.add(jid)
        else:
            self.errors[f"submit {status}"] += 1

    async def offer(self, wire: Wire, hospital: Hospital, total: int) -> float:
        """Submit `total` jobs at the rate, open loop (a slow answer does not slow the
        offer), then wait up to 30 s for every accepted job to be worked; returns the
        seconds the offering took."""
        tasks = []
        began = time.perf_counter()
        for i, body in enumerate(requests(hospital, total)):
            delay = began + i / self.rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(self.submit(wire, f"{self.keys}-{i}", body)))
        offered = time.perf_counter() - began
        await asyncio.gather(*tasks)
        deadline = time.perf_counter() + 30
        while time.perf_counter() < deadline and not self.accepted <= self.completed:
            await asyncio.sleep(0.2)
        return offered

    async def run(self, hospital: Hospital) -> dict[str, Any]:
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
        async with httpx.AsyncClient(base_url=self.url, limits=limits, timeout=30) as client:
            porters = await self.prepare(client, hospital)
            reader = {"Authorization": "Bearer demo-auditor"}  # /ready's details are a reader's
            start = (await client.get("/ready", headers=reader)).json()["position"]
            wire = Wire(self.url)
            follower = asyncio.get_running_loop().create_task(self.follow(wire, start))
            await asyncio.wait_for(self.hello.wait(), 10)
            total = int(self.rate * self.duration)
            offered = await self.offer(wire, hospital, total)
            ready = (await client.get("/ready", headers=reader)).json()
            figures = (
                await client.get("/figures", headers={"Authorization": "Bearer demo-auditor"})
            ).json()
            follower.cancel()
            for task in self.porters:
                task.cancel()
            await asyncio.gather(follower, *self.porters, return_exceptions=True)
            wire.close()
        latencies = [(self.assigned[j] - self.sent[j]) * 1000 for j in self.assigned]
        lost = [j for j in self.accepted if self.seen_submitted[j] != 1]
        return {
            "porters": porters,
            "offered_rate": round(total / offered, 2),
            "submitted": total,
            "accepted": len(self.accepted),
            "assigned": len(latencies),
            "completed": len(self.completed & self.accepted),
            "submit_to_assigned_ms": {
                "p50": percentile(latencies, 0.5),
                "p90": percentile(latencies, 0.9),
                "p99": percentile(latencies, 0.99),
                "max": round(max(latencies), 2) if latencies else None,
            },
            "submit_response_ms": {
                "p50": percentile(self.submit_ms, 0.5),
                "p99": percentile(self.submit_ms, 0.99),
            },
            "stage_ms": {
                name: {"p50": percentile(v, 0.5), "p99": percentile(v, 0.99)}
                for name, v in self.stages.items()
            },
            "errors": sum(v for k, v in self.errors.items() if "moved" not in k),
            "error_kinds": dict(self.errors),
            "lost": len(lost),
            "jobs_in_log": figures["jobs"]["submitted"],
            "rounds": ready["rounds"],
        }


def cpu_seconds(pid: int | None = None) -> float:
    """User + system CPU of this process, or of a process and all its descendants."""
    if pid is None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stats[int(entry.name)] = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
    tree, grew = {pid}, True
    while grew:
        children = {p for p, f in stats.items() if int(f[1]) in tree} - tree
        tree |= children
        grew = bool(children)
    ticks = sum(int(stats[p][11]) + int(stats[p][12]) for p in tree if p in stats); print("UTIME", sum(int(stats[p][11]) for p in tree if p in stats), "STIME", sum(int(stats[p][12]) for p in tree if p in stats), file=sys.stderr)
    return ticks / os.sysconf("SC_CLK_TCK")


def bench(store: str, rate: float, duration: float, workers: int) -> dict[str, Any]:
    site = f"bench{uuid4().hex[:8]}"
    with __import__("contextlib").nullcontext("/tmp/bk") as tmp:
        proc, url = start_server(store, site, Path(tmp), workers)
        try:
            server_cpu, own_cpu = cpu_seconds(proc.pid), cpu_seconds()
            result = asyncio.run(Load(url, site, rate, duration).run(Hospital.load()))
            jobs = max(result["completed"], 1)
            result["server_cpu_ms_per_job"] = round(
                (cpu_seconds(proc.pid) - server_cpu) * 1000 / jobs, 2
            )
            result["load_generator_cpu_ms_per_job"] = round(
                (cpu_seconds() - own_cpu) * 1000 / jobs, 2
            )
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
        if store == "postgres":
            import psycopg

            with psycopg.connect(autocommit=True, **PG) as conn:  # type: ignore[arg-type]
                for suffix in ("events", "tracking", "snapshots"):
                    conn.execute(f"DROP TABLE IF EXISTS dispatch_{site}_{suffix}")
    return {"store": store, "server_processes": workers, **result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--rate", type=float, default=50.0, help="jobs submitted per second")
    parser.add_argument("--stores", default="sqlite,postgres")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    args = parser.parse_args()
    reference = reference_seconds()
    runs = [
        bench(store, args.rate, args.duration, args.workers) for store in args.stores.split(",")
    ]
    print(
        json.dumps(
            {
                "benchmark": "api",
                "rate": args.rate,
                "duration_s": args.duration,
                "target": "p99 submit->assigned <= 50 ms at 50 jobs/s on SQLite; 0 jobs lost",
                "cpus": os.cpu_count(),
                "reference_seconds": reference,
                "runs": runs,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
