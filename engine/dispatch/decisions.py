"""Recorded decisions: their stored inputs, and replaying them.

A decision stores its problem's inputs, the solver parameters and seed, so a
recorded round can be re-solved exactly, and an override is written into the
decision it overrides. Two inputs are stored by reference, because both are in
the log already and copying them made a round's record grow with the queue (a
backlog of 900 jobs made each round write 600 KB, read back by every process,
which slowed the rounds, which grew the backlog): the site's travel matrix, by
digest; each job and each porter, by its id and the version of it the round saw,
from which `job_spec` and `porter_spec` rebuild exactly what the round solved; and
the policy, by its version. Inline, the porters and the policy were 22 KB of every
round's 23 KB at a 61-porter site: written, read back and decoded by every process
once per job. Which porters held a movable job is kept inline, so the record alone
tells a kept job from a moved one (and which of a porter's jobs the round could
move). Decisions recorded before this carried specs and policy inline; all are read.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from engine.assign import AssignmentProblem, SolverParams, Travel, solve
from engine.assign.fingerprint import policy_data
from engine.dispatch.specs import job_spec, porter_spec
from engine.domain.decision.aggregate import Decision
from engine.domain.decision.inputs import held
from engine.domain.errors import DecisionNotFound, InvalidInput
from engine.domain.job.aggregate import Job
from engine.domain.policy.aggregate import Policy
from engine.domain.porter.aggregate import Porter
from engine.write.application import DispatchApp


def stored_problem(problem: AssignmentProblem, versions: Mapping[str, int]) -> dict[str, Any]:
    """`versions`: each job's and each porter's aggregate version, as the round saw it."""
    data = {"policy_version": problem.policy_version, "now": problem.now.isoformat()}
    data["job_refs"] = [[spec.id, versions[spec.id]] for spec in problem.jobs]
    data["porter_refs"] = [[spec.id, versions[spec.id]] for spec in problem.porters]
    finishing = {
        p.id: [p.to_data()["free_at"], p.free_location] for p in problem.porters if p.finishing
    }
    if finishing:  # not in the porters' log: when and where the round expected them free
        data["finishing"] = finishing
    divertible = {p.id: p.diverting for p in problem.porters if p.diverting is not None}
    if divertible:  # and which pickups a stat job could take them from
        data["diverting"] = divertible
    data["held"] = {s.id: list(s.assigned_porters) for s in problem.jobs if s.assigned_porters}
    data["travel_digest"] = problem.travel.digest()
    return data


def recorded_jobs(app: DispatchApp, problem: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The job specs a recorded round solved, rebuilt from the versions it names."""
    if "job_refs" not in problem:
        return list(problem.get("jobs", []))
    jobs = []
    for jid, version in problem["job_refs"]:
        job: Aggregate = app.repository.get(UUID(jid), version=version)
        if not isinstance(job, Job):
            raise DecisionNotFound(jid)
        jobs.append(job_spec(job).to_data())
    return jobs


def recorded_porters(app: DispatchApp, problem: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The porter specs a recorded round solved, rebuilt from the versions it names; a
    porter's jobs that the round could move are the held ones, as when it ran."""
    if "porter_refs" not in problem:
        return list(problem.get("porters", []))
    movable = set(held(problem))
    finishing = problem.get("finishing", {})
    porters = []
    for pid, version in problem["porter_refs"]:
        porter: Aggregate = app.repository.get(UUID(pid), version=version)
        if not isinstance(porter, Porter):
            raise DecisionNotFound(pid)
        when, where = finishing.get(pid, (None, None))
        free = None if when is None else (datetime.fromisoformat(when), where)
        divert = problem.get("diverting", {}).get(pid)
        porters.append(porter_spec(porter, movable, free, divert).to_data())
    return porters


def recorded_policy(app: DispatchApp, problem: Mapping[str, Any]) -> dict[str, Any]:
    """The policy a recorded round solved under, inline or by its version."""
    if "policy" in problem:
        return dict(problem["policy"])
    version = int(problem["policy_version"])
    policy: Aggregate = app.repository.get(Policy.create_id(app.site), version=version)
    if not isinstance(policy, Policy) or policy.number != version:
        raise InvalidInput("decision", f"policy version {version} is not in the log")
    return policy_data(policy.document)


def recorded_problem(app: DispatchApp, decision: Decision) -> AssignmentProblem:
    data = dict(decision.problem)
    data["jobs"] = recorded_jobs(app, data)
    data["porters"] = recorded_porters(app, data)
    data["policy"] = recorded_policy(app, data)
    for reference in ("job_refs", "porter_refs", "held"):
        data.pop(reference, None)
    travel = Travel.from_site(app.layout)
    if data.pop("travel_digest") != travel.digest():
        raise InvalidInput("decision", "the site's travel times changed since this round")
    data["travel"] = travel.to_data()
    return AssignmentProblem.from_data(data)


def get_decision(app: DispatchApp, ref: UUID | int) -> Decision:
    did = ref if isinstance(ref, UUID) else Decision.create_id(app.site, ref)
    if did not in app.repository:
        raise DecisionNotFound(ref)
    decision: Aggregate = app.repository.get(did)
    if not isinstance(decision, Decision):
        raise DecisionNotFound(ref)
    return decision


def replay_decision(app: DispatchApp, ref: UUID | int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Re-solve a recorded round from its stored inputs: (recorded, recomputed) results."""
    decision = get_decision(app, ref)
    problem = recorded_problem(app, decision)
    result = solve(problem, SolverParams(**decision.params))
    return decision.result, result.to_data()
