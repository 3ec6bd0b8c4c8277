"""One round's derived data, and the single cost function every strategy is scored by.

A plan maps job index -> porter indices. `evaluate` prices any plan the same
way (pair costs, travel shared within a batch, plus leave costs for the rest),
so greedy and optimal objectives are comparable and the integer objective the
solvers minimise is exactly the one reported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from engine.assign.arrays import F, I, ProblemArrays
from engine.assign.costs import CostMatrix
from engine.assign.problem import AssignmentProblem
from engine.assign.rules import Feasibility

Plan = dict[int, tuple[int, ...]]


@dataclass(frozen=True)
class Round:
    """Everything one solve derives from a problem: arrays, hard-rule masks and costs."""

    problem: AssignmentProblem
    arrays: ProblemArrays
    feasibility: Feasibility
    costs: CostMatrix
    seed: int

    @classmethod
    def build(cls, problem: AssignmentProblem, seed: int = 0) -> Round:
        a = problem.arrays
        feasibility = Feasibility.build(a, problem.policy)
        job_ids = [j.id for j in problem.jobs]
        porter_ids = [p.id for p in problem.porters]
        costs = CostMatrix.build(a, problem.policy, feasibility.feasible, job_ids, porter_ids, seed)
        return cls(problem, a, feasibility, costs, seed)

    @property
    def shape(self) -> tuple[int, int]:
        return self.arrays.shape

    @cached_property
    def capacity(self) -> I:
        """Jobs each porter may still take this round: a free porter up to the policy's
        batch size, a busy one up to `max_jobs_per_porter`, one about to finish one (to
        start after the hand-over)."""
        policy, porters = self.problem.policy, self.arrays.porters
        cap: I = np.maximum(policy.max_jobs_per_porter - porters.active, 0)
        cap[porters.active == 0] = policy.batch_size
        cap[porters.finishing | porters.diverting] = 1
        return cap

    @cached_property
    def leave_units(self) -> I:
        return self.costs.leave_units()

    def batching_possible(self) -> bool:
        """Could some porter take two same-origin batchable jobs this round?"""
        if self.problem.policy.batch_size < 2 or not self.shape[0]:
            return False
        a = self.arrays
        usable = self.feasibility.feasible & a.jobs.batchable[:, None] & (self.capacity >= 2)
        rows = np.flatnonzero(usable.any(axis=1))
        if len(rows) < 2:
            return False
        order = rows[np.argsort(a.jobs.batch_key[rows], kind="stable")]
        origins = a.jobs.batch_key[order]
        starts = np.flatnonzero(np.r_[True, origins[1:] != origins[:-1]])
        per_origin = np.add.reduceat(usable[order].astype(np.int32), starts, axis=0)
        return bool((per_origin >= 2).any())


@dataclass(frozen=True)
class Evaluation:
    objective: float
    units: int
    costs: dict[int, float]  # job index -> its cost as assigned
    breakdowns: dict[int, dict[str, float]]


def plan_pairs(plan: Plan) -> tuple[I, I]:
    js = [j for j, ps in plan.items() for _ in ps]
    ps = [p for porters in plan.values() for p in porters]
    return np.array(js, dtype=np.int64), np.array(ps, dtype=np.int64)


def _trips(rnd: Round, js: I, ps: I) -> tuple[I, I, I]:
    """Group pairs into porter walks (porter, origin): first pair, group, and group size."""
    trip = ps * (len(rnd.problem.travel.codes) + 1) + rnd.arrays.jobs.origin[js]
    _, first, group, size = np.unique(
        trip, return_index=True, return_inverse=True, return_counts=True
    )
    return first, group, size


def plan_units(rnd: Round, plan: Plan) -> int:
    """The integer objective of a plan: what the solvers minimise."""
    js, ps = plan_pairs(plan)
    unassigned = np.ones(rnd.shape[0], dtype=bool)
    unassigned[js] = False
    units = int(rnd.leave_units[unassigned].sum())
    if len(js):
        first, _, _ = _trips(rnd, js, ps)
        travel = rnd.costs.travel_units(js, ps)
        units += int((rnd.costs.pair_units(js, ps) - travel).sum() + travel[first].sum())
    return units


def evaluate(rnd: Round, plan: Plan) -> Evaluation:
    """Score a plan: pair costs (travel shared per porter walk) plus leave costs."""
    js, ps = plan_pairs(plan)
    costs = rnd.costs
    unassigned = np.ones(rnd.shape[0], dtype=bool)
    unassigned[js] = False
    leave_costs = costs.leave[unassigned].tolist()
    units = plan_units(rnd, plan)
    if not len(js):
        return Evaluation(math.fsum(leave_costs), units, {}, {})
    terms = costs.breakdown(js, ps)
    _, group, size = _trips(rnd, js, ps)
    full_travel = terms["travel"]
    terms["travel"] = full_travel / size[group]
    pair_total: F = costs.cost(js, ps) - full_travel + terms["travel"]
    job_costs: dict[int, float] = {}
    breakdowns: dict[int, dict[str, float]] = {}
    names = list(terms)
    rows = np.stack([terms[name] for name in names], axis=1).tolist()
    for j, c, row in zip(js.tolist(), pair_total.tolist(), rows, strict=True):
        job_costs[j] = job_costs.get(j, 0.0) + c
        if j in breakdowns:  # the second porter of a two-porter job
            breakdowns[j] = {n: v + x for (n, v), x in zip(breakdowns[j].items(), row, strict=True)}
        else:
            breakdowns[j] = dict(zip(names, row, strict=True))
    # fsum: exactly rounded, so no summation order (SIMD width, numpy version) can show.
    objective = math.fsum(pair_total.tolist() + leave_costs)
    return Evaluation(objective, units, job_costs, breakdowns)


def plan_violations(rnd: Round, plan: Plan) -> list[str]:
    """Hard-rule breaches of a plan, including the round-level ones; empty when valid."""
    a, out = rnd.arrays, []
    load: dict[int, list[int]] = {}
    for j, porters in plan.items():
        if len(porters) != int(a.jobs.needed[j]) or len(set(porters)) != len(porters):
            out.append(f"job {j} needs {int(a.jobs.needed[j])} distinct porters, got {porters}")
        for p in porters:
            if not rnd.feasibility.feasible[j, p]:
                out.append(f"pair ({j}, {p}) breaks a hard rule")
            load.setdefault(p, []).append(j)
    for p, jobs in load.items():
        if len(jobs) > int(rnd.capacity[p]):
            out.append(f"porter {p} takes {len(jobs)} jobs, capacity {int(rnd.capacity[p])}")
        if len(jobs) > 1:
            if not all(a.jobs.batchable[j] for j in jobs):
                out.append(f"porter {p} takes a non-batchable job with others")
            if len({int(a.jobs.batch_key[j]) for j in jobs}) > 1:
                out.append(f"porter {p} batches jobs that do not share an origin (or trip)")
    return out
