"""The Porter aggregate: one member of transport staff, identified by badge."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from engine.domain.actor import ActorData, current
from engine.domain.errors import IllegalTransition, InvalidInput, PorterUnavailable
from engine.domain.ids import porter_id
from engine.domain.values import Group, Skill


class Porter(Aggregate):
    @staticmethod
    def create_id(site: str, badge: str) -> UUID:
        return porter_id(site, badge)

    @event("Registered")
    def __init__(
        self,
        site: str,
        badge: str,
        name: str,
        group: str,
        role: str,
        skills: list[str],
        timestamp: datetime,
        shift: str | None = None,
        base: str | None = None,
        actor: ActorData | None = None,
    ) -> None:
        # `shift` (the template of their rota) and `base` (where a shift starts) came
        # later; porters registered before have neither and are rostered by hand.
        self.site = site
        self.badge = badge
        self.name = name
        self.group = Group(group)
        self.role = role
        self.skills = frozenset(Skill(s) for s in skills)
        self.shift = shift
        self.base = base
        self.retired = False
        self.shift_id: str | None = None
        self.on_shift = False
        self.shift_started_at: datetime | None = None
        self.shift_ends_at: datetime | None = None
        self.on_break = False
        self.location: str | None = None
        self.location_at: datetime | None = None
        self.active_jobs: list[str] = []
        self.jobs_this_shift = 0
        self.last_free_at: datetime | None = None
        self.staged_to: str | None = None  # where the engine last sent them to wait

    def __deepcopy__(self, memo: dict[int, object]) -> Porter:
        """Copy for the repository cache: every attribute is immutable but the lists."""
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone.active_jobs = list(self.active_jobs)
        clone._pending_events = list(self._pending_events)
        return clone

    # -- checks -------------------------------------------------------------

    def _refuse(self, action: str, state: str) -> IllegalTransition:
        return IllegalTransition(f"porter {self.badge}", state, action)

    @property
    def state(self) -> str:
        if not self.on_shift:
            return "off_shift"
        if self.on_break:
            return "on_break"
        return "busy" if self.active_jobs else "free"

    # -- commands -----------------------------------------------------------

    def change(
        self,
        group: str,
        role: str,
        skills: list[str],
        shift: str | None,
        base: str | None,
        by: str,
        at: datetime,
    ) -> None:
        if self.retired:
            raise self._refuse("change", "retired")
        self._changed(
            group=group,
            role=role,
            skills=sorted(skills),
            shift=shift,
            base=base,
            by=by,
            timestamp=at,
            actor=current(),
        )

    @event("Changed")
    def _changed(
        self,
        group: str,
        role: str,
        skills: list[str],
        shift: str | None,
        base: str | None,
        by: str,
        timestamp: datetime,
        actor: ActorData | None = None,
    ) -> None:
        self.group = Group(group)
        self.role = role
        self.skills = frozenset(Skill(s) for s in skills)
        self.shift = shift
        self.base = base

    def retire(self, reason: str, by: str, at: datetime) -> None:
        if self.retired:
            raise self._refuse("retire", "retired")
        if self.on_shift:
            raise self._refuse("retire", "on shift: end the shift first")
        self._retired(reason=reason, by=by, timestamp=at, actor=current())

    @event("Retired")
    def _retired(
        self, reason: str, by: str, timestamp: datetime, actor: ActorData | None = None
    ) -> None:
        self.retired = True

    def start_shift(
        self,
        ends_at: datetime,
        at: datetime,
        shift_id: str | None = None,
        by: str = "porter",
        location: str | None = None,
    ) -> None:
        if self.retired:
            raise self._refuse("start a shift for", "retired")
        if self.on_shift:
            raise self._refuse("start a shift for", self.state)
        if ends_at <= at:
            raise InvalidInput("ends_at", "a shift must end after it starts")
        if ends_at - at > timedelta(hours=24):
            raise InvalidInput("ends_at", "a shift lasts at most 24 hours")
        if location is not None:
            self._shift_started(
                ends_at=ends_at,
                timestamp=at,
                shift_id=shift_id,
                by=by,
                location=location,
                actor=current(),
            )
        else:  # as events were before a shift could start at a place
            self._shift_started(
                ends_at=ends_at, timestamp=at, shift_id=shift_id, by=by, actor=current()
            )

    @event("ShiftStarted")
    def _shift_started(
        self,
        ends_at: datetime,
        timestamp: datetime,
        shift_id: str | None = None,
        by: str = "porter",
        location: str | None = None,
        actor: ActorData | None = None,
    ) -> None:
        # `shift_id` names the rota's shift it works (None: started by hand, before the
        # rota); `by` who started it; `location` where (a rostered shift: the base).
        self.shift_id = shift_id
        if location is not None:
            self.location = location
            self.location_at = timestamp
        self.on_shift = True
        self.on_break = False
        self.shift_started_at = timestamp
        self.shift_ends_at = ends_at
        self.jobs_this_shift = 0
        self.last_free_at = timestamp

    def end_shift(self, at: datetime, by: str = "porter") -> None:
        """Refused while jobs are held; the application releases them first. Time worked
        past the shift's end (a job finished first) is recorded as overtime."""
        if not self.on_shift:
            raise self._refuse("end the shift of", self.state)
        if self.active_jobs:
            raise self._refuse("end the shift of", f"holding jobs {', '.join(self.active_jobs)}")
        # Overtime runs to when their hands became free, not to when anyone noticed (the
        # engine's tick, or a server that was down at the shift's end).
        over = 0.0
        worked_to = min(at, self.last_free_at) if self.last_free_at is not None else at
        if self.shift_ends_at is not None and worked_to > self.shift_ends_at:
            over = round((worked_to - self.shift_ends_at).total_seconds() / 60, 2)
        self._shift_ended(timestamp=at, by=by, overtime_minutes=over, actor=current())

    @event("ShiftEnded")
    def _shift_ended(
        self,
        timestamp: datetime,
        by: str = "porter",
        overtime_minutes: float = 0.0,
        actor: ActorData | None = None,
    ) -> None:
        # `by` names who ended it (the porter, a dispatcher, or the engine when the shift
        # was over); logs written before it was recorded read as "porter".
        self.on_shift = False
        self.on_break = False
        self.shift_ends_at = None

    def start_break(self, at: datetime) -> None:
        if self.state != "free":
            raise self._refuse("start a break for", self.state)
        self._break_started(timestamp=at, actor=current())

    @event("BreakStarted")
    def _break_started(self, timestamp: datetime, actor: ActorData | None = None) -> None:
        self.on_break = True

    def end_break(self, at: datetime) -> None:
        if not (self.on_shift and self.on_break):
            raise self._refuse("end a break for", self.state)
        self._break_ended(timestamp=at, actor=current())

    @event("BreakEnded")
    def _break_ended(self, timestamp: datetime, actor: ActorData | None = None) -> None:
        self.on_break = False
        self.last_free_at = timestamp

    def report_location(self, location: str, at: datetime) -> None:
        if not location.strip():
            raise InvalidInput("location", "must not be empty")
        self._location_reported(location=location, timestamp=at, actor=current())

    @event("LocationReported")
    def _location_reported(
        self, location: str, timestamp: datetime, actor: ActorData | None = None
    ) -> None:
        self.location = location
        self.location_at = timestamp
        self.staged_to = None

    def stage(self, location: str, reason: str, at: datetime) -> None:
        """The engine sends a free porter to wait where the next calls are expected."""
        if self.state != "free":
            raise self._refuse("stage", self.state)
        self._staged(location=location, reason=reason, timestamp=at, actor=current())

    @event("Staged")
    def _staged(
        self, location: str, reason: str, timestamp: datetime, actor: ActorData | None = None
    ) -> None:
        self.staged_to = location

    def take_job(self, job_id: UUID, capacity: int, at: datetime) -> None:
        if not self.on_shift or self.on_break:
            raise PorterUnavailable(f"porter {self.badge} is {self.state}")
        if str(job_id) in self.active_jobs:
            raise PorterUnavailable(f"porter {self.badge} already holds job {job_id}")
        if len(self.active_jobs) >= capacity:
            raise PorterUnavailable(
                f"porter {self.badge} already holds {len(self.active_jobs)} job(s);"
                f" the policy allows {capacity}"
            )
        self._job_taken(job_id=str(job_id), timestamp=at, actor=current())

    @event("JobTaken")
    def _job_taken(self, job_id: str, timestamp: datetime, actor: ActorData | None = None) -> None:
        self.active_jobs.append(job_id)
        self.jobs_this_shift += 1
        self.staged_to = None

    def drop_job(self, job_id: UUID, outcome: str, at: datetime) -> None:
        if str(job_id) not in self.active_jobs:
            raise self._refuse(f"drop job {job_id} from", "not holding it")
        self._job_dropped(job_id=str(job_id), outcome=outcome, timestamp=at, actor=current())

    @event("JobDropped")
    def _job_dropped(
        self, job_id: str, outcome: str, timestamp: datetime, actor: ActorData | None = None
    ) -> None:
        self.active_jobs.remove(job_id)
        if outcome != "completed":
            self.jobs_this_shift -= 1
        if not self.active_jobs:
            self.last_free_at = timestamp
