"""Answers for auditors: a job's timeline, why it went to whom, the rounds and their replay.

Typed so a client can be generated from the OpenAPI page: every key is declared,
and what is unknown is null rather than missing.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from api.round_schemas import RoundJob, RoundPorter
from api.schemas import JobPublic

Costs = dict[str, float]


class AlternativePublic(BaseModel):
    badge: str
    cost: float
    breakdown: Costs


class AssignmentPublic(BaseModel):
    """A job a round placed: with whom, at what cost by term, and the next best."""

    job_id: str
    badges: list[str]
    cost: float
    breakdown: Costs = Field(description="cost by term: travel, lateness, fairness, ...")
    alternatives: list[AlternativePublic]


class ViolationPublic(BaseModel):
    rule: str
    reason: str


class PorterVerdict(BaseModel):
    """Why (not) this porter: the rules they break, and their cost against the chosen."""

    badge: str
    eligible: bool
    verdict: str = Field(description="in words")
    violations: list[ViolationPublic] = []
    cost: float | None = None
    breakdown: Costs = {}
    leave_cost: float | None = Field(default=None, description="of leaving the job waiting")
    chosen: list[str] = Field(default=[], description="badges the round gave the job")
    chosen_cost: float | None = None
    chosen_breakdown: Costs | None = None
    difference: Costs = Field(default={}, description="this porter's terms minus the chosen's")


class WhyPublic(BaseModel):
    """One shape for every job: `considered` is false until a round has seen it, and
    `explanation` always says, in words, what is known."""

    job_id: str
    considered: bool = Field(description="a recorded dispatch round considered the job")
    source: Literal["decision", "now"] | None = Field(
        description="explained against that round's inputs, the problem as it stands now, "
        "or (null) nothing: no round would consider it"
    )
    decision: int | None = Field(description="the round's number: GET /decisions/{number}")
    chosen: AssignmentPublic | None
    waiting_reason: str | None = Field(description="why the round left it waiting")
    explanation: str
    porter: PorterVerdict | None = Field(description="with ?porter=BADGE, when explainable")


class DecisionSummary(BaseModel):
    """One dispatch round in brief; `GET /decisions/{number}` has the whole of it."""

    number: int
    id: str
    made_at: str = Field(description="in the hospital's time, with its offset")
    trigger: str = Field(description="what started the round: a submission, a release, ...")
    policy_version: int
    status: str | None = Field(description="the solver's: OPTIMAL, FEASIBLE, ...")
    strategy: str | None
    jobs_considered: int
    porters_considered: int
    jobs_placed: int = Field(description="jobs it assigned (or kept with their porters)")
    jobs_waiting: int = Field(description="jobs it left waiting, each with a reason")
    overrides: int = Field(description="of its choices, how many a dispatcher overrode")


class TimelineEntry(BaseModel):
    """One thing that happened to the job: one of its events (with that event's own
    fields besides these), a round that considered it, or an override."""

    model_config = ConfigDict(extra="allow")

    at: str = Field(description="in the hospital's time, with its offset")
    event: str = Field(description="Submitted, Assigned, ... or Decision, DecisionOverridden")
    position: int = Field(description="in the site's log")
    version: int | None = Field(default=None, description="the job's, for its own events")
    decision: int | None = Field(
        default=None, description="Decision: the round's number (of several waiting: the last)"
    )
    outcome: Literal["assigned", "kept", "waiting"] | None = Field(
        default=None, description="Decision: what the round did with the job"
    )
    rounds: int | None = Field(
        default=None,
        description="Decision, waiting: how many rounds in a row left it waiting for this reason",
    )
    last_at: str | None = Field(default=None, description="Decision, waiting: the last such round")
    badges: list[str] | None = Field(default=None, description="the porters it names")
    by: str | None = None
    reason: str | None = None


class TimelinePublic(BaseModel):
    job: JobPublic
    entries: list[TimelineEntry] = Field(description="oldest first")


class UnassignedPublic(BaseModel):
    job_id: str
    reason: str
    cost: float = Field(description="of leaving it for a later round")


class OverridePublic(BaseModel):
    job_id: str
    engine_choice: list[str] = Field(description="badges the round had chosen")
    porter_ids: list[str] = Field(description="badges the dispatcher chose instead")
    by: str
    reason: str
    at: str


SolverParams = dict[str, str | int | float | bool | None]


class DecisionPublic(BaseModel):
    """A round whole: what it knew, chose and why, and what was overridden; one job's
    porters, each with the rules that excluded them, at `/decisions/{number}/jobs/{id}`."""

    number: int
    id: str
    trigger: str
    made_at: str
    policy_version: int
    params: SolverParams = Field(description="the solver's parameters and seed, for a replay")
    status: str | None
    strategy: str | None
    method: str | None
    objective: float | None
    fingerprint: str | None = Field(description="of the round's inputs")
    jobs_considered: int
    porters_considered: int
    assignments: list[AssignmentPublic]
    unassigned: list[UnassignedPublic]
    exclusions: dict[str, int] = Field(description="pairs each rule excluded")
    overrides: list[OverridePublic]
    jobs: list[RoundJob] = Field(description="the jobs it considered, as it knew them")
    porters: list[RoundPorter] = Field(description="the porters it considered (on shift)")


class RecordedAlternative(BaseModel):
    porter_id: str
    cost: float
    breakdown: Costs


class RecordedAssignment(BaseModel):
    job_id: str
    porter_ids: list[str]
    cost: float
    breakdown: Costs
    alternatives: list[RecordedAlternative]


class ResultPublic(BaseModel):
    """A solver's result as recorded: porters by id, as the inputs name them."""

    assignments: list[RecordedAssignment]
    unassigned: list[UnassignedPublic]
    objective: float
    objective_units: int
    status: str
    strategy: str
    method: str | None = None
    seed: int | None = None
    fingerprint: str | None = None
    policy_version: int | None = None
    exclusions: dict[str, int] = {}


class ReplayPublic(BaseModel):
    number: int
    same_assignments: bool
    same_objective: bool
    recorded: ResultPublic
    recomputed: ResultPublic
