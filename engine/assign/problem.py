"""The inputs of one assignment round, frozen so a decision can be replayed.

A decision event stores `to_data()` of its problem; `fingerprint()` lets a
later reader prove that the stored inputs are the ones the solver saw. Times
are absolute datetimes here and turned into minutes-from-`now` only when the
solver builds its arrays, so the stored form stays readable.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from engine.assign.arrays import ProblemArrays, job_row, porter_row
from engine.assign.fingerprint import fingerprint, policy_data
from engine.assign.travel import Travel
from engine.domain.policy.document import PolicyDocument
from engine.domain.values import Group, Kind, Priority, Skill

if TYPE_CHECKING:
    pass


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _parse_time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _canonical(*fields: Any) -> bytes:
    """A spec's bytes in the fingerprint: its fields in order, every time as integer
    microseconds since the epoch (the solver's own reading), so the same instants
    written in another time zone fingerprint the same."""
    return json.dumps(fields, separators=(",", ":")).encode()


@dataclass(frozen=True)
class JobSpec:
    """A job as the solver sees it; `priority` is already the effective one."""

    id: str
    kind: Kind
    priority: Priority
    group: Group
    origin: str
    destination: str
    requested_at: datetime
    pickup_due: datetime
    delivery_due: datetime
    required_skills: frozenset[Skill] = frozenset()
    porters_needed: int = 1
    needs_accompaniment: bool = False
    accompaniment_confirmed: bool = False
    ready_at: datetime | None = None
    assigned_porters: tuple[str, ...] = ()
    declined_by: tuple[str, ...] = ()
    widened: bool = False  # an escalation opened it to every group's porters

    def __post_init__(self) -> None:
        if self.porters_needed not in (1, 2):
            raise ValueError(f"job {self.id}: porters_needed must be 1 or 2")
        if len(set(self.assigned_porters)) != len(self.assigned_porters):
            raise ValueError(f"job {self.id}: assigned_porters repeats a porter")

    def to_data(self) -> dict[str, Any]:
        """Plain data; built once per spec, since a spec never changes (callers may not edit it)."""
        return self._data

    @cached_property
    def _data(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind.value,
            "priority": self.priority.value,
            "group": self.group,
            "origin": self.origin,
            "destination": self.destination,
            "requested_at": _time(self.requested_at),
            "pickup_due": _time(self.pickup_due),
            "delivery_due": _time(self.delivery_due),
            "required_skills": sorted(self.required_skills),
            "porters_needed": self.porters_needed,
            "needs_accompaniment": self.needs_accompaniment,
            "accompaniment_confirmed": self.accompaniment_confirmed,
            "ready_at": _time(self.ready_at),
            "assigned_porters": list(self.assigned_porters),
            "declined_by": list(self.declined_by),
            "widened": self.widened,
        }

    @cached_property
    def solver_row(self) -> tuple[Any, ...]:
        return job_row(self)

    @cached_property
    def canonical(self) -> bytes:
        return _canonical(
            self.id,
            self.kind.value,
            self.priority.value,
            self.group,
            self.origin,
            self.destination,
            self.solver_row[8:12],  # requested, pickup due, delivery due, ready
            sorted(self.required_skills),
            self.porters_needed,
            self.needs_accompaniment,
            self.accompaniment_confirmed,
            self.assigned_porters,
            self.declined_by,
            self.widened,
        )

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> JobSpec:
        return cls(
            id=data["id"],
            kind=Kind(data["kind"]),
            priority=Priority(data["priority"]),
            group=Group(data["group"]),
            origin=data["origin"],
            destination=data["destination"],
            requested_at=datetime.fromisoformat(data["requested_at"]),
            pickup_due=datetime.fromisoformat(data["pickup_due"]),
            delivery_due=datetime.fromisoformat(data["delivery_due"]),
            required_skills=frozenset(Skill(s) for s in data["required_skills"]),
            porters_needed=int(data["porters_needed"]),
            needs_accompaniment=bool(data["needs_accompaniment"]),
            accompaniment_confirmed=bool(data["accompaniment_confirmed"]),
            ready_at=_parse_time(data["ready_at"]),
            assigned_porters=tuple(data["assigned_porters"]),
            declined_by=tuple(data.get("declined_by", ())),
            widened=bool(data.get("widened", False)),
        )


@dataclass(frozen=True)
class PorterSpec:
    """A porter as the solver sees it.

    `active_jobs` counts only jobs the porter has acknowledged or started: those
    cannot move. Jobs assigned but not yet acknowledged are in the problem's
    job list instead, so the solver may move them at a churn cost.

    `free_at` and `free_location`, set together, make a porter *finishing*: their one
    job is under way and due to be handed over at `free_location` at about `free_at`
    (policy `anticipation.finishing_minutes`). Such a porter is a candidate for one
    more job, which they start from there, then: every minute until then counts as
    travel, so a free porter as near is always preferred.

    `diverting`, the id of the job a porter is on the way to pick up, makes them a
    candidate for a stat job instead (policy `anticipation.divert_for_stat`); that job
    does not count against their capacity, and giving them another costs the churn.
    """

    id: str
    badge: str
    group: Group
    skills: frozenset[Skill] = frozenset()
    location: str | None = None
    on_shift: bool = True
    on_break: bool = False
    shift_ends_at: datetime | None = None
    active_jobs: int = 0
    jobs_this_shift: int = 0
    free_since: datetime | None = None
    free_at: datetime | None = None
    free_location: str | None = None
    diverting: str | None = None

    @property
    def finishing(self) -> bool:
        return self.free_at is not None and self.free_location is not None

    def to_data(self) -> dict[str, Any]:
        """Plain data; built once per spec, since a spec never changes (callers may not edit it)."""
        return self._data

    @cached_property
    def _data(self) -> dict[str, Any]:
        data = self._plain
        if self.finishing:  # only then: the data of every other porter is as it always was
            data = {**data, "free_at": _time(self.free_at), "free_location": self.free_location}
        if self.diverting is not None:
            data = {**data, "diverting": self.diverting}
        return data

    @cached_property
    def _plain(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "badge": self.badge,
            "group": self.group,
            "skills": sorted(self.skills),
            "location": self.location,
            "on_shift": self.on_shift,
            "on_break": self.on_break,
            "shift_ends_at": _time(self.shift_ends_at),
            "active_jobs": self.active_jobs,
            "jobs_this_shift": self.jobs_this_shift,
            "free_since": _time(self.free_since),
        }

    @cached_property
    def solver_row(self) -> tuple[Any, ...]:
        return porter_row(self)

    @cached_property
    def canonical(self) -> bytes:
        row = self.solver_row
        return _canonical(
            self.id,
            self.badge,
            self.group,
            sorted(self.skills),
            self.location,
            self.on_shift,
            self.on_break,
            (row[4], row[7]),  # shift end, free since
            self.active_jobs,
            self.jobs_this_shift,
            *((row[8], self.free_location) if self.finishing else ()),  # as before, unless
            *(("diverting", self.diverting) if self.diverting is not None else ()),
        )

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> PorterSpec:
        return cls(
            id=data["id"],
            badge=data["badge"],
            group=Group(data["group"]),
            skills=frozenset(Skill(s) for s in data["skills"]),
            location=data["location"],
            on_shift=bool(data["on_shift"]),
            on_break=bool(data["on_break"]),
            shift_ends_at=_parse_time(data["shift_ends_at"]),
            active_jobs=int(data["active_jobs"]),
            jobs_this_shift=int(data["jobs_this_shift"]),
            free_since=_parse_time(data["free_since"]),
            free_at=_parse_time(data.get("free_at")),
            free_location=data.get("free_location"),
            diverting=data.get("diverting"),
        )


@dataclass(frozen=True)
class AssignmentProblem:
    """Everything one round decides from. Derived arrays are cached on the instance."""

    jobs: tuple[JobSpec, ...]
    porters: tuple[PorterSpec, ...]
    travel: Travel
    policy: PolicyDocument
    policy_version: int
    now: datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "jobs", tuple(self.jobs))
        object.__setattr__(self, "porters", tuple(self.porters))
        if len({j.id for j in self.jobs}) != len(self.jobs):
            raise ValueError("job ids must be unique")
        if len({p.id for p in self.porters}) != len(self.porters):
            raise ValueError("porter ids must be unique")
        known = self.travel.index
        for job in self.jobs:
            for code in (job.origin, job.destination):
                if code not in known:
                    raise ValueError(f"job {job.id}: unknown location {code!r}")
        for porter in self.porters:
            for place in (porter.location, porter.free_location):
                if place is not None and place not in known:
                    raise ValueError(f"porter {porter.id}: unknown location {place!r}")

    @cached_property
    def arrays(self) -> ProblemArrays:
        return ProblemArrays.build(self)

    @cached_property
    def job_index(self) -> dict[str, int]:
        return {job.id: i for i, job in enumerate(self.jobs)}

    @cached_property
    def porter_index(self) -> dict[str, int]:
        return {porter.id: i for i, porter in enumerate(self.porters)}

    def to_data(self, *, travel: bool = True) -> dict[str, Any]:
        """Plain data. Without `travel`, for a store that keeps the site's matrix apart."""
        data = {
            "jobs": [job.to_data() for job in self.jobs],
            "porters": [porter.to_data() for porter in self.porters],
            "policy": policy_data(self.policy),
            "policy_version": self.policy_version,
            "now": self.now.isoformat(),
        }
        if travel:
            data["travel"] = self.travel.to_data()
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> AssignmentProblem:
        return cls(
            jobs=tuple(JobSpec.from_data(j) for j in data["jobs"]),
            porters=tuple(PorterSpec.from_data(p) for p in data["porters"]),
            travel=Travel.from_data(data["travel"]),
            policy=PolicyDocument.parse(data["policy"]),
            policy_version=int(data["policy_version"]),
            now=datetime.fromisoformat(data["now"]),
        )

    def fingerprint(self) -> str:
        return self._fingerprint

    @cached_property
    def _fingerprint(self) -> str:
        return fingerprint(self)
