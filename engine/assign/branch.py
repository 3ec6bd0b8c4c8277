"""Two-porter jobs: branch and bound over the flow relaxation.

The slot relaxation may staff a two-porter job with one porter. Such a job is
branched on: either it waits (its arcs leave the network) or it is fully
staffed (its slots must receive flow). Each node is one min-cost flow, whose
optimum bounds every plan below it; nodes are explored cheapest bound first,
so the search stops, proven optimal, once the best open bound reaches the
best plan found. In practice a split is rare and resolves within a few nodes,
which is why this beats handing the whole round to CP-SAT (seconds at
2,000 x 500). A node budget guards the worst case; past it the caller falls
back to CP-SAT, warm-started from the best plan found here.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from engine.assign.flow import Relaxation
from engine.assign.model import Plan, Round, plan_units


@dataclass(frozen=True)
class BranchOutcome:
    plan: Plan
    units: int
    proven: bool  # optimal, or stopped at the node budget
    nodes: int
    method: str


def _without(plan: Plan, jobs: tuple[int, ...]) -> Plan:
    return {j: ps for j, ps in plan.items() if j not in jobs}


def branch_and_bound(
    rnd: Round, relax: Relaxation, node_limit: int, method: str = "mcf"
) -> BranchOutcome:
    root = relax.solve(method)
    assert root is not None  # nothing forced, so the root is always feasible
    plan, bound, method = root
    split = relax.split_jobs(plan)
    if not split:
        return BranchOutcome(plan, bound, True, 1, method)
    best = _without(plan, split)
    best_units = plan_units(rnd, best)
    heap: list[tuple[int, int, frozenset[int], frozenset[int], Plan]] = [
        (bound, 0, frozenset(), frozenset(), plan)
    ]
    nodes = 1
    while heap:
        bound, _, excluded, forced, plan = heapq.heappop(heap)
        if bound >= best_units:
            break
        j = min(relax.split_jobs(plan))
        for child_excluded, child_forced in ((excluded | {j}, forced), (excluded, forced | {j})):
            if nodes >= node_limit:
                return BranchOutcome(best, best_units, False, nodes, f"{method}+bb")
            nodes += 1
            solved = relax.solve("mcf", child_excluded, child_forced)
            if solved is None:
                continue
            child_plan, child_bound, _ = solved
            if child_bound >= best_units:
                continue
            child_split = relax.split_jobs(child_plan)
            if not child_split:
                best, best_units = child_plan, child_bound
                continue
            trimmed = _without(child_plan, child_split)
            trimmed_units = plan_units(rnd, trimmed)
            if trimmed_units < best_units:
                best, best_units = trimmed, trimmed_units
            heapq.heappush(heap, (child_bound, nodes, child_excluded, child_forced, child_plan))
    return BranchOutcome(best, best_units, True, nodes, f"{method}+bb")
