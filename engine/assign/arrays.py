"""Column arrays of a problem, so rules and costs run as numpy over jobs x porters.

Every time becomes float minutes after `now`; missing times become NaN (a
scheduled job's `ready_at`) or +inf (a shift with no known end). Building the
columns is the only per-spec Python loop of a round.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from engine.assign.load import lending_share
from engine.domain.values import Group, Priority, Skill

if TYPE_CHECKING:
    from engine.assign.problem import AssignmentProblem, JobSpec, PorterSpec

F = NDArray[np.float64]
I = NDArray[np.int64]  # noqa: E741
B = NDArray[np.bool_]

PRIORITIES: tuple[Priority, ...] = tuple(sorted(Priority, key=lambda p: p.rank))

# A site names its own skills. Each name gets a bit the first time any round sees it;
# bits only ever meet in subset tests (does the porter hold every skill the job needs),
# whose answers do not depend on which bit a name got, so neither do results.
_SKILL_BIT: dict[Skill, int] = {}
_SKILL_LOCK = threading.Lock()
MAX_SKILLS = 62


def nonzero_pairs(mask: B) -> tuple[I, I]:
    """Row and column of every True cell, row by row (several times faster than np.nonzero)."""
    flat = np.flatnonzero(mask)
    rows = flat // mask.shape[1] if mask.shape[1] else flat
    return rows, flat - rows * mask.shape[1]


def skill_bits(skills: frozenset[Skill]) -> int:
    bits = 0
    for skill in skills:
        bit = _SKILL_BIT.get(skill)
        if bit is None:
            with _SKILL_LOCK:
                bit = _SKILL_BIT.get(skill)
                if bit is None:
                    if len(_SKILL_BIT) >= MAX_SKILLS:
                        raise ValueError(f"more than {MAX_SKILLS} distinct skills in one process")
                    bit = _SKILL_BIT[skill] = 1 << len(_SKILL_BIT)
        bits |= bit
    return bits


def _bits(values: tuple[int, ...]) -> NDArray[np.unsignedinteger[Any]]:
    """Skill bits in the narrowest type that holds every bit seen so far (uint8 for up
    to 8 skills): a round's pairwise skill test reads a job x porter table of them."""
    width = len(_SKILL_BIT)
    dtype = np.uint8 if width <= 8 else np.uint16 if width <= 16 else np.uint64
    return np.array(values, dtype=dtype)


def group_index(problem: AssignmentProblem) -> dict[Group, int]:
    """The problem's groups (its jobs', porters' and the lending rules'), sorted by name:
    indices that depend on the problem alone."""
    names = {j.group for j in problem.jobs} | {p.group for p in problem.porters}
    for job_group, lenders in problem.policy.lending.items():
        names.add(job_group)
        names.update(lenders)
    return {g: i for i, g in enumerate(sorted(names))}


@dataclass(frozen=True)
class JobArrays:
    origin: I
    destination: I
    rank: I  # priority rank, 0 = stat
    group: I
    skills: NDArray[np.unsignedinteger[Any]]  # skill bits
    needed: I
    accompaniment_blocked: B
    batchable: B
    batch_key: I  # jobs batched together share it: their origin (and destination, if
    # the policy batches in ordinary operation: `anticipation.batching`)
    requested: F
    pickup_due: F
    delivery_due: F
    ready: F  # NaN when not scheduled
    handling: F
    trip: F  # origin -> destination minutes
    lateness_weight: F
    lateness_rate: F  # per pair: a two-porter job's two pairs each pay half
    wait_rate: F  # cost per minute of a porter's walk to the pickup, by priority
    finish_offset: F  # handling + trip - delivery_due: pickup + this = minutes late at delivery
    leave_base: F
    assigned_count: I
    widened: B  # open to every group's porters (an escalation widened the pool)


@dataclass(frozen=True)
class PorterArrays:
    location: I  # -1 when unknown
    group: I
    skills: NDArray[np.unsignedinteger[Any]]  # skill bits
    available: B  # on shift and not on a break
    shift_end: F  # +inf when unknown
    active: I
    jobs_today: I
    free_since: F  # +inf when not free
    busy: F  # minutes until a finishing porter is free (0 for everyone else)
    finishing: B  # one job under way, due soon: a candidate for one more (`PorterSpec`)
    diverting: B  # on the way to a pickup: a candidate for a stat job instead


@dataclass(frozen=True)
class ProblemArrays:
    jobs: JobArrays
    porters: PorterArrays
    travel: F  # (J, P): porter's location -> job origin
    kept: B  # (J, P): the porter already holds this (unacknowledged) job
    declined: B  # (J, P): the porter declined this job before
    lend_ok: B  # (groups, groups): job group -> porter group allowed
    lent: B  # (groups, groups): allowed, but only as a loan
    lending_share: F  # (groups,): share of `weights.lending` a loan to the group costs

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.jobs.origin), len(self.porters.location)

    @classmethod
    def build(cls, problem: AssignmentProblem) -> ProblemArrays:
        groups = group_index(problem)
        jobs, porters = _job_arrays(problem, groups), _porter_arrays(problem, groups)
        travel_data = problem.travel
        n = len(travel_data.codes)
        # An extra row for porters whose location is unknown (index -1 reaches it).
        padded = np.vstack([travel_data.minutes, np.full((1, n), travel_data.unknown_minutes)])
        # Rows by job origin, then columns by porter location: two cache-friendly gathers.
        by_origin = np.ascontiguousarray(padded.T)[jobs.origin]
        travel = np.ascontiguousarray(by_origin[:, porters.location])
        if porters.finishing.any():  # from where they will be free, once they are
            travel += porters.busy[None, :]
        kept = np.zeros((len(problem.jobs), len(problem.porters)), dtype=bool)
        declined = np.zeros_like(kept)
        p_index = problem.porter_index
        for j, job in enumerate(problem.jobs):
            for pid in job.assigned_porters:
                if pid in p_index:
                    kept[j, p_index[pid]] = True
            for pid in job.declined_by:
                if pid in p_index:
                    declined[j, p_index[pid]] = True
        g_index = groups
        lend_ok = np.eye(len(g_index), dtype=bool)
        for job_group, lenders in problem.policy.lending.items():
            for lender in lenders:
                lend_ok[g_index[job_group], g_index[lender]] = True
        lent = lend_ok & ~np.eye(len(g_index), dtype=bool)
        share = lending_share(jobs, porters, len(g_index), problem.policy.anticipation)
        return cls(jobs, porters, travel, kept, declined, lend_ok, lent, share)


_AWARE_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH = datetime(1970, 1, 1)


def micros(value: datetime) -> int:
    """Exact integer microseconds since the epoch (naive times against a naive epoch)."""
    d = value - (_NAIVE_EPOCH if value.tzinfo is None else _AWARE_EPOCH)
    return (d.days * 86_400 + d.seconds) * 1_000_000 + d.microseconds


def minutes_between(value: datetime, now: datetime) -> float:
    """Minutes from `now` to `value`, computed exactly as the solver's columns are."""
    return (micros(value) - micros(now)) / 60e6


def job_row(job: JobSpec) -> tuple[Any, ...]:
    """What the job columns take from one spec, in column order; cached on the spec
    (`JobSpec.solver_row`), since a spec never changes and lives for many rounds."""
    return (
        job.origin,
        job.destination,
        job.priority.rank,
        job.group,  # an index once the round knows its groups (`group_index`)
        skill_bits(job.required_skills),
        job.porters_needed,
        job.needs_accompaniment and not job.accompaniment_confirmed,
        job.kind,
        micros(job.requested_at),
        micros(job.pickup_due),
        micros(job.delivery_due),
        None if job.ready_at is None else micros(job.ready_at),
        len(job.assigned_porters),
        job.widened,
    )


def _after(values: tuple[int, ...], now: int) -> F:
    return (np.array(values, np.int64) - now) / 60e6


def _job_arrays(problem: AssignmentProblem, groups: dict[Group, int]) -> JobArrays:
    policy, index = problem.policy, problem.travel.index
    weights = policy.weights
    batch = set(policy.batch_kinds)
    now = micros(problem.now)
    rows = [j.solver_row for j in problem.jobs]
    raw = list(zip(*rows, strict=True)) or [()] * 14
    kinds = raw[7]
    columns: list[Any] = [
        [index[c] for c in raw[0]],
        [index[c] for c in raw[1]],
        *raw[2:6],
        raw[6],
        [k in batch and n == 1 for k, n in zip(kinds, raw[5], strict=True)],
        _after(raw[8], now),
        _after(raw[9], now),
        _after(raw[10], now),
        [np.nan if r is None else (r - now) / 60e6 for r in raw[11]],
        [policy.handling_minutes.get(k, 0) for k in kinds],
        raw[12],
    ]
    origin, destination = np.array(columns[0], np.int64), np.array(columns[1], np.int64)
    priority_rank = np.array(columns[2], np.int64)
    by_rank = sorted(Priority, key=lambda p: p.rank)
    lateness = np.array([weights.lateness_per_minute.get(p, 0.0) for p in by_rank])
    leave = np.array([weights.unassigned_base.get(p, 0.0) for p in by_rank])
    wait = np.array([weights.pickup_wait_per_minute.get(p, 0.0) for p in by_rank])
    needed = np.array(columns[5], np.int64)
    delivery_due = np.array(columns[10], np.float64)
    handling = np.array(columns[12], np.float64)
    trip = problem.travel.minutes[origin, destination].astype(np.float64)
    key = origin * len(index) + destination if policy.anticipation.batching else origin
    return JobArrays(
        origin=origin,
        destination=destination,
        rank=priority_rank,
        group=np.array([groups[g] for g in columns[3]], np.int64),
        skills=_bits(columns[4]),
        needed=needed,
        accompaniment_blocked=np.array(columns[6], bool),
        batchable=np.array(columns[7], bool),
        batch_key=key,
        requested=np.array(columns[8], np.float64),
        pickup_due=np.array(columns[9], np.float64),
        delivery_due=delivery_due,
        ready=np.array(columns[11], np.float64),
        handling=handling,
        trip=trip,
        lateness_weight=lateness[priority_rank],
        lateness_rate=lateness[priority_rank] / needed,
        wait_rate=wait[priority_rank],
        finish_offset=handling + trip - delivery_due,
        leave_base=leave[priority_rank],
        assigned_count=np.array(columns[13], np.int64),
        widened=np.array(raw[13], bool),
    )


def porter_row(porter: PorterSpec) -> tuple[Any, ...]:
    """What the porter columns take from one spec, times as integer microseconds;
    cached on the spec (`PorterSpec.solver_row`) like `job_row`."""
    return (
        porter.location,
        porter.group,
        skill_bits(porter.skills),
        porter.on_shift and not porter.on_break,
        None if porter.shift_ends_at is None else micros(porter.shift_ends_at),
        porter.active_jobs,
        porter.jobs_this_shift,
        None if porter.free_since is None else micros(porter.free_since),
        None if porter.free_at is None or not porter.finishing else micros(porter.free_at),
        porter.free_location if porter.finishing else porter.location,
        porter.diverting is not None,
    )


def _after_or_inf(values: tuple[int | None, ...], now: int) -> list[float]:
    return [np.inf if v is None else (v - now) / 60e6 for v in values]


def _porter_arrays(problem: AssignmentProblem, groups: dict[Group, int]) -> PorterArrays:
    now, index = micros(problem.now), problem.travel.index
    raw = list(zip(*(p.solver_row for p in problem.porters), strict=True)) or [()] * 11
    return PorterArrays(
        # A finishing porter is placed where they will be free (`PorterSpec`).
        location=np.array([-1 if c is None else index[c] for c in raw[9]], np.int64),
        group=np.array([groups[g] for g in raw[1]], np.int64),
        skills=_bits(raw[2]),
        available=np.array(raw[3], bool),
        shift_end=np.array(_after_or_inf(raw[4], now), np.float64),
        active=np.array(raw[5], np.int64),
        jobs_today=np.array(raw[6], np.int64),
        free_since=np.array(_after_or_inf(raw[7], now), np.float64),
        busy=np.array([0.0 if v is None else max((v - now) / 60e6, 0.0) for v in raw[8]]),
        finishing=np.array([v is not None for v in raw[8]], bool),
        diverting=np.array(raw[10], bool),
    )


def porter_arrival(problem: AssignmentProblem, porter: PorterSpec, origin: str) -> float:
    """Minutes until `porter` can be at `origin`: the pair rules' form of `travel`, to the
    bit (a finishing porter first finishes, then walks from where that leaves them)."""
    if not porter.finishing:
        return problem.travel.between(porter.location, origin)
    assert porter.free_at is not None
    busy = max((micros(porter.free_at) - micros(problem.now)) / 60e6, 0.0)
    return problem.travel.between(porter.free_location, origin) + busy
