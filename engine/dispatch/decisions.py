"""Recorded decisions: their stored inputs, and replaying them.

A decision stores its problem's inputs (all but the site's travel matrix, which
it names by digest), the solver parameters and seed, so a recorded round can be
re-solved exactly, and an override is written into the decision it overrides.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from engine.assign import AssignmentProblem, SolverParams, Travel, solve
from engine.domain.decision.aggregate import Decision
from engine.domain.errors import DecisionNotFound, InvalidInput
from engine.write.application import DispatchApp


def stored_problem(problem: AssignmentProblem) -> dict[str, Any]:
    data = problem.to_data(travel=False)
    data["travel_digest"] = problem.travel.digest()
    return data


def recorded_problem(app: DispatchApp, decision: Decision) -> AssignmentProblem:
    data = dict(decision.problem)
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
