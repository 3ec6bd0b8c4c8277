"""The driver's staging: on its tick, after any round, free porters are sent to wait
where their group's next calls are expected (`anticipation.staging` of the policy).
Mixed into `Driver` (`engine.dispatch.driver`), whose module says who calls it and
under which lock. The moves come from the pure `engine.assign.staging`; each is a
`Porter.Staged` event naming the place and the reason, so a replay regenerates and
checks it like a round.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo

from engine.assign.staging import learn_staging, staging_moves
from engine.dispatch.specs import porter_spec
from engine.domain.actor import engine_acts
from engine.domain.errors import DomainError
from engine.projections.board import Board
from engine.write.application import DispatchApp

log = logging.getLogger(__name__)


class Staging:
    app: DispatchApp
    board: Board

    @engine_acts
    def stage(self) -> int:
        """Send the porters who should go to their staging point now; how many were sent."""
        _, document = self.app.policy_document()
        anticipation = document.anticipation
        if not anticipation.staging:
            return 0
        now = self.app.clock.now()
        hour = now.astimezone(self.app.layout.timezone).hour
        board = self.board
        board.catch_up()
        with board.held():
            porters = [p for p in board.porters.values() if p.on_shift]
            specs = [porter_spec(p, set()) for p in porters]
            staged = {str(p.id): p.staged_to for p in porters}
        moves = staging_moves(
            specs, anticipation, hour, now, staged, self.app.layout.travel_minutes
        )
        if not moves:
            return 0
        try:
            self.app.stage_porters([(m.badge, m.location, m.reason) for m in moves])
        except DomainError as exc:  # a porter took a job or a break meanwhile: next tick
            log.info("staging skipped: %s", exc)
            return 0
        board.catch_up()
        return len(moves)


def suggested_staging(
    board: Board,
    tz: tzinfo,
    now: datetime,
    days: int,
    min_calls: int,
    points: int = 1,
    travel: Callable[[str, str], float] | None = None,
) -> tuple[dict[str, dict[int, str | list[str]]], dict[str, dict[int, int]]]:
    """Staging points a planner could publish, learnt from the last `days` of the site's
    own jobs: where each group's pickups were, by the local hour a porter was needed
    (ready time for scheduled work, else the request's)."""
    since = now - timedelta(days=days)
    with board.held():
        calls = [
            (str(job.group), when.astimezone(tz).hour, job.origin.code)
            for job in board.jobs.values()
            if since <= (when := job.ready_at or job.requested_at) <= now
        ]
    return learn_staging(calls, min_calls, points, travel)
