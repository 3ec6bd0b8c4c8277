"""The hospital file: what a hospital brings, as a schema with its own checks.

`HospitalFile` is the shape (pydantic: types, ranges, unknown keys refused);
`check_references` is what a shape cannot say: that every name used is defined
once, every location reachable, every roster entry workable. Both report the
same way, a path inside the file and what would fix it, so a hand-written file
gets a list of places to look at, never a traceback.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from engine.domain.site import WEEKDAYS

Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,40}$")]
Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
Badge = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,32}$")]
Clock = Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
Minutes = Annotated[float, Field(ge=0, le=240, allow_inf_nan=False)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Named(_Strict):
    id: Name
    name: str = ""


class EquipmentItem(Named):
    skills: list[Name] = Field(default=[], description="skills a porter needs to handle it")


class Department(Named):
    group: Name = Field(description="the group whose porters serve this department's requests")


class LocationIn(_Strict):
    code: Code
    campus: str = ""
    building: Name
    floor: int = Field(ge=-10, le=200)
    room: str = ""
    department: Name | None = None


class Walk(_Strict):
    from_: Name = Field(alias="from")
    to: Name
    minutes: Minutes


class Graph(_Strict):
    """Modelled travel: walking between buildings, lifts between floors."""

    walk_minutes: list[Walk] = Field(description="between buildings, ground floor to ground floor")
    lift_wait_minutes: Minutes = 2.0
    minutes_per_floor: Minutes = 0.5
    corridor_minutes: Minutes = 1.0


class Leg(_Strict):
    from_: Code = Field(alias="from")
    to: Code
    minutes: Minutes


class Travel(_Strict):
    """Either a building graph or a measured matrix (every ordered pair; may differ each way)."""

    graph: Graph | None = None
    matrix: list[Leg] | None = None


class Period(_Strict):
    start: Clock
    end: Clock


class ShiftTemplate(_Strict):
    periods: list[Period] = Field(min_length=1)
    days: list[str] = Field(
        default=list(WEEKDAYS), description="weekdays it is worked: mon, tue, ... sun"
    )


class Role(_Strict):
    name: str = ""
    skills: list[Name] = []
    takes_jobs: bool = True


class RosterEntryIn(_Strict):
    badge: Badge
    name: str = ""
    group: Name
    role: Name
    skills: list[Name] | None = Field(default=None, description="default: the role's skills")
    shift: Name | None = Field(default=None, description="a shift template, every week")
    pattern: dict[str, Name] | None = Field(
        default=None,
        description="a weekly pattern instead: weekday -> shift template, e.g. "
        '{"mon": "early", "tue": "early", "thu": "night"}; days left out are off',
    )
    base: Code = Field(description="the location where the shift starts")


class SkillRulesIn(_Strict):
    modes: dict[str, list[Name]] = Field(default={}, description="mode -> skills it needs")
    isolation: list[Name] = []
    kinds: dict[str, list[Name]] = Field(default={}, description="job kind -> skills it needs")


class RoundIn(_Strict):
    """Recurring work: a job created at set times on set days (a specimen round)."""

    id: Name
    name: str = ""
    kind: str = Field(description="a job kind: specimen, drug, document, item, ...")
    priority: str = "routine"
    origin: Code
    destination: Code
    department: Name
    group: Name | None = Field(default=None, description="default: the department's group")
    times: list[Clock] = Field(min_length=1)
    days: list[str] = Field(default=list(WEEKDAYS))
    requirements: dict[str, Any] = {}
    notes: str = ""


class HospitalFile(_Strict):
    """One hospital (one site): checked whole before anything runs."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, title="Porter dispatch hospital file", populate_by_name=True
    )

    schema_: str | None = Field(default=None, alias="$schema")
    site: Name
    name: str
    about: str = ""
    timezone: str = Field(description="IANA name, e.g. Asia/Shanghai")
    groups: list[Named] = Field(min_length=1)
    skills: list[Named] = []
    equipment: list[EquipmentItem] = []
    skill_rules: SkillRulesIn = SkillRulesIn()
    departments: list[Department] = []
    locations: list[LocationIn] = Field(min_length=2)
    travel: Travel
    shift_templates: dict[Name, ShiftTemplate] = Field(min_length=1)
    roles: dict[Name, Role] = Field(min_length=1)
    roster: list[RosterEntryIn] = []
    rounds: list[RoundIn] = Field(default=[], description="recurring work")


def json_schema() -> dict[str, Any]:
    """The published JSON Schema of the hospital file."""
    schema = HospitalFile.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://porter-dispatch.example/hospital.schema.json"
    return schema
