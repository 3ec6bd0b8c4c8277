"""The Job aggregate: one transport request from submission to its end.

Public methods check the transition and raise before anything is emitted; the
private `@event` methods are the only places state changes, and they run again
on replay, so they hold no checks and read no clock.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from engine.domain.actor import ActorData, current
from engine.domain.errors import (
    AccompanimentNotConfirmed,
    IllegalTransition,
    InvalidInput,
    MovedToAnotherPorter,
    NotThePortersJob,
)
from engine.domain.ids import job_id
from engine.domain.site import LEGACY_SKILL_RULES
from engine.domain.values import (
    Accompaniment,
    Complaint,
    Group,
    Incident,
    Kind,
    Location,
    Priority,
    Reason,
    Requirements,
    Skill,
    Status,
)

S = Status
_RELEASABLE = (S.ASSIGNED, S.ACKNOWLEDGED)
_FAILABLE = (S.ASSIGNED, S.ACKNOWLEDGED, S.IN_PROGRESS, S.ON_HOLD)


class Job(Aggregate):
    @staticmethod
    def create_id(site: str, key: str) -> UUID:
        return job_id(site, key)

    @event("Submitted")
    def __init__(
        self,
        site: str,
        key: str,
        fingerprint: str,
        request: dict[str, Any],
        priority: str,
        policy_version: int,
        pickup_due: datetime,
        delivery_due: datetime,
        linked_job_id: str | None,
        leg: str,
        timestamp: datetime,
        required_skills: list[str] | None = None,
        actor: ActorData | None = None,
    ) -> None:
        # `required_skills` are fixed at submission by the site's rules, like the due
        # times, so a later change of the rules never rewrites a job's history. Jobs
        # recorded before the site said so read with the rules of the time.
        self.site = site
        self.key = key
        self.fingerprint = fingerprint
        self.kind = Kind(request["kind"])
        self.requested_priority = Priority(request["priority"])
        self.priority = Priority(priority)
        self.origin = Location.from_dict(request["origin"])
        self.destination = Location.from_dict(request["destination"])
        self.department: str = request["department"]
        self.group = Group(request["group"])
        self.requirements = Requirements.from_dict(request["requirements"])
        self._required_skills = (
            frozenset(required_skills)
            if required_skills is not None
            else LEGACY_SKILL_RULES.required(self.kind.value, self.requirements)
        )
        self.patient_ref: str | None = request["patient_ref"]
        self.ready_at = datetime.fromisoformat(request["ready_at"]) if request["ready_at"] else None
        self.notes: str = request["notes"]
        self.policy_version = policy_version
        self.requested_at = timestamp
        self.pickup_due = pickup_due
        self.delivery_due = delivery_due
        self.linked_job_id = linked_job_id
        self.leg = leg
        self.status = S.REQUESTED
        self.porter_ids: list[str] = []
        self.ever_held: list[str] = []  # every porter it was assigned to, in order
        self.held_from: Status | None = None
        self.escalation_level = 0
        self.escalation: dict[str, Any] | None = None  # the last level: what it did
        self.accompaniment_confirmed_by: str | None = None
        self.assignments = 0
        self.decision_id: str | None = None
        self.declined_by: list[str] = []
        self.assigned_at: datetime | None = None
        self.acknowledged_at: datetime | None = None
        self.picked_up_at: datetime | None = None
        self.ended_at: datetime | None = None
        self.last_reason: str | None = None
        self.received_by: str | None = None
        self.rating: int | None = None
        self.pinned = False  # a person chose the porter: no round moves it
        self.acknowledged_by: list[str] = []
        self.passed_over: list[str] = []  # porters an escalation took it from
        self.widened = False  # any group's porter may take it
        self.incidents = 0
        self.complaints = 0
        self.companion: str | None = None

    def __deepcopy__(self, memo: dict[int, object]) -> Job:
        """Copy for the repository cache: every attribute is immutable but the lists."""
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone.porter_ids = list(self.porter_ids)
        clone.acknowledged_by = list(self.acknowledged_by)
        clone.ever_held = list(self.ever_held)
        clone._pending_events = list(self._pending_events)
        return clone

    # -- checks -------------------------------------------------------------

    def _require(self, action: str, *allowed: Status) -> None:
        if self.status not in allowed:
            raise IllegalTransition(
                f"job {self.id}", self.status.value, action, ", ".join(s.value for s in allowed)
            )

    def _require_porter(self, porter_id: UUID | None, action: str) -> None:
        """A porter acts only on a job they hold now: checked here, on the job as stored,
        before its status (which another's job must not reveal), so no read model that
        lags can let a porter act on a job that has moved. None: staff, not a porter."""
        if porter_id is None or str(porter_id) in self.porter_ids:
            return
        if str(porter_id) in self.ever_held:
            raise MovedToAnotherPorter(self.id, action)
        raise NotThePortersJob(self.id, porter_id, action)

    def check_porter(self, porter_id: UUID | None, action: str) -> None:
        """For the write side's commands that act through a release (a decline)."""
        self._require_porter(porter_id, action)

    @staticmethod
    def _require_text(field: str, value: str) -> None:
        if not value.strip():
            raise InvalidInput(field, "must not be empty")

    @property
    def needs_accompaniment(self) -> bool:
        return self.requirements.accompaniment is not Accompaniment.NONE

    @property
    def required_skills(self) -> frozenset[Skill]:
        return self._required_skills

    @property
    def is_open(self) -> bool:
        return not self.status.is_terminal

    # -- commands -----------------------------------------------------------

    def assign(
        self,
        porter_ids: list[UUID],
        by: str,
        decision_id: UUID | None,
        at: datetime,
        pinned: bool = False,
        forced: str = "",
    ) -> None:
        """`pinned`: a person chose these porters, so no round may move the job until it
        is declined, released or its porter goes off shift. `forced` is the reason a
        dispatcher gave for overriding a hard rule, kept in the record."""
        self._require("assign", S.REQUESTED)
        self._require_text("assigned_by", by)
        if len(set(porter_ids)) != self.requirements.porters_needed or len(porter_ids) != len(
            set(porter_ids)
        ):
            raise InvalidInput(
                "porters",
                f"this job needs {self.requirements.porters_needed} distinct porter(s),"
                f" got {len(porter_ids)}",
            )
        self._assigned(
            porter_ids=[str(p) for p in porter_ids],
            by=by,
            decision_id=str(decision_id) if decision_id else None,
            timestamp=at,
            pinned=pinned,
            forced=forced,
            actor=current(),
        )

    @event("Assigned")
    def _assigned(
        self,
        porter_ids: list[str],
        by: str,
        decision_id: str | None,
        timestamp: datetime,
        pinned: bool = False,
        forced: str = "",
        actor: ActorData | None = None,
    ) -> None:
        self.status = S.ASSIGNED
        self.porter_ids = list(porter_ids)
        self.ever_held = [*self.ever_held, *porter_ids]
        self.assignments += 1
        self.assigned_at = timestamp
        self.decision_id = decision_id
        self.acknowledged_at = None
        self.acknowledged_by = []
        self.pinned = pinned

    def acknowledge(self, porter_id: UUID, at: datetime) -> None:
        """Each porter of a job acknowledges on their own; it is acknowledged once all have."""
        self._require_porter(porter_id, "acknowledge")
        self._require("acknowledge", S.ASSIGNED)
        if str(porter_id) in self.acknowledged_by:
            raise IllegalTransition(
                f"job {self.id}", "already acknowledged by this porter", "acknowledge"
            )
        everyone = set(self.acknowledged_by) | {str(porter_id)} >= set(self.porter_ids)
        self._acknowledged(
            porter_id=str(porter_id), timestamp=at, all_acknowledged=everyone, actor=current()
        )

    @event("Acknowledged")
    def _acknowledged(
        self,
        porter_id: str,
        timestamp: datetime,
        all_acknowledged: bool = True,
        actor: ActorData | None = None,
    ) -> None:
        # `all_acknowledged` is decided by the command and stored, so a log from before
        # each porter acknowledged on their own (one event did it) reads as it did then.
        self.acknowledged_by = [*self.acknowledged_by, porter_id]
        if all_acknowledged:
            self.status = S.ACKNOWLEDGED
            self.acknowledged_at = timestamp

    def confirm_accompaniment(self, confirmed_by: str, companion: str, at: datetime) -> None:
        """The ward confirms a clinician or family member will go along."""
        self._require("confirm accompaniment for", S.REQUESTED, S.ASSIGNED, S.ACKNOWLEDGED)
        if not self.needs_accompaniment:
            raise IllegalTransition(
                f"job {self.id}", self.status.value, "confirm accompaniment for (none needed)"
            )
        self._require_text("confirmed_by", confirmed_by)
        self._require_text("companion", companion)
        self._accompaniment_confirmed(
            confirmed_by=confirmed_by, companion=companion, timestamp=at, actor=current()
        )

    @event("AccompanimentConfirmed")
    def _accompaniment_confirmed(
        self, confirmed_by: str, companion: str, timestamp: datetime, actor: ActorData | None = None
    ) -> None:
        self.accompaniment_confirmed_by = confirmed_by
        self.companion = companion

    def pick_up(
        self, porter_id: UUID, companion_present: bool, at: datetime, handed_over_by: str = ""
    ) -> None:
        """`handed_over_by`: who on the ward gave the patient or item to the porter."""
        self._require_porter(porter_id, "pick up")
        self._require("pick up", S.ACKNOWLEDGED)
        if self.needs_accompaniment and not (companion_present and self.accompaniment_confirmed_by):
            raise AccompanimentNotConfirmed(
                f"job {self.id} needs a {self.requirements.accompaniment.value} to accompany the"
                " patient: the ward must confirm it and the porter must see them present"
            )
        self._picked_up(
            porter_id=str(porter_id),
            companion_present=companion_present,
            timestamp=at,
            handed_over_by=handed_over_by.strip(),
            companion=self.companion if companion_present else None,
            actor=current(),
        )

    @event("PickedUp")
    def _picked_up(
        self,
        porter_id: str,
        companion_present: bool,
        timestamp: datetime,
        handed_over_by: str = "",
        companion: str | None = None,
        actor: ActorData | None = None,
    ) -> None:
        self.status = S.IN_PROGRESS
        self.picked_up_at = timestamp

    def hold(
        self, reason: Reason, note: str, by: str, at: datetime, porter_id: UUID | None = None
    ) -> None:
        """`porter_id`: the porter doing it, who must hold the job (None: staff)."""
        self._require_porter(porter_id, "put on hold")
        self._require("put on hold", S.ACKNOWLEDGED, S.IN_PROGRESS)
        self._held(reason=reason.value, note=note, by=by, timestamp=at, actor=current())

    @event("Held")
    def _held(
        self, reason: str, note: str, by: str, timestamp: datetime, actor: ActorData | None = None
    ) -> None:
        self.held_from = self.status
        self.status = S.ON_HOLD
        self.last_reason = reason

    def resume(self, by: str, at: datetime, porter_id: UUID | None = None) -> None:
        self._require_porter(porter_id, "resume")
        self._require("resume", S.ON_HOLD)
        self._resumed(by=by, timestamp=at, actor=current())

    @event("Resumed")
    def _resumed(self, by: str, timestamp: datetime, actor: ActorData | None = None) -> None:
        assert self.held_from is not None
        self.status = self.held_from
        self.held_from = None

    def complete(self, porter_id: UUID, received_by: str, note: str, at: datetime) -> None:
        """The handover at delivery: the porter hands over, `received_by` takes it."""
        self._require_porter(porter_id, "complete")
        self._require("complete", S.IN_PROGRESS)
        self._require_text("received_by", received_by)
        self._completed(
            porter_id=str(porter_id),
            received_by=received_by.strip(),
            note=note,
            timestamp=at,
            handed_over_by=str(porter_id),
            actor=current(),
        )

    @event("Completed")
    def _completed(
        self,
        porter_id: str,
        received_by: str,
        note: str,
        timestamp: datetime,
        handed_over_by: str = "",
        actor: ActorData | None = None,
    ) -> None:
        self.status = S.COMPLETED
        self.received_by = received_by
        self.ended_at = timestamp

    @property
    def can_release(self) -> bool:
        return self.status in _RELEASABLE or (
            self.status is S.ON_HOLD and self.held_from is S.ACKNOWLEDGED
        )

    def release(
        self, reason: Reason, note: str, by: str, at: datetime, barred: list[UUID] | None = None
    ) -> list[UUID]:
        """Back to `requested` (declined, off shift, escalation); returns who held it.

        `barred`: porters who may not be given the job again (whoever declined it)."""
        if not self.can_release:
            self._require("reassign", *_RELEASABLE)
            raise IllegalTransition(
                f"job {self.id}", f"{self.status.value} after pickup", "reassign"
            )
        released = [UUID(p) for p in self.porter_ids]
        self._released(
            reason=reason.value,
            note=note,
            by=by,
            timestamp=at,
            porter_ids=list(self.porter_ids),
            barred=[str(p) for p in barred or []],
            actor=current(),
        )
        return released

    @event("Released")
    def _released(
        self,
        reason: str,
        note: str,
        by: str,
        timestamp: datetime,
        porter_ids: list[str] | None = None,
        barred: list[str] | None = None,
        actor: ActorData | None = None,
    ) -> None:
        if barred is not None:
            self.declined_by = [*self.declined_by, *barred]
        elif reason == Reason.PORTER_DECLINED.value:  # recorded before declines named whom
            self.declined_by = [*self.declined_by, *self.porter_ids]
        if reason == Reason.ESCALATION.value:  # only those who never answered are passed over
            silent = [p for p in self.porter_ids if p not in self.acknowledged_by]
            self.passed_over = [*self.passed_over, *silent]
        self.status = S.REQUESTED
        self.porter_ids = []
        self.held_from = None
        self.last_reason = reason
        self.assigned_at = None
        self.acknowledged_at = None
        self.acknowledged_by = []
        self.pinned = False

    def cancel(self, reason: Reason, note: str, by: str, at: datetime) -> list[UUID]:
        self._require("cancel", *(s for s in Status if not s.is_terminal))
        self._require_text("cancelled_by", by)
        released = [UUID(p) for p in self.porter_ids]
        self._cancelled(
            reason=reason.value,
            note=note,
            by=by,
            timestamp=at,
            porter_ids=list(self.porter_ids),
            actor=current(),
        )
        return released

    @event("Cancelled")
    def _cancelled(
        self,
        reason: str,
        note: str,
        by: str,
        timestamp: datetime,
        porter_ids: list[str] | None = None,
        actor: ActorData | None = None,
    ) -> None:
        self.status = S.CANCELLED
        self.last_reason = reason
        self.ended_at = timestamp

    def fail(
        self, reason: Reason, note: str, by: str, at: datetime, porter_id: UUID | None = None
    ) -> list[UUID]:
        self._require_porter(porter_id, "fail")
        self._require("fail", *_FAILABLE)
        self._require_text("failed_by", by)
        released = [UUID(p) for p in self.porter_ids]
        self._failed(
            reason=reason.value,
            note=note,
            by=by,
            timestamp=at,
            porter_ids=list(self.porter_ids),
            actor=current(),
        )
        return released

    @event("Failed")
    def _failed(
        self,
        reason: str,
        note: str,
        by: str,
        timestamp: datetime,
        porter_ids: list[str] | None = None,
        actor: ActorData | None = None,
    ) -> None:
        self.status = S.FAILED
        self.last_reason = reason
        self.ended_at = timestamp

    def escalate(
        self, level: int, stage: str, note: str, at: datetime, action: str = "", effect: str = ""
    ) -> None:
        """`action` is what the policy says this level does; `effect` what it did."""
        self._require("escalate", *(s for s in Status if not s.is_terminal))
        if level <= self.escalation_level:
            raise IllegalTransition(
                f"job {self.id}",
                f"at escalation level {self.escalation_level}",
                f"escalate to {level}",
            )
        self._escalated(
            level=level,
            stage=stage,
            note=note,
            timestamp=at,
            action=action,
            effect=effect,
            actor=current(),
        )

    @event("Escalated")
    def _escalated(
        self,
        level: int,
        stage: str,
        note: str,
        timestamp: datetime,
        action: str = "",
        effect: str = "",
        actor: ActorData | None = None,
    ) -> None:
        self.escalation_level = level
        self.escalation = {"level": level, "stage": stage, "action": action, "effect": effect}
        if action == "widen":
            self.widened = True

    @property
    def can_reschedule(self) -> bool:
        """Before pickup: a job held by a porter is let go first (see the write side)."""
        return self.status in (S.REQUESTED, *_RELEASABLE)

    def reschedule(
        self, ready_at: datetime, pickup_due: datetime, delivery_due: datetime, at: datetime
    ) -> None:
        """A scheduled job moves to another time; due times follow, fixed in the event."""
        self._require("reschedule", S.REQUESTED)
        if self.ready_at is None:
            raise IllegalTransition(f"job {self.id}", "not scheduled", "reschedule")
        self._rescheduled(
            ready_at=ready_at.isoformat(),
            pickup_due=pickup_due,
            delivery_due=delivery_due,
            timestamp=at,
            actor=current(),
        )

    @event("Rescheduled")
    def _rescheduled(
        self,
        ready_at: str,
        pickup_due: datetime,
        delivery_due: datetime,
        timestamp: datetime,
        actor: ActorData | None = None,
    ) -> None:
        self.ready_at = datetime.fromisoformat(ready_at)
        self.pickup_due = pickup_due
        self.delivery_due = delivery_due

    def report_incident(self, porter_id: UUID, category: str, note: str, at: datetime) -> None:
        """Anything abnormal during a transport, reported at once by one of its porters."""
        self._require_porter(porter_id, "report an incident on")
        self._require("report an incident on", S.ACKNOWLEDGED, S.IN_PROGRESS, S.ON_HOLD)
        self._require_text("note", note)
        if category not in Incident.__members__.values():
            raise InvalidInput("category", f"must be one of {', '.join(Incident)}")
        self._incident_reported(
            porter_id=str(porter_id), category=category, note=note, timestamp=at, actor=current()
        )

    @event("IncidentReported")
    def _incident_reported(
        self,
        porter_id: str,
        category: str,
        note: str,
        timestamp: datetime,
        actor: ActorData | None = None,
    ) -> None:
        self.incidents += 1

    def complain(self, category: str, text: str, by: str, at: datetime) -> None:
        """The requesting ward complains about a job, whatever became of it."""
        if self.status is S.REQUESTED and self.assignments == 0:
            raise IllegalTransition(f"job {self.id}", "never assigned", "complain about")
        self._require_text("text", text)
        if category not in Complaint.__members__.values():
            raise InvalidInput("category", f"must be one of {', '.join(Complaint)}")
        self._complained(category=category, text=text, by=by, timestamp=at, actor=current())

    @event("Complained")
    def _complained(
        self, category: str, text: str, by: str, timestamp: datetime, actor: ActorData | None = None
    ) -> None:
        self.complaints += 1

    def rate(self, score: int, comment: str, by: str, at: datetime) -> None:
        self._require("rate", S.COMPLETED)
        if self.rating is not None:
            raise IllegalTransition(f"job {self.id}", "already rated", "rate")
        if not 1 <= score <= 5:
            raise InvalidInput("score", "must be 1 to 5")
        self._rated(score=score, comment=comment, by=by, timestamp=at, actor=current())

    @event("Rated")
    def _rated(
        self, score: int, comment: str, by: str, timestamp: datetime, actor: ActorData | None = None
    ) -> None:
        self.rating = score
