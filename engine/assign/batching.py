"""A fast batching plan: the exact one-job-per-porter optimum, then top-ups.

One walk to an origin can serve several batchable jobs, so the walk is a
fixed charge, which no flow model can price. This plan uses exact flows
around it instead. It starts twice: from the one-job-per-porter optimum
(travel charged in full, branch and bound included) and from the greedy plan
(which batches as it goes). Each start then gets top-ups: every porter
walking to an origin for batchable jobs may take more batchable jobs waiting
there, up to the policy's limit, each costing its pair cost minus the walk it
no longer needs; a second min-cost flow picks them. The cheaper result wins.

It is not proven optimal (a batch worth a long walk only as a whole can be
missed), so it serves as CP-SAT's warm start and floor, and as the answer on
rounds too large for CP-SAT to settle in a round's time.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow

from engine.assign.arrays import I
from engine.assign.branch import branch_and_bound
from engine.assign.flow import Relaxation
from engine.assign.greedy import repair, solve_greedy
from engine.assign.model import Plan, Round, plan_units


def batch_plan(rnd: Round, node_limit: int, greedy: Plan | None = None) -> Plan:
    """The better of two starts, each topped up: the flow optimum and the greedy plan
    (`greedy`: the round's greedy plan if the caller has it; it is a third of the cost)."""
    flow = branch_and_bound(rnd, Relaxation.build(rnd), node_limit).plan
    greedy = solve_greedy(rnd) if greedy is None else greedy
    plans = [top_up(rnd, repair(rnd, start)) for start in (flow, greedy)]
    return min(plans, key=lambda plan: plan_units(rnd, plan))


def top_up(rnd: Round, plan: Plan) -> Plan:
    """Let porters already walking to an origin for batchable jobs take more from there."""
    a = rnd.arrays
    load = np.zeros(rnd.shape[1], dtype=np.int64)
    origin_of = np.full(rnd.shape[1], -1, dtype=np.int64)
    batch_only = np.ones(rnd.shape[1], dtype=bool)
    for job, porters in plan.items():
        for porter in porters:
            load[porter] += 1
            origin_of[porter] = a.jobs.batch_key[job]
            batch_only[porter] &= bool(a.jobs.batchable[job])
    room = np.where((load > 0) & batch_only, rnd.capacity - load, 0)
    costs = rnd.costs
    waiting = np.ones(rnd.shape[0], dtype=bool)
    waiting[list(plan)] = False
    js, ps = costs.jobs, costs.porters
    # Pairs joining a walk already made: same origin (and trip), batchable, job still waiting.
    same_walk = origin_of[ps] == a.jobs.batch_key[js]
    join = waiting[js] & a.jobs.batchable[js] & (room[ps] > 0) & same_walk
    idx = np.flatnonzero(join)
    if not len(idx):
        return plan
    j, p = js[idx], ps[idx]
    gain = costs.units[idx] - costs.travel_units(j, p) - rnd.leave_units[j]
    worth = gain < 0
    out = dict(plan)
    for job, porter in _top_ups(j[worth], p[worth], gain[worth], room):
        out[job] = (porter,)
    return out


def _top_ups(jobs: I, porters: I, cost: I, room: I) -> list[tuple[int, int]]:
    """(job, porter) top-ups of least total cost; each porter takes at most `room` more."""
    job_ids, j = np.unique(jobs, return_inverse=True)
    porter_ids, p = np.unique(porters, return_inverse=True)
    n_p, n_j = len(porter_ids), len(job_ids)
    sink = n_p + n_j
    supply = room[porter_ids].astype(np.int64)
    tails = np.concatenate([p, n_p + np.arange(n_j), np.arange(n_p)])
    heads = np.concatenate([n_p + j, np.full(n_j, sink), np.full(n_p, sink)])
    caps = np.concatenate([np.ones(len(j) + n_j, dtype=np.int64), supply])
    unit = np.concatenate([cost, np.zeros(n_j + n_p, dtype=np.int64)])
    solver = min_cost_flow.SimpleMinCostFlow()
    arcs = solver.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), caps, unit
    )
    supplies = np.concatenate([supply, np.zeros(n_j, dtype=np.int64), [-int(supply.sum())]])
    solver.set_nodes_supplies(np.arange(sink + 1, dtype=np.int32), supplies)
    if solver.solve() != solver.OPTIMAL:
        raise RuntimeError("min cost flow failed on batch top-ups")
    used = np.flatnonzero(solver.flows(arcs[: len(j)]) > 0)
    return list(zip(job_ids[j[used]].tolist(), porter_ids[p[used]].tolist(), strict=True))
