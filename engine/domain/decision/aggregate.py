"""A dispatch round, recorded: what the engine knew, what it chose and why.

The decision holds the whole problem it solved (jobs, porters, travel, policy
version, time) and the solver parameters and seed, so re-solving the recorded
inputs reproduces the round; and each chosen pair's cost breakdown, its next
best alternatives, and the count of exclusions by rule, for auditors. A
dispatcher's override is recorded on the decision it overrides.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from engine.domain.actor import ActorData, current
from engine.domain.errors import InvalidInput
from engine.domain.ids import decision_id


class Decision(Aggregate):
    @staticmethod
    def create_id(site: str, number: int) -> UUID:
        return decision_id(site, number)

    @event("Made")
    def __init__(
        self,
        site: str,
        number: int,
        trigger: str,
        policy_version: int,
        params: dict[str, Any],
        problem: dict[str, Any],
        result: dict[str, Any],
        timestamp: datetime,
        actor: ActorData | None = None,
    ) -> None:
        self.site = site
        self.number = number
        self.trigger = trigger
        self.policy_version = policy_version
        self.params = params
        self.problem = problem
        self.result = result
        self.made_at = timestamp
        self.overrides: list[dict[str, Any]] = []

    def chosen_for(self, job_id: str) -> list[str]:
        for assignment in self.result.get("assignments", []):
            if assignment["job_id"] == job_id:
                return list(assignment["porter_ids"])
        return []

    def override(
        self, job_id: UUID, porter_ids: list[UUID], by: str, reason: str, at: datetime
    ) -> None:
        if not by.strip():
            raise InvalidInput("by", "an override must name the dispatcher")
        if not reason.strip():
            raise InvalidInput("reason", "an override must say why")
        self._overridden(
            job_id=str(job_id),
            engine_choice=self.chosen_for(str(job_id)),
            porter_ids=[str(p) for p in porter_ids],
            by=by,
            reason=reason,
            timestamp=at,
            actor=current(),
        )

    @event("Overridden")
    def _overridden(
        self,
        job_id: str,
        engine_choice: list[str],
        porter_ids: list[str],
        by: str,
        reason: str,
        timestamp: datetime,
        actor: ActorData | None = None,
    ) -> None:
        self.overrides.append(
            {
                "job_id": job_id,
                "engine_choice": engine_choice,
                "porter_ids": porter_ids,
                "by": by,
                "reason": reason,
                "at": timestamp.isoformat(),
            }
        )
