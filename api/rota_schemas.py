"""Bodies and answers for staff and their rota (`XCreate` / `XUpdate` / `XPublic`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from api.body import Body
from api.schemas import _examples
from engine.domain.values import Moment

Skill = Annotated[str, Field(min_length=1, max_length=40)]


class PorterCreate(Body):
    model_config = _examples(
        {
            "badge": "IM-ESC-31",
            "name": "Wang Fang",
            "group": "internal",
            "role": "escort",
            "skills": ["stretcher_bed", "specimen"],
            "shift": "early",
            "base": "IM-BASE",
        }
    )
    badge: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(default="", max_length=100)
    group: str = Field(min_length=1, max_length=40)
    role: str = Field(min_length=1, max_length=40)
    skills: list[Skill] = Field(default=[], max_length=20)
    shift: str | None = Field(
        default=None, max_length=400, description="their rota's shift template"
    )
    base: str | None = Field(default=None, max_length=64, description="where their shifts start")


class PorterUpdate(Body):
    """Only what changes; the rest stays. A new template applies to days to come."""

    model_config = _examples({"shift": "night"}, {"skills": ["stretcher_bed", "isolation"]})
    group: str | None = Field(default=None, min_length=1, max_length=40)
    role: str | None = Field(default=None, min_length=1, max_length=40)
    skills: list[Skill] | None = Field(default=None, max_length=20)
    shift: str | None = Field(default=None, max_length=400)
    base: str | None = Field(default=None, max_length=64)


class RetireCreate(Body):
    model_config = _examples({"reason": "left the service"})
    reason: str = Field(min_length=1, max_length=200)


class AbsenceCreate(Body):
    model_config = _examples(
        {
            "badge": "IM-ESC-01",
            "start": "2026-11-24T00:00:00+08:00",
            "end": "2026-11-27T00:00:00+08:00",
            "reason": "leave",
        }
    )
    badge: str = Field(min_length=1, max_length=32)
    start: Moment
    end: Moment
    reason: Literal["leave", "sickness"]


class RotaShiftCreate(Body):
    model_config = _examples(
        {
            "badge": "IM-ESC-02",
            "start": "2026-11-24T15:30:00+08:00",
            "end": "2026-11-24T23:00:00+08:00",
            "reason": "extra",
        }
    )
    badge: str = Field(min_length=1, max_length=32)
    start: Moment
    end: Moment
    reason: Literal["extra", "call_in"] = "extra"


class SwapCreate(Body):
    model_config = _examples(
        {
            "first": "IM-ESC-01@2026-11-24T07:30:00+08:00",
            "second": "IM-ESC-02@2026-11-24T15:30:00+08:00",
        }
    )
    first: str = Field(min_length=3, max_length=100, description="a shift id, BADGE@START")
    second: str = Field(min_length=3, max_length=100)


class RotaShiftPublic(BaseModel):
    id: str
    badge: str
    start: str
    end: str
    source: str = Field(description="its template, or extra, call_in, swap")
    cancelled: str | None = Field(description="why it was cancelled: leave, sickness, ...")


class RotaDayPublic(BaseModel):
    day: date
    shifts: list[RotaShiftPublic]


class ShiftIds(BaseModel):
    shifts: list[str]
