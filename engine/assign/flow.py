"""The common case as an assignment problem: OR-Tools min-cost flow or LSA.

Each job becomes one slot per porter it needs. Taking every pair cost
relative to the job's cost of being left (a two-porter job's leave cost split
between its two slots), leaving a slot empty costs nothing, and minimising
the sum of `pair cost - leave cost` over chosen arcs minimises the round's
objective. Only arcs with a negative reduced cost can ever help, so only they
enter the network; unbalanced problems need no dummy arcs in the flow.

Exact pruning: in an optimum, a porter on a one-porter job holds one of its m
best one-porter slots, where m counts the porters of its lending component
that could take such slots. Otherwise one of those m slots would be free, and
moving the porter there would cost no more. So when slots outnumber porters
only those m arcs per porter are kept (symmetrically, when porters outnumber
slots, each slot keeps its m best porters, m counting every competing slot).
At 2,000 jobs x 500 porters this cuts the network to about a fifth.

The model is a relaxation when two-porter jobs exist: a job may come back
with one slot filled. `branch.py` then branches on such jobs, using the
relaxation as a bound; without a split the relaxation's optimum is feasible,
hence optimal. Arcs of two-porter jobs are never pruned (a forced job may
need a porter that is dear on its own), and for them any pair cheaper than
the job's whole leave cost is kept, since two such pairs can still pay.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import linear_sum_assignment, min_cost_flow

from engine.assign.arrays import I
from engine.assign.model import Plan, Round


@dataclass(frozen=True)
class Relaxation:
    """The slot network of a round, built once and solved per branch-and-bound node.

    Arcs are every pair that could ever pay: one-porter arcs cheaper than
    waiting, two-porter arcs cheaper than the job's whole leave cost. A node
    solves on the exactly pruned subset of its free arcs (negative reduced
    cost, job neither excluded nor forced) plus every arc of its forced jobs.
    """

    rnd: Round
    slot_job: I
    s: I  # arcs: slot, porter, reduced cost
    p: I
    r: I
    base: int  # every job's leave cost: the objective when nothing is assigned
    exact_prune: bool
    _root: list[I] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def build(cls, rnd: Round, exact_prune: bool = True) -> Relaxation:
        needed = rnd.arrays.jobs.needed
        first_slot = np.cumsum(needed) - needed
        slot_job = np.repeat(np.arange(len(needed)), needed)
        leave = rnd.leave_units
        js, ps, units = rnd.costs.jobs, rnd.costs.porters, rnd.costs.units
        if not (needed > 1).any():  # the common case: one slot per job
            reduced = units - leave[js]
            idx = np.flatnonzero(reduced < 0)
            return cls(rnd, slot_job, js[idx], ps[idx], reduced[idx], int(leave.sum()), exact_prune)
        single = needed[js] == 1
        reduced = units - leave[js]
        idx = np.flatnonzero(single & (reduced < 0))
        s1, p1, r1 = first_slot[js[idx]], ps[idx], reduced[idx]
        # Two-porter jobs: two slots sharing the leave cost (the remainder on the first).
        idx = np.flatnonzero(~single & (units < leave[js]))
        j2, p2, u2 = js[idx], ps[idx], units[idx]
        second = leave[j2] // 2
        s = np.concatenate([s1, first_slot[j2], first_slot[j2] + 1])
        p = np.concatenate([p1, p2, p2])
        r = np.concatenate([r1, u2 - (leave[j2] - second), u2 - second])
        return cls(rnd, slot_job, s, p, r, int(leave.sum()), exact_prune)

    def _arcs(self, excluded: frozenset[int], forced: frozenset[int]) -> I:
        """Indices of the arcs a node solves on."""
        if not excluded and not forced and self._root:
            return self._root[0]
        free = self.r < 0
        reserve = np.zeros(0, dtype=np.int64)
        if excluded or forced:
            job = self.slot_job[self.s]
            free &= ~np.isin(job, list(excluded | forced))
            reserve = np.flatnonzero(np.isin(job, list(forced)))
        idx = np.flatnonzero(free)
        if self.exact_prune and len(idx):
            kept = prune(
                self.rnd, self.slot_job, self.s[idx], self.p[idx], self.r[idx], self.s[reserve]
            )
            idx = idx[kept]
        out: I = np.concatenate([idx, reserve])
        if not excluded and not forced:
            self._root.append(out)
        return out

    def solve(
        self,
        method: str = "mcf",
        excluded: frozenset[int] = frozenset(),
        forced: frozenset[int] = frozenset(),
    ) -> tuple[Plan, int, str] | None:
        """Optimal relaxed plan, its objective and the method used.

        `excluded` jobs stay unassigned; `forced` jobs get all their slots
        filled, and None means they cannot all be staffed.
        """
        arcs = self._arcs(excluded, forced)
        s, p, r = self.s[arcs], self.p[arcs], self.r[arcs]
        forced_slots = np.flatnonzero(np.isin(self.slot_job, list(forced)))
        if not len(s):
            return ({}, self.base, method) if not len(forced_slots) else None
        matched = _one_slot(s, p, r) if not forced else None
        if matched is None and method == "lsa" and not forced:
            matched = _solve_lsa(s, p, r)
            if matched is None:  # costs too wide for LSA's price arithmetic; flow is exact too
                method = "mcf(lsa overflow)"
        if matched is None:
            matched = _solve_mcf(s, p, r, forced_slots)
            if matched is None:
                return None
        slots, porters, costs = matched
        plan: Plan = {}
        for slot, porter in zip(slots.tolist(), porters.tolist(), strict=True):
            j = int(self.slot_job[slot])
            plan[j] = (*plan.get(j, ()), porter)
        plan = {j: tuple(sorted(ps)) for j, ps in plan.items()}
        return plan, self.base + int(costs.sum()), method

    def split_jobs(self, plan: Plan) -> tuple[int, ...]:
        needed = self.rnd.arrays.jobs.needed
        return tuple(j for j, ps in plan.items() if len(ps) < needed[j])


def _components(rnd: Round) -> tuple[I, I]:
    """Lending component of each job and porter: groups joined by any lending arc."""
    allowed = rnd.arrays.lend_ok
    n = allowed.shape[0]
    parent = list(range(2 * n))  # job groups, then porter groups

    def root(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for g, h in zip(*np.nonzero(allowed), strict=True):
        parent[root(int(g))] = root(n + int(h))
    label = np.array([root(x) for x in range(2 * n)], dtype=np.int64)
    return label[rnd.arrays.jobs.group], label[n + rnd.arrays.porters.group]


def _best_per_row(rows: I, cost: I, limit: I, n_rows: int) -> I:
    """Indices of the arcs within each row's `limit[row]` cheapest (ties kept)."""
    count = np.bincount(rows, minlength=n_rows)
    crowded = np.flatnonzero(count > limit)
    if not len(crowded):
        return np.arange(len(rows))
    # Group arcs by row with a stable (radix, for small ids) sort, then take each
    # crowded row's order statistic from its own segment.
    small = rows.astype(np.int16) if n_rows < 2**15 else rows
    by_row = cost[np.argsort(small, kind="stable")]
    starts = np.cumsum(count) - count
    threshold = np.full(n_rows, np.iinfo(np.int64).max, dtype=np.int64)
    for row, k in zip(crowded.tolist(), limit[crowded].tolist(), strict=True):
        segment = by_row[starts[row] : starts[row] + count[row]]
        threshold[row] = np.partition(segment, k - 1)[k - 1]
    out: I = np.flatnonzero(cost <= threshold[rows])
    return out


def prune(rnd: Round, slot_job: I, s: I, p: I, r: I, forced_s: I) -> I:
    """Indices of the free arcs (s, p, r) that can be in an optimum.

    A porter moved off a free slot may take any other free slot, which is what
    the argument in the module docstring needs; slots of forced jobs (whose
    arcs all stay) only count as competitors for porters.
    """
    job_comp, porter_comp = _components(rnd)
    n_slots, n_porters = len(slot_job), rnd.shape[1]
    if n_slots >= n_porters:
        has = np.zeros(n_porters, dtype=bool)
        has[p] = True
        per_comp = np.bincount(porter_comp[has], minlength=int(porter_comp.max()) + 1)
        return _best_per_row(p, r, per_comp[porter_comp], n_porters)
    slot_comp = job_comp[slot_job]
    has = np.zeros(n_slots, dtype=bool)
    has[s] = True
    has[forced_s] = True
    per_comp = np.bincount(slot_comp[has], minlength=int(slot_comp.max()) + 1)
    return _best_per_row(s, r, per_comp[slot_comp], n_slots)


def _compact(s: I, p: I) -> tuple[I, I, I, I]:
    """Renumber the slots and porters that have arcs, so isolated nodes cost nothing."""
    slots, s_new = _renumber(s)
    porters, p_new = _renumber(p)
    return slots, porters, s_new, p_new


def _renumber(ids: I) -> tuple[I, I]:
    """The distinct ids in order, and each id's position among them (no sorting needed)."""
    present = np.zeros(int(ids.max()) + 1 if len(ids) else 0, dtype=bool)
    present[ids] = True
    position = np.cumsum(present) - 1
    out: I = position[ids]
    return np.flatnonzero(present), out


def _solve_lsa(s: I, p: I, cost: I) -> tuple[I, I, I] | None:
    """Matched (slot, porter) pairs, or None if LSA fears overflow. Balanced by mirror dummies."""
    slots, porters, s, p = _compact(s, p)
    n_slots, n_porters = len(slots), len(porters)
    # Left: porters, then one dummy per slot. Right: slots, then one idle node per porter.
    tails = np.concatenate([p, np.arange(n_porters), n_porters + s, n_porters + np.arange(n_slots)])
    heads = np.concatenate([s, n_slots + np.arange(n_porters), n_slots + p, np.arange(n_slots)])
    zeros = np.zeros(n_porters + len(s) + n_slots, dtype=np.int64)
    solver = linear_sum_assignment.SimpleLinearSumAssignment()
    solver.add_arcs_with_cost(tails.astype(np.int32), heads.astype(np.int32), np.r_[cost, zeros])
    status = solver.solve()
    if status == solver.POSSIBLE_OVERFLOW:
        return None
    if status != solver.OPTIMAL:
        raise RuntimeError(f"linear sum assignment failed: {status}")
    mate = np.array([solver.right_mate(i) for i in range(n_porters)], dtype=np.int64)
    real = np.flatnonzero(mate < n_slots)
    arc_of = {pair: k for k, pair in enumerate(zip(p.tolist(), s.tolist(), strict=True))}
    chosen = np.array([arc_of[(q, int(mate[q]))] for q in real.tolist()], dtype=np.int64)
    return slots[mate[real]], porters[real], cost[chosen]


def _one_slot(s: I, p: I, r: I) -> tuple[I, I, I] | None:
    """A network of one slot (a live round most often holds one new job): its optimum
    is its cheapest arc. Only when that arc is the only cheapest, so that any exact
    solver must return it and replays agree with rounds solved by the flow."""
    if s.min() != s.max():
        return None
    best = np.flatnonzero(r == r.min())
    return (s[best], p[best], r[best]) if len(best) == 1 else None


def _solve_mcf(s: I, p: I, cost: I, forced_slots: I) -> tuple[I, I, I] | None:
    """Matched (slot, porter, cost) arcs; None if the forced slots cannot all be filled.

    Porters supply one unit each and may idle for free; a forced slot demands
    a unit, any other slot may pass its unit on to the sink.
    """
    slots, porters, s, p = _compact(s, p)
    forced = np.isin(slots, forced_slots)
    if int(forced.sum()) < len(forced_slots) or len(forced_slots) > len(porters):
        return None  # a forced slot has no arc at all, or too few porters
    n_slots, n_porters = len(slots), len(porters)
    sink = n_porters + n_slots
    free = np.flatnonzero(~forced)
    tails = np.concatenate([p, np.arange(n_porters), n_porters + free])
    heads = np.concatenate([n_porters + s, np.full(n_porters, sink), np.full(len(free), sink)])
    costs = np.concatenate([cost, np.zeros(n_porters + len(free), dtype=np.int64)])
    solver = min_cost_flow.SimpleMinCostFlow()
    arcs = solver.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), np.ones(len(tails), np.int64), costs
    )
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[:n_porters] = 1
    supplies[n_porters + np.flatnonzero(forced)] = -1
    supplies[sink] = -(n_porters - int(forced.sum()))
    solver.set_nodes_supplies(np.arange(sink + 1, dtype=np.int32), supplies)
    status = solver.solve()
    if status == solver.INFEASIBLE:
        return None
    if status != solver.OPTIMAL:
        raise RuntimeError(f"min cost flow failed: {status}")
    used = np.flatnonzero(solver.flows(arcs[: len(s)]) > 0)
    return slots[s[used]], porters[p[used]], cost[used]
