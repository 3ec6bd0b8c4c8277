"""The baseline a human dispatcher would follow, behind the same interface.

Most urgent first, then oldest, each to the nearest free eligible porter (a
porter already carrying a same-origin batch this round is the fallback for a
batchable job). It respects every hard rule but ignores costs, so it measures
what optimisation buys; the optimal strategy also uses it as a floor.
"""

from __future__ import annotations

import numpy as np

from engine.assign.model import Plan, Round


def job_order(rnd: Round) -> list[int]:
    jobs = rnd.problem.jobs
    a = rnd.arrays.jobs
    rank, requested = a.rank.tolist(), a.requested.tolist()
    return sorted(range(len(jobs)), key=lambda j: (rank[j], requested[j], jobs[j].id))


def solve_greedy(rnd: Round) -> Plan:
    a = rnd.arrays
    n_porters = rnd.shape[1]
    cap = rnd.capacity
    load = np.zeros(n_porters, dtype=np.int64)
    batch_origin = np.full(n_porters, -1, dtype=np.int64)
    exclusive = np.zeros(n_porters, dtype=bool)
    busy = a.porters.active > 0
    free_since = a.porters.free_since
    porter_index = np.arange(n_porters)
    feasible = rnd.feasibility.feasible
    plan: Plan = {}
    for j in job_order(rnd):
        if not (load < cap).any():
            break
        if a.jobs.batchable[j]:
            origin = a.jobs.batch_key[j]
            open_ = (load == 0) | ((batch_origin == origin) & ~exclusive)
        else:
            open_ = load == 0
        idx = np.flatnonzero(feasible[j] & open_ & (load < cap))
        needed = int(a.jobs.needed[j])
        if len(idx) < needed:
            continue
        not_free = busy[idx] | (load[idx] > 0)
        order = np.lexsort((porter_index[idx], free_since[idx], a.travel[j, idx], not_free))
        chosen = idx[order[:needed]]
        load[chosen] += 1
        batch_origin[chosen] = a.jobs.batch_key[j]
        exclusive[chosen] |= not a.jobs.batchable[j]
        plan[j] = tuple(sorted(chosen.tolist()))
    return plan


def repair(rnd: Round, plan: Plan) -> Plan:
    """Give idle eligible porters to unassigned jobs whenever that lowers the objective.

    Runs after a pruned CP-SAT solve, whose candidate lists might have hidden
    an idle porter from an urgent job.
    """
    a = rnd.arrays
    used = np.zeros(rnd.shape[1], dtype=bool)
    for porters in plan.values():
        used[list(porters)] = True
    idle = ~used & (rnd.capacity > 0)
    out = dict(plan)
    leave = rnd.leave_units
    for j in job_order(rnd):
        if j in out:
            continue
        idx = np.flatnonzero(rnd.feasibility.feasible[j] & idle)
        needed = int(a.jobs.needed[j])
        if len(idx) < needed:
            continue
        units = rnd.costs.pair_units(np.full(len(idx), j), idx)
        best = np.argsort(units, kind="stable")[:needed]
        if int(units[best].sum()) < int(leave[j]):
            chosen = idx[best]
            idle[chosen] = False
            out[j] = tuple(sorted(chosen.tolist()))
    return out
