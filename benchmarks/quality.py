"""Dispatch quality against the baselines and the hindsight bound, by hospital and load.

For each hospital (the demo hospital's standard day, and the tests' two-campus
Riverside with a roster that covers its day) and each load level (utilisation as
`simulations.load` defines it: offered porter-minutes over porter-minutes on shift,
hour by hour; the demand scaled to reach it), every strategy runs the same seeds:
the phone desk (what a dispatcher with a phone and a list does), greedy, and the
engine. Per strategy, each with its mean, sd, min and max over seeds: the late
share, stat pickups within 5 minutes, waits to pickup by priority (p50, p95, p99,
a job never picked up counted as waiting until the end), the porters' utilisation,
jobs open at the end. Per load: the hindsight bound (`simulations.hindsight`, a
valid lower bound on late jobs and waits for the same requests and roster), the
engine's paired ratios, and the issue's goals as figures and booleans. The engine
with anticipation batches, lends more cheaply under load, gives porters about to
hand over their next job, lets a stat job divert a porter, and stages idle porters
at points learnt, as a planner would, from a day of the site's own log run before
the measured ones. Prints one JSON object; progress goes to stderr.

    .venv/bin/python benchmarks/quality.py [--seeds 10] [--loads 0.5,0.85]
        [--hospitals demo,riverside] [--strategies phone_desk,greedy,engine]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from quality_figures import ANTICIPATING, PRIORITIES, QUANTILES, goals, summarise
from reference import reference_seconds

from engine.assign.rules import RULES
from engine.hospital import Hospital
from simulations.days import at_load, covered, standard
from simulations.hindsight import Day, hindsight
from simulations.late_causes import CAUSES as LATE_CAUSES
from simulations.load import DemandShape, Load
from simulations.runner import learnt_staging, run_one
from simulations.scenario import Demand, Scenario
from simulations.stat_misses import CAUSES

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the tests' second hospital is built by the tests' own code

from tests.hospitals import riverside, write  # noqa: E402

# Four levels keep ten seeds of both hospitals near a quarter of an hour on two idle
# cores; the full sweep is `--loads 0.5,0.65,0.75,0.85,0.95,1.0` (about half as long again).
LOADS = (0.5, 0.75, 0.85, 1.0)


@dataclass(frozen=True)
class Variant:
    """A strategy as the benchmark runs it: the assignment strategy and policy changes."""

    strategy: Literal["optimal", "greedy", "phone_desk"]
    policy: dict[str, Any] = field(default_factory=dict)
    staging_points: int = 0  # >0: staging learnt first from a day of the site's own log

    def of(self, scenario: Scenario, staging: dict[str, Any] | None = None) -> Scenario:
        policy = {**scenario.policy, **self.policy}
        if staging:
            policy["anticipation"] = {**policy.get("anticipation", {}), "staging": staging}
        return scenario.with_strategy(self.strategy).model_copy(update={"policy": policy})


# What runs, by label. The engine with anticipation turns on batching, lending that
# widens, porters due to hand over within five minutes as candidates, stat jobs that
# divert a porter on the way to a lesser pickup and keep a porter once given, a job
# picked up before the shift's end finished up to 15 minutes after it, and
# staging: up to three points per group and hour, learnt as a planner would
# (`GET /policy/staging-suggestion?points=3`) from a day the engine ran before the
# measured ones (seed 0, which no measured run uses).
ANTICIPATION = {
    "batching": True,
    "lending_widens": True,
    "finishing_minutes": 5,
    "divert_for_stat": True,
    "stat_keeps_porter": True,
    "overtime_minutes": 15,
}
VARIANTS: dict[str, Variant] = {
    "phone_desk": Variant("phone_desk"),
    "greedy": Variant("greedy"),
    "engine": Variant("optimal"),
    ANTICIPATING: Variant("optimal", {"anticipation": ANTICIPATION}, staging_points=3),
}
RULE_NAMES = tuple(rule.name for rule in RULES)
LEARNING_SEED = 0
BOUND_FROM = "engine"  # whose run hands the bound its day (any run has the same requests)


def hospitals(tmp: Path) -> dict[str, Scenario]:
    """Each hospital's day at its own staffing, whose roster covers its demand."""
    path = write(riverside(), tmp / "riverside.json")
    second = Scenario(
        name="riverside",
        hospital=str(path),
        demand=Demand(jobs_per_day=120),
        policy={"lending": {"wards": ["night_team"], "theatres": ["night_team", "wards"]}},
    )
    return {"demo": standard(), "riverside": covered(second, "riverside day")}


def _per_run(run: dict[str, Any]) -> dict[str, float | None]:
    """One run's figures, flat; when the run traced its stat misses, each cause as a share
    of the stat jobs (`stat_missed_<cause>`), and how many of the misses with only barred
    porters near had a porter barred by each rule (`stat_missed_barred_by_<rule>`); when
    it traced its late jobs, each cause as a share of the jobs due (`late_cause_<cause>`, which
    add up to the late share)."""
    f, rows = run["figures"], run["records"]
    out: dict[str, float | None] = {
        "late_ratio": f["late_ratio"],
        "late_jobs": f["late_jobs"],
        "jobs_due": sum(1 for r in rows if r["late"] is not None),
        "stat_pickup_within_5_min": f["stat_pickup_within_5_min"],
        # Less the minutes the ward kept the job (an escort not confirmed, a patient not
        # ready when the porter came): the part of the stat goal dispatch answers for.
        "stat_pickup_within_5_min_of_ward_ready": f["stat_pickup_within_5_min_of_ward_ready"],
        "porter_utilisation": f["porter_utilisation"],
        "open_at_end": f["open_at_end"],
        "unserved": len(run["unserved"]),
    }
    out |= _phases(rows)
    if (misses := run.get("stat_misses")) is not None:
        jobs = misses["stat_jobs"]
        for cause in CAUSES:
            out[f"stat_missed_{cause}"] = round(misses["causes"][cause] / jobs, 4) if jobs else None
        for rule in RULE_NAMES:
            out[f"stat_missed_barred_by_{rule}"] = misses["barred_by"].get(rule, 0)
    if (late := run.get("late_causes")) is not None:
        due = out["jobs_due"] or 0
        for cause in LATE_CAUSES:
            out[f"late_cause_{cause}"] = round(late["causes"][cause] / due, 4) if due else None
    for p in PRIORITIES:
        out[f"late_{p}"] = sum(1 for r in rows if r["priority"] == p and r["late"])
        waits = f["by_priority"][p]["wait_censored"]
        out |= {f"wait_{q}_{p}": waits[q] for q in QUANTILES}
    return out


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None


def _phases(rows: list[dict[str, Any]]) -> dict[str, float | None]:
    """Where late jobs' time went: never picked up, or minutes waiting for a porter
    (start to the last assignment), on the way (assignment to pickup: the phone, the
    walk, a patient not ready) and carried (pickup to delivery); the way for all jobs."""
    late = [r for r in rows if r["late"]]
    picked = [r for r in late if r["wait_to_pickup"] is not None]
    done = [r for r in picked if r["wait_to_delivery"] is not None]
    every = [r["assignment_to_pickup"] for r in rows if r["assignment_to_pickup"] is not None]
    return {
        "late_never_picked_up": round(1 - len(picked) / len(late), 4) if late else None,
        "late_waiting_for_porter_min": _mean([r["to_assignment"] for r in picked]),
        "late_on_the_way_min": _mean([r["assignment_to_pickup"] for r in picked]),
        "late_carried_min": _mean([r["wait_to_delivery"] - r["wait_to_pickup"] for r in done]),
        "on_the_way_min": _mean(every),
    }


def _simulate(
    key: tuple[str, float, str], scenario: Scenario, seed: int, with_day: bool
) -> tuple[tuple[str, float, str], int, dict[str, float | None], Day | None, float]:
    # Only the strategy whose gap the report explains traces its stat misses and late
    # jobs: a tenth of a second each, read back from the log.
    explained = key[2] == ANTICIPATING
    run = run_one(
        scenario, seed, with_day=with_day, with_stat_misses=explained, with_late_causes=explained
    )
    return key, seed, _per_run(run), run.get("day"), run["seconds"]


def _learn(
    key: tuple[str, float, str], scenario: Scenario, points: int
) -> tuple[tuple[str, float, str], dict[str, Any]]:
    return key, learnt_staging(scenario, LEARNING_SEED, points)


def _bound(key: tuple[str, float], seed: int, day: Day) -> tuple[tuple[str, float], int, Any]:
    started = time.perf_counter()
    h = hindsight(day)
    flat: dict[str, float | None] = {
        "late_jobs": h["late_jobs"],
        "late_ratio": h["late_ratio"],
        "jobs_due": h["jobs_due"],
        "stat_pickup_within_5_min_at_most": h["stat_pickup_within_5_min_at_most"],
    }
    for p in PRIORITIES:
        flat[f"late_{p}"] = h["late_by_priority"][p]
        flat |= {f"wait_{q}_{p}": h["wait_censored"][p][q] for q in QUANTILES}
    flat["seconds"] = round(time.perf_counter() - started, 2)
    return key, seed, flat


def _load_table(load: Load) -> dict[str, Any]:
    """The expected load: the day's figure and each hour's demand against capacity."""
    data = load.as_data()
    return {
        "utilisation": data["utilisation"],
        "day_utilisation": data["day_utilisation"],
        "peak": data["peak"],
        "pools": data["pools"],
        "hours": {
            "columns": ["hour", "jobs", "offered_min", "capacity_min", "utilisation"],
            "rows": [
                [h["hour"], h["jobs"], h["offered"], h["capacity"], h["utilisation"]]
                for h in data["hours"]
            ],
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="seeds 1..N (default 10)")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--hours", type=float, default=24.0)
    parser.add_argument("--loads", default=",".join(str(u) for u in LOADS), help="utilisations")
    parser.add_argument("--hospitals", default="demo,riverside")
    parser.add_argument("--strategies", default=",".join(VARIANTS), help="labels to run")
    parser.add_argument("--no-bound", action="store_true", help="skip the hindsight bound")
    args = parser.parse_args()
    labels = [s for s in args.strategies.split(",") if s]
    unknown = [s for s in labels if s not in VARIANTS]
    if unknown or args.seeds < 1:
        parser.error(f"unknown strategies {unknown} (known: {', '.join(VARIANTS)})" if unknown
                     else "--seeds must be at least 1")  # fmt: skip
    seeds = list(range(1, args.seeds + 1))
    levels = [float(x) for x in args.loads.split(",")]
    reference = reference_seconds()
    started = time.perf_counter()
    bounded = not args.no_bound and BOUND_FROM in labels
    out: dict[str, Any] = {
        "benchmark": "quality",
        "seeds": len(seeds),
        "hours": args.hours,
        "strategies": {label: VARIANTS[label].strategy for label in labels},
        "definitions": {
            "utilisation": "offered porter-minutes / porter-minutes on shift, per pool of groups "
            "that lend to each other and per hour, work-weighted over the day",
            "late": "delivered after its due time, or not delivered by the end though due",
            "wait": "minutes from request (or appointment) to pickup; a job never picked up "
            "counts as waiting until the end",
            "spread": "mean, sd, min and max over seeds",
            "hindsight": "a lower bound on late jobs and waits for the same requests and roster "
            "(and an upper bound on stat pickups within 5 minutes): no strategy can beat it",
        },
        "hospitals": {},
    }
    runs: dict[tuple[str, float, str], dict[int, dict[str, float | None]]] = {}
    bounds: dict[tuple[str, float], dict[int, dict[str, float | None]]] = {}
    with tempfile.TemporaryDirectory() as tmp, ProcessPoolExecutor(args.processes) as pool:
        jobs: list[tuple[tuple[str, float, str], Scenario, int, bool]] = []
        learning: dict[tuple[str, float, str], Scenario] = {}  # runs waiting for staging
        learnt: dict[tuple[str, float, str], dict[str, Any]] = {}
        for name, base in hospitals(Path(tmp)).items():
            if name not in args.hospitals.split(","):
                continue
            base = base.model_copy(update={"hours": args.hours})
            shape = DemandShape(base, Hospital.load(base.hospital))
            out["hospitals"][name] = {"scenario": base.name, "loads": {}}
            for level in levels:
                scenario = at_load(base, level, shape)
                out["hospitals"][name]["loads"][str(level)] = {
                    "jobs_per_day": scenario.demand.jobs_per_day,
                    "expected_load": _load_table(shape.load(scenario.demand.jobs_per_day)),
                }
                for label in labels:
                    key = (name, level, label)
                    runs[key] = {}
                    if VARIANTS[label].staging_points:  # its runs wait for what it learns
                        learning[key] = scenario
                        continue
                    jobs += [(key, VARIANTS[label].of(scenario), s, bounded and label == BOUND_FROM)
                             for s in seeds]  # fmt: skip
        # The longest days first, so the pool's two workers finish together.
        jobs.sort(key=lambda j: (-j[1].demand.jobs_per_day, j[0][2] != "engine", j[2]))
        pending: set[Future[Any]] = {
            pool.submit(_learn, key, VARIANTS["engine"].of(sc), VARIANTS[key[2]].staging_points)
            for key, sc in learning.items()
        }
        pending |= {pool.submit(_simulate, *j) for j in jobs}
        done_runs, total = 0, len(jobs) + len(learning) * len(seeds)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                result = future.result()
                if len(result) == 2:  # staging learnt: the variant's runs can start
                    key, staging = result
                    learnt[key] = staging
                    scenario = VARIANTS[key[2]].of(learning[key], staging)
                    pending |= {pool.submit(_simulate, key, scenario, s, False) for s in seeds}
                    continue
                if len(result) == 3:  # a bound
                    key2, seed, flat = result
                    bounds.setdefault(key2, {})[seed] = flat
                    continue
                key, seed, figures, day, _ = result
                runs[key][seed] = figures
                done_runs += 1
                if day is not None:
                    pending.add(pool.submit(_bound, key[:2], seed, day))
                print(f"{done_runs}/{total} runs, {time.perf_counter() - started:.0f} s",
                      file=sys.stderr, flush=True)  # fmt: skip
    for name, entry in out["hospitals"].items():
        for level_text, block in entry["loads"].items():
            level = float(level_text)
            mine = {label: runs[(name, level, label)] for label in labels}
            block |= summarise(mine, bounds.get((name, level)), level)
            for label in labels:
                if (staging := learnt.get((name, level, label))) is not None:
                    hours = [p for by_hour in staging.values() for p in by_hour.values()]
                    block.setdefault("staging_learnt", {})[label] = {
                        "group_hours": len(hours),
                        "points": sum(1 if isinstance(p, str) else len(p) for p in hours),
                    }
    out["goals"] = goals(out["hospitals"])
    if ANTICIPATING in labels:
        out["goals_with_anticipation"] = goals(out["hospitals"], ANTICIPATING)
    out["seconds"] = round(time.perf_counter() - started, 1)
    out["reference_seconds"] = reference
    print(json.dumps(out, indent=1, allow_nan=False))


if __name__ == "__main__":
    main()
