"""What a round decided, in a form a decision event can store and a dispatcher can read.

Every assignment carries its cost breakdown and the next-best porters, taken
straight from the assigned jobs' rows of the cost matrix with argpartition,
so explaining every decision costs a few milliseconds even at 2,000 x 500.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from engine.assign.anticipation import anticipation_notes
from engine.assign.arrays import I, nonzero_pairs
from engine.assign.model import Evaluation, Plan, Round, evaluate


class Alternative(NamedTuple):
    porter_id: str
    cost: float
    breakdown: dict[str, float]


class Unassigned(NamedTuple):
    job_id: str
    reason: str
    cost: float  # of leaving it for a later round


@dataclass(frozen=True)
class Assignment:
    job_id: str
    porter_ids: tuple[str, ...]
    cost: float
    breakdown: dict[str, float]
    alternatives: tuple[Alternative, ...] = ()

    def to_data(self) -> dict[str, Any]:
        return {
            "job_id": self.job_id,
            "porter_ids": list(self.porter_ids),
            "cost": self.cost,
            "breakdown": dict(self.breakdown),
            "alternatives": [
                {"porter_id": alt.porter_id, "cost": alt.cost, "breakdown": dict(alt.breakdown)}
                for alt in self.alternatives
            ],
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Assignment:
        return cls(
            data["job_id"],
            tuple(data["porter_ids"]),
            float(data["cost"]),
            dict(data["breakdown"]),
            tuple(
                Alternative(alt["porter_id"], float(alt["cost"]), dict(alt["breakdown"]))
                for alt in data["alternatives"]
            ),
        )


@dataclass(frozen=True)
class AssignmentResult:
    assignments: tuple[Assignment, ...]
    unassigned: tuple[Unassigned, ...]
    objective: float
    objective_units: int  # the exact integer objective the solver minimised
    status: str
    strategy: str
    method: str
    seed: int
    fingerprint: str
    policy_version: int
    exclusions: dict[str, int] = field(default_factory=dict)
    anticipation: dict[str, Any] = field(default_factory=dict)  # what it changed, and why

    def porters_of(self, job_id: str) -> tuple[str, ...]:
        for assignment in self.assignments:
            if assignment.job_id == job_id:
                return assignment.porter_ids
        return ()

    def summary(self) -> str:
        excluded = ", ".join(f"{k} {v}" for k, v in self.exclusions.items() if v) or "none"
        return (
            f"{self.status} ({self.strategy}/{self.method}, seed {self.seed}): "
            f"{len(self.assignments)} assigned, {len(self.unassigned)} left, "
            f"objective {self.objective:.2f}; pairs excluded: {excluded}"
        )

    def explain(self) -> dict[str, Any]:
        """Each decision with the gap to its runner-up, and why each left job waits."""
        decisions = []
        for a in self.assignments:
            runner_up = a.alternatives[0] if a.alternatives else None
            decisions.append(
                {
                    "job_id": a.job_id,
                    "porter_ids": list(a.porter_ids),
                    "cost": a.cost,
                    "breakdown": dict(a.breakdown),
                    "runner_up": None
                    if runner_up is None
                    else {
                        "porter_id": runner_up.porter_id,
                        "cost": runner_up.cost,
                        "more_by": runner_up.cost - _pair_cost(a),
                    },
                }
            )
        return {
            "summary": self.summary(),
            "fingerprint": self.fingerprint,
            "assignments": decisions,
            "unassigned": [
                {"job_id": u.job_id, "reason": u.reason, "cost": u.cost} for u in self.unassigned
            ],
            "exclusions": dict(self.exclusions),
            **({"anticipation": self.anticipation} if self.anticipation else {}),
        }

    def to_data(self) -> dict[str, Any]:
        """Plain data; `anticipation` only when a setting was on, as before it existed."""
        return {
            "assignments": [a.to_data() for a in self.assignments],
            "unassigned": [
                {"job_id": u.job_id, "reason": u.reason, "cost": u.cost} for u in self.unassigned
            ],
            "objective": self.objective,
            "objective_units": self.objective_units,
            "status": self.status,
            "strategy": self.strategy,
            "method": self.method,
            "seed": self.seed,
            "fingerprint": self.fingerprint,
            "policy_version": self.policy_version,
            "exclusions": dict(self.exclusions),
            **({"anticipation": self.anticipation} if self.anticipation else {}),
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> AssignmentResult:
        return cls(
            assignments=tuple(Assignment.from_data(a) for a in data["assignments"]),
            unassigned=tuple(
                Unassigned(u["job_id"], u["reason"], float(u["cost"])) for u in data["unassigned"]
            ),
            objective=float(data["objective"]),
            objective_units=int(data["objective_units"]),
            status=data["status"],
            strategy=data["strategy"],
            method=data["method"],
            seed=int(data["seed"]),
            fingerprint=data["fingerprint"],
            policy_version=int(data["policy_version"]),
            exclusions=dict(data["exclusions"]),
            anticipation=dict(data.get("anticipation", {})),
        )


def _pair_cost(a: Assignment) -> float:
    """Per-porter cost of an assignment, comparable with one alternative's pair cost."""
    return a.cost / max(len(a.porter_ids), 1)


def _alternatives(rnd: Round, plan: Plan, jobs: list[int], k: int) -> list[list[Alternative]]:
    if k <= 0 or not jobs or not rnd.shape[1]:
        return [[] for _ in jobs]
    rows = np.array(jobs, dtype=np.int64)
    costs = rnd.costs.rows(rows)
    taken = [(i, p) for i, j in enumerate(jobs) for p in plan[j]]
    costs[tuple(np.array(taken, dtype=np.int64).T)] = np.inf
    # Select by value, then order by (cost, porter): ties resolve the same everywhere.
    k = min(k, costs.shape[1])
    kth = np.partition(costs, k - 1, axis=1)[:, k - 1 : k]
    row_of, porters = nonzero_pairs((costs <= kth) & np.isfinite(costs))
    cost = costs[row_of, porters]
    order = np.lexsort((porters, cost, row_of))
    row_of, porters, cost = row_of[order], porters[order], cost[order]
    first = np.arange(len(row_of)) - np.searchsorted(row_of, row_of) < k
    row_of, porters, cost = row_of[first], porters[first], cost[first]
    terms = rnd.costs.breakdown(rows[row_of], porters)
    names = list(terms)
    values = np.stack([terms[n] for n in names], axis=1).tolist() if names else []
    ids = [p.id for p in rnd.problem.porters]
    out: list[list[Alternative]] = [[] for _ in jobs]
    for i, p, c, v in zip(row_of.tolist(), porters.tolist(), cost.tolist(), values, strict=True):
        out[i].append(Alternative(ids[p], c, dict(zip(names, v, strict=True))))
    return out


def _best_costs(rnd: Round, rows: I, count: I, needed: I) -> list[float]:
    """Sum of the `needed` cheapest feasible pair costs of each job (inf if too few)."""
    costs = rnd.costs
    starts = costs.starts[rows]
    best = np.full(len(rows), np.inf)
    some = count > 0
    if some.any() and len(costs.total):
        best[some] = np.minimum.reduceat(costs.total, starts[some])
    out = best.tolist()
    for i in np.flatnonzero(needed > 1).tolist():
        segment = np.sort(costs.total[starts[i] : starts[i] + count[i]])
        out[i] = math.fsum(segment[: needed[i]].tolist()) if count[i] >= needed[i] else np.inf
    return out


def _reasons(rnd: Round, left: list[int]) -> list[str]:
    if not left:
        return []
    rows = np.array(left, dtype=np.int64)
    count = rnd.costs.starts[rows + 1] - rnd.costs.starts[rows]
    needed = rnd.arrays.jobs.needed[rows]
    best = _best_costs(rnd, rows, count, needed)
    leave = rnd.costs.leave[rows].tolist()
    blocked = np.flatnonzero(count == 0)
    shape = rnd.shape
    by_rule = {
        name: np.broadcast_to(mask, shape)[rows[blocked]].sum(axis=1).tolist()
        for name, mask in rnd.feasibility.excluded.items()
    }
    why = dict(zip(blocked.tolist(), range(len(blocked)), strict=True))
    out = []
    for i, (n, need) in enumerate(zip(count.tolist(), needed.tolist(), strict=True)):
        if n == 0:
            listed = ", ".join(f"{r}: {c[why[i]]}" for r, c in by_rule.items() if c[why[i]])
            out.append(f"no eligible porter ({listed or 'no porters on the roster'})")
        elif n < need:
            out.append(f"needs {need} porters; only {n} eligible")
        elif best[i] >= leave[i]:
            out.append(
                f"waiting is cheaper: the best eligible porter(s) would cost {best[i]:.1f}, "
                f"leaving it costs {leave[i]:.1f}"
            )
        else:
            out.append(f"all {n} eligible porters went to jobs that cost more to leave waiting")
    return out


def build_result(
    rnd: Round, plan: Plan, *, status: str, strategy: str, method: str, alternatives: int
) -> AssignmentResult:
    evaluation: Evaluation = evaluate(rnd, plan)
    problem = rnd.problem
    jobs = sorted(plan)
    alts = _alternatives(rnd, plan, jobs, alternatives)
    assignments = tuple(
        Assignment(
            problem.jobs[j].id,
            tuple(problem.porters[p].id for p in plan[j]),
            evaluation.costs[j],
            evaluation.breakdowns[j],
            tuple(alt),
        )
        for j, alt in zip(jobs, alts, strict=True)
    )
    left = [j for j in range(rnd.shape[0]) if j not in plan]
    leave = rnd.costs.leave.tolist()
    unassigned = tuple(
        Unassigned(problem.jobs[j].id, reason, leave[j])
        for j, reason in zip(left, _reasons(rnd, left), strict=True)
    )
    return AssignmentResult(
        assignments=assignments,
        unassigned=unassigned,
        objective=evaluation.objective,
        objective_units=evaluation.units,
        status=status,
        strategy=strategy,
        method=method,
        seed=rnd.seed,
        fingerprint=problem.fingerprint(),
        policy_version=problem.policy_version,
        exclusions=rnd.feasibility.counts(),
        anticipation=anticipation_notes(rnd, plan),
    )
