"""Event store throughput: 10,000 jobs through their whole lifecycle, SQLite and PostgreSQL.

Prints one JSON object. Each job is submitted, assigned (job and porter saved
together), acknowledged, picked up and completed (job and porter together).
Usage: python benchmarks/store.py [--jobs N] [--stores sqlite,postgres]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from uuid import uuid4

from reference import reference_seconds

from engine.bootstrap import bootstrap, seed_roster
from engine.clock import ManualClock
from engine.domain.commands import Complete, SubmitJob, parse
from engine.hospital import Hospital
from engine.settings import Settings

KINDS = [
    ("specimen", "IM-W5", "LAB", "internal"),
    ("drug", "PHARMACY", "SU-W8", "surgical"),
    ("document", "LAB", "IM-W7", "internal"),
    ("item", "STORE", "SU-W4", "surgical"),
]


def run(settings: Settings, jobs: int) -> dict[str, float | int]:
    hospital = Hospital.load()
    from datetime import datetime
    from datetime import time as dtime

    clock = ManualClock(
        datetime.combine(datetime(2026, 11, 23).date(), dtime(9), hospital.timezone)
    )
    app = bootstrap(settings, clock, hospital)
    seed_roster(app, hospital, clock.now())
    badges = [e.badge for e in hospital.porters() if hospital.on_duty_until(e, clock.now())]
    complete = Complete(received_by="ward")
    commands = [
        parse(
            SubmitJob,
            {
                "kind": k,
                "priority": "routine",
                "origin": o,
                "destination": d,
                "department": "bench",
                "group": g,
            },
        )
        for k, o, d, g in KINDS
    ]
    start_events = app.recorder.max_notification_id() or 0
    started = time.perf_counter()
    ids = []
    for i in range(jobs):
        badge = badges[i % len(badges)]
        jid = app.submit_job(commands[i % len(commands)], f"bench-{i}")
        app.assign_job(jid, [badge], by="bench")
        app.acknowledge_job(jid, badge)
        app.pick_up_job(jid, badge)
        app.complete_job(jid, badge, complete)
        clock.advance(seconds=5)
        ids.append(jid)
    elapsed = time.perf_counter() - started
    events = (app.recorder.max_notification_id() or 0) - start_events
    rebuilds = []
    for jid in ids[:: max(1, len(ids) // 300)]:
        t0 = time.perf_counter()
        aggregate = None
        for event in app.events.get(jid):
            aggregate = event.mutate(aggregate)
        rebuilds.append((time.perf_counter() - t0) * 1000)
    app.close()
    return {
        "jobs": jobs,
        "events": events,
        "seconds": round(elapsed, 2),
        "events_per_second": round(events / elapsed),
        "jobs_per_second": round(jobs / elapsed, 1),
        "rebuild_job_ms_p50": round(statistics.median(rebuilds), 3),
        "rebuild_job_ms_p99": round(statistics.quantiles(rebuilds, n=100)[98], 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--stores", default="sqlite,postgres")
    args = parser.parse_args()
    result: dict[str, object] = {
        "benchmark": "store",
        "python": sys.version.split()[0],
        "reference_seconds": reference_seconds(),
    }
    for store in args.stores.split(","):
        site = f"bench{uuid4().hex[:8]}"
        if store == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "bench.sqlite"
                result["sqlite"] = run(
                    Settings(store="sqlite", site=site, sqlite_path=path), args.jobs
                )
        else:
            settings = Settings(store="postgres", site=site)
            try:
                result["postgres"] = run(settings, args.jobs)
            finally:
                import psycopg

                with psycopg.connect(
                    host=settings.postgres_host,
                    user=settings.postgres_user,
                    dbname=settings.postgres_dbname,
                    autocommit=True,
                ) as conn:
                    conn.execute(f"DROP TABLE IF EXISTS dispatch_{site}_events")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
