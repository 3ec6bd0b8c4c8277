"""A day as the hindsight bound sees it: every request and every porter's time on shift.

Only what the wards asked for and who was rostered, with the world's fastest
possible service times: nothing here depends on how the day was dispatched, so
the bound is the same whichever strategy ran it, and any strategy's run of the
same requests and roster can be held against it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from engine.domain.job.aggregate import Job
from engine.domain.policy.document import STAGES, PolicyDocument
from engine.domain.values import Priority, Status

if TYPE_CHECKING:
    from simulations.engine import Simulation


@dataclass(frozen=True)
class Task:
    """One job, times in minutes from the start of the day.

    `ready`: the earliest pickup (the porter's phone must first be answered, and a
    scheduled patient is not ready before the appointment). `carry`: the least
    porter-minutes from pickup to delivery (handling, and the trip at the fastest
    the world allows). `widen`: the earliest a porter of any group may take it (an
    escalation's `widen`), infinite if the policy never widens."""

    key: str
    priority: str
    group: str
    skills: frozenset[str]
    porters: int
    batch: int
    release: float
    start: float
    ready: float
    due: float
    carry: float
    widen: float
    withdrawn: bool = False


@dataclass(frozen=True)
class Crew:
    """One porter: group, skills and the periods on shift within the day."""

    group: str
    skills: frozenset[str]
    periods: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Day:
    minutes: float
    tasks: tuple[Task, ...]
    crews: tuple[Crew, ...]
    lending: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def lends_to(self, group: str) -> frozenset[str]:
        """The groups whose porters may take `group`'s jobs without an escalation."""
        return frozenset((group, *self.lending.get(group, ())))


def earliest_widen(document: PolicyDocument, priority: Priority) -> float:
    """Minutes after its request before a job could first be widened to every group.

    A stage's k-th escalation (counting from 0) waits k+1 times the stage's threshold
    from a moment no earlier than the request (the request, the appointment, or the
    assignment), so a `widen` in k-th place comes no sooner than that."""
    escalation = document.escalation[priority]
    best = math.inf
    for stage in STAGES:
        for k, action in enumerate(escalation.actions.get(stage, [])):
            if action == "widen":
                best = min(best, escalation.minutes(stage) * (k + 1))
    return best


def _minutes(at: datetime, start: datetime) -> float:
    return (at - start).total_seconds() / 60


def task_of(
    job: Job,
    start: datetime,
    document: PolicyDocument,
    ack: float,
    trip: float,
) -> Task:
    """A job as the bound sees it; `trip`: the least minutes of its loaded walk."""
    release = _minutes(job.requested_at, start)
    scheduled = _minutes(job.ready_at, start) if job.ready_at else -math.inf
    batchable = job.kind in document.batch_kinds and job.requirements.porters_needed == 1
    return Task(
        key=job.key,
        priority=job.priority.value,
        group=job.group,
        skills=job.required_skills,
        porters=job.requirements.porters_needed,
        batch=document.capacity_for(job.kind) if batchable else 1,
        release=release,
        start=max(release, scheduled),
        ready=max(release + ack, scheduled),
        due=_minutes(job.delivery_due, start),
        carry=float(document.handling_minutes.get(job.kind, 0)) + trip,
        widen=release + earliest_widen(document, job.priority),
        withdrawn=job.status in (Status.CANCELLED, Status.FAILED),
    )


def day_of(simulation: Simulation) -> Day:
    """The requests a finished simulation received and the roster it had.

    Read from the run's board, but only what the requests and the roster fix: which
    jobs, when asked for, for when, by whom, needing what. The fastest walk is the
    world's floor (`Service.travel_floor`) times its usual time: the simulation cuts
    its noise there."""
    board = simulation.site.board
    board.catch_up()
    _, document = simulation.app.policy_document()
    service = simulation.scenario.service
    floor = service.travel_factor * service.travel_floor
    travel = simulation.hospital.layout.travel_minutes
    start = simulation.start
    ack = service.acknowledge_minutes
    jobs = sorted(board.jobs.values(), key=lambda j: (j.requested_at, j.key))
    tasks = tuple(
        task_of(job, start, document, ack, floor * travel(job.origin.code, job.destination.code))
        for job in jobs
    )
    periods: dict[str, tuple[str, frozenset[str], list[tuple[float, float]]]] = {}
    for entry, begin, finish in simulation.periods:
        mine = periods.setdefault(entry.badge, (entry.group, frozenset(entry.skills), []))
        mine[2].append((_minutes(begin, start), _minutes(finish, start)))
    crews = tuple(
        Crew(group, skills, tuple(sorted(spans)))
        for _, (group, skills, spans) in sorted(periods.items())
    )
    lending = {g: tuple(lenders) for g, lenders in document.lending.items()}
    return Day(_minutes(simulation.end, start), tasks, crews, lending)
