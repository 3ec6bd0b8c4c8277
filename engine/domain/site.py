"""A site's layout and catalogue: its locations, the minutes it takes to move between
them, and the groups, skills, equipment and departments its requests name.

Travel is either modelled or measured. Modelled: walking minutes between
buildings (ground floor to ground floor) plus minutes per floor by lift, plus a
fixed lift wait whenever floors change, which keeps a site file small while
still giving every pair of locations a time. Measured: minutes for every
ordered pair, which may differ each way (uphill, one-way corridors, lifts that
only go up). `matrix()` precomputes all pairs for the assignment core.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from engine.domain.errors import InvalidInput
from engine.domain.values import Location, Requirements


def _frozen(mapping: Mapping[str, Iterable[str]]) -> Mapping[str, frozenset[str]]:
    return MappingProxyType({k: frozenset(v) for k, v in mapping.items()})


@dataclass(frozen=True)
class SkillRules:
    """Which skills a request demands of the porter who takes it, by the site's rules."""

    modes: Mapping[str, frozenset[str]] = field(default_factory=lambda: _frozen({}))
    isolation: frozenset[str] = frozenset()
    kinds: Mapping[str, frozenset[str]] = field(default_factory=lambda: _frozen({}))
    equipment: Mapping[str, frozenset[str]] = field(default_factory=lambda: _frozen({}))

    @classmethod
    def of(
        cls,
        modes: Mapping[str, Iterable[str]] | None = None,
        isolation: Iterable[str] = (),
        kinds: Mapping[str, Iterable[str]] | None = None,
        equipment: Mapping[str, Iterable[str]] | None = None,
    ) -> SkillRules:
        return cls(
            _frozen(modes or {}),
            frozenset(isolation),
            _frozen(kinds or {}),
            _frozen(equipment or {}),
        )

    def required(self, kind: str, requirements: Requirements) -> frozenset[str]:
        needed = set(self.modes.get(requirements.mode.value, ()))
        if requirements.isolation:
            needed |= self.isolation
        needed |= self.kinds.get(kind, frozenset())
        for item in requirements.equipment:
            needed |= self.equipment.get(item, frozenset())
        return frozenset(needed)


# What requests demanded before sites said so themselves: jobs recorded then are read
# with these rules (the demo hospital's).
LEGACY_SKILL_RULES = SkillRules.of(
    modes={"stretcher": ["stretcher_bed"], "bed": ["stretcher_bed"]},
    isolation=["isolation"],
    kinds={"specimen": ["specimen"], "urgent_blood": ["specimen"]},
)


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PATTERN = "pattern:"


def pattern_name(pattern: Mapping[str, str]) -> str:
    """A weekly pattern as a porter's shift: `pattern:mon=early,thu=night` (weekday order)."""
    return PATTERN + ",".join(f"{d}={pattern[d]}" for d in WEEKDAYS if d in pattern)


def pattern_of(shift: str) -> dict[str, str] | None:
    """The weekday -> template map of a pattern name; None for a plain template."""
    if not shift.startswith(PATTERN):
        return None
    parts = [part.partition("=") for part in shift[len(PATTERN) :].split(",") if part]
    return {day: template for day, _, template in parts}


@dataclass(frozen=True)
class Catalogue:
    """The names a site's requests and staff may use. Empty means "not listed": a site
    file that lists no departments accepts any (the demo lists them all)."""

    groups: frozenset[str] = frozenset()
    skills: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()
    equipment: frozenset[str] = frozenset()
    departments: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """department -> the group whose porters serve it"""
    rules: SkillRules = LEGACY_SKILL_RULES
    shift_templates: frozenset[str] = frozenset()

    def _check(self, kind: str, known: Iterable[str], value: str, where: str) -> None:
        names = sorted(known)
        if names and value not in names:
            shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
            raise InvalidInput(where, f"unknown {kind} {value!r}; this site has: {shown}")

    def check_group(self, value: str, where: str = "group") -> None:
        self._check("group", self.groups, value, where)

    def check_skills(self, values: Iterable[str], where: str = "skills") -> None:
        for i, value in enumerate(values):
            self._check("skill", self.skills, value, f"{where}[{i}]")

    def check_role(self, value: str, where: str = "role") -> None:
        self._check("role", self.roles, value, where)

    def check_equipment(self, values: Iterable[str], where: str = "equipment") -> None:
        for i, value in enumerate(values):
            self._check("equipment", self.equipment, value, f"{where}[{i}]")

    def check_department(self, value: str, where: str = "department") -> None:
        self._check("department", self.departments, value, where)

    def serving(self, department: str) -> str:
        """The group whose porters serve `department`: where a request naming no group goes."""
        self.check_department(department)
        group = self.departments.get(department)
        if group is None:
            raise InvalidInput(
                "group", f"name one: this site does not say which group serves {department!r}"
            )
        return group

    def check_shift(self, value: str, where: str = "shift") -> None:
        """A template, or a weekly pattern of them (`pattern:mon=early,thu=night`)."""
        week = pattern_of(value)
        if week is not None:
            if not week:
                raise InvalidInput(where, "a weekly pattern names at least one day")
            for day, template in week.items():
                if day not in WEEKDAYS or not template:
                    raise InvalidInput(where, f"{day}={template} is not weekday=template")
                self._check("shift template", self.shift_templates, template, where)
            return
        self._check("shift template", self.shift_templates, value, where)


@dataclass(frozen=True)
class SiteLayout:
    site: str
    name: str
    locations: dict[str, Location]
    walk_minutes: dict[tuple[str, str], float]
    lift_wait_minutes: float = 2.0
    minutes_per_floor: float = 0.5
    corridor_minutes: float = 1.0
    measured: Mapping[tuple[str, str], float] | None = None
    """Measured minutes for every ordered pair of locations; None: modelled travel."""
    catalogue: Catalogue = field(default_factory=Catalogue)
    timezone: tzinfo = UTC
    """the hospital's own: its rota's days, and every time it answers with"""
    _matrix: list[NDArray[np.float64]] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> SiteLayout:
        site = data["site"]
        locations = {
            loc["code"]: Location(
                code=loc["code"],
                site=site,
                building=loc["building"],
                floor=int(loc["floor"]),
                room=loc.get("room", ""),
            )
            for loc in data["locations"]
        }
        walk: dict[tuple[str, str], float] = {}
        for row in data["walk_minutes"]:
            a, b, minutes = row["from"], row["to"], float(row["minutes"])
            walk[(a, b)] = walk[(b, a)] = minutes
        layout = cls(
            site=site,
            name=data.get("name", site),
            locations=locations,
            walk_minutes=walk,
            lift_wait_minutes=float(data.get("lift_wait_minutes", 2.0)),
            minutes_per_floor=float(data.get("minutes_per_floor", 0.5)),
            corridor_minutes=float(data.get("corridor_minutes", 1.0)),
        )
        layout._check()
        return layout

    def _check(self) -> None:
        if self.measured is not None:
            return  # a measured matrix is checked whole when the hospital file is read
        buildings = {loc.building for loc in self.locations.values()}
        for a in buildings:
            for b in buildings:
                if a != b and (a, b) not in self.walk_minutes:
                    raise ValueError(f"site {self.site}: no walking time from {a} to {b}")

    @property
    def codes(self) -> list[str]:
        return sorted(self.locations)

    def location(self, code: str, field_name: str = "location") -> Location:
        try:
            return self.locations[code]
        except KeyError:
            raise InvalidInput(
                field_name, f"unknown location {code!r} on site {self.site}"
            ) from None

    def travel_minutes(self, a: str, b: str) -> float:
        if a == b:
            return 0.0
        if self.measured is not None:
            return self.measured[(a, b)]
        la, lb = self.locations[a], self.locations[b]
        minutes = self.corridor_minutes
        if la.building != lb.building:
            minutes += self.walk_minutes[(la.building, lb.building)]
            floors = la.floor + lb.floor  # down to the ground and up again
        else:
            floors = abs(la.floor - lb.floor)
        if floors:
            minutes += self.lift_wait_minutes + self.minutes_per_floor * floors
        return minutes

    def matrix(self) -> NDArray[np.float64]:
        """All-pairs travel minutes, rows and columns in `codes` order; built once."""
        if not self._matrix:
            codes = self.codes
            m = np.array([[self.travel_minutes(a, b) for b in codes] for a in codes])
            m.setflags(write=False)
            self._matrix.append(m)
        return self._matrix[0]
