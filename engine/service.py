"""One site's read side: the live board, the read models, and the feed of changes.

The API's request threads and the dispatch loop write through one `DispatchApp`;
every read model here is a fold of the notification log. Reading the log and
applying it are split: one reader at a time queries the store, holding no lock
that a request reading the board needs, then applies the batch under a short
lock, so each event is applied exactly once, in log order. A caller arriving
while a catch-up is under way shares the next one instead of querying again.
A command's answer catches the folds up past its own write; a follower thread
does so after the loop's rounds and on a poll, for writes by other processes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, tzinfo
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from engine.application import DispatchApp
from engine.domain.errors import JobNotFound, PorterNotFound
from engine.domain.ids import porter_id
from engine.domain.job.aggregate import Job
from engine.domain.porter.aggregate import Porter
from engine.domain.values import Priority, Status
from engine.projections.board import PAGE, Board
from engine.projections.figures import Figures
from engine.projections.timeline import Change, Timelines, change_record

Subscriber = Callable[[list[Change]], None]


class FeedBoard(Board):
    """The board, with reading the log (`fetch`) apart from applying it (`apply`).

    `apply` decodes each event once and hands it to the other folds too.
    """

    def __init__(self, app: DispatchApp, fold: Callable[[int, Any], None]) -> None:
        super().__init__(app)
        self._fold = fold

    def fetch(self) -> Sequence[Notification]:
        return self._app.recorder.select_notifications(start=self.position + 1, limit=PAGE)

    def apply(self, batch: Sequence[Notification]) -> int:
        applied = [n for n in batch if n.id > self.position]
        for notification in applied:
            event = self._app.mapper.to_domain_event(notification)
            self._apply(event)
            self._fold(notification.id, event)
            self.position = notification.id
        for listener in self.listeners:
            listener(applied)
        return len(applied)

    def catch_up(self) -> int:
        applied = 0
        while batch := self.fetch():
            applied += self.apply(batch)
        return applied


class Service:
    def __init__(self, app: DispatchApp, tz: tzinfo, poll_seconds: float = 0.25) -> None:
        self.app = app
        self.tz = tz
        self.poll_seconds = poll_seconds
        self.timelines = Timelines()
        self.figures_fold = Figures(tz)
        self.board = FeedBoard(app, self._fold)
        self._lock = threading.RLock()  # the folds' state
        self._reading = threading.Lock()  # one reader of the log at a time
        self._started = 0  # catch-ups begun, and the last one finished (see `refresh`)
        self._finished = 0
        self._subscribers: list[Subscriber] = []
        self._pending: list[Change] = []
        self._dirty = threading.Event()
        self._stop = threading.Event()
        self._follower: threading.Thread | None = None
        self.on_write: Callable[[], None] = lambda: None  # the loop's wake-up, once it runs

    # -- folding ----------------------------------------------------------------

    def refresh(self) -> int:
        """Apply everything recorded before this call; returns the board's position.

        A caller that finds a catch-up begun after it arrived shares that one
        instead of querying the log again: one query serves every waiting caller.
        """
        ticket = self._started + 1
        with self._reading:
            if self._finished < ticket:
                self._started += 1
                mine = self._started
                while batch := self.board.fetch():
                    with self._lock:
                        self.board.apply(batch)
                        changes, self._pending = self._pending, []
                    for subscriber in list(self._subscribers):
                        subscriber(changes)
                self._finished = mine
        return self.board.position

    def _fold(self, position: int, event: Any) -> None:
        self.timelines.apply(position, event)
        self.figures_fold.apply(position, event)
        self._pending.append(change_record(position, event, self.timelines.badges))

    def written(self, wake: bool = True) -> None:
        """Call after every command: the loop looks at once if the command may have made
        a round worth running (a job or a porter freed). The caller's answer catches the
        read models up (`stored_job`); the follower's poll covers anything else."""
        if wake:
            self.on_write()

    def changed(self) -> None:
        """The log moved (the loop wrote, or saw another process write): catch up soon."""
        self._dirty.set()

    def start(self) -> None:
        self._follower = threading.Thread(target=self._follow, name="read-models", daemon=True)
        self._follower.start()

    def stop(self) -> None:
        self._stop.set()
        self._dirty.set()
        if self._follower is not None:
            self._follower.join(5)

    def _follow(self) -> None:
        while not self._stop.is_set():
            self._dirty.wait(self.poll_seconds)
            self._dirty.clear()
            try:
                self.refresh()
            except Exception:  # the store is briefly unavailable: try again next turn
                self._stop.wait(self.poll_seconds)

    def subscribe(self, subscriber: Subscriber) -> int:
        """Receive every later batch of changes; returns the position it starts after."""
        with self._reading:
            self._subscribers.append(subscriber)
            return self.board.position

    def unsubscribe(self, subscriber: Subscriber) -> None:
        with self._reading:
            if subscriber in self._subscribers:
                self._subscribers.remove(subscriber)

    def changes_between(self, after: int, until: int, limit: int = PAGE) -> list[Change]:
        """Changes recorded after one position up to another, read from the log itself."""
        with self._lock:
            badges = dict(self.timelines.badges)
        batch = self.app.recorder.select_notifications(
            start=after + 1, stop=until, limit=limit, inclusive_of_start=True
        )
        return [
            change_record(n.id, self.app.mapper.to_domain_event(n), badges)
            for n in batch
            if n.id <= until
        ]

    # -- read models ------------------------------------------------------------

    def now(self) -> datetime:
        return self.app.clock.now()

    def badges(self) -> dict[str, str]:
        """Porter id -> badge, for answers that name porters."""
        with self._lock:
            return {str(p.id): p.badge for p in self.board.porters.values()}

    @contextmanager
    def locked(self) -> Iterator[FeedBoard]:
        """The board, held still: no one else reads the log or the folds meanwhile (the
        dispatch core's problem builder catches the board up itself)."""
        with self._reading, self._lock:
            yield self.board

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
            return [job_view(j, now, badges) for j in jobs]

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
            return job_view(job, self.now(), self.badges())

    def stored_job(self, job_id: UUID) -> dict[str, Any]:
        """The answer to a command, which must show its effect: the board caught up past
        it. The catch-up is one the follower would make anyway, shared by every command
        waiting, and costs less than reading the aggregate back from the store."""
        return self.job(job_id, refresh=True)

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
                porter_view(p, now, self.board.jobs)
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
            return porter_view(porter, self.now(), self.board.jobs)

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
            return [job_view(j, now, badges) for j in mine]

    def timeline(self, job_id: UUID) -> list[dict[str, Any]]:
        self.refresh()
        with self._lock:
            entries = self.timelines.of(job_id)
        if entries is None:
            raise JobNotFound(job_id)
        return entries

    def figures(self) -> dict[str, Any]:
        self.refresh()
        with self._lock:
            return self.figures_fold.report(self.now())


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _minutes(due: datetime, now: datetime) -> float:
    return round((due - now).total_seconds() / 60, 1)


def job_view(job: Job, now: datetime, badges: dict[str, str]) -> dict[str, Any]:
    """A job as dispatchers see it: minutes left are negative once overdue."""
    picked = job.picked_up_at is not None
    return {
        "id": str(job.id),
        "version": job.version,
        "status": job.status.value,
        "fhir_status": job.status.fhir,
        "kind": job.kind.value,
        "priority": job.priority.value,
        "requested_priority": job.requested_priority.value,
        "group": job.group,
        "department": job.department,
        "origin": job.origin.code,
        "destination": job.destination.code,
        "patient_ref": job.patient_ref,
        "requirements": job.requirements.to_dict(),
        "notes": job.notes,
        "porters": [badges.get(p, p) for p in job.porter_ids],
        "requested_at": _iso(job.requested_at),
        "ready_at": _iso(job.ready_at),
        "pickup_due": _iso(job.pickup_due),
        "delivery_due": _iso(job.delivery_due),
        "minutes_to_pickup": None if picked or not job.is_open else _minutes(job.pickup_due, now),
        "minutes_to_delivery": None if not job.is_open else _minutes(job.delivery_due, now),
        "assigned_at": _iso(job.assigned_at),
        "acknowledged_at": _iso(job.acknowledged_at),
        "picked_up_at": _iso(job.picked_up_at),
        "ended_at": _iso(job.ended_at),
        "escalation_level": job.escalation_level,
        "accompaniment_confirmed": job.accompaniment_confirmed_by is not None,
        "last_reason": job.last_reason,
        "rating": job.rating,
        "leg": job.leg,
        "linked_job_id": job.linked_job_id,
        "decision_id": job.decision_id,
    }


def porter_view(porter: Porter, now: datetime, jobs: dict[UUID, Job]) -> dict[str, Any]:
    held = [jobs[UUID(j)] for j in porter.active_jobs if UUID(j) in jobs]
    free_for = None
    if porter.state == "free" and porter.last_free_at is not None:
        free_for = round((now - porter.last_free_at).total_seconds() / 60, 1)
    return {
        "badge": porter.badge,
        "group": porter.group.value,
        "role": porter.role,
        "skills": sorted(s.value for s in porter.skills),
        "state": porter.state,
        "shift_started_at": _iso(porter.shift_started_at) if porter.on_shift else None,
        "shift_ends_at": _iso(porter.shift_ends_at),
        "location": porter.location,
        "location_at": _iso(porter.location_at),
        "jobs": [{"id": str(j.id), "status": j.status.value, "kind": j.kind.value} for j in held],
        "jobs_this_shift": porter.jobs_this_shift if porter.on_shift else 0,
        "minutes_free": free_for,
        "version": porter.version,
    }
