"""The tick's upkeep: escalations that fall due, and shifts that are over.

Mixed into `Driver` (`engine.dispatch.driver`), whose module says who calls these
and under which lock; the escalations' rules are the pure `escalations_due`.
"""

from __future__ import annotations

import logging
from datetime import datetime
from uuid import UUID

from engine.dispatch.escalation import Escalation, escalations_due
from engine.dispatch.specs import queued
from engine.domain.actor import engine_acts
from engine.domain.errors import DomainError
from engine.domain.values import ENGINE_SHIFT_OVER, Status
from engine.projections.board import Board
from engine.write.application import DispatchApp

log = logging.getLogger(__name__)


class Upkeep:
    app: DispatchApp
    board: Board
    escalations: int
    _history: dict[UUID, dict[str, list[datetime]]]
    _handed_over: dict[UUID, datetime]  # queued jobs whose porter has since handed over

    @engine_acts
    def escalate(self) -> list[Escalation]:
        """Fire every escalation due now; returns those recorded."""
        self.board.catch_up()
        _, document = self.app.policy_document()
        now = self.app.clock.now()
        with self.board.held():
            board = self.board
            jobs = board.open_jobs()
            if document.anticipation.finishing_minutes:  # no answer due behind a hand-over
                jobs = [
                    j
                    for j in jobs
                    if not (j.status is Status.ASSIGNED and queued(j, board.jobs, board.porters))
                ]
            due = escalations_due(jobs, document, self._history, now, self._handed_over)
        if not due:
            return []
        try:  # one save for the tick's escalations
            self.app.escalate_jobs([(e.job_id, e.level, e.stage, e.note, e.action) for e in due])
            fired = due
        except DomainError:  # a job moved on meanwhile: one by one, the others still fire
            fired = []
            for e in due:
                try:
                    self.app.escalate_jobs([(e.job_id, e.level, e.stage, e.note, e.action)])
                    fired.append(e)
                except DomainError as exc:
                    log.info("escalation of %s skipped: %s", e.job_id, exc)
        self.escalations += len(fired)
        self.board.catch_up()
        return fired

    @engine_acts
    def end_shifts(self) -> list[str]:
        """Porters past the end of their shift, or whose shift the rota no longer has
        (sickness, a swap), go off it, handing back what they have not picked up; one
        with a patient or an item in hand finishes it first (the overtime is recorded)."""
        now = self.app.clock.now()
        board = self.board
        board.catch_up()
        with board.held():
            dropped = board.cancelled_shifts(now, self.app.layout.timezone)
            over = [
                p.badge
                for p in sorted(board.porters.values(), key=lambda p: p.badge)
                if p.on_shift
                and (
                    (p.shift_ends_at is not None and p.shift_ends_at <= now)
                    or (p.shift_id is not None and p.shift_id in dropped)
                )
                and all(
                    (job := board.jobs.get(UUID(j))) is None or job.can_release
                    for j in p.active_jobs
                )
            ]
        ended = []
        for badge in over:
            try:
                self.app.end_shift(badge, by=ENGINE_SHIFT_OVER)
                ended.append(badge)
            except DomainError as exc:  # they picked a job up or ended it themselves
                log.info("shift end of %s skipped: %s", badge, exc)
        if ended:
            board.catch_up()
        return ended
