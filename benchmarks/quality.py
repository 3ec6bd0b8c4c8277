"""Dispatch quality against the baselines, by hospital and load; print one JSON object.

For each hospital (the demo hospital, and the tests' two-campus Riverside) and each
load level (the day's demand scaled), every strategy runs the same seeds: the phone
desk (what a dispatcher with a phone and a list does), greedy, and the engine. Per
strategy: the late share, stat pickups within 5 minutes, waits to pickup (p50, p95)
by priority, the porters' utilisation and the jobs left unserved, each as a mean
with its spread over seeds; then the engine's paired ratios to each baseline.

Not here yet (issue 13): the engine with anticipation (staging, porters about to
finish, planned scheduled work) and the hindsight bound; the JSON says so.

    .venv/bin/python benchmarks/quality.py [--seeds 10] [--hours 24] [--loads 0.6,0.85,1.0]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from reference import reference_seconds

from simulations.runner import sweep
from simulations.scenario import Demand, Scenario, standard

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the tests' second hospital is built by the tests' own code

from tests.hospitals import riverside, write  # noqa: E402

STRATEGIES = ("phone_desk", "greedy", "optimal")
PRIORITIES = ("stat", "asap", "urgent", "routine")


def _hospitals(tmp: Path) -> dict[str, Scenario]:
    path = write(riverside(), tmp / "riverside.json")
    second = Scenario(
        name="riverside",
        hospital=str(path),
        demand=Demand(jobs_per_day=120),
        policy={"lending": {"wards": ["night_team"], "theatres": ["night_team", "wards"]}},
    )
    return {"demo": standard(), "riverside": second}


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)


def _per_run(run: dict[str, Any]) -> dict[str, Any]:
    f, rows = run["figures"], run["records"]
    waits = {
        p: [r["wait_to_pickup"] for r in rows if r["priority"] == p and r["wait_to_pickup"]]
        for p in PRIORITIES
    }
    return {
        "late_ratio": f["late_ratio"],
        "late_jobs": f["late_jobs"],
        "stat_pickup_within_5_min": f["stat_pickup_within_5_min"],
        "utilisation": f["porter_utilisation"],
        "unserved": len(run["unserved"]),
        "open_at_end": f["open_at_end"],
        **{f"wait_p50_{p}": _percentile(w, 0.5) for p, w in waits.items()},
        **{f"wait_p95_{p}": _percentile(w, 0.95) for p, w in waits.items()},
    }


def _spread(values: list[Any]) -> dict[str, float | None]:
    known = [v for v in values if v is not None]
    if not known:
        return {"mean": None, "sd": None}
    sd = statistics.stdev(known) if len(known) > 1 else 0.0
    return {"mean": round(statistics.fmean(known), 4), "sd": round(sd, 4)}


def _ratio(engine: list[dict[str, Any]], base: list[dict[str, Any]]) -> dict[str, float | None]:
    """Late jobs, engine over baseline, paired by seed (below 1: the engine is better)."""
    pairs = [(e["late_jobs"], b["late_jobs"]) for e, b in zip(engine, base, strict=True)]
    ratios = [e / b for e, b in pairs if b]
    total = sum(b for _, b in pairs)
    return {
        "pooled": round(sum(e for e, _ in pairs) / total, 4) if total else None,
        **_spread(ratios),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--hours", type=float, default=24.0)
    parser.add_argument("--loads", default="0.6,0.85,1.0", help="demand multipliers")
    parser.add_argument("--hospitals", default="demo,riverside")
    args = parser.parse_args()
    seeds = list(range(1, args.seeds + 1))
    procs = args.processes
    loads = [float(x) for x in args.loads.split(",")]
    started = time.perf_counter()
    out: dict[str, Any] = {
        "benchmark": "quality",
        "seeds": args.seeds,
        "hours": args.hours,
        "goals": {
            "late_vs_phone_desk": "<= 0.60 (40% fewer)",
            "late_vs_greedy_at_85_percent_load": "<= 0.80",
            "stat_pickup_within_5_min_at_85_percent_or_below": ">= 0.90",
        },
        "missing": [
            "the engine with anticipation (staging, about-to-finish porters, planned work)",
            "the hindsight bound",
        ],
        "hospitals": {},
    }
    with tempfile.TemporaryDirectory() as tmp:
        for name, base in _hospitals(Path(tmp)).items():
            if name not in args.hospitals.split(","):
                continue
            levels = {}
            for load in loads:
                demand = base.demand.model_copy(
                    update={"jobs_per_day": round(base.demand.jobs_per_day * load)}
                )
                scenario = base.model_copy(update={"demand": demand, "hours": args.hours})
                runs = {
                    s: [_per_run(r) for r in sweep(scenario.with_strategy(s), seeds, procs)]
                    for s in STRATEGIES
                }
                levels[str(load)] = {
                    "jobs_per_day": demand.jobs_per_day,
                    "strategies": {
                        s: {k: _spread([r[k] for r in rs]) for k in rs[0]} for s, rs in runs.items()
                    },
                    "engine_late_vs_phone_desk": _ratio(runs["optimal"], runs["phone_desk"]),
                    "engine_late_vs_greedy": _ratio(runs["optimal"], runs["greedy"]),
                }
            out["hospitals"][name] = levels
    out["seconds"] = round(time.perf_counter() - started, 1)
    out["reference_seconds"] = reference_seconds()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
