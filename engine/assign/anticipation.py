"""What anticipation changed in a round, in words and figures a decision keeps.

Every anticipation setting is computed inside the round from its problem alone, so
replaying a decision recomputes the same figures; they are recorded all the same,
so an auditor reads why a loan was cheap without re-solving the round.
"""

from __future__ import annotations

from typing import Any

from engine.assign.arrays import group_index
from engine.assign.load import group_load
from engine.assign.model import Plan, Round


def anticipation_notes(rnd: Round, plan: Plan) -> dict[str, Any]:
    """By setting in use: what it saw and did (empty when every setting is off)."""
    settings = rnd.problem.policy.anticipation
    notes: dict[str, Any] = {}
    if settings.lending_widens:
        notes["lending"] = _lending(rnd)
    if settings.batching:
        notes["batches"] = _batches(rnd, plan)
    if settings.finishing_minutes:
        notes["after_hand_over"] = _after_hand_over(rnd, plan)
    if settings.divert_for_stat:
        notes["diverted"] = _diverted(rnd, plan)
    return notes


def _diverted(rnd: Round, plan: Plan) -> list[dict[str, Any]]:
    """Each porter taken from the pickup they walked to, for a stat job."""
    problem = rnd.problem
    out = []
    for job, porters in sorted(plan.items()):
        for p in porters:
            porter = problem.porters[p]
            if porter.diverting is not None:
                spec = problem.jobs[job]
                out.append(
                    {
                        "job_id": spec.id,
                        "porter_id": porter.id,
                        "left": porter.diverting,
                        "reason": f"{porter.badge} reaches stat job {spec.id} at {spec.origin} "
                        f"soonest; the pickup they were walking to goes back to the queue",
                    }
                )
    return out


def _after_hand_over(rnd: Round, plan: Plan) -> list[dict[str, Any]]:
    """Each job given to a porter about to finish: when and where they will be free."""
    problem, busy = rnd.problem, rnd.arrays.porters.busy
    out = []
    for job, porters in sorted(plan.items()):
        for p in porters:
            porter = problem.porters[p]
            if porter.finishing:
                spec = problem.jobs[job]
                out.append(
                    {
                        "job_id": spec.id,
                        "porter_id": porter.id,
                        "free_at": porter.to_data()["free_at"],
                        "location": porter.free_location,
                        "reason": f"{porter.badge} hands over at {porter.free_location} in "
                        f"about {float(busy[p]):.0f} min, then walks to {spec.origin}",
                    }
                )
    return out


def _batches(rnd: Round, plan: Plan) -> list[dict[str, Any]]:
    """Each porter given several jobs for one trip, with the jobs in the plan's order."""
    problem = rnd.problem
    by_porter: dict[int, list[int]] = {}
    for job, porters in sorted(plan.items()):
        for porter in porters:
            by_porter.setdefault(porter, []).append(job)
    out = []
    for porter, jobs in sorted(by_porter.items()):
        if len(jobs) < 2:
            continue
        first = problem.jobs[jobs[0]]
        out.append(
            {
                "porter_id": problem.porters[porter].id,
                "job_ids": [problem.jobs[j].id for j in jobs],
                "origin": first.origin,
                "destination": first.destination,
                "reason": f"{len(jobs)} {first.kind.value} jobs from {first.origin} to "
                f"{first.destination}: one walk and one trip for all",
            }
        )
    return out


def _lending(rnd: Round) -> dict[str, Any]:
    """Each borrowing group whose loans cost less this round, and why."""
    a = rnd.arrays
    names = list(group_index(rnd.problem))  # in index order: sorted by name
    queue, free = group_load(a.jobs, a.porters, len(names))
    weight = rnd.problem.policy.weights.lending
    out: dict[str, Any] = {}
    for g, name in enumerate(names):
        share = float(a.lending_share[g])
        if share < 1.0:
            out[name] = {
                "waiting": int(queue[g]),
                "free": int(free[g]),
                "share": share,
                "cost": weight * share,
                "reason": f"{int(queue[g])} porter(s) asked for, {int(free[g])} free: "
                f"a loan costs {weight * share:.2f} instead of {weight:g}",
            }
    return out
