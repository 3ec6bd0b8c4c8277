"""Each anticipation setting on against all off, on the quality benchmark's demo day; one JSON.

The engine (optimal strategy) runs the demo hospital's standard day, its demand scaled
to each load level, over the same seeds with: every setting off, each setting on alone,
and all on. Per variant, each figure's mean and spread over seeds: the late share, stat
pickups within 5 minutes, waits to pickup p50/p95 (stat, asap), jobs open at the end,
jobs done by lent porters, and the paired ratio of late jobs to the all-off run.

Staging points are learnt the way a planner would from the site's own log: the most
frequent origin of each group's requests in each hour, counted on a day drawn with a
seed no run uses (so no run is told its own future).

    .venv/bin/python benchmarks/anticipation.py [--seeds 3] [--loads 0.85,1.0]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections import Counter
from typing import Any

from reference import reference_seconds

from engine.hospital import Hospital
from simulations.days import standard
from simulations.demand import generate
from simulations.runner import sweep
from simulations.scenario import Scenario

LEARNING_SEED = 10_000


def learnt_staging(scenario: Scenario) -> dict[str, dict[int, str]]:
    """Group -> hour -> the most frequent origin of that group's requests that hour."""
    hospital = Hospital.load(scenario.hospital)
    arrivals = generate(scenario, hospital, random.Random(f"{LEARNING_SEED}:demand"))
    counts: dict[tuple[str, int], Counter[str]] = {}
    for a in arrivals:
        key = (a.data["group"], a.at.astimezone(hospital.timezone).hour)
        counts.setdefault(key, Counter())[a.data["origin"]] += 1
    out: dict[str, dict[int, str]] = {}
    for (group, hour), origins in sorted(counts.items()):
        best = sorted(origins.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        out.setdefault(group, {})[hour] = best
    return out


def variants(staging: dict[str, dict[int, str]]) -> dict[str, dict[str, Any]]:
    return {
        "off": {},
        "lending_widens": {"lending_widens": True},
        "batching": {"batching": True},
        "staging": {"staging": staging},
        "all": {"lending_widens": True, "batching": True, "staging": staging},
    }


def _quantile(values: list[float], q: float) -> float | None:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else None


def _figures(run: dict[str, Any]) -> dict[str, Any]:
    f, rows = run["figures"], run["records"]

    def waits(priority: str) -> list[float]:
        return [
            r["wait_to_pickup"] for r in rows if r["priority"] == priority and r["wait_to_pickup"]
        ]

    return {
        "late_ratio": f["late_ratio"],
        "late_jobs": f["late_jobs"],
        "stat_pickup_within_5_min": f["stat_pickup_within_5_min"],
        "wait_p50_stat": _quantile(waits("stat"), 0.5),
        "wait_p95_stat": _quantile(waits("stat"), 0.95),
        "wait_p95_asap": _quantile(waits("asap"), 0.95),
        "open_at_end": f["open_at_end"],
        "lent_jobs": f["lent_jobs"],
        "utilisation": f["porter_utilisation"],
        "seconds": run["seconds"],
    }


def _spread(values: list[Any]) -> dict[str, float | None]:
    known = [v for v in values if v is not None]
    if not known:
        return {"mean": None, "sd": None}
    sd = statistics.stdev(known) if len(known) > 1 else 0.0
    return {"mean": round(statistics.fmean(known), 4), "sd": round(sd, 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--loads", default="0.85,1.0", help="demand multipliers")
    parser.add_argument("--variants", default="off,lending_widens,batching,staging,all")
    args = parser.parse_args()
    seeds = list(range(1, args.seeds + 1))
    started = time.perf_counter()
    base = standard()
    staging = learnt_staging(base)
    out: dict[str, Any] = {"benchmark": "anticipation", "seeds": seeds, "staging": staging}
    levels: dict[str, Any] = {}
    for load in [float(x) for x in args.loads.split(",")]:
        demand = base.demand.model_copy(
            update={"jobs_per_day": round(base.demand.jobs_per_day * load)}
        )
        runs: dict[str, list[dict[str, Any]]] = {}
        for name, settings in variants(staging).items():
            if name not in args.variants.split(","):
                continue
            policy = {"anticipation": settings} if settings else {}
            scenario = base.model_copy(
                update={"demand": demand, "policy": policy, "name": f"anticipation {name}"}
            )
            runs[name] = [_figures(r) for r in sweep(scenario, seeds, args.processes)]
        level: dict[str, Any] = {"jobs_per_day": demand.jobs_per_day}
        for name, rs in runs.items():
            level[name] = {k: _spread([r[k] for r in rs]) for k in rs[0]}
            if name != "off" and "off" in runs:
                pairs = zip(rs, runs["off"], strict=True)
                ratios = [r["late_jobs"] / o["late_jobs"] for r, o in pairs if o["late_jobs"]]
                level[name]["late_vs_off"] = _spread(ratios)
        levels[str(load)] = level
    out["loads"] = levels
    out["seconds"] = round(time.perf_counter() - started, 1)
    out["reference_seconds"] = reference_seconds()
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
