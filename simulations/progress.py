"""Running many simulations with a sign of life on stderr, so stdout stays for results.

A simulated day takes tens of seconds and a comparison runs dozens; without
progress a planner kills it. On a terminal a run's bar redraws in place, and
only when the shown percentage changes (the simulation reports every tick);
into a file or a pipe only the finished line is written, so CI logs do not fill
with carriage returns. In a process pool runs cannot report from inside, so
each prints one line as it ends.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, TextIO

from simulations import runner
from simulations.scenario import Scenario

WIDTH = 30

# (label, seed, function, its arguments): the function takes a `progress` keyword.
Task = tuple[str, int, Callable[..., dict[str, Any]], tuple[Any, ...]]


def render(label: str, fraction: float, note: str = "") -> str:
    fraction = min(1.0, max(0.0, fraction))
    filled = round(fraction * WIDTH)
    bar = "#" * filled + "." * (WIDTH - filled)
    tail = f" {note}" if note else ""
    return f"{label} [{bar}] {fraction * 100:3.0f}%{tail}"


class Bar:
    """Call it with a fraction done; `finish` ends the line."""

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self.shown = -1

    def __call__(self, fraction: float) -> None:
        percent = int(fraction * 100)
        if self.live and percent != self.shown:
            self.shown = percent
            self.stream.write("\r" + render(self.label, fraction))
            self.stream.flush()

    def finish(self, note: str = "") -> None:
        self.stream.write(("\r" if self.live else "") + render(self.label, 1.0, note) + "\n")
        self.stream.flush()


def simulate_one(
    scenario: Scenario,
    seed: int,
    with_log: bool = False,
    progress: Callable[[float], None] | None = None,
) -> dict[str, Any]:
    """A module-level entry for the pool: runner.run_one with an optional progress callback."""
    return runner.run_one(scenario, seed, with_log, progress)


def note(run: dict[str, Any]) -> str:
    late = run["figures"].get("late_ratio")
    text = f"late {'–' if late is None else f'{late * 100:.1f}%'}, {run['events']} events"
    return text + (f", {run['seconds']:.1f} s" if "seconds" in run else "")


def run_all(
    tasks: list[Task],
    processes: int,
    keep: Callable[[str, int, dict[str, Any]], None],
    stream: TextIO | None = None,
) -> None:
    """Runs every task, in order or in a pool, handing each run to `keep` as it ends (so a
    caller can write a day's megabytes of log and drop them at once)."""
    stream = stream if stream is not None else sys.stderr
    if processes <= 1:
        for label, seed, call, args in tasks:
            bar = Bar(f"{label} seed {seed}", stream)
            bar(0.0)
            run = call(*args, progress=bar)
            bar.finish(note(run))
            keep(label, seed, run)
        return
    with ProcessPoolExecutor(max_workers=processes) as pool:
        futures = {pool.submit(call, *args): (label, seed) for label, seed, call, args in tasks}
        for done, future in enumerate(as_completed(futures), 1):
            label, seed = futures[future]
            run = future.result()
            stream.write(f"[{done}/{len(tasks)}] {label} seed {seed}: {note(run)}\n")
            stream.flush()
            keep(label, seed, run)
