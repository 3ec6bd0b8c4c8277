""" "Why not this porter?" for any pair, answered from the same rules and costs the solver used.

An excluded pair lists every hard rule it breaks, not just the first, so a
dispatcher sees at once whether an override would be enough. An eligible pair
shows its cost terms next to those of the porter(s) actually chosen; pair
costs come from the vectorised cost terms evaluated on a 1 x 1 slice of the
problem, so they cannot drift from what the solver saw.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.assign.costs import TERMS, Pairs, leave_terms
from engine.assign.problem import AssignmentProblem
from engine.assign.result import Assignment, AssignmentResult
from engine.assign.rules import violations
from engine.assign.solve import SolverParams, solve


@dataclass(frozen=True)
class PairExplanation:
    job_id: str
    porter_id: str
    eligible: bool
    violations: tuple[tuple[str, str], ...]  # (rule name, sentence)
    cost: float
    breakdown: dict[str, float]
    leave_cost: float
    chosen: tuple[str, ...]  # porters the round gave the job; empty if it waits
    chosen_cost: float | None
    chosen_breakdown: dict[str, float] | None
    verdict: str

    @property
    def difference(self) -> dict[str, float]:
        """This pair's terms minus the chosen assignment's (per porter)."""
        if self.chosen_breakdown is None:
            return {}
        n = max(len(self.chosen), 1)
        return {k: v - self.chosen_breakdown.get(k, 0.0) / n for k, v in self.breakdown.items()}

    def to_data(self) -> dict[str, Any]:
        return {
            "job_id": self.job_id,
            "porter_id": self.porter_id,
            "eligible": self.eligible,
            "violations": [{"rule": r, "reason": s} for r, s in self.violations],
            "cost": self.cost,
            "breakdown": dict(self.breakdown),
            "leave_cost": self.leave_cost,
            "chosen": list(self.chosen),
            "chosen_cost": self.chosen_cost,
            "chosen_breakdown": None
            if self.chosen_breakdown is None
            else dict(self.chosen_breakdown),
            "difference": self.difference,
            "verdict": self.verdict,
        }


def pair_breakdown(problem: AssignmentProblem, j: int, p: int) -> dict[str, float]:
    """Cost terms of one pair, feasible or not, by the functions the solver used."""
    a, policy = problem.arrays, problem.policy
    pairs = Pairs.of(a, np.array([j]), np.array([p]))
    return {name: float(term(a, policy, pairs)[0]) for name, term in TERMS}


def explain(
    problem: AssignmentProblem,
    job_id: str,
    porter_id: str,
    result: AssignmentResult | None = None,
    params: SolverParams | None = None,
) -> PairExplanation:
    """Explain one pair against `result` (solved here when not given)."""
    if job_id not in problem.job_index:
        raise KeyError(f"unknown job {job_id!r}")
    if porter_id not in problem.porter_index:
        raise KeyError(f"unknown porter {porter_id!r}")
    if result is None:
        result = solve(problem, params)
    elif result.fingerprint != problem.fingerprint():
        raise ValueError("result was not computed from this problem")
    j, p = problem.job_index[job_id], problem.porter_index[porter_id]
    job, porter = problem.jobs[j], problem.porters[p]
    broken = violations(job, porter, problem)
    breakdown = pair_breakdown(problem, j, p)
    cost = sum(breakdown.values())
    leave = leave_cost(problem, job_id)
    chosen = next((a for a in result.assignments if a.job_id == job_id), None)
    if broken:
        verdict = f"porter {porter.badge} cannot take job {job.id}: " + "; ".join(
            s for _, s in broken
        )
    elif chosen is not None and porter_id in chosen.porter_ids:
        verdict = f"porter {porter.badge} was chosen for job {job.id} at cost {chosen.cost:.1f}"
    elif chosen is not None:
        verdict = _compare(result, porter_id, porter.badge, breakdown, chosen)
    else:
        reason = next((u.reason for u in result.unassigned if u.job_id == job_id), "")
        verdict = (
            f"job {job.id} was left waiting ({reason}); porter {porter.badge} would cost "
            f"{cost:.1f} against {leave:.1f} for waiting"
        )
    if porter.finishing and not broken:
        busy = float(problem.arrays.porters.busy[p])
        verdict += (
            f"; {porter.badge} is finishing a job and will be free at {porter.free_location} "
            f"in about {busy:.0f} min, minutes counted as travel"
        )
    return PairExplanation(
        job_id=job_id,
        porter_id=porter_id,
        eligible=not broken,
        violations=broken,
        cost=cost,
        breakdown=breakdown,
        leave_cost=leave,
        chosen=() if chosen is None else chosen.porter_ids,
        chosen_cost=None if chosen is None else chosen.cost,
        chosen_breakdown=None if chosen is None else dict(chosen.breakdown),
        verdict=verdict,
    )


def _compare(
    result: AssignmentResult,
    porter_id: str,
    badge: str,
    breakdown: dict[str, float],
    chosen: Assignment,
) -> str:
    """Why an eligible porter lost: dearer (and by which term), or needed elsewhere."""
    n = len(chosen.porter_ids)
    per_porter = chosen.cost / n
    cost = sum(breakdown.values())
    gaps = {k: v - chosen.breakdown.get(k, 0.0) / n for k, v in breakdown.items()}
    if cost > per_porter:
        term, gap = max(gaps.items(), key=lambda kv: kv[1])
        return (
            f"porter {badge} would cost {cost:.1f}, {cost - per_porter:.1f} more than the "
            f"chosen ({term} {gap:+.1f})"
        )
    elsewhere = next((a.job_id for a in result.assignments if porter_id in a.porter_ids), None)
    busy = f" but was needed for job {elsewhere}" if elsewhere else ""
    return (
        f"porter {badge} would cost {cost:.1f}, no more than the chosen {per_porter:.1f},{busy}; "
        "the round as a whole is cheaper this way"
    )


def job_options(problem: AssignmentProblem, job_id: str) -> list[dict[str, Any]]:
    """Every porter of the problem for one job, in the problem's order: each hard rule the
    pair breaks, in words, and its cost by term. An auditor reads a whole round's row at
    once, so the terms are evaluated over the row in one go, by the solver's own
    functions; a cost that is not a finite number (a pair no rule would let through) is
    None."""
    if job_id not in problem.job_index:
        raise KeyError(f"unknown job {job_id!r}")
    j = problem.job_index[job_id]
    job, a, count = problem.jobs[j], problem.arrays, len(problem.porters)
    pairs = Pairs.of(a, np.full(count, j, dtype=np.int64), np.arange(count, dtype=np.int64))
    terms = {name: term(a, problem.policy, pairs) for name, term in TERMS}
    out = []
    for p, porter in enumerate(problem.porters):
        breakdown = {name: float(values[p]) for name, values in terms.items()}
        cost = sum(breakdown.values())
        finite = bool(np.isfinite(cost))
        out.append(
            {
                "porter_id": porter.id,
                "badge": porter.badge,
                "violations": [
                    {"rule": r, "reason": s} for r, s in violations(job, porter, problem)
                ],
                "cost": cost if finite else None,
                "breakdown": breakdown if finite else {},
            }
        )
    return out


def leave_cost(problem: AssignmentProblem, job_id: str) -> float:
    """What leaving the job for a later round costs: the bar every pair must come under."""
    j = problem.job_index[job_id]
    return float(sum(v[j] for v in leave_terms(problem.arrays, problem.policy).values()))
