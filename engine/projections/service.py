"""One site's read side: the live board, the read models, and the feed of changes.

The API's request threads and the dispatch driver write through one `DispatchApp`
and read one `Feed`: every read model here is a fold of the notification log,
applied once per process. A command's answer catches the folds up past its own
write; the live loop's thread (`engine.dispatch.live`) does so after rounds and
on its poll, which is how writes by other processes arrive. A command that may
call for a round sets `wakeup`, which that thread waits on.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from datetime import date, datetime, tzinfo
from types import MappingProxyType
from typing import Any
from uuid import UUID

from engine.domain.errors import InvalidInput, JobNotFound, PorterNotFound
from engine.domain.ids import porter_id
from engine.domain.job.aggregate import Job
from engine.domain.values import Priority, Status
from engine.projections.board import PAGE
from engine.projections.feed import Feed
from engine.projections.figures import Figures
from engine.projections.notices import notices_of
from engine.projections.performance import Performance
from engine.projections.rounds import Rounds
from engine.projections.timeline import Change, Timelines, change_record
from engine.projections.views import job_view, porter_view, rota_view
from engine.write.application import DispatchApp

Subscriber = Callable[[list[Change]], None]


class Service:
    def __init__(self, app: DispatchApp, tz: tzinfo, read_models: bool = True) -> None:
        """`read_models=False` keeps the board alone (a simulation reads nothing else):
        no timelines, figures or change feed are folded."""
        self.app = app
        self.tz = tz
        self.timelines = Timelines(tz)
        self.figures_fold = Figures(tz)
        self.performance = Performance(app.layout.travel_minutes)
        self.rounds = Rounds(tz)
        self.board = Feed(app, self._fold if read_models else _board_only)
        self._lock = self.board.lock
        self.wakeup = threading.Event()
        self.alert: Change | None = None  # the dispatch loop is failing, and why

    # -- folding ----------------------------------------------------------------

    def refresh(self) -> int:
        """Apply everything recorded before this call; returns the board's position."""
        self.board.catch_up(strict=True)
        return self.board.position

    def _fold(self, position: int, event: Any) -> Change:
        self.rounds.apply(position, event)
        self.timelines.apply(position, event)
        self.figures_fold.apply(position, event)
        self.performance.apply(position, event)
        return self._change(position, event, self.timelines.badges)

    def _change(self, position: int, event: Any, badges: Mapping[str, str]) -> Change:
        change = change_record(position, event, badges, self.tz)
        change["notices"] = notices_of(event, self.board.jobs.get(event.originator_id), badges)
        return change

    def written(self, wake: bool = True) -> None:
        """Call after every command: the live loop looks at once if the command may have
        made a round worth running (a job or a porter freed). The caller's answer catches
        the read models up (`stored_job`); the loop's poll covers anything else."""
        if wake:
            self.wakeup.set()

    def alarm(self, why: str | None) -> None:
        """The dispatch loop started failing (why), or recovered (None). Not an event of
        the log (a failing loop may not be able to write one): subscribers get it as an
        `alert` item, and `alert` keeps it for streams opened while it lasts."""
        now = self.now().astimezone(self.tz).isoformat()
        if why is None:
            item = {"type": "alert", "kind": "dispatch_recovered", "at": now, "text": ""}
            self.alert = None
        else:
            item = {"type": "alert", "kind": "dispatch_failing", "at": now, "text": why}
            self.alert = item
        self.board.tell([item])

    def subscribe(self, subscriber: Subscriber) -> int:
        """Receive every later batch of changes; returns the position it starts after."""
        return self.board.subscribe(subscriber)

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self.board.unsubscribe(subscriber)

    def log_end(self) -> int:
        """The last position recorded in the store, whether or not the board has it yet."""
        return int(self.app.recorder.max_notification_id() or 0)

    def changes_between(self, after: int, until: int, limit: int = PAGE) -> list[Change]:
        """Changes recorded after one position up to another, read from the log itself."""
        with self._lock:
            badges = dict(self.timelines.badges)
        batch = self.app.recorder.select_notifications(
            start=after + 1, stop=until, limit=limit, inclusive_of_start=True
        )
        events = [(n.id, self.app.mapper.to_domain_event(n)) for n in batch if n.id <= until]
        with self._lock:  # the board's jobs give each notice its department and due times
            return [self._change(position, event, badges) for position, event in events]

    # -- read models ------------------------------------------------------------

    def now(self) -> datetime:
        return self.app.clock.now()

    def badges(self) -> Mapping[str, str]:
        """Porter id -> badge, for answers that name porters: a read-only view of the
        timelines' map (badges never change once registered), not a copy per answer."""
        return MappingProxyType(self.timelines.badges)

    def job_board(
        self,
        status: Status | None = None,
        group: str | None = None,
        priority: Priority | None = None,
        kind: str | None = None,
    ) -> list[dict[str, Any]]:
        """Open jobs (or those of one status), most urgent first."""
        self.refresh()
        with self._lock:
            now, badges = self.now(), self.badges()
            jobs = [
                j
                for j in self.board.jobs.values()
                if (j.status is status if status else j.is_open)
                and (group is None or j.group == group)
                and (priority is None or j.priority is priority)
                and (kind is None or j.kind.value == kind)
            ]
            jobs.sort(key=lambda j: (j.priority.rank, j.pickup_due, str(j.id)))
            return [job_view(j, now, badges, self.tz, self.rounds.numbers) for j in jobs]

    def job_record(self, job_id: UUID, refresh: bool = True) -> Job:
        """A job from the board: as of everything recorded before the call, or as
        the board stands (`refresh=False`: cheap, perhaps a moment behind)."""
        if refresh:
            self.refresh()
        with self._lock:
            job = self.board.jobs.get(job_id)
        if job is None:
            raise JobNotFound(job_id)
        return job

    def job(self, job_id: UUID, refresh: bool = True) -> dict[str, Any]:
        job = self.job_record(job_id, refresh)
        with self._lock:
            return job_view(job, self.now(), self.badges(), self.tz, self.rounds.numbers)

    def stored_job(self, job_id: UUID, saved: int | None = None) -> dict[str, Any]:
        """The answer to a command, which must show its effect: the board caught up past
        it. A command that saved at position `saved` usually finds its write folded
        already (`Feed.offer`); otherwise the catch-up is one the live loop would make
        anyway, shared by every command waiting, and costs less than reading the
        aggregate back from the store."""
        folded = saved is not None and self.board.position >= saved
        return self.job(job_id, refresh=not folded)

    def stored_porter(self, badge: str) -> dict[str, Any]:
        return self.porter(badge, refresh=True)

    def porter_board(
        self, state: str | None = None, group: str | None = None
    ) -> list[dict[str, Any]]:
        self.refresh()
        with self._lock:
            now = self.now()
            porters = sorted(self.board.porters.values(), key=lambda p: p.badge)
            return [
                porter_view(p, now, self.board.jobs, self.tz)
                for p in porters
                if (state is None or p.state == state) and (group is None or p.group == group)
            ]

    def porter(self, badge: str, refresh: bool = True) -> dict[str, Any]:
        if refresh:
            self.refresh()
        with self._lock:
            porter = self.board.porters.get(porter_id(self.app.site, badge))
            if porter is None:
                raise PorterNotFound(badge)
            return porter_view(porter, self.now(), self.board.jobs, self.tz)

    def porter_jobs(self, badge: str) -> list[dict[str, Any]]:
        """A porter's open jobs, in the order they should work them."""
        self.refresh()
        with self._lock:
            pid = porter_id(self.app.site, badge)
            if pid not in self.board.porters:
                raise PorterNotFound(badge)
            now, badges = self.now(), self.badges()
            mine = [j for j in self.board.jobs.values() if j.is_open and str(pid) in j.porter_ids]
            mine.sort(key=lambda j: (j.priority.rank, j.pickup_due, str(j.id)))
            return [job_view(j, now, badges, self.tz, self.rounds.numbers) for j in mine]

    def timeline(self, job_id: UUID) -> list[dict[str, Any]]:
        self.refresh()
        with self._lock:
            entries = self.timelines.of(job_id)
        if entries is None:
            raise JobNotFound(job_id)
        return entries

    def decisions(
        self,
        job: UUID | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
        after: int = 0,
        limit: int = 100,
    ) -> list[dict[str, Any]]:
        """Rounds in brief, oldest first: those `job` was in, made in [start, end), numbered
        above `after`; at most `limit`."""
        for name, value in (("from", start), ("to", end)):
            if value is not None and value.tzinfo is None:
                raise InvalidInput(name, "must include a timezone offset")
        _period(start, end)
        self.refresh()
        with self._lock:
            if job is not None and job not in self.board.jobs:
                raise JobNotFound(job)
            return self.rounds.listing(job, start, end, after, limit)

    def figures(self, start: datetime | None = None, end: datetime | None = None) -> dict[str, Any]:
        """The service's figures, over jobs requested in [start, end) when given."""
        _period(start, end)
        self.refresh()
        with self._lock:
            return self.figures_fold.report(self.now(), start, end)

    def porter_performance(
        self, start: datetime, end: datetime, badge: str | None = None
    ) -> list[dict[str, Any]]:
        """Per porter over [start, end): the recorded work pay and assessment rest on."""
        _period(start, end)
        self.refresh()
        with self._lock:
            if badge is not None and porter_id(self.app.site, badge) not in self.board.porters:
                raise PorterNotFound(badge)
            return self.performance.report(start, end, badge)

    def rota(self, first: date, last: date) -> list[dict[str, Any]]:
        """The planned days from `first` to `last`: every shift, cancelled ones with why."""
        if last < first:
            raise InvalidInput("to", "must not be before from")
        if (last - first).days > 62:
            raise InvalidInput("to", "at most 62 days at a time")
        self.refresh()
        with self._lock:
            return rota_view(self.board.rota, first, last, self.tz)


def _period(start: datetime | None, end: datetime | None) -> None:
    if start is not None and end is not None and end <= start:
        raise InvalidInput("to", "must be after from")


def _board_only(position: int, event: Any) -> Change:
    return {}
