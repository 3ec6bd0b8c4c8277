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
- each of `simulations.round_causes` (the porter chosen came late, a near porter
  was given other work, only busy or barred porters were near, nobody was near), with
  five minutes, less what had passed by the round, as the reach;
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

from engine.assign.problem import AssignmentProblem, JobSpec
from engine.domain.decision.aggregate import Decision
from engine.domain.job.aggregate import Job
from engine.domain.values import Priority, Status
from engine.write.application import DispatchApp
from simulations.results import STAT_FAST_MINUTES as STAT_MINUTES
from simulations.round_causes import ROUND_CAUSES, Reach, round_cause

CAUSES = ("ward", *ROUND_CAUSES, "cancelled")


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
        cause, rules = round_cause(app, job, _reach(start))
        causes[cause] += 1
        barred.update(rules)
    return {
        "stat_jobs": len(stat),
        "causes": dict(causes),
        "barred_by": dict(sorted(barred.items())),
    }


def _reach(start: datetime) -> Reach:
    """Five minutes from the start, less what had passed by the round."""

    def reach(decision: Decision, problem: AssignmentProblem, spec: JobSpec) -> float:
        return STAT_MINUTES - (decision.made_at - start).total_seconds() / 60

    return reach
