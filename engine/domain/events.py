"""The catalogue of every event the domain records, by class.

The aggregates declare their events with `@event("Name")`; the library makes
each one a class on its aggregate (`Job.Submitted`). The driver, the read
models and replay match on these classes, never on strings, so renaming an
event or adding one is a change here and in its aggregate, found by the type
checker and by `tests/unit/domain/test_events.py`, which checks that this
catalogue names every event class the aggregates define.

Names (`name_of`) stay for people: timelines and the change feed show
`Job.Assigned`.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate, DomainEvent

from engine.domain.decision.aggregate import Decision
from engine.domain.job.aggregate import Job
from engine.domain.policy.aggregate import Policy
from engine.domain.porter.aggregate import Porter
from engine.domain.rota.aggregate import RotaDay

EventType = type[Any]  # matched by identity; their fields are read as the aggregates wrote them


def _of(aggregate: type[Aggregate], name: str) -> EventType:
    cls = getattr(aggregate, name)
    if not (isinstance(cls, type) and issubclass(cls, DomainEvent)):
        raise TypeError(f"{aggregate.__name__}.{name} is not an event class")
    return cls


# -- jobs -----------------------------------------------------------------------
JobSubmitted = _of(Job, "Submitted")
JobAssigned = _of(Job, "Assigned")
JobAcknowledged = _of(Job, "Acknowledged")
JobAccompanimentConfirmed = _of(Job, "AccompanimentConfirmed")
JobPickedUp = _of(Job, "PickedUp")
JobHeld = _of(Job, "Held")
JobResumed = _of(Job, "Resumed")
JobCompleted = _of(Job, "Completed")
JobReleased = _of(Job, "Released")
JobCancelled = _of(Job, "Cancelled")
JobFailed = _of(Job, "Failed")
JobEscalated = _of(Job, "Escalated")
JobRated = _of(Job, "Rated")
JobRescheduled = _of(Job, "Rescheduled")
JobIncidentReported = _of(Job, "IncidentReported")
JobComplained = _of(Job, "Complained")

# -- porters ----------------------------------------------------------------------
PorterRegistered = _of(Porter, "Registered")
PorterShiftStarted = _of(Porter, "ShiftStarted")
PorterShiftEnded = _of(Porter, "ShiftEnded")
PorterBreakStarted = _of(Porter, "BreakStarted")
PorterBreakEnded = _of(Porter, "BreakEnded")
PorterLocationReported = _of(Porter, "LocationReported")
PorterJobTaken = _of(Porter, "JobTaken")
PorterJobDropped = _of(Porter, "JobDropped")
PorterChanged = _of(Porter, "Changed")
PorterRetired = _of(Porter, "Retired")
PorterStaged = _of(Porter, "Staged")

# -- the rota ------------------------------------------------------------------------
RotaPlanned = _of(RotaDay, "Planned")
RotaShiftAdded = _of(RotaDay, "ShiftAdded")
RotaShiftCancelled = _of(RotaDay, "ShiftCancelled")

# -- policy and decisions -----------------------------------------------------------
PolicyPublished = _of(Policy, "Published")
PolicyRepublished = _of(Policy, "Republished")
DecisionMade = _of(Decision, "Made")
DecisionOverridden = _of(Decision, "Overridden")

JOB_EVENTS = frozenset(
    {
        JobSubmitted,
        JobAssigned,
        JobAcknowledged,
        JobAccompanimentConfirmed,
        JobPickedUp,
        JobHeld,
        JobResumed,
        JobCompleted,
        JobReleased,
        JobCancelled,
        JobFailed,
        JobEscalated,
        JobRated,
        JobRescheduled,
        JobIncidentReported,
        JobComplained,
    }
)
PORTER_EVENTS = frozenset(
    {
        PorterRegistered,
        PorterShiftStarted,
        PorterShiftEnded,
        PorterBreakStarted,
        PorterBreakEnded,
        PorterLocationReported,
        PorterJobTaken,
        PorterJobDropped,
        PorterChanged,
        PorterRetired,
        PorterStaged,
    }
)
ROTA_EVENTS = frozenset({RotaPlanned, RotaShiftAdded, RotaShiftCancelled})
POLICY_EVENTS = frozenset({PolicyPublished, PolicyRepublished})
DECISION_EVENTS = frozenset({DecisionMade, DecisionOverridden})
ALL = JOB_EVENTS | PORTER_EVENTS | POLICY_EVENTS | DECISION_EVENTS | ROTA_EVENTS

# Events that end a job for good.
JOB_ENDED = frozenset({JobCompleted, JobCancelled, JobFailed})


def topic_of(cls: EventType) -> str:
    """The topic the store records for this event (`module:Qualname`)."""
    return f"{cls.__module__}:{cls.__qualname__}"


def name_of(event: Any) -> str:
    """`Job.Assigned`, `Decision.Made`, ...: the aggregate and the event, for people."""
    return type(event).__qualname__
