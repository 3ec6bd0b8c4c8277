"""Bodies for what is recorded around a job: incidents, complaints, a new time."""

from __future__ import annotations

from datetime import datetime

from pydantic import ConfigDict, Field, field_validator

from api.body import Body
from engine.domain.values import Complaint, Incident, Moment


class IncidentCreate(Body):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [{"category": "line_dislodged", "note": "IV line out in lift 3"}]
        },
    )
    badge: str | None = Field(
        default=None, min_length=1, max_length=32, description="staff reporting for a porter"
    )
    category: Incident
    note: str = Field(min_length=1, max_length=2000, description="what happened, truthfully")


class ComplaintCreate(Body):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"category": "late", "text": "arrived 40 min late"}]},
    )
    category: Complaint
    text: str = Field(min_length=1, max_length=2000)


class RescheduleCreate(Body):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"ready_at": "2026-12-02T10:30:00+08:00"}]}
    )
    ready_at: Moment = Field(description="the new time the patient is ready, with an offset")

    @field_validator("ready_at")
    @classmethod
    def _aware(cls, v: datetime) -> datetime:
        if v.tzinfo is None:
            raise ValueError("must include a timezone offset")
        return v
