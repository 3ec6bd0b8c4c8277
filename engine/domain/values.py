"""Value objects and vocabularies shared by every aggregate.

Events store plain JSON-able values (strings, ints, dicts); these types give
them names and checks at the edges. Keeping events primitive means a log
exported today still reads after a class is renamed.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from engine.domain.errors import InvalidInput


class Kind(StrEnum):
    PATIENT_TRANSPORT = "patient_transport"
    ESCORT = "escort"
    SPECIMEN = "specimen"
    URGENT_BLOOD = "urgent_blood"
    DRUG = "drug"
    DOCUMENT = "document"
    ITEM = "item"


class Priority(StrEnum):
    """FHIR request priorities; `rank` orders them, most urgent first."""

    STAT = "stat"
    ASAP = "asap"
    URGENT = "urgent"
    ROUTINE = "routine"

    @property
    def rank(self) -> int:
        return _PRIORITY_RANK[self]


_PRIORITY_RANK = {Priority.STAT: 0, Priority.ASAP: 1, Priority.URGENT: 2, Priority.ROUTINE: 3}


# A site's groups and skills are its own: they come from its hospital file
# (`engine.hospital`) and are checked against it (`engine.domain.site.Catalogue`).
Group = str
Skill = str


class Mode(StrEnum):
    WALKING = "walking"
    WHEELCHAIR = "wheelchair"
    STRETCHER = "stretcher"
    BED = "bed"


class Status(StrEnum):
    """Engine statuses; `fhir` maps each onto FHIR Task.status."""

    REQUESTED = "requested"
    ASSIGNED = "assigned"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    ON_HOLD = "on_hold"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    FAILED = "failed"

    @property
    def fhir(self) -> str:
        return _FHIR[self]

    @property
    def is_terminal(self) -> bool:
        return self in (Status.COMPLETED, Status.CANCELLED, Status.FAILED)


_FHIR = {
    Status.REQUESTED: "requested",
    Status.ASSIGNED: "accepted",
    Status.ACKNOWLEDGED: "accepted",
    Status.IN_PROGRESS: "in-progress",
    Status.ON_HOLD: "on-hold",
    Status.COMPLETED: "completed",
    Status.CANCELLED: "cancelled",
    Status.FAILED: "failed",
}


# Who acts when nobody does: the driver's rounds, and shifts it ends because they are over.
ENGINE = "engine"
ENGINE_SHIFT_OVER = "engine: shift over"
ENGINE_ROTA = "engine: rota"


class Reason(StrEnum):
    """Reason codes for holds, reassignments, cancellations and failures."""

    PATIENT_NOT_READY = "patient_not_ready"
    WRONG_EQUIPMENT = "wrong_equipment"
    LIFT_OUT_OF_ORDER = "lift_out_of_order"
    PORTER_DECLINED = "porter_declined"
    PORTER_OFF_SHIFT = "porter_off_shift"
    ESCALATION = "escalation"
    DISPATCHER_OVERRIDE = "dispatcher_override"
    REOPTIMISED = "reoptimised"
    DIVERTED_FOR_STAT = "diverted_for_stat"
    RESCHEDULED = "rescheduled"
    PATIENT_UNWELL = "patient_unwell"
    EXAM_CANCELLED = "exam_cancelled"
    REQUEST_WITHDRAWN = "request_withdrawn"
    DUPLICATE_REQUEST = "duplicate_request"
    ACCOMPANIMENT_UNAVAILABLE = "accompaniment_unavailable"
    ABNORMAL_EVENT = "abnormal_event"
    OTHER = "other"


class Incident(StrEnum):
    """What a porter reports at once during a transport: the hospital requires anything
    abnormal to be reported immediately and truthfully."""

    PATIENT_DETERIORATED = "patient_deteriorated"
    LINE_DISLODGED = "line_dislodged"
    FALL = "fall"
    SPECIMEN_DAMAGED = "specimen_damaged"
    SPECIMEN_LOST = "specimen_lost"
    EQUIPMENT_FAILURE = "equipment_failure"
    OTHER = "other"


class Complaint(StrEnum):
    """What a ward may complain about on a job."""

    LATE = "late"
    NO_SHOW = "no_show"
    CONDUCT = "conduct"
    HANDLING = "handling"
    WRONG_DESTINATION = "wrong_destination"
    OTHER = "other"


class Accompaniment(StrEnum):
    NONE = "none"
    CLINICIAN = "clinician"
    FAMILY = "family"


@dataclass(frozen=True)
class Location:
    """A place on a site. `code` is the key into the site's travel matrix."""

    code: str
    site: str = ""
    building: str = ""
    floor: int = 0
    room: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Location:
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Requirements:
    """What a job needs from the porter(s) who take it."""

    mode: Mode = Mode.WALKING
    equipment: tuple[str, ...] = ()
    porters_needed: int = 1
    isolation: bool = False
    accompaniment: Accompaniment = Accompaniment.NONE

    def __post_init__(self) -> None:
        if self.porters_needed not in (1, 2):
            raise InvalidInput("requirements.porters_needed", "must be 1 or 2")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Requirements:
        return cls(
            mode=Mode(data["mode"]),
            equipment=tuple(data["equipment"]),
            porters_needed=int(data["porters_needed"]),
            isolation=bool(data["isolation"]),
            accompaniment=Accompaniment(data["accompaniment"]),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode.value,
            "equipment": list(self.equipment),
            "porters_needed": self.porters_needed,
            "isolation": self.isolation,
            "accompaniment": self.accompaniment.value,
        }


_NUMBER = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*")


def _written_out(value: Any) -> Any:
    """Dates and times come as ISO 8601 text. Pydantic would also read a number, or text
    that is one, as seconds since 1970: `to=0.5` would be a moment in 1970, not the
    mistake it is."""
    if isinstance(value, int | float) or (isinstance(value, str) and _NUMBER.fullmatch(value)):
        raise PydanticCustomError(
            "iso_8601", "must be ISO 8601 text such as 2026-11-23T09:30:00+08:00, not a number"
        )
    return value


Moment = Annotated[datetime, BeforeValidator(_written_out)]
"""A date and time a caller gives (its offset is checked where it is used)."""
Day = Annotated[date, BeforeValidator(_written_out)]
"""A calendar day a caller gives."""
