"""Looking ahead in a round: who may soon be free, who may be diverted, what still waits.

Policy `anticipation` lets a round count porters about to hand over a job as
candidates (`finishing_minutes`) and let a stat job take a porter on the way to a
lesser pickup (`divert_for_stat`). What each porter's state means for the solver is
in `specs` (pure functions of aggregates); which porters qualify in this round, and
which given jobs stay movable while they wait for a hand-over, is here.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from engine.assign import AssignmentProblem, JobSpec, Travel
from engine.dispatch.specs import diverting, finishing, queued
from engine.domain.job.aggregate import Job
from engine.domain.policy.document import PolicyDocument
from engine.domain.porter.aggregate import Porter
from engine.domain.values import Priority, Status
from engine.projections.board import Board


def in_pool(job: Job, now: datetime, document: PolicyDocument, board: Board) -> bool:
    """Waiting jobs, and jobs the engine gave that a round may still move: not pinned
    by a person, not yet acknowledged, and within the policy's stability window, or
    queued behind a job their porter is still carrying (they have not set off)."""
    if job.status is Status.REQUESTED:
        return True
    if job.status is not Status.ASSIGNED or job.pinned or job.assigned_at is None:
        return False
    if job.acknowledged_by:  # one porter of two has said yes: keep them together
        return False
    if now - job.assigned_at < timedelta(seconds=document.reoptimise.window_seconds):
        return True
    return document.anticipation.finishing_minutes > 0 and queued(job, board.jobs, board.porters)


class LookAhead:
    """The dispatcher's look-ahead, over its board and the site's travel times."""

    board: Board
    travel: Travel

    def _divertible(
        self,
        porters: list[Porter],
        specs: list[JobSpec],
        document: PolicyDocument,
        movable: set[str],
    ) -> dict[UUID, str]:
        """Porters a stat job waiting in this round may divert, with the pickup they leave."""
        if not document.anticipation.divert_for_stat or not any(
            s.priority is Priority.STAT and not s.assigned_porters for s in specs
        ):
            return {}
        out = {}
        for p in porters:
            if p.on_shift and not p.on_break and p.active_jobs:
                job = diverting(p, self.board.jobs, movable)
                if job is not None:
                    out[p.id] = job
        return out

    def _finishing(
        self, porters: list[Porter], now: datetime, document: PolicyDocument, movable: set[str]
    ) -> dict[UUID, tuple[datetime, str]]:
        """Porters due to be free within the policy's window, with when and where."""
        window = document.anticipation.finishing_minutes
        if not window:
            return {}
        horizon = now + timedelta(minutes=window)
        out = {}
        for p in porters:
            if p.on_shift and not p.on_break and p.active_jobs:
                free = finishing(p, self.board.jobs, document, self.travel, movable)
                if free is not None and free[0] <= horizon:
                    out[p.id] = free
        return out

    def _queued(self, problem: AssignmentProblem) -> bool:
        """Whether a job of the problem waits for its porter's hand-over."""
        if not any(p.finishing for p in problem.porters):
            return False
        with self.board.held():
            board = self.board
            return any(
                (job := board.jobs.get(UUID(spec.id))) is not None
                and queued(job, board.jobs, board.porters)
                for spec in problem.jobs
                if spec.assigned_porters
            )


class HandOvers:
    """For the driver: when the porters of a job queued behind a hand-over handed over,
    so the wait for their answer counts from then (`escalations_due`)."""

    board: Board
    _handed_over: dict[UUID, datetime]

    def _hand_over(self, event: Any) -> None:
        """A job ended: what its porters were given meanwhile can be answered from now."""
        ended = self.board.jobs.get(event.originator_id)
        for pid in ended.porter_ids if ended is not None else []:
            porter = self.board.porters.get(UUID(pid))
            for jid in porter.active_jobs if porter is not None else []:
                job = self.board.jobs.get(UUID(jid))
                if job is not None and job.status is Status.ASSIGNED:
                    self._handed_over[job.id] = event.timestamp
