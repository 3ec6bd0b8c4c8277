"""Every dispatch round in brief, to list and filter: when, why, under which policy, and
what it placed, left waiting and had overridden.

A recorded decision holds its whole problem and result; listing rounds by loading
each would read megabytes for a page of lines. Like the timelines, the summaries
are folded from the notification log once, with the rounds each job was in, and
the number of each round by its id (which jobs name, and `/decisions/{number}`
does not take).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from types import MappingProxyType
from typing import Any
from uuid import UUID

from engine.domain import events as ev
from engine.domain.decision.inputs import considered, porters_considered


@dataclass
class RoundSummary:
    number: int
    id: str
    made_at: datetime
    trigger: str
    policy_version: int
    status: str | None
    strategy: str | None
    jobs_considered: int
    porters_considered: int
    jobs_placed: int
    jobs_waiting: int
    overrides: int = 0

    def view(self, tz: tzinfo | None) -> dict[str, Any]:
        made_at = self.made_at if tz is None else self.made_at.astimezone(tz)
        return {**vars(self), "made_at": made_at.isoformat()}


class Rounds:
    """Round summaries in log order; `apply` ignores positions already applied."""

    def __init__(self, tz: tzinfo | None = None) -> None:
        self.tz = tz
        self.position = 0
        self.summaries: list[RoundSummary] = []
        self._numbers: dict[str, int] = {}  # decision id -> number
        self._at: dict[int, int] = {}  # number -> index in summaries
        self._of_job: dict[UUID, list[int]] = {}  # job -> numbers of the rounds it was in

    @property
    def numbers(self) -> Mapping[str, int]:
        """Decision id -> its round's number."""
        return MappingProxyType(self._numbers)

    def apply(self, position: int, event: Any) -> None:
        if position <= self.position:
            return
        self.position = position
        kind = type(event)
        if kind is ev.DecisionMade:
            self._made(event)
        elif kind is ev.DecisionOverridden:
            number = self._numbers.get(str(event.originator_id))
            if number is not None:
                self.summaries[self._at[number]].overrides += 1

    def _made(self, event: Any) -> None:
        result, jobs = event.result, considered(event.problem)
        summary = RoundSummary(
            number=event.number,
            id=str(event.originator_id),
            made_at=event.timestamp,
            trigger=event.trigger,
            policy_version=event.policy_version,
            status=result.get("status"),
            strategy=result.get("strategy"),
            jobs_considered=len(jobs),
            porters_considered=porters_considered(event.problem),
            jobs_placed=len(result.get("assignments", [])),
            jobs_waiting=len(result.get("unassigned", [])),
        )
        self._numbers[summary.id] = summary.number
        self._at[summary.number] = len(self.summaries)
        self.summaries.append(summary)
        for jid in jobs:
            self._of_job.setdefault(UUID(jid), []).append(summary.number)

    def listing(
        self,
        job: UUID | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
        after: int = 0,
        limit: int = 100,
    ) -> list[dict[str, Any]]:
        """Rounds numbered above `after`, oldest first: those `job` was in, made in
        [start, end); at most `limit`, so the last one's number pages on."""
        if job is None:  # rounds are numbered in log order: the list is in number order
            first = bisect_right(self.summaries, after, key=_number)
            rounds = (self.summaries[i] for i in range(first, len(self.summaries)))
        else:
            numbers = self._of_job.get(job, [])
            first = bisect_right(numbers, after)
            rounds = (self.summaries[self._at[n]] for n in numbers[first:])
        out = []
        for summary in rounds:
            if start is not None and summary.made_at < start:
                continue
            if end is not None and summary.made_at >= end:
                continue
            out.append(summary.view(self.tz))
            if len(out) == limit:
                break
        return out


def _number(summary: RoundSummary) -> int:
    return summary.number
