"""Time whole assignment rounds and print one JSON object.

A round is what the dispatcher pays per decision: build the problem (checks,
column arrays, cost matrix), solve, and explain every assignment (alternatives
and breakdowns come with the result; `explain()` turns them into a dict). The
same seeded random problems, on a synthetic site of 60 locations, are solved
by the optimal strategy and by the greedy baseline. Wall time is the measure;
CPU time is reported beside it because a shared machine inflates the former.

    .venv/bin/python benchmarks/assign.py [--quick]
"""

from __future__ import annotations

import gc
import json
import os
import platform
import sys
import time
from collections import Counter
from typing import Any

import numpy as np
import ortools
from reference import reference_seconds

from engine.assign import AssignmentProblem, SolverParams, Travel, solve
from engine.assign.synthetic import random_problem, synthetic_site

SIZES = ((50, 20, 50), (200, 74, 50), (2000, 500, 15))  # jobs, porters, repetitions
TARGET_P99_MS = {(200, 74): 20.0, (2000, 500): 250.0}


def one_round(problem: AssignmentProblem, params: SolverParams) -> tuple[float, float, Any]:
    """Wall and CPU milliseconds for a fresh problem object (nothing cached), and the result."""
    start, cpu = time.perf_counter(), time.process_time()
    fresh = AssignmentProblem(
        problem.jobs,
        problem.porters,
        problem.travel,
        problem.policy,
        problem.policy_version,
        problem.now,
    )
    result = solve(fresh, params)
    result.explain()
    wall_ms = (time.perf_counter() - start) * 1000.0
    return wall_ms, (time.process_time() - cpu) * 1000.0, result


def summarise(times: list[float], cpu: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(float(np.percentile(times, 50)), 2),
        "p99_ms": round(float(np.percentile(times, 99)), 2),
        "max_ms": round(max(times), 2),
        "cpu_p50_ms": round(float(np.percentile(cpu, 50)), 2),
        "cpu_p99_ms": round(float(np.percentile(cpu, 99)), 2),
    }


def run(sizes: tuple[tuple[int, int, int], ...]) -> dict[str, Any]:
    travel = Travel.from_site(synthetic_site(n_locations=60, seed=0))
    optimal, greedy = SolverParams(), SolverParams(strategy="greedy")
    warm = random_problem(0, 50, 20, travel)
    one_round(warm, optimal)
    one_round(warm, greedy)
    out: dict[str, Any] = {}
    for n_jobs, n_porters, reps in sizes:
        times, g_times, cpu, g_cpu, objectives, g_objectives = [], [], [], [], [], []
        methods: Counter[str] = Counter()
        assigned = 0
        for rep in range(reps):
            problem = random_problem(10_000 + rep, n_jobs, n_porters, travel)
            gc.collect()
            ms, cpu_ms, result = one_round(problem, optimal)
            g_ms, g_cpu_ms, g_result = one_round(problem, greedy)
            times.append(ms)
            g_times.append(g_ms)
            cpu.append(cpu_ms)
            g_cpu.append(g_cpu_ms)
            objectives.append(result.objective)
            g_objectives.append(g_result.objective)
            methods[result.method] += 1
            assigned += len(result.assignments)
        key = f"{n_jobs}x{n_porters}"
        mean, g_mean = float(np.mean(objectives)), float(np.mean(g_objectives))
        out[key] = {
            "reps": reps,
            "optimal": {**summarise(times, cpu), "mean_objective": round(mean, 1)},
            "greedy": {**summarise(g_times, g_cpu), "mean_objective": round(g_mean, 1)},
            "greedy_excess_pct": round(100.0 * (g_mean - mean) / mean, 3),
            "mean_assigned": round(assigned / reps, 1),
            "methods": dict(sorted(methods.items())),
        }
        target = TARGET_P99_MS.get((n_jobs, n_porters))
        if target is not None:
            out[key]["target_p99_ms"] = target
            out[key]["meets_target"] = out[key]["optimal"]["p99_ms"] <= target
    return out


def main() -> None:
    sizes = tuple((j, p, max(3, r // 5)) for j, p, r in SIZES) if "--quick" in sys.argv else SIZES
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    report = {
        "benchmark": "assign",
        "site_locations": 60,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "numpy": np.__version__,
            "ortools": getattr(ortools, "__version__", "?"),
            "load_average_1m_at_start": load,
            "reference_seconds": reference_seconds(),
        },
        "sizes": run(sizes),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
