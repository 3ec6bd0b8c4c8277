"""Why stat pickups missed five minutes, each traced to the round that first gave the job
a porter, as an auditor reads that round (`GET /decisions/{n}/jobs/{id}`).

The goal counts a stat job as on time when it is picked up within five minutes of its
start (its request, or when it was ready). For each one that was not, the round that
first assigned it is rebuilt from the log, and every porter on the site is placed by
when they could have been at the pickup (their walk; for a porter about to hand over,
the minutes until then too). Of the time the round had left (`reach`: five minutes less
what had passed since the start), the miss is put down to the first of:

- `ward`: the minutes the ward kept the job (an escort not confirmed, a patient not
  ready when the porter came) are what took it over five;
- `chosen_in_reach`: the porter chosen could have been there in time, and kept the job:
  the minutes went on the phone and the walk (slower than the plan), or in a hand-over
  later than a finishing porter's plan;
- `chosen_then_moved`: as above, but the job then changed hands (a decline, a move to
  someone a later round judged sooner, a porter called off) and the time went with it;
- `free_in_reach_not_chosen`: a porter free to take it could have been there in time,
  and the round gave them other work or judged them dearer;
- `busy_in_reach`: only porters holding a job that could not move were near enough;
- `barred_in_reach`: only porters a hard rule kept from it were near enough (counted
  by rule in `barred_by`: missing skills, a shift ending, a group not lending);
- `none_in_reach`: nobody on shift could have been there in time: where the porters
  were, not whom the round chose;
- `never_assigned`: no round gave it anyone;
- `cancelled`: the ward cancelled it before anyone picked it up (the goal counts it
  as a miss).

Read from the log after the run, so the run itself is untouched; rebuilding a round
reads its jobs' and porters' histories, about a tenth of a second a miss, which is why
`benchmarks/quality.py` asks for it only for the strategy whose gap it explains.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from engine.assign.arrays import porter_arrival
from engine.assign.problem import AssignmentProblem, PorterSpec
from engine.assign.rules import violations
from engine.dispatch.decisions import recorded_problem
from engine.domain.decision.aggregate import Decision
from engine.domain.job.aggregate import Job
from engine.domain.values import Priority, Status
from engine.write.application import DispatchApp
from simulations.results import STAT_FAST_MINUTES as STAT_MINUTES

CAUSES = (
    "ward",
    "chosen_in_reach",
    "chosen_then_moved",
    "free_in_reach_not_chosen",
    "busy_in_reach",
    "barred_in_reach",
    "none_in_reach",
    "never_assigned",
    "cancelled",
)
BUSY = "has_capacity"


def stat_misses(
    app: DispatchApp, jobs: Mapping[UUID, Job], ward_minutes: Mapping[UUID, float]
) -> dict[str, Any]:
    """Counts by cause (`CAUSES`, each stat job missing five minutes in exactly one),
    the rules that barred the near porters (`barred_by`), and the stat jobs."""
    causes: Counter[str] = Counter({c: 0 for c in CAUSES})
    barred: Counter[str] = Counter()
    stat = [j for j in jobs.values() if j.priority is Priority.STAT]  # as the goal counts
    for job in stat:
        start = max(job.requested_at, job.ready_at) if job.ready_at else job.requested_at
        picked = job.picked_up_at
        # Rounded as `simulations.results` rounds them, so the counts agree with the goal's.
        waited = None if picked is None else round((picked - start).total_seconds() / 60, 3)
        if waited is not None and waited <= STAT_MINUTES:
            continue
        if waited is not None and waited - round(ward_minutes.get(job.id, 0.0), 3) <= STAT_MINUTES:
            causes["ward"] += 1
            continue
        if picked is None and job.status is Status.CANCELLED:
            causes["cancelled"] += 1
            continue
        cause, rules = _round_cause(app, job, start)
        causes[cause] += 1
        barred.update(rules)
    return {
        "stat_jobs": len(stat),
        "causes": dict(causes),
        "barred_by": dict(sorted(barred.items())),
    }


def _round_cause(app: DispatchApp, job: Job, start: datetime) -> tuple[str, list[str]]:
    first = next(
        (e for e in app.events_of(job.id) if getattr(e, "decision_id", None) is not None), None
    )
    if first is None:
        return "never_assigned", []
    decision: Decision = app.repository.get(UUID(first.decision_id))
    problem = recorded_problem(app, decision)
    jid = str(job.id)
    spec = problem.jobs[problem.job_index[jid]]
    reach = STAT_MINUTES - (decision.made_at - start).total_seconds() / 60
    chosen = {
        p
        for a in decision.result.get("assignments", [])
        if a["job_id"] == jid
        for p in a["porter_ids"]
    }
    near = [p for p in problem.porters if _arrival(problem, p, spec.origin) <= reach]
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
