"""Commands: what callers ask the engine to do, validated before anything is touched.

Pydantic checks shape and ranges; `parse` turns its first complaint into an
`InvalidInput` that names the field, so the API, the CLI and tests all get the
same message and the store is never reached with bad input.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from engine.domain.errors import InvalidInput, field_error, field_path
from engine.domain.text import refuse_controls
from engine.domain.values import (
    Accompaniment,
    Group,
    Kind,
    Mode,
    Moment,
    Priority,
    Reason,
    Skill,
)

PATIENT_REF = r"^[A-Z0-9][A-Z0-9-]{3,63}$"


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _no_controls(cls, data: Any) -> Any:
        refuse_controls(data)
        return data


C = TypeVar("C", bound=Command)


def parse(model: type[C], data: dict[str, Any]) -> C:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = field_path(first["loc"], first.get("ctx")) or model.__name__
        raise InvalidInput(where, first["msg"]) from None


class RequirementsIn(Command):
    mode: Mode = Mode.WALKING
    equipment: tuple[Annotated[str, Field(min_length=1, max_length=40)], ...] = Field(
        default=(), max_length=10
    )
    porters_needed: int = Field(default=1, ge=1, le=2)
    isolation: bool = False
    accompaniment: Accompaniment = Accompaniment.NONE


class SubmitJob(Command):
    """A ward's request. Locations are codes on the site's layout."""

    kind: Kind
    priority: Priority = Priority.ROUTINE
    origin: str = Field(min_length=1, max_length=64)
    destination: str = Field(min_length=1, max_length=64)
    department: str = Field(min_length=1, max_length=64)
    group: Group | None = Field(
        default=None,
        min_length=1,
        max_length=40,
        description="whose porters serve it; left out: the group the site says serves the "
        "department",
    )
    requirements: RequirementsIn = RequirementsIn()
    patient_ref: str | None = Field(
        default=None,
        pattern=PATIENT_REF,
        description="pseudonymous reference (upper-case letters, digits, dashes; never a name)",
    )
    ready_at: Moment | None = None
    notes: str = Field(default="", max_length=2000)
    with_return: bool = Field(default=False, description="escort: create the linked return leg")
    exam_minutes: int = Field(default=30, ge=5, le=480)

    @field_validator("patient_ref")
    @classmethod
    def _pseudonymous(cls, v: str | None) -> str | None:
        if v is not None and not any(c.isdigit() for c in v):
            raise ValueError("must contain a digit: a pseudonymous reference, never a name")
        return v

    @field_validator("ready_at")
    @classmethod
    def _aware(cls, v: datetime | None) -> datetime | None:
        if v is not None and v.tzinfo is None:
            raise ValueError("must include a timezone offset")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> SubmitJob:
        if self.origin == self.destination:
            raise field_error("destination", "must differ from origin")
        patient_kinds = (Kind.PATIENT_TRANSPORT, Kind.ESCORT)
        if self.kind in patient_kinds and not self.patient_ref:
            raise field_error("patient_ref", f"is required for {self.kind.value} jobs")
        if self.with_return and self.kind is not Kind.ESCORT:
            raise field_error("with_return", "only escort jobs have a return leg")
        return self

    def request_data(self) -> dict[str, Any]:
        """The request as stored in the Submitted event (locations resolved later)."""
        data = self.model_dump(mode="json", exclude={"with_return", "exam_minutes"})
        return data


class RegisterPorter(Command):
    badge: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(default="", max_length=100)
    group: Group = Field(min_length=1, max_length=40)
    role: str = Field(min_length=1, max_length=40)
    skills: tuple[Annotated[Skill, Field(min_length=1, max_length=40)], ...] = Field(
        default=(), max_length=20
    )
    shift: str | None = Field(
        default=None, max_length=400, description="their shift template or weekly pattern"
    )
    base: str | None = Field(
        default=None, max_length=64, description="the location their shifts start at"
    )


class ChangePorter(Command):
    """Every field the porter keeps; what is left out stays as it was."""

    group: Group | None = Field(default=None, min_length=1, max_length=40)
    role: str | None = Field(default=None, min_length=1, max_length=40)
    skills: tuple[Annotated[Skill, Field(min_length=1, max_length=40)], ...] | None = Field(
        default=None, max_length=20
    )
    shift: str | None = Field(default=None, max_length=400)
    base: str | None = Field(default=None, max_length=64)
    by: str = Field(min_length=1, max_length=64)


class RetirePorter(Command):
    reason: str = Field(min_length=1, max_length=200)
    by: str = Field(min_length=1, max_length=64)


class _Period(Command):
    """A porter and a period of their time, with offsets, in order."""

    badge: str = Field(min_length=1, max_length=32)
    start: Moment
    end: Moment
    by: str = Field(min_length=1, max_length=64)

    @model_validator(mode="after")
    def _ordered(self) -> _Period:
        for name, value in (("start", self.start), ("end", self.end)):
            if value.tzinfo is None:
                raise field_error(name, "must include a timezone offset")
        if self.end <= self.start:
            raise field_error("end", "must be after start")
        return self


class AddShift(_Period):
    """An extra shift or a call-in (now); a swap adds one for each porter."""

    reason: Literal["extra", "call_in"] = "extra"

    @model_validator(mode="after")
    def _short_enough(self) -> AddShift:
        if self.end - self.start > timedelta(hours=24):
            raise field_error("end", "a shift lasts at most 24 hours")
        return self


class Absence(_Period):
    """Leave or sickness: every shift of the porter overlapping the period is cancelled."""

    reason: Literal["leave", "sickness"]


class SwapShifts(Command):
    first: str = Field(min_length=1, max_length=100, description="a shift id: BADGE@START")
    second: str = Field(min_length=1, max_length=100)
    by: str = Field(min_length=1, max_length=64)


class Transition(Command):
    """Shared by lifecycle actions that carry a reason."""

    reason: Reason
    note: str = Field(default="", max_length=2000)
    by: str = Field(min_length=1, max_length=64)


class Rate(Command):
    score: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=2000)
    by: str = Field(min_length=1, max_length=64)


class Complete(Command):
    received_by: str = Field(min_length=1, max_length=100)
    note: str = Field(default="", max_length=2000)
