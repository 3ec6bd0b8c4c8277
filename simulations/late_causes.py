"""Why jobs were delivered late, each traced to the round that first gave it a porter:
where the late share's remaining gap comes from, as `simulations.stat_misses` says it for
the stat goal.

A job is late as `simulations.results` counts it: delivered after its delivery time, or
not delivered by the end of the run though due before it. Each is put down to the first
of:

- `window_too_short`: its delivery time came sooner after its start (the request, or
  when it was ready) than the handling and the trip take by the hospital's own travel
  times: late with a porter waiting at the pickup; the targets or the routes, not
  dispatch, are what a planner would change;
- `ward`: the minutes the ward kept the job (an escort not confirmed, a patient not
  ready when the porter came) are what made it late;
- each of `simulations.round_causes`, with the round's own plan as the reach: the
  latest a porter could reach the pickup and, with the handling and the trip the round
  counted, still deliver on time. `none_in_reach` then says that when the round came,
  nobody on shift was near enough to deliver it on time: only a porter placed near it
  beforehand could have; `waited_past_reach`, that it had waited for a porter until
  none could.

Read back from the log after the run, about a tenth of a second a late job.
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
from engine.domain.policy.document import PolicyDocument
from engine.domain.values import Status
from engine.write.application import DispatchApp
from simulations.round_causes import ROUND_CAUSES, round_cause

CAUSES = ("window_too_short", "ward", *ROUND_CAUSES)


def late_causes(
    app: DispatchApp,
    jobs: Mapping[UUID, Job],
    ward_minutes: Mapping[UUID, float],
    end: datetime,
) -> dict[str, Any]:
    """Counts by cause (`CAUSES`, each late job in exactly one), the rules that barred the
    near porters (`barred_by`), and the late jobs."""
    causes: Counter[str] = Counter({c: 0 for c in CAUSES})
    barred: Counter[str] = Counter()
    late = 0
    _, document = app.policy_document()  # read once: the work of each late job uses it
    for job in jobs.values():
        if job.status in (Status.CANCELLED, Status.FAILED):
            continue  # as the late share counts: neither late nor on time
        delivered = job.ended_at if job.status is Status.COMPLETED else None
        if delivered is None and job.delivery_due > end:
            continue  # still open, and not yet due
        if delivered is not None and delivered <= job.delivery_due:
            continue
        late += 1
        if _window(job) < _work(app, document, job):
            causes["window_too_short"] += 1
            continue
        kept = ward_minutes.get(job.id, 0.0)
        if delivered is not None and (delivered - job.delivery_due).total_seconds() <= kept * 60:
            causes["ward"] += 1
            continue
        cause, rules = round_cause(app, job, _reach)
        causes[cause] += 1
        barred.update(rules)
    return {"late_jobs": late, "causes": dict(causes), "barred_by": dict(sorted(barred.items()))}


def _window(job: Job) -> float:
    start = max(job.requested_at, job.ready_at) if job.ready_at else job.requested_at
    return (job.delivery_due - start).total_seconds() / 60


def _work(app: DispatchApp, document: PolicyDocument, job: Job) -> float:
    """The handling and the trip as the rounds count them, by the site's current policy."""
    handling = float(document.handling_minutes.get(job.kind, 0))
    return handling + app.layout.travel_minutes(job.origin.code, job.destination.code)


def _reach(decision: Decision, problem: AssignmentProblem, spec: JobSpec) -> float:
    """The latest arrival at the pickup, in minutes after the round, that still delivers
    on time by the round's plan (the pickup waits for a scheduled job's ready time)."""
    now = decision.made_at
    handling = float(problem.policy.handling_minutes.get(spec.kind, 0))
    latest = (spec.delivery_due - now).total_seconds() / 60 - handling
    latest -= problem.travel.between(spec.origin, spec.destination)
    if spec.ready_at is not None and (spec.ready_at - now).total_seconds() / 60 > latest:
        return float("-inf")  # ready too late to be on time, whoever came
    return latest
