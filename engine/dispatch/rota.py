"""The driver's keeping of the rota and the recurring work: what happens on its tick
because of the time of day. Mixed into `Driver` (`engine.dispatch.driver`), whose
module says who calls it and under which lock.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from engine.domain.actor import engine_acts
from engine.domain.commands import SubmitJob, parse
from engine.domain.errors import DomainError
from engine.domain.ids import porter_id
from engine.domain.recurring import CATCH_UP, RecurringWork
from engine.domain.rota.aggregate import Templates, plan_day
from engine.projections.board import Board
from engine.write.application import DispatchApp

if TYPE_CHECKING:  # the driver mixes this in
    from engine.dispatch.driver import DriverParams

log = logging.getLogger(__name__)

EARLY_START = timedelta(hours=1)
"""A shift started by hand this long before the rota's start counts as that shift."""


class RotaKeeping:
    app: DispatchApp
    board: Board
    params: DriverParams
    templates: Templates | None
    recurring: tuple[RecurringWork, ...]
    _roster_changed: bool
    _recurred_to: datetime | None
    _round_keys: set[str]

    @engine_acts
    def staff(self) -> list[str]:
        """Keep the rota planned ahead, and start every shift it has begun: after a
        restart too, so whoever the rota has on duty is on shift. A porter who ended
        their shift early is not started again for it."""
        if self.templates is None:
            return []
        board, app = self.board, self.app
        board.catch_up()
        now, tz = app.clock.now(), app.layout.timezone
        today = now.astimezone(tz).date()
        ahead = self.params.rota_days_ahead
        days = [today + timedelta(days=offset) for offset in range(-1, ahead)]
        with board.held():
            missing = [day for day in days if day not in board.rota]
            roster_changed, self._roster_changed = self._roster_changed, False
            patterns = []
            if missing or roster_changed:
                patterns = sorted(
                    (p.badge, p.shift)
                    for p in board.porters.values()
                    if p.shift is not None and not p.retired
                )
        for day in missing:
            try:
                app.plan_rota_day(day, plan_day(self.templates, patterns, day))
            except DomainError as exc:  # another process planned it first
                log.info("rota for %s planned elsewhere: %s", day, exc)
        if roster_changed:  # someone registered, changed or retired: the days to come follow
            expected = {day: plan_day(self.templates, patterns, day) for day in days}
            try:
                app.reconcile_rota(expected)
            except DomainError as exc:
                log.info("rota not brought in line yet: %s", exc)
                self._roster_changed = True
        board.catch_up()
        with board.held():
            due = []
            for shift in board.rostered(now, tz):
                porter = board.porters.get(porter_id(app.site, shift.badge))
                if porter is None or porter.retired or porter.on_shift:
                    continue
                began = porter.shift_started_at
                if porter.shift_id == shift.id or (
                    began is not None and began >= shift.start - EARLY_START
                ):
                    continue  # worked it already (or started it by hand early), and ended it
                due.append(shift)
        started = []
        for shift in due:
            try:
                app.start_rostered_shift(shift)
                started.append(shift.badge)
            except DomainError as exc:
                log.info("shift %s not started: %s", shift.id, exc)
        if started:
            board.catch_up()
        return started

    @engine_acts
    def recur(self) -> list[str]:
        """Create the jobs of the hospital's recurring work that have come due since the
        last look (after a restart: those due in the last `CATCH_UP`). Each occurrence
        has its own idempotency key, so it is created once whoever looks."""
        if not self.recurring:
            return []
        now, tz = self.app.clock.now(), self.app.layout.timezone
        since = self._recurred_to or now - CATCH_UP
        created = []
        for work in self.recurring:
            for at in work.due(since, now, tz):
                key = work.key(at, tz)
                with self.board.held():
                    done = key in self._round_keys
                if done:
                    continue
                try:
                    self.app.submit_job(parse(SubmitJob, work.request), key)
                    created.append(key)
                except DomainError as exc:  # the site changed under the round: say so
                    log.warning("recurring work %s not created at %s: %s", work.id, at, exc)
        self._recurred_to = now  # only once every occurrence due was submitted
        if created:
            self.board.catch_up()
        return created
