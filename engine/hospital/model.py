"""A hospital's static data: site layout and catalogue, roster and shift templates.

The demo hospital ships inside the package (`engine/data/demo_hospital.json`),
so a fresh clone runs without anything else on disk; any other hospital is a
file of the same shape (`engine.hospital.file`), named by `DISPATCH_HOSPITAL`
or `--hospital`, and checked whole before anything runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from engine.domain.recurring import RecurringWork
from engine.domain.site import WEEKDAYS, Catalogue, SiteLayout, SkillRules, pattern_name, pattern_of
from engine.domain.values import Location
from engine.hospital.check import parse, read_file, round_request
from engine.hospital.file import HospitalFile

DEMO = "demo_hospital.json"


@dataclass(frozen=True)
class RosterEntry:
    badge: str
    group: str
    role: str
    skills: tuple[str, ...]
    shift: str
    base: str
    takes_jobs: bool
    name: str = ""


@dataclass(frozen=True)
class ShiftTemplate:
    periods: tuple[tuple[time, time], ...]
    days: frozenset[int] = frozenset(range(7))  # Monday 0 ... Sunday 6


@dataclass(frozen=True)
class Hospital:
    layout: SiteLayout
    roster: tuple[RosterEntry, ...]
    shift_templates: dict[str, ShiftTemplate]
    timezone: ZoneInfo
    departments: dict[str, str] = field(default_factory=dict)
    """location code -> the department it belongs to"""
    recurring: tuple[RecurringWork, ...] = ()
    source: str = field(default="demo", compare=False)
    """Where the data came from: `demo` or the file's path (answers and reports say)."""
    names: dict[str, dict[str, str]] = field(default_factory=dict, compare=False)
    """What people call things, by kind (`groups`, `departments`, `equipment`) and id:
    the engine works with ids, screens show names."""

    @classmethod
    def from_data(cls, data: dict[str, Any], source: str = "data") -> Hospital:
        """Check `data` whole (raises `HospitalFileError` listing every problem)."""
        return cls.from_file(parse(data, source), source)

    @classmethod
    def from_file(cls, h: HospitalFile, source: str) -> Hospital:
        locations = {
            loc.code: Location(
                code=loc.code,
                site=h.site,
                building=loc.building,
                floor=loc.floor,
                room=loc.room,
            )
            for loc in h.locations
        }
        catalogue = Catalogue(
            groups=frozenset(g.id for g in h.groups),
            skills=frozenset(s.id for s in h.skills),
            roles=frozenset(h.roles),
            equipment=frozenset(e.id for e in h.equipment),
            departments=MappingProxyType({d.id: d.group for d in h.departments}),
            rules=SkillRules.of(
                modes=h.skill_rules.modes,
                isolation=h.skill_rules.isolation,
                kinds=h.skill_rules.kinds,
                equipment={e.id: e.skills for e in h.equipment},
            ),
            shift_templates=frozenset(h.shift_templates),
        )
        walk: dict[tuple[str, str], float] = {}
        graph, matrix = h.travel.graph, h.travel.matrix
        if graph is not None:
            for w in graph.walk_minutes:
                walk[(w.from_, w.to)] = walk[(w.to, w.from_)] = w.minutes
        layout = SiteLayout(
            site=h.site,
            name=h.name,
            locations=locations,
            walk_minutes=walk,
            lift_wait_minutes=graph.lift_wait_minutes if graph else 0.0,
            minutes_per_floor=graph.minutes_per_floor if graph else 0.0,
            corridor_minutes=graph.corridor_minutes if graph else 0.0,
            measured=None if matrix is None else {(m.from_, m.to): m.minutes for m in matrix},
            catalogue=catalogue,
            timezone=ZoneInfo(h.timezone),
        )
        roster = tuple(
            RosterEntry(
                badge=r.badge,
                group=r.group,
                role=r.role,
                skills=tuple(sorted(h.roles[r.role].skills if r.skills is None else r.skills)),
                shift=r.shift if r.shift is not None else pattern_name(r.pattern or {}),
                base=r.base,
                takes_jobs=h.roles[r.role].takes_jobs,
                name=r.name,
            )
            for r in h.roster
        )
        templates = {
            name: ShiftTemplate(
                tuple((time.fromisoformat(p.start), time.fromisoformat(p.end)) for p in t.periods),
                frozenset(WEEKDAYS.index(d) for d in t.days),
            )
            for name, t in h.shift_templates.items()
        }
        departments = {loc.code: loc.department for loc in h.locations if loc.department}
        served_by = {d.id: d.group for d in h.departments}
        recurring = tuple(
            RecurringWork(
                r.id,
                round_request(r, served_by),
                tuple(time.fromisoformat(t) for t in r.times),
                frozenset(WEEKDAYS.index(d) for d in r.days),
            )
            for r in h.rounds
        )
        names = {
            "groups": {g.id: g.name or g.id for g in h.groups},
            "departments": {d.id: d.name or d.id for d in h.departments},
            "equipment": {e.id: e.name or e.id for e in h.equipment},
        }
        return cls(
            layout, roster, templates, ZoneInfo(h.timezone), departments, recurring, source, names
        )

    @classmethod
    def load(cls, path: Path | str | None = None) -> Hospital:
        """The hospital in `path`, or the demo hospital shipped in the package."""
        if path is None or str(path) in ("", "demo"):
            return _demo()
        path = Path(path)
        return cls.from_data(read_file(path), str(path))

    @property
    def site(self) -> str:
        return self.layout.site

    def shift_periods(self, template: str, day: date) -> list[tuple[datetime, datetime]]:
        """The working periods a template (or a weekly pattern of them) gives on `day`;
        a night shift ends the next day."""
        template = self.template_on(template, day)
        if not template:
            return []
        shift = self.shift_templates[template]
        if day.weekday() not in shift.days:
            return []
        periods = []
        for start, end in shift.periods:
            begin = datetime.combine(day, start, self.timezone)
            finish = datetime.combine(day, end, self.timezone)
            if finish <= begin:
                finish += timedelta(days=1)
            periods.append((begin, finish))
        return periods

    def template_on(self, template: str, day: date) -> str:
        """The template worked on `day`: a weekly pattern names one per weekday ("" off)."""
        week = pattern_of(template)
        return template if week is None else week.get(WEEKDAYS[day.weekday()], "")

    def on_duty_until(self, entry: RosterEntry, when: datetime) -> datetime | None:
        """When this person's current period ends, or None if off duty at `when`."""
        local = when.astimezone(self.timezone)
        for day in (local.date() - timedelta(days=1), local.date()):
            for begin, finish in self.shift_periods(entry.shift, day):
                if begin <= local < finish:
                    return finish
        return None

    def porters(self) -> tuple[RosterEntry, ...]:
        return tuple(r for r in self.roster if r.takes_jobs)


_DEMO: list[Hospital] = []


def _demo() -> Hospital:
    """Parsed once per process: the demo never changes while it runs."""
    if not _DEMO:
        text = resources.files("engine").joinpath(f"data/{DEMO}").read_text("utf-8")
        import json

        _DEMO.append(Hospital.from_data(json.loads(text), "demo"))
    return _DEMO[0]
