"""Answers for auditors: a job's timeline, why it went to whom, the rounds and their replay.

Typed so a client can be generated from the OpenAPI page: every key is declared,
and what is unknown is null rather than missing.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

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
