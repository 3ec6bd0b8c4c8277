"""Answers about a round's inputs: the jobs and porters it considered, as it knew them,
and one job's options (every porter, the rules that excluded each, the costs of the
rest). Apart from `audit_schemas` so each file stays one read."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Costs = dict[str, float]


class RoundJob(BaseModel):
    """A job as the round saw it, and what the round did with it."""

    id: str
    kind: str
    priority: str = Field(description="the effective one, as the solver ranked it")
    group: str
    origin: str
    destination: str
    requested_at: str
    pickup_due: str
    delivery_due: str
    ready_at: str | None
    porters_needed: int
    required_skills: list[str]
    needs_accompaniment: bool
    accompaniment_confirmed: bool
    widened: bool = Field(description="an escalation had opened it to every group")
    held_by: list[str] = Field(description="badges holding it as the round began")
    declined_by: list[str] = Field(description="badges barred: they declined it")
    eligible_porters: int | None = Field(
        description="porters no hard rule excluded; null when the inputs cannot be re-built"
    )
    outcome: Literal["assigned", "kept", "waiting"]
    badges: list[str] = Field(description="whom the round gave it to (or kept it with)")
    cost: float | None = Field(description="of the round's choice")
    reason: str | None = Field(description="why it was left waiting")


class RoundPorter(BaseModel):
    """A porter as the round saw them."""

    badge: str
    group: str
    skills: list[str]
    location: str | None
    on_shift: bool
    on_break: bool
    shift_ends_at: str | None
    active_jobs: int = Field(description="acknowledged or started: these do not move")
    jobs_this_shift: int
    free_since: str | None
    free_at: str | None = Field(
        default=None,
        description="about to finish (policy anticipation.finishing_minutes): when the round "
        "expected their job under way handed over, and so them free",
    )
    free_location: str | None = Field(default=None, description="where they would be free")
    given: list[str] = Field(description="ids of the jobs the round gave them")
    eligible_jobs: int | None = Field(description="jobs no hard rule kept from them")


class RuleBroken(BaseModel):
    rule: str = Field(description="on_duty, has_capacity, group_eligible, has_skills, ...")
    reason: str = Field(description="in words")


class PorterOption(BaseModel):
    """One porter for the job: chosen, eligible at a cost, or excluded by each rule."""

    badge: str
    eligible: bool
    chosen: bool
    violations: list[RuleBroken] = Field(description="every hard rule the pair breaks")
    cost: float | None = Field(description="the pair's cost by the solver's terms")
    breakdown: Costs


class RoundAssignment(BaseModel):
    job_id: str
    badges: list[str]
    cost: float
    breakdown: Costs


class RoundJobPublic(BaseModel):
    """One job in one round: every porter it considered for the job, and why each was or
    was not an option."""

    number: int
    made_at: str = Field(description="in the hospital's time, with its offset")
    job: RoundJob
    chosen: RoundAssignment | None
    leave_cost: float = Field(description="of leaving the job for a later round")
    options: list[PorterOption] = Field(
        description="the chosen first, then the eligible cheapest first, then the excluded"
    )
