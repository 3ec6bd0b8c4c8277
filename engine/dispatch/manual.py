"""A person's assignment: checked against the engine's hard rules, pinned, recorded.

A dispatcher who assigns or overrides knows things the engine does not, but not
always the rules: a porter without the skill, from a group that does not lend,
at the end of their shift. So the same rules the rounds obey are checked here,
and a broken one refuses the assignment with the rule's own sentence, unless the
dispatcher forces it with a reason, which the job's Assigned event keeps. Either
way the job is pinned: no round moves it until the porter declines, a dispatcher
releases it, or the porter's shift ends.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate

from engine.assign import AssignmentProblem, Travel
from engine.assign.rules import violations
from engine.dispatch.decisions import get_decision
from engine.dispatch.specs import job_spec, porter_spec
from engine.domain.commands import Transition
from engine.domain.errors import InvalidInput, RuleBroken
from engine.domain.job.aggregate import Job
from engine.domain.porter.aggregate import Porter
from engine.write.application import DispatchApp

# Rules about when, not who: a person may line a porter up for a job whose companion is
# not yet confirmed (pickup waits for it) or whose patient is not ready yet. And a rule
# that only keeps the engine's own rounds from undoing a diversion: a person may move a
# stat job to whom they like.
_NOT_FOR_PEOPLE = frozenset({"accompaniment_confirmed", "ready_for_pickup", "stat_keeps_porter"})

# A porter off duty, on a break or with their hands full cannot take a job, forced or not.
_UNFORCEABLE = frozenset({"on_duty", "has_capacity"})

Broken = list[tuple[str, str]]  # (rule, sentence)


def broken_rules(app: DispatchApp, job: Job, porters: list[Porter]) -> dict[str, Broken]:
    """Per badge, the hard rules giving `job` to that porter would break."""
    version, document = app.policy_document()
    spec = job_spec(job)
    movable = {str(job.id)}
    problem = AssignmentProblem(
        jobs=(spec,),
        porters=tuple(porter_spec(p, movable) for p in porters),
        travel=Travel.from_site(app.layout),
        policy=document,
        policy_version=version,
        now=app.clock.now(),
    )
    out: dict[str, Broken] = {}
    for porter, pspec in zip(porters, problem.porters, strict=True):
        broken = [v for v in violations(spec, pspec, problem) if v[0] not in _NOT_FOR_PEOPLE]
        if broken:
            out[porter.badge] = broken
    return out


def _checked(app: DispatchApp, job: Job, refs: list[UUID | str], force: str) -> None:
    porters = [app.porter(ref) for ref in refs]
    if len({p.id for p in porters}) < len(porters):  # by badge twice, or by badge and id
        raise InvalidInput("porters", "names the same porter twice")
    broken = broken_rules(app, job, porters)
    for badge, rules in broken.items():
        never = [r for r in rules if r[0] in _UNFORCEABLE]
        if never:
            raise RuleBroken(badge, never, forceable=False)
        if not force.strip():
            raise RuleBroken(badge, rules)


def assign_by_hand(
    app: DispatchApp, job_id: UUID, refs: list[UUID | str], by: str, force: str = ""
) -> list[UUID]:
    _checked(app, app.job(job_id), refs, force)
    return app.assign_job(job_id, refs, by, forced=force.strip())


def override(
    app: DispatchApp,
    job_id: UUID,
    refs: list[UUID | str],
    cmd: Transition,
    force: str = "",
    check: bool = True,
) -> list[UUID]:
    """A dispatcher overrides the engine: the job moves, and the decision records who,
    why and what it had chosen, all in one save. (`check=False`: a replay, repeating
    what was accepted once.)"""
    job = app.job(job_id)
    if check:
        _checked(app, job, refs, force)
    engine_decision = job.decision_id
    changed: list[Aggregate] = list(app.moved(job, refs, cmd, forced=force.strip()))
    if engine_decision is not None:
        decision = get_decision(app, UUID(engine_decision))
        decision.override(
            job.id,
            [UUID(p) for p in job.porter_ids],
            cmd.by,
            cmd.note or cmd.reason.value,
            app.clock.now(),
        )
        changed.append(decision)
    app.record(job, *changed)
    return [UUID(p) for p in job.porter_ids]
