"""A policy is tried on tiny rounds before it is published: one that would leave a job
unassigned with a free porter at the door would stop dispatching.

The document's own fields are bounded where they are declared; what only a solve
can tell (weights that make leaving a job cheaper than taking it, a priority the
weights forget) is found here, by solving with the policy as a round would.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from engine.assign import AssignmentProblem, JobSpec, PorterSpec, Travel
from engine.assign.solve import solve
from engine.assign.synthetic import synthetic_site
from engine.domain.errors import InvalidInput
from engine.domain.policy.document import PolicyDocument
from engine.domain.site import SiteLayout
from engine.domain.values import Kind, Priority

_NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
_TRAVEL = Travel.from_site(synthetic_site(n_locations=4, seed=0))


def check_dispatchable(policy: PolicyDocument, where: str = "document") -> None:
    """For each priority and kind, a just-requested job and a free porter a short walk
    away: the round must give the porter the job. Raises naming the weights otherwise."""
    here, there, near = _TRAVEL.codes[0], _TRAVEL.codes[1], _TRAVEL.codes[2]
    porter = PorterSpec(id="p", badge="P", group="g", location=near)
    for priority in Priority:
        for kind in Kind:
            pickup, delivery = policy.due_times(kind, priority, _NOW, None)
            job = JobSpec(
                id="j",
                kind=kind,
                priority=priority,
                group="g",
                origin=here,
                destination=there,
                requested_at=_NOW,
                pickup_due=pickup,
                delivery_due=delivery,
            )
            problem = AssignmentProblem(
                jobs=(job,),
                porters=(porter,),
                travel=_TRAVEL,
                policy=policy,
                policy_version=0,
                now=_NOW + timedelta(seconds=1),
            )
            if not solve(problem).assignments:
                raise InvalidInput(
                    f"{where}.weights.unassigned_base",
                    f"with these weights a free porter near a {priority.value} "
                    f"{kind.value} job would not be given it: dispatching would stop",
                )


def check_staging(layout: SiteLayout) -> Callable[[PolicyDocument], None]:
    """A check that every staging point of a policy is one of the site's locations."""

    def check(policy: PolicyDocument) -> None:
        for group, hours in sorted(policy.anticipation.staging.items()):
            for hour in sorted(hours):
                for code in policy.anticipation.staging_points(group, hour):
                    layout.location(code, f"document.anticipation.staging.{group}.{hour}")

    return check
