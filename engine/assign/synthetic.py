"""Seeded random sites and problems, for benchmarks, tests and simulations.

Pure like the rest of the package: the same seed gives the same problem on any
machine. The mix (mostly routine, a few stat, some patient moves needing a
stretcher and two porters) is a plausible hospital day, not a measured one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from engine.assign.problem import AssignmentProblem, JobSpec, PorterSpec
from engine.assign.travel import Travel
from engine.domain.policy.document import PolicyDocument
from engine.domain.site import SiteLayout
from engine.domain.values import Group, Kind, Priority, Skill

EPOCH = datetime.fromisoformat("2025-03-03T10:00:00+00:00")
KINDS = (
    Kind.PATIENT_TRANSPORT,
    Kind.ESCORT,
    Kind.SPECIMEN,
    Kind.URGENT_BLOOD,
    Kind.DRUG,
    Kind.DOCUMENT,
    Kind.ITEM,
)
KIND_WEIGHTS = (0.35, 0.05, 0.25, 0.03, 0.12, 0.10, 0.10)
PRIORITY_WEIGHTS = (0.05, 0.15, 0.30, 0.50)
PATIENT_SHARE = KIND_WEIGHTS[0] + KIND_WEIGHTS[1]
PRIORITIES = (Priority.STAT, Priority.ASAP, Priority.URGENT, Priority.ROUTINE)
GROUPS: tuple[Group, ...] = ("internal", "surgical", "emergency")
SKILLS: tuple[Skill, ...] = ("stretcher_bed", "isolation", "specimen", "ambulance")


def synthetic_site(n_locations: int = 60, seed: int = 0, buildings: int = 5) -> SiteLayout:
    rng = np.random.default_rng(seed)
    names = [f"B{b}" for b in range(buildings)]
    locations = [
        {"code": f"L{i:03d}", "building": names[i % buildings], "floor": int(rng.integers(0, 6))}
        for i in range(n_locations)
    ]
    walk = [
        {"from": a, "to": b, "minutes": float(rng.integers(2, 9))}
        for i, a in enumerate(names)
        for b in names[i + 1 :]
    ]
    return SiteLayout.from_data({"site": "synthetic", "locations": locations, "walk_minutes": walk})


def random_problem(
    seed: int,
    n_jobs: int,
    n_porters: int,
    travel: Travel,
    policy: PolicyDocument | None = None,
    now: datetime = EPOCH,
    two_porter_share: float = 0.03,
    scheduled_share: float = 0.1,
) -> AssignmentProblem:
    """A round of `n_jobs` x `n_porters`; `two_porter_share` of all jobs need two porters.

    About a tenth of the porters are on a break, a fifth already carry work,
    a twentieth cannot be located; a tenth of the jobs are scheduled patients.
    """
    rng = np.random.default_rng(seed)
    policy = policy or PolicyDocument()
    codes = travel.codes
    porters = tuple(
        PorterSpec(
            id=f"p{i:04d}",
            badge=f"B{i:04d}",
            group=GROUPS[int(rng.integers(0, len(GROUPS)))],
            skills=frozenset(s for s in SKILLS if rng.random() < 0.4),
            location=None if rng.random() < 0.05 else codes[int(rng.integers(0, len(codes)))],
            on_shift=bool(rng.random() < 0.95),
            on_break=bool(rng.random() < 0.1),
            shift_ends_at=now + timedelta(minutes=float(rng.integers(5, 480))),
            active_jobs=int(rng.random() < 0.2)
            * int(rng.integers(1, policy.max_jobs_per_porter + 1)),
            jobs_this_shift=int(rng.integers(0, 20)),
            free_since=now - timedelta(minutes=float(rng.integers(0, 60))),
        )
        for i in range(n_porters)
    )
    jobs = []
    for i in range(n_jobs):
        kind = KINDS[int(rng.choice(len(KINDS), p=KIND_WEIGHTS))]
        priority = policy.effective_priority(
            kind, PRIORITIES[int(rng.choice(4, p=PRIORITY_WEIGHTS))]
        )
        requested = now - timedelta(minutes=float(rng.integers(0, 90)))
        ready = (
            now + timedelta(minutes=float(rng.integers(-10, 60)))
            if rng.random() < scheduled_share
            else None
        )
        pickup_due, delivery_due = policy.due_times(kind, priority, requested, ready)
        patient = kind in (Kind.PATIENT_TRANSPORT, Kind.ESCORT)
        skills = set()
        if patient and rng.random() < 0.3:
            skills.add("stretcher_bed")
        if rng.random() < 0.05:
            skills.add("isolation")
        if kind is Kind.SPECIMEN and rng.random() < 0.5:
            skills.add("specimen")
        needs_acc = patient and rng.random() < 0.1
        held = rng.random() < 0.1 and n_porters > 0
        origin, destination = rng.choice(len(codes), size=2)
        jobs.append(
            JobSpec(
                id=f"j{i:05d}",
                kind=kind,
                priority=priority,
                group=GROUPS[int(rng.integers(0, len(GROUPS)))],
                origin=codes[int(origin)],
                destination=codes[int(destination)],
                requested_at=requested,
                pickup_due=pickup_due,
                delivery_due=delivery_due,
                required_skills=frozenset(skills),
                porters_needed=2
                if patient and rng.random() < two_porter_share / PATIENT_SHARE
                else 1,
                needs_accompaniment=needs_acc,
                accompaniment_confirmed=needs_acc and rng.random() < 0.7,
                ready_at=ready,
                assigned_porters=(porters[int(rng.integers(0, n_porters))].id,) if held else (),
            )
        )
    return AssignmentProblem(tuple(jobs), porters, travel, policy, 1, now)
