"""Hard rules: a pair that breaks one is never assigned, whatever it would save.

Each rule exists twice on purpose. The per-pair function reads the specs and
returns a sentence a dispatcher can act on; it serves `explain` and is easy to
check by eye. The mask form computes the same test for every pair at once with
numpy (True = excluded) and is what the solver uses. Tests hold the two to
agreement on random problems.

Choices the rules make:

- Scheduled jobs: a porter is not sent while they would arrive more than
  `scheduled.lead_minutes` before `ready_at`, i.e. the pair is excluded while
  now + travel < ready_at - lead. A far porter may so be sent earlier than a
  near one, which is the point: everyone arrives at most `lead` early.
- Shift end: the porter must finish before the shift ends, counting a wait at
  the origin for a scheduled patient: max(arrive, ready_at) + handling + trip;
  with `anticipation.overtime_minutes`, pick up before it ends and finish within
  that many minutes after.
- Two-porter jobs are never batched; the pair rules treat them like any job,
  and the solver asks for two distinct eligible porters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

import numpy as np

from engine.assign.arrays import B, ProblemArrays, minutes_between, porter_arrival
from engine.assign.problem import AssignmentProblem, JobSpec, PorterSpec
from engine.domain.policy.document import PolicyDocument
from engine.domain.values import Priority

STAT_RANK = Priority.STAT.rank


class PairCheck(Protocol):
    """A hard rule for one pair: a sentence when the pair is excluded, else None."""

    def __call__(
        self, job: JobSpec, porter: PorterSpec, problem: AssignmentProblem, /
    ) -> str | None: ...


class MaskCheck(Protocol):
    """The same hard rule for all pairs at once: True where excluded."""

    def __call__(self, arrays: ProblemArrays, policy: PolicyDocument, /) -> B: ...


def _minutes(value: datetime, now: datetime) -> float:
    return minutes_between(value, now)  # to the bit as the columns the masks read


def _hhmm(now: datetime, minutes: float, like: datetime | None = None) -> str:
    """`now` plus `minutes` as a wall-clock time; in `like`'s zone, so that two times in
    one message are read on the same clock (the hospital's, not the server's)."""
    when = now + timedelta(minutes=minutes)
    return (when if like is None else when.astimezone(like.tzinfo)).strftime("%H:%M")


# -- on duty -----------------------------------------------------------------------


def on_duty(job: JobSpec, porter: PorterSpec, problem: AssignmentProblem) -> str | None:
    if not porter.on_shift:
        return f"porter {porter.badge} is not on shift"
    if porter.on_break:
        return f"porter {porter.badge} is on a break"
    return None


def on_duty_mask(a: ProblemArrays, policy: PolicyDocument) -> B:
    return ~a.porters.available[None, :]


# -- capacity ----------------------------------------------------------------------


def has_capacity(job: JobSpec, porter: PorterSpec, problem: AssignmentProblem) -> str | None:
    """A finishing porter's job under way does not count: they take the next one after.
    Nor does the pickup a porter is on the way to, for a stat job that may divert them."""
    if porter.diverting is not None and job.priority is not Priority.STAT:
        return f"porter {porter.badge} is on the way to a pickup: only a stat job may divert them"
    limit = problem.policy.max_jobs_per_porter
    active = porter.active_jobs - int(porter.finishing) - int(porter.diverting is not None)
    if active >= limit:
        return (
            f"porter {porter.badge} already holds {porter.active_jobs} job(s), "
            f"the most the policy allows ({limit})"
        )
    batchable = job.kind in problem.policy.batch_kinds and job.porters_needed == 1
    if active > 0 and not batchable:
        return (
            f"porter {porter.badge} is busy with {porter.active_jobs} job(s) "
            f"and a {job.kind.value} job cannot be added to a batch"
        )
    return None


def has_capacity_mask(a: ProblemArrays, policy: PolicyDocument) -> B:
    active = (a.porters.active - a.porters.finishing - a.porters.diverting)[None, :]
    stat_only: B = a.porters.diverting[None, :] & (a.jobs.rank[:, None] != STAT_RANK)
    full: B = (active >= policy.max_jobs_per_porter) | stat_only
    return full | ((active > 0) & ~a.jobs.batchable[:, None])


# -- shift end ---------------------------------------------------------------------


def finishes_before_shift_end(
    job: JobSpec, porter: PorterSpec, problem: AssignmentProblem
) -> str | None:
    if porter.shift_ends_at is None:
        return None
    now = problem.now
    travel = porter_arrival(problem, porter, job.origin)
    pickup = travel if job.ready_at is None else max(travel, _minutes(job.ready_at, now))
    handling = float(problem.policy.handling_minutes.get(job.kind, 0))
    work = handling + problem.travel.between(job.origin, job.destination)
    end = _minutes(porter.shift_ends_at, now)
    overtime = problem.policy.anticipation.overtime_minutes
    ends = f"porter {porter.badge}'s shift ends at {porter.shift_ends_at:%H:%M}"
    # Same arithmetic as the mask, so the two agree to the last bit.
    if pickup > end:
        return f"{ends}, before the pickup at about {_hhmm(now, pickup, porter.shift_ends_at)}"
    if pickup > end + float(overtime) - work:
        after = f", more than {overtime} min after" if overtime else ""
        finish = _hhmm(now, pickup + work, porter.shift_ends_at)
        return f"{ends}, but the job would finish at about {finish}{after}"
    return None


def finishes_before_shift_end_mask(a: ProblemArrays, policy: PolicyDocument) -> B:
    work = a.jobs.handling + a.jobs.trip
    excluded = np.zeros(a.shape, dtype=bool)
    if not excluded.size:
        return excluded
    # Only porters whose shift ends before the latest possible finish can be caught;
    # the margin keeps rounding from ever hiding one.
    ready = a.jobs.ready[~np.isnan(a.jobs.ready)]
    latest_pickup = max(float(a.travel.max()), float(ready.max()) if len(ready) else 0.0)
    cols = np.flatnonzero(a.porters.shift_end < latest_pickup + float(work.max()) + 1.0)
    if not len(cols):
        return excluded
    end = a.porters.shift_end[None, cols]
    latest = end + float(policy.anticipation.overtime_minutes) - work[:, None]
    pickup = a.travel[:, cols]
    scheduled = np.flatnonzero(~np.isnan(a.jobs.ready))
    if len(scheduled):
        pickup[scheduled] = np.maximum(pickup[scheduled], a.jobs.ready[scheduled, None])
    excluded[:, cols] = (pickup > end) | (pickup > latest)
    return excluded


# -- group -------------------------------------------------------------------------


def group_eligible(job: JobSpec, porter: PorterSpec, problem: AssignmentProblem) -> str | None:
    if job.widened or porter.group in (job.group, *problem.policy.lending.get(job.group, [])):
        return None
    return (
        f"porter {porter.badge} belongs to {porter.group}, "
        f"which does not lend porters to {job.group} jobs"
    )


def group_eligible_mask(a: ProblemArrays, policy: PolicyDocument) -> B:
    refused: B = ~a.lend_ok[:, a.porters.group]  # (groups, P)
    out: B = refused[a.jobs.group] & ~a.jobs.widened[:, None]
    return out


# -- skills ------------------------------------------------------------------------


def has_skills(job: JobSpec, porter: PorterSpec, problem: AssignmentProblem) -> str | None:
    missing = sorted(job.required_skills - porter.skills)
    if missing:
        return f"porter {porter.badge} lacks {', '.join(missing)}"
    return None


def has_skills_mask(a: ProblemArrays, policy: PolicyDocument) -> B:
    excluded: B = (a.jobs.skills[:, None] & ~a.porters.skills[None, :]) != 0
    return excluded


# -- accompaniment -----------------------------------------------------------------


def accompaniment_confirmed(
    job: JobSpec, porter: PorterSpec, problem: AssignmentProblem
) -> str | None:
    if job.needs_accompaniment and not job.accompaniment_confirmed:
        return f"job {job.id} needs accompaniment that has not been confirmed"
    return None


def accompaniment_confirmed_mask(a: ProblemArrays, policy: PolicyDocument) -> B:
    return a.jobs.accompaniment_blocked[:, None]


# -- scheduled jobs ----------------------------------------------------------------


def ready_for_pickup(job: JobSpec, porter: PorterSpec, problem: AssignmentProblem) -> str | None:
    if job.ready_at is None:
        return None
    lead = float(problem.policy.scheduled.lead_minutes)
    travel = porter_arrival(problem, porter, job.origin)
    if travel < _minutes(job.ready_at, problem.now) - lead:
        return (
            f"job {job.id} is ready at {job.ready_at:%H:%M}; porter {porter.badge} would "
            f"arrive at {_hhmm(problem.now, travel, job.ready_at)}, more than {lead:g} min early"
        )
    return None


def ready_for_pickup_mask(a: ProblemArrays, policy: PolicyDocument) -> B:
    lead = float(policy.scheduled.lead_minutes)
    ready = a.jobs.ready[:, None]
    with np.errstate(invalid="ignore"):
        excluded: B = ~np.isnan(ready) & (a.travel < ready - lead)
    return excluded


# -- a stat job keeps its porter ---------------------------------------------------------


def stat_keeps_porter(job: JobSpec, porter: PorterSpec, problem: AssignmentProblem) -> str | None:
    """`anticipation.stat_keeps_porter` (why: see there). Held against the slowest holder
    who could still take the job: a holder any other rule now excludes (off duty, their
    shift ending first) holds nobody back, or the job would go to no one."""
    if (
        not problem.policy.anticipation.stat_keeps_porter
        or job.priority is not Priority.STAT
        or porter.id in job.assigned_porters
    ):
        return None
    index = problem.porter_index
    holders = [
        h
        for h in (problem.porters[index[p]] for p in job.assigned_porters if p in index)
        if all(rule.check(job, h, problem) is None for rule in _other_rules())
    ]
    if not holders:
        return None
    held = max(porter_arrival(problem, h, job.origin) for h in holders)
    if porter_arrival(problem, porter, job.origin) >= held:
        badges = ", ".join(h.badge for h in holders)
        return (
            f"stat job {job.id} keeps {badges}, at its pickup in {held:.1f} min; "
            f"porter {porter.badge} would not be there sooner"
        )
    return None


def stat_keeps_porter_mask(a: ProblemArrays, policy: PolicyDocument) -> B:
    held = (a.jobs.rank == STAT_RANK) & a.kept.any(axis=1)
    if not policy.anticipation.stat_keeps_porter or not held.any():
        return np.zeros((a.shape[0], 1), dtype=bool)
    blocked = np.zeros(a.shape, dtype=bool)
    for rule in _other_rules():
        blocked |= rule.mask(a, policy)
    holding = a.kept & ~blocked  # holders who could still take the job
    # -inf where nobody holds: `travel >= -inf` is true, but `held` is then false.
    slowest = np.where(holding, a.travel, -np.inf).max(axis=1, initial=-np.inf)
    excluded: B = (held & holding.any(axis=1))[:, None] & ~a.kept & (a.travel >= slowest[:, None])
    return excluded


def _other_rules() -> tuple[Rule, ...]:
    """Every rule but `stat_keeps_porter`, read at call time: `RULES` lists it."""
    return tuple(r for r in RULES if r.name != "stat_keeps_porter")


@dataclass(frozen=True)
class Rule:
    name: str
    check: PairCheck
    mask: MaskCheck


# -- declined ------------------------------------------------------------------------


def not_declined(job: JobSpec, porter: PorterSpec, problem: AssignmentProblem) -> str | None:
    if porter.id in job.declined_by:
        return f"porter {porter.badge} declined this job or let it go unanswered"
    return None


def not_declined_mask(a: ProblemArrays, policy: PolicyDocument) -> B:
    return a.declined


RULES: tuple[Rule, ...] = (
    Rule("on_duty", on_duty, on_duty_mask),
    Rule("has_capacity", has_capacity, has_capacity_mask),
    Rule("finishes_before_shift_end", finishes_before_shift_end, finishes_before_shift_end_mask),
    Rule("group_eligible", group_eligible, group_eligible_mask),
    Rule("has_skills", has_skills, has_skills_mask),
    Rule("accompaniment_confirmed", accompaniment_confirmed, accompaniment_confirmed_mask),
    Rule("ready_for_pickup", ready_for_pickup, ready_for_pickup_mask),
    Rule("not_declined", not_declined, not_declined_mask),
    Rule("stat_keeps_porter", stat_keeps_porter, stat_keeps_porter_mask),
)


def violations(
    job: JobSpec, porter: PorterSpec, problem: AssignmentProblem
) -> tuple[tuple[str, str], ...]:
    """Every rule the pair breaks, as (rule name, sentence)."""
    found = ((rule.name, rule.check(job, porter, problem)) for rule in RULES)
    return tuple((name, reason) for name, reason in found if reason is not None)


@dataclass(frozen=True)
class Feasibility:
    """Per-rule exclusion masks (broadcastable to jobs x porters) and their union."""

    excluded: dict[str, B]
    feasible: B

    @classmethod
    def build(cls, a: ProblemArrays, policy: PolicyDocument) -> Feasibility:
        shape = a.shape
        excluded = {rule.name: rule.mask(a, policy) for rule in RULES}
        blocked = np.zeros(shape, dtype=bool)
        for mask in excluded.values():
            blocked |= mask
        return cls(excluded, ~blocked)

    def counts(self) -> dict[str, int]:
        """Excluded pairs per rule; a pair broken by two rules counts under both."""
        rows, cols = self.feasible.shape
        out = {}
        for name, mask in self.excluded.items():
            # A row or column mask stands for its broadcast: count it once, then scale.
            repeat = (rows if mask.shape[0] == 1 else 1) * (cols if mask.shape[1] == 1 else 1)
            out[name] = int(np.count_nonzero(mask)) * repeat
        return out
