"""Small named builders for assignment problems, so each test states only what matters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from engine.assign import AssignmentProblem, JobSpec, PorterSpec, Travel
from engine.assign.synthetic import synthetic_site
from engine.domain.policy.document import PolicyDocument
from engine.domain.values import Group, Kind, Priority

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SITE = synthetic_site(n_locations=8, seed=3)
TRAVEL = Travel.from_site(SITE)
CODES = TRAVEL.codes
HERE, NEAR, FAR = CODES[0], CODES[5], CODES[3]


def minutes(n: float) -> datetime:
    return NOW + timedelta(minutes=n)


def job(
    id: str = "j1",
    *,
    kind: Kind = Kind.ITEM,
    priority: Priority = Priority.ROUTINE,
    group: Group = "internal",
    origin: str = HERE,
    destination: str = NEAR,
    waited: float = 0,
    **fields: Any,
) -> JobSpec:
    """A job requested `waited` minutes ago, due by the default targets of its priority."""
    requested = minutes(-waited)
    pickup_due, delivery_due = PolicyDocument().due_times(
        kind, priority, requested, fields.get("ready_at")
    )
    values: dict[str, Any] = {
        "id": id,
        "kind": kind,
        "priority": priority,
        "group": group,
        "origin": origin,
        "destination": destination,
        "requested_at": requested,
        "pickup_due": pickup_due,
        "delivery_due": delivery_due,
    }
    values.update(fields)
    return JobSpec(**values)


def porter(
    id: str = "p1",
    *,
    group: Group = "internal",
    location: str | None = HERE,
    **fields: Any,
) -> PorterSpec:
    """An idle porter on shift at `location`."""
    return PorterSpec(id=id, badge=id.upper(), group=group, location=location, **fields)


def problem(
    jobs: list[JobSpec] | tuple[JobSpec, ...],
    porters: list[PorterSpec] | tuple[PorterSpec, ...],
    policy: PolicyDocument | None = None,
) -> AssignmentProblem:
    return AssignmentProblem(
        jobs=tuple(jobs),
        porters=tuple(porters),
        travel=TRAVEL,
        policy=policy or PolicyDocument(),
        policy_version=1,
        now=NOW,
    )
