"""A round opened up for an auditor: the jobs and porters it considered, as it knew them,
and for any one job, every porter with the rules that excluded them and what the
eligible ones would have cost.

Everything comes from the decision's stored inputs, re-built the way a replay re-builds
them, so the answer is about what the engine knew at that moment, never about now.
Times are given in the hospital's zone; porters by badge.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any
from uuid import UUID

import numpy as np

from engine.assign import AssignmentProblem, job_options, leave_cost
from engine.assign.rules import Feasibility
from engine.dispatch.decisions import (
    get_decision,
    recorded_jobs,
    recorded_porters,
    recorded_problem,
)
from engine.dispatch.explaining import assignment_view, decision_view, porter_names
from engine.domain.decision.aggregate import Decision
from engine.domain.decision.inputs import considered
from engine.domain.errors import InvalidInput, JobNotInRound
from engine.projections.service import Service
from engine.write.application import DispatchApp


def _local(value: str | None, tz: tzinfo) -> str | None:
    return None if value is None else datetime.fromisoformat(value).astimezone(tz).isoformat()


def _eligible(problem: AssignmentProblem) -> tuple[list[int], list[int]]:
    """For each job, how many porters it could have gone to; for each porter, how many
    jobs they could have taken: by the solver's own masks."""
    feasible = Feasibility.build(problem.arrays, problem.policy).feasible
    return (
        [int(n) for n in np.count_nonzero(feasible, axis=1)],
        [int(n) for n in np.count_nonzero(feasible, axis=0)],
    )


def _job(
    job: dict[str, Any],
    outcome: dict[str, Any],
    names: Mapping[str, str],
    tz: tzinfo,
    eligible: int | None,
) -> dict[str, Any]:
    badges = [names.get(p, p) for p in job["assigned_porters"]]
    return {
        "id": job["id"],
        "kind": job["kind"],
        "priority": job["priority"],
        "group": job["group"],
        "origin": job["origin"],
        "destination": job["destination"],
        "requested_at": _local(job["requested_at"], tz),
        "pickup_due": _local(job["pickup_due"], tz),
        "delivery_due": _local(job["delivery_due"], tz),
        "ready_at": _local(job["ready_at"], tz),
        "porters_needed": job["porters_needed"],
        "required_skills": job["required_skills"],
        "needs_accompaniment": job["needs_accompaniment"],
        "accompaniment_confirmed": job["accompaniment_confirmed"],
        "widened": job.get("widened", False),
        "held_by": badges,
        "declined_by": [names.get(p, p) for p in job.get("declined_by", [])],
        "eligible_porters": eligible,
        **outcome,
    }


def _outcome(job: dict[str, Any], result: dict[str, Any], names: Mapping[str, str]) -> Any:
    """What the round did with the job: gave it to whom at what cost, kept it with its
    porters, or left it waiting and why."""
    for a in result.get("assignments", []):
        if a["job_id"] == job["id"]:
            kept = sorted(job["assigned_porters"]) == sorted(a["porter_ids"])
            return {
                "outcome": "kept" if kept else "assigned",
                "badges": [names.get(p, p) for p in a["porter_ids"]],
                "cost": a["cost"],
                "reason": None,
            }
    reason = next(
        (u["reason"] for u in result.get("unassigned", []) if u["job_id"] == job["id"]), ""
    )
    return {"outcome": "waiting", "badges": [], "cost": None, "reason": reason}


def _porter(
    porter: dict[str, Any], given: list[str], tz: tzinfo, eligible: int | None
) -> dict[str, Any]:
    return {
        "badge": porter["badge"],
        "group": porter["group"],
        "skills": porter["skills"],
        "location": porter["location"],
        "on_shift": porter["on_shift"],
        "on_break": porter["on_break"],
        "shift_ends_at": _local(porter["shift_ends_at"], tz),
        "active_jobs": porter["active_jobs"],
        "jobs_this_shift": porter["jobs_this_shift"],
        "free_since": _local(porter["free_since"], tz),
        "free_at": _local(porter.get("free_at"), tz),
        "free_location": porter.get("free_location"),
        "given": given,
        "eligible_jobs": eligible,
    }


def round_inputs(app: DispatchApp, decision: Decision, service: Service) -> dict[str, Any]:
    """The jobs and porters a round considered, each as the round knew them, with what it
    did with each job and the jobs it gave each porter."""
    names, tz = porter_names(decision, service), service.tz
    result = decision.result
    try:
        problem: AssignmentProblem | None = recorded_problem(app, decision)
    except InvalidInput:  # the site's travel times changed since: no counts, inputs still
        problem = None
    if problem is None:
        jobs, porters = (
            recorded_jobs(app, decision.problem),
            recorded_porters(app, decision.problem),
        )
        counts = None
    else:
        jobs = [spec.to_data() for spec in problem.jobs]
        porters = [spec.to_data() for spec in problem.porters]
        counts = _eligible(problem)
    given: dict[str, list[str]] = {}
    for a in result.get("assignments", []):
        for pid in a["porter_ids"]:
            given.setdefault(pid, []).append(a["job_id"])
    return {
        "jobs": [
            _job(j, _outcome(j, result, names), names, tz, None if counts is None else counts[0][i])
            for i, j in enumerate(jobs)
        ],
        "porters": [
            _porter(p, given.get(p["id"], []), tz, None if counts is None else counts[1][i])
            for i, p in enumerate(porters)
        ],
    }


def round_job(app: DispatchApp, service: Service, number: int, job_id: UUID) -> dict[str, Any]:
    """One job in one round: what the round did with it, what leaving it would have cost,
    and every porter it considered, chosen first, then the eligible by cost, then the
    excluded, each with every rule they broke."""
    decision = get_decision(app, number)
    jid = str(job_id)
    if jid not in considered(decision.problem):
        raise JobNotInRound(job_id, number)
    problem: AssignmentProblem = recorded_problem(app, decision)
    stored = problem.jobs[problem.job_index[jid]].to_data()
    names = porter_names(decision, service)
    outcome = _outcome(stored, decision.result, names)
    chosen = next((a for a in decision.result.get("assignments", []) if a["job_id"] == jid), None)
    picked = set() if chosen is None else set(chosen["porter_ids"])
    options = [
        {
            "badge": o["badge"],
            "eligible": not o["violations"],
            "chosen": o["porter_id"] in picked,
            "violations": o["violations"],
            "cost": o["cost"],
            "breakdown": o["breakdown"],
        }
        for o in job_options(problem, jid)
    ]
    options.sort(key=lambda o: (not o["chosen"], not o["eligible"], o["cost"] or 0.0, o["badge"]))
    return {
        "number": decision.number,
        "made_at": decision.made_at.astimezone(service.tz).isoformat(),
        "job": _job(stored, outcome, names, service.tz, sum(o["eligible"] for o in options)),
        "chosen": None if chosen is None else assignment_view(chosen, names),
        "leave_cost": leave_cost(problem, jid),
        "options": options,
    }


def decision_with_inputs(app: DispatchApp, number: int, service: Service) -> dict[str, Any]:
    """A round whole, with its inputs: what `GET /decisions/{number}` answers."""
    decision = get_decision(app, number)
    return {**decision_view(decision, service), **round_inputs(app, decision, service)}
