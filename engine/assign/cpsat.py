"""CP-SAT for the rounds the flow model cannot express: two-porter jobs and batches.

It runs on a pruned candidate set (each job's and each porter's best arcs,
plus the pairs of any hint), so its answer is optimal over those candidates;
the caller reports it as proven optimal only when nothing was pruned.

Batching: y[p, o] says porter p walks to origin o this round. Every chosen
pair needs its y, a porter walks to at most one origin, and the travel cost
sits on y, so a batch pays the walk once. A non-batchable job keeps its
porter to itself. The integer costs are the same as `evaluate`'s, so the
objective CP-SAT proves is the one reported.

Determinism: one worker by default, a fixed seed, and only a deterministic
time limit; no wall clock can change the answer.
"""

from __future__ import annotations

import numpy as np
from ortools.sat.python import cp_model

from engine.assign.arrays import I, nonzero_pairs
from engine.assign.model import Plan, Round


def candidates(rnd: Round, k: int, extra: list[Plan]) -> tuple[I, I, bool]:
    """Each job's k cheapest and each porter's k relatively cheapest feasible pairs."""
    feasible = rnd.feasibility.feasible
    n_jobs, n_porters = rnd.shape
    total = rnd.costs.rows(np.arange(n_jobs))
    keep = np.zeros(rnd.shape, dtype=bool)
    if n_jobs and n_porters:
        if k >= n_porters:
            keep |= feasible
        else:
            idx = np.argpartition(total, k - 1, axis=1)[:, :k]
            keep[np.arange(n_jobs)[:, None], idx] = True
        if k < n_jobs:
            reduced = np.ascontiguousarray((total - rnd.costs.leave[:, None]).T)
            idx = np.argpartition(reduced, k - 1, axis=1)[:, :k]
            keep[idx, np.arange(n_porters)[:, None]] = True
        else:
            keep |= feasible
    keep |= rnd.arrays.kept
    for plan in extra:
        for j, porters in plan.items():
            keep[j, list(porters)] = True
    keep &= feasible
    complete = bool((keep == feasible).all())
    js, ps = nonzero_pairs(keep)
    return js, ps, complete


def solve_cpsat(
    rnd: Round,
    js: I,
    ps: I,
    hint: Plan | None,
    seed: int,
    workers: int,
    max_deterministic_time: float,
) -> tuple[Plan, str]:
    a = rnd.arrays
    model = cp_model.CpModel()
    n = len(js)
    x = [model.new_bool_var(f"x{k}") for k in range(n)]
    pair_units = rnd.costs.pair_units(js, ps)
    travel_units = rnd.costs.travel_units(js, ps)
    batching = rnd.problem.policy.batch_size > 1
    coeff = pair_units - travel_units if batching else pair_units
    objective: list[cp_model.LinearExprT] = []
    by_job: dict[int, list[int]] = {}
    by_porter: dict[int, list[int]] = {}
    for k, (j, p) in enumerate(zip(js.tolist(), ps.tolist(), strict=True)):
        by_job.setdefault(j, []).append(k)
        by_porter.setdefault(p, []).append(k)
    assigned: dict[int, cp_model.IntVar] = {}
    leave = rnd.leave_units
    for j, ks in by_job.items():
        assigned[j] = model.new_bool_var(f"a{j}")
        model.add(sum(x[k] for k in ks) == int(a.jobs.needed[j]) * assigned[j])
        objective.append(-int(leave[j]) * assigned[j])
    origin = a.jobs.batch_key  # a walk serves one origin (and trip, if batches share it)
    walks: dict[tuple[int, int], cp_model.IntVar] = {}
    cap = rnd.capacity
    for p, ks in by_porter.items():
        limit = int(cap[p])
        model.add(sum(x[k] for k in ks) <= limit)
        if limit > 1:
            single = [x[k] for k in ks if not a.jobs.batchable[js[k]]]
            if single:
                model.add(sum(x[k] for k in ks) + (limit - 1) * sum(single) <= limit)
        if batching:
            mine: list[cp_model.IntVar] = []
            for k in ks:
                key = (p, int(origin[js[k]]))
                if key not in walks:
                    walks[key] = model.new_bool_var(f"y{p}_{key[1]}")
                    mine.append(walks[key])
                    objective.append(int(travel_units[k]) * walks[key])
                model.add_implication(x[k], walks[key])
            model.add(sum(mine) <= 1)
    objective.extend(int(c) * x[k] for k, c in enumerate(coeff.tolist()))
    model.minimize(sum(objective))
    if hint is not None:
        chosen = {(j, p) for j, porters in hint.items() for p in porters}
        for k, (j, p) in enumerate(zip(js.tolist(), ps.tolist(), strict=True)):
            model.add_hint(x[k], (j, p) in chosen)
        for j, var in assigned.items():
            model.add_hint(var, j in hint)
        hinted_walks = {(p, int(origin[j])) for j, p in chosen}
        for key, var in walks.items():
            model.add_hint(var, key in hinted_walks)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.max_deterministic_time = max_deterministic_time
    status = solver.solve(model)
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return {}, name
    plan: Plan = {}
    for k, var in enumerate(x):
        if not solver.boolean_value(var):
            continue
        j, p = int(js[k]), int(ps[k])
        plan[j] = tuple(sorted((*plan.get(j, ()), p)))
    return plan, name
