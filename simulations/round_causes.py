"""Why a job missed a target, as the round that first gave it a porter saw it: shared by
the stat goal's misses (`simulations.stat_misses`) and late jobs (`simulations.late_causes`).

The round is rebuilt from the log, as an auditor reads it (`GET /decisions/{n}/jobs/{id}`),
and every porter on the site is placed by when they could have been at the pickup (their
walk; for a porter about to hand over, the minutes until then too). A porter is *near*
when that is within the round's `reach`, which each target defines: the minutes the
round had left to get someone to the pickup and still meet it. The miss is put down to
the first of:

- `chosen_in_reach`: the porter chosen could have been there in time, and kept the job:
  the minutes went on the phone and the walk (slower than the plan), or in a hand-over
  later than a finishing porter's plan;
- `chosen_then_moved`: as above, but the job then changed hands (a decline, a move to
  someone a later round judged sooner, a porter called off) and the time went with it;
- `free_in_reach_not_chosen`: a porter free to take it could have been there in time,
  and the round gave them other work or judged them dearer;
- `busy_in_reach`: only porters holding a job that could not move were near enough;
- `barred_in_reach`: only porters a hard rule kept from it were near enough (with the
  rules: missing skills, a shift ending, a group not lending);
- `none_in_reach`: nobody on shift could have been there in time: where the porters
  were, not whom the round chose; only a porter placed ahead could have made it;
- `waited_past_reach`: by the time a round first gave it a porter, no time was left:
  it waited for one (every porter allowed to take it busy or away), so the porters
  were too few then, wherever they were;
- `never_assigned`: no round gave it anyone.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from engine.assign.arrays import porter_arrival
from engine.assign.problem import AssignmentProblem, JobSpec, PorterSpec
from engine.assign.rules import violations
from engine.dispatch.decisions import recorded_problem
from engine.domain.decision.aggregate import Decision
from engine.domain.job.aggregate import Job
from engine.write.application import DispatchApp

ROUND_CAUSES = (
    "chosen_in_reach",
    "chosen_then_moved",
    "free_in_reach_not_chosen",
    "busy_in_reach",
    "barred_in_reach",
    "none_in_reach",
    "waited_past_reach",
    "never_assigned",
)
BUSY = "has_capacity"

Reach = Callable[[Decision, AssignmentProblem, JobSpec], float]
"""Minutes after the round by which a porter had to be at the pickup to meet the target."""


def round_cause(app: DispatchApp, job: Job, reach: Reach) -> tuple[str, list[str]]:
    """The cause (one of `ROUND_CAUSES`) and, for `barred_in_reach`, the rules."""
    first = next(
        (e for e in app.events_of(job.id) if getattr(e, "decision_id", None) is not None), None
    )
    if first is None:
        return "never_assigned", []
    decision: Decision = app.repository.get(UUID(first.decision_id))
    problem = recorded_problem(app, decision)
    jid = str(job.id)
    spec = problem.jobs[problem.job_index[jid]]
    limit = reach(decision, problem, spec)
    if limit < 0:
        return "waited_past_reach", []
    chosen = {
        p
        for a in decision.result.get("assignments", [])
        if a["job_id"] == jid
        for p in a["porter_ids"]
    }
    near = [p for p in problem.porters if _arrival(problem, p, spec.origin) <= limit]
    if any(p.id in chosen for p in near):
        return ("chosen_then_moved" if job.assignments > 1 else "chosen_in_reach"), []
    broken = {p.id: [rule for rule, _ in violations(spec, p, problem)] for p in near}
    if any(not rules for rules in broken.values()):
        return "free_in_reach_not_chosen", []
    if any(rules == [BUSY] for rules in broken.values()):
        return "busy_in_reach", []
    if near:
        return "barred_in_reach", sorted({r for rules in broken.values() for r in rules})
    return "none_in_reach", []


def _arrival(problem: AssignmentProblem, porter: PorterSpec, origin: str) -> float:
    """Minutes until the porter could be at the origin, as the round saw them."""
    if not porter.on_shift:
        return float("inf")  # on a break counts: the `on_duty` rule bars them
    return porter_arrival(problem, porter, origin)
