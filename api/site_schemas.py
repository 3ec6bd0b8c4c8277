"""Answers about the site itself and the caller: what screens need to fill their forms
(locations, departments, the vocabularies of kinds, priorities and reasons) and to
show only what the caller's role may do."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Named(BaseModel):
    id: str
    name: str = Field(description="what people call it; the id when the file gives none")


class DepartmentPublic(Named):
    group: str = Field(description="the group whose porters serve its requests")


class Vocabulary(BaseModel):
    """The values the API accepts, so a client need not copy them."""

    kinds: list[str]
    priorities: list[str] = Field(description="most urgent first")
    modes: list[str]
    accompaniments: list[str]
    reasons: list[str] = Field(description="for holds, releases, cancellations, failures")
    incidents: list[str]
    complaints: list[str]


class SitePublic(BaseModel):
    site: str
    name: str
    timezone: str = Field(description="IANA name: the hospital's times are shown in it")
    groups: list[Named]
    departments: list[DepartmentPublic]
    equipment: list[Named]
    vocabulary: Vocabulary


class LocationPublic(BaseModel):
    code: str = Field(description="what requests name as origin or destination")
    building: str
    floor: int
    room: str
    department: str | None = Field(description="the department it belongs to, if any")


class MePublic(BaseModel):
    """Who the token is: screens show only what this role may do."""

    role: str
    who: str = Field(description="recorded as `by` on what the caller does")
    badge: str | None = Field(description="porters: the badge they act as")
    department: str | None = Field(description="wards: their department")
