"""A hospital group on one PostgreSQL server: ten sites, each its own `dispatch serve`.

Prints one JSON object. Ten servers start, one per site, all on one PostgreSQL
database (each site its own tables). The load generator (this process) drives
every site at once, as `benchmarks/api.py` drives one: open-loop submissions, the
stream followed, each assignment worked through acknowledge, pick-up and complete.
Two phases on the same servers:

- `peak`: every site at a realistic peak (default 0.1 jobs/s each: twice the demo
  hospital's busiest hour of its standard day, 175 jobs);
- `together`: all sites together at `--total-rate` (default 50 jobs/s in all).

For each phase: per-site and pooled submit → assigned percentiles, jobs lost, the
servers' CPU per job and the PostgreSQL server's CPU per job (its processes, read
from /proc), and the reference workload's seconds so machines can be compared.

Usage: python benchmarks/group.py [--sites 10] [--duration 30] [--peak-rate 0.1]
                                  [--total-rate 50] [--phases peak,together]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Any
from uuid import uuid4

from reference import reference_seconds

from api import PG, Load, cpu_seconds, percentile, start_server
from engine.hospital import Hospital

# Ten sites share the server's 100 connections: each keeps a few (3 + 3 more at a
# burst), besides its listener's and its lease's.
SMALL_POOL = {"DISPATCH_POSTGRES_POOL_SIZE": "3", "POSTGRES_MAX_OVERFLOW": "3"}


def postgres_cpu() -> float:
    """CPU seconds of every PostgreSQL server process on this machine."""
    ticks = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() != "postgres":
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


async def _drive(
    name: str, servers: list[tuple[str, str]], rate: float, duration: float, hospital: Hospital
) -> list[dict[str, Any]]:
    loads = [Load(url, site, rate, duration, keys=name) for site, url in servers]
    results = await asyncio.gather(*(load.run(hospital) for load in loads))
    for (site, _), load, result in zip(servers, loads, results, strict=True):
        result["site"] = site
        result["_latencies"] = [(load.assigned[j] - load.sent[j]) * 1000 for j in load.assigned]
    return list(results)


def phase(
    name: str,
    servers: list[tuple[str, str]],
    pids: list[int],
    rate: float,
    duration: float,
    hospital: Hospital,
) -> dict[str, Any]:
    before = sum(cpu_seconds(p) for p in pids), postgres_cpu()
    sites = asyncio.run(_drive(name, servers, rate, duration, hospital))
    server_cpu = sum(cpu_seconds(p) for p in pids) - before[0]
    pg_cpu = postgres_cpu() - before[1]
    pooled = [x for s in sites for x in s.pop("_latencies")]
    jobs = max(sum(s["completed"] for s in sites), 1)
    p99s = [s["submit_to_assigned_ms"]["p99"] for s in sites]
    return {
        "phase": name,
        "rate_per_site": rate,
        "total_rate": round(rate * len(servers), 2),
        "submitted": sum(s["submitted"] for s in sites),
        "completed": sum(s["completed"] for s in sites),
        "lost": sum(s["lost"] for s in sites),
        "errors": sum(s["errors"] for s in sites),
        "submit_to_assigned_ms": {
            "p50": percentile(pooled, 0.5),
            "p99": percentile(pooled, 0.99),
            "max": round(max(pooled), 2) if pooled else None,
            "worst_site_p99": max((p for p in p99s if p is not None), default=None),
        },
        "servers_cpu_ms_per_job": round(server_cpu * 1000 / jobs, 2),
        "postgres_cpu_ms_per_job": round(pg_cpu * 1000 / jobs, 2),
        "sites": [
            {
                "site": s["site"],
                "p50": s["submit_to_assigned_ms"]["p50"],
                "p99": s["submit_to_assigned_ms"]["p99"],
                "completed": s["completed"],
                "lost": s["lost"],
                "rounds": s["rounds"],
            }
            for s in sites
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sites", type=int, default=10)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of each phase")
    parser.add_argument("--peak-rate", type=float, default=0.1, help="jobs/s per site")
    parser.add_argument("--total-rate", type=float, default=50.0, help="jobs/s, all sites")
    parser.add_argument("--phases", default="peak,together")
    args = parser.parse_args()
    reference = reference_seconds()
    hospital = Hospital.load()
    prefix = f"g{uuid4().hex[:6]}"
    names = [f"{prefix}s{i}" for i in range(args.sites)]
    procs: list[subprocess.Popen[bytes]] = []
    phases = []
    with tempfile.TemporaryDirectory() as tmp:
        try:
            servers = []
            for site in names:
                proc, url = start_server("postgres", site, Path(tmp), extra_env=SMALL_POOL)
                procs.append(proc)
                servers.append((site, url))
            pids = [p.pid for p in procs]
            rates = {"peak": args.peak_rate, "together": args.total_rate / args.sites}
            for name in args.phases.split(","):
                phases.append(phase(name, servers, pids, rates[name], args.duration, hospital))
        finally:
            for proc in procs:
                proc.send_signal(signal.SIGTERM)
            for proc in procs:
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    proc.kill()
            import psycopg

            with psycopg.connect(autocommit=True, **PG) as conn:  # type: ignore[arg-type]
                for site in names:
                    for suffix in ("events", "tracking", "snapshots"):
                        conn.execute(f"DROP TABLE IF EXISTS dispatch_{site}_{suffix}")
    print(
        json.dumps(
            {
                "benchmark": "group",
                "sites": args.sites,
                "store": "postgres, one server",
                "duration_s": args.duration,
                "target": "each site's p99 submit->assigned <= 100 ms; 0 jobs lost",
                "cpus": os.cpu_count(),
                "reference_seconds": reference,
                "phases": phases,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
