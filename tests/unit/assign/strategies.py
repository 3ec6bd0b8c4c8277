"""Hypothesis strategies: small random rounds on an eight-location site."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

from hypothesis import strategies as st

from engine.assign import AssignmentProblem, JobSpec, PorterSpec
from engine.assign.synthetic import SKILLS
from engine.domain.policy.anticipation import Anticipation
from engine.domain.policy.document import PolicyDocument
from engine.domain.values import Kind, Priority

from .builders import CODES, NOW, TRAVEL

PATIENT = (Kind.PATIENT_TRANSPORT, Kind.ESCORT)
KINDS = [*Kind, Kind.SPECIMEN, Kind.SPECIMEN, Kind.PATIENT_TRANSPORT]
GROUPS = ["internal", "internal", "surgical", "emergency"]


@st.composite
def policies(draw: st.DrawFn, batching: bool | None = None) -> PolicyDocument:
    allow = draw(st.booleans()) if batching is None else batching
    return PolicyDocument(
        max_jobs_per_porter=draw(st.integers(2, 3)) if allow else 1,
        batch_kinds=[Kind.SPECIMEN, Kind.DOCUMENT],
        anticipation=Anticipation(
            stat_keeps_porter=draw(st.booleans()),
            overtime_minutes=draw(st.sampled_from([0, 0, 10, 30])),
        ),
    )


@st.composite
def porter_specs(draw: st.DrawFn, index: int) -> PorterSpec:
    active = draw(st.sampled_from([0, 0, 0, 0, 1, 2]))
    finishing = active == 1 and draw(st.booleans())  # one job under way, due soon (or late)
    return PorterSpec(
        id=f"p{index}",
        badge=f"P{index}",
        group=draw(st.sampled_from(GROUPS)),
        skills=draw(st.just(frozenset(SKILLS)) | st.sets(st.sampled_from(SKILLS)).map(frozenset)),
        location=draw(st.one_of(st.none(), st.sampled_from(CODES))),
        on_shift=draw(st.sampled_from([True, True, True, True, False])),
        on_break=draw(st.sampled_from([False, False, False, False, True])),
        shift_ends_at=draw(
            st.one_of(st.none(), st.integers(1, 240).map(lambda m: NOW + timedelta(minutes=m)))
        ),
        active_jobs=active,
        jobs_this_shift=draw(st.integers(0, 15)),
        free_since=NOW - timedelta(minutes=draw(st.integers(0, 60))),
        free_at=NOW + timedelta(seconds=draw(st.integers(-120, 600))) if finishing else None,
        free_location=draw(st.sampled_from(CODES)) if finishing else None,
        # or on the way to a pickup that a stat job may take them from
        diverting="j-away" if active == 1 and not finishing and draw(st.booleans()) else None,
    )


@st.composite
def job_specs(
    draw: st.DrawFn, index: int, policy: PolicyDocument, porter_ids: list[str], two_porter: bool
) -> JobSpec:
    kind = draw(st.sampled_from(KINDS))
    priority = policy.effective_priority(kind, draw(st.sampled_from(list(Priority))))
    requested = NOW - timedelta(minutes=draw(st.integers(0, 120)))
    ready = draw(
        st.none()
        | st.none()
        | st.none()
        | st.integers(-15, 60).map(lambda m: NOW + timedelta(minutes=m))
    )
    pickup_due, delivery_due = policy.due_times(kind, priority, requested, ready)
    needs = 2 if two_porter and kind in PATIENT and draw(st.booleans()) else 1
    needs_acc = kind in PATIENT and draw(st.sampled_from([False, False, True]))
    # Held by one porter, by two, or by one no longer in the round.
    pairs = list(pairwise(porter_ids))
    gone = [(p, "p-gone") for p in porter_ids[:1]] + [("p-gone",)]
    held = draw(st.sampled_from([(), (), ()] + [(p,) for p in porter_ids] + pairs + gone))
    origin, destination = draw(st.sampled_from(CODES[:3])), draw(st.sampled_from(CODES))
    return JobSpec(
        id=f"j{index}",
        kind=kind,
        priority=priority,
        group=draw(st.sampled_from(GROUPS)),
        origin=origin,
        destination=destination,
        requested_at=requested,
        pickup_due=pickup_due,
        delivery_due=delivery_due,
        required_skills=draw(
            st.sampled_from([frozenset(), frozenset(), frozenset()])
            | st.sampled_from(SKILLS).map(lambda s: frozenset({s}))
        ),
        porters_needed=needs,
        needs_accompaniment=needs_acc,
        accompaniment_confirmed=needs_acc and draw(st.booleans()),
        ready_at=ready,
        assigned_porters=held,
    )


@st.composite
def problems(
    draw: st.DrawFn,
    max_jobs: int = 8,
    max_porters: int = 6,
    batching: bool | None = None,
    two_porter: bool = True,
) -> AssignmentProblem:
    """A round of up to `max_jobs` x `max_porters`, every field drawn from a small domain."""
    policy = draw(policies(batching))
    n_porters = draw(st.integers(0, max_porters))
    porters = [draw(porter_specs(i)) for i in range(n_porters)]
    ids = [p.id for p in porters]
    jobs = [
        draw(job_specs(i, policy, ids, two_porter)) for i in range(draw(st.integers(0, max_jobs)))
    ]
    return AssignmentProblem(tuple(jobs), tuple(porters), TRAVEL, policy, 1, NOW)


@st.composite
def crowded_problems(draw: st.DrawFn) -> AssignmentProblem:
    """Every porter on duty, every job plain: many eligible pairs competing."""
    base = draw(problems(max_jobs=10, max_porters=6, batching=False))
    porters = tuple(
        PorterSpec(
            id=p.id,
            badge=p.badge,
            group=p.group,
            skills=frozenset(SKILLS),
            location=p.location,
            jobs_this_shift=p.jobs_this_shift,
        )
        for p in base.porters
    )
    return AssignmentProblem(base.jobs, porters, TRAVEL, base.policy, 1, NOW)
