"""The dispatcher's console under the API benchmark's load: how long from an event to its
row on the board.

Prints one JSON object. `dispatch serve` runs in its own process (SQLite, demo mode);
this process offers jobs at a fixed rate, open loop, as benchmarks/api.py does (its
server start, sign-in with demo tokens, request mix and HTTP client are reused), and
drives each job's porter through acknowledge, pick-up and complete `--hold` seconds
after the assignment reaches it, so a job stays on the board about that long (a real
one stays minutes). Meanwhile the console is open in headless Chromium (Debian's, as
the browser tests drive it), signed in as a dispatcher through its form, with a
MutationObserver on the job board recording, on the machine's wall clock, when each
job's row first appears and first shows each status, and the animation frame after,
when it is painted.

Per job, to the frame that painted it:
- `submit_to_row`: from just before the job's POST to its row;
- `event_to_row`: from the Job.Submitted event's arrival on this process's own event
  stream (when any client could know of the job) to its row;
- `assigned_to_row`: from Job.Assigned's arrival on that stream to the row showing the
  job past `requested`.
`rows_seen` counts submitted jobs whose row was painted at all: one that is assigned,
done and gone between two reads of the board is never shown. `lag_by_third` gives
event_to_row's p95 over each third of the run: a board that falls behind grows there.

Usage: python benchmarks/console.py [--duration 60] [--rate 50] [--hold 0.5]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from uuid import uuid4

import httpx
from reference import reference_seconds

from engine.hospital import Hospital

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("api_benchmark", HERE / "api.py")
assert _spec is not None
assert _spec.loader is not None
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

CHROMIUM = os.environ.get("DISPATCH_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

# The page's side of the measure, in JavaScript (see the file): a function expression,
# handed over without the comments above it.
OBSERVER = "\n".join(
    line
    for line in (HERE / "console_observer.js").read_text("utf-8").splitlines()
    if not line.startswith("//")
)

# What the page's reads of the board cost it, end to end (request sent to answer read).
READS = """() => performance.getEntriesByType('resource')
  .filter((e) => new URL(e.name).pathname === '/jobs')
  .map((e) => e.responseEnd - e.startTime)"""


class ConsoleLoad(bench.Load):
    """The API benchmark's load, stamping when each job's events reach this process, with
    porters who take `hold` seconds before acknowledging."""

    def __init__(self, url: str, site: str, rate: float, duration: float, hold: float) -> None:
        super().__init__(url, site, rate, duration, keys="console")
        self.hold = hold
        self.arrived: dict[str, dict[str, float]] = {"Job.Submitted": {}, "Job.Assigned": {}}

    def on_event(self, wire: Any, event: str, change: dict[str, Any]) -> None:
        if event in self.arrived:
            self.arrived[event].setdefault(change["id"], time.time() * 1000)
        super().on_event(wire, event, change)

    async def work(self, wire: Any, jid: str, badge: str) -> None:
        await asyncio.sleep(self.hold)
        await super().work(wire, jid, badge)


def summary(values: list[float]) -> dict[str, float | int | None]:
    return {
        "count": len(values),
        "p50": bench.percentile(values, 0.5),
        "p95": bench.percentile(values, 0.95),
        "p99": bench.percentile(values, 0.99),
        "max": round(max(values), 2) if values else None,
    }


async def open_console(browser: Any, url: str, requests: Counter[str]) -> Any:
    context = await browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-GB")
    page = await context.new_page()
    page.on("request", lambda r: requests.update([urlparse(r.url).path]))
    await page.goto(url + "/")
    await page.fill("#signin-form [name=token]", "demo-dispatcher")
    await page.click("#signin-form [type=submit]")
    await page.wait_for_selector("#conn[data-state=live]", timeout=30_000)
    await page.evaluate(OBSERVER)
    return page


async def measure(url: str, site: str, args: argparse.Namespace) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    load = ConsoleLoad(url, site, args.rate, args.duration, args.hold)
    requests: Counter[str] = Counter()
    hospital = Hospital.load()
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            porters = await load.prepare(client, hospital)
            reader = {"Authorization": "Bearer demo-auditor"}
            start = (await client.get("/ready", headers=reader)).json()["position"]
            page = await open_console(browser, url, requests)
            await page.wait_for_timeout(1000)  # the first reads settled
            requests.clear()
            wire = bench.Wire(url)
            follower = asyncio.get_running_loop().create_task(load.follow(wire, start))
            await asyncio.wait_for(load.hello.wait(), 10)
            total = int(args.rate * args.duration)
            began_wall = time.time() * 1000
            offered = await load.offer(wire, hospital, total)
            await page.wait_for_timeout(2000)  # the board's last refresh
            watched = time.time() * 1000 - began_wall
            board = await page.evaluate("window.__board")
            board["reads"] = await page.evaluate(READS)
            follower.cancel()
            for task in load.porters:
                task.cancel()
            await asyncio.gather(follower, *load.porters, return_exceptions=True)
            wire.close()
        await browser.close()
    board["watched_ms"] = watched
    return report(load, board, requests, porters, total, offered, began_wall, args.duration)


def report(
    load: ConsoleLoad,
    board: dict[str, Any],
    requests: Counter[str],
    porters: int,
    total: int,
    offered: float,
    began: float,
    duration: float,
) -> dict[str, Any]:
    rows = board["rows"]
    submit, event, assigned, drawn = [], [], [], []
    thirds: list[list[float]] = [[], [], []]
    for jid in load.accepted:
        row = rows.get(jid)
        if row is None or row["painted"] is None:
            continue
        sent = load.sent_wall[jid] * 1000
        submit.append(row["painted"] - sent)
        if (arrived := load.arrived["Job.Submitted"].get(jid)) is not None:
            lag = row["painted"] - arrived
            event.append(lag)
            drawn.append(row["first"] - arrived)
            thirds[min(2, max(0, int(3 * (sent - began) / (duration * 1000))))].append(lag)
        later = [
            s["painted"]
            for k, s in row["statuses"].items()
            if k != "requested" and s["painted"] is not None
        ]
        if later and (arrived := load.arrived["Job.Assigned"].get(jid)) is not None:
            assigned.append(min(later) - arrived)
    seconds = max(board["watched_ms"] / 1000, 1.0)  # the load, and the drain after it
    return {
        "porters": porters,
        "offered_rate": round(total / offered, 2),
        "submitted": total,
        "accepted": len(load.accepted),
        "completed": len(load.completed & load.accepted),
        "rows_seen": len(submit),
        "rows_seen_share": round(len(submit) / max(len(load.accepted), 1), 4),
        "lag_ms": {
            "submit_to_row": summary(submit),
            "event_to_row": summary(event),
            "event_to_dom": summary(drawn),
            "assigned_to_row": summary(assigned),
        },
        "lag_by_third_p95_ms": [bench.percentile(t, 0.95) for t in thirds],
        "page": {
            "rows_on_board": {
                "max": board["size"]["max"],
                "mean": round(board["size"]["sum"] / max(board["size"]["n"], 1), 1),
            },
            "long_tasks": board["long"]["count"],
            "long_task_ms": round(board["long"]["ms"], 1),
            "longest_task_ms": round(board["long"]["max"], 1),
            "board_read_ms": summary(board["reads"]),
            "watched_s": round(seconds, 1),
            "requests_per_s": {
                path: round(n / seconds, 2) for path, n in sorted(requests.items()) if n >= 3
            },
        },
        "errors": sum(v for k, v in load.errors.items() if "moved" not in k),
        "error_kinds": dict(load.errors),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    site = f"console{uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = bench.start_server("sqlite", site, Path(tmp))
        try:
            server_cpu = bench.cpu_seconds(proc.pid)
            result = asyncio.run(measure(url, site, args))
            jobs = max(result["completed"], 1)
            result["server_cpu_ms_per_job"] = round(
                (bench.cpu_seconds(proc.pid) - server_cpu) * 1000 / jobs, 2
            )
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--rate", type=float, default=50.0, help="jobs submitted per second")
    parser.add_argument("--hold", type=float, default=0.5, help="seconds before a porter acts")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"no Chromium at {CHROMIUM}: apt-get install -y chromium (or DISPATCH_CHROMIUM)")
    reference = reference_seconds()
    result = run(args)
    print(
        json.dumps(
            {
                "benchmark": "console",
                "rate": args.rate,
                "duration_s": args.duration,
                "hold_s": args.hold,
                "target": "the board keeps up at 50 jobs/s: event->row lag flat over the run",
                "cpus": os.cpu_count(),
                "reference_seconds": reference,
                **result,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
