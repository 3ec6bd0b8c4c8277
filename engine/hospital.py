"""A hospital's static data: site layout, roster and shift templates.

The demo hospital ships inside the package (`engine/data/demo_hospital.json`),
so a fresh clone runs without anything else on disk.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from engine.domain.site import SiteLayout


@dataclass(frozen=True)
class RosterEntry:
    badge: str
    group: str
    role: str
    skills: tuple[str, ...]
    shift: str
    base: str
    takes_jobs: bool


@dataclass(frozen=True)
class Hospital:
    layout: SiteLayout
    roster: tuple[RosterEntry, ...]
    shift_templates: dict[str, tuple[tuple[time, time], ...]]
    timezone: ZoneInfo

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Hospital:
        roles = data["roles"]
        roster = tuple(
            RosterEntry(
                badge=r["badge"],
                group=r["group"],
                role=r["role"],
                skills=tuple(r["skills"]),
                shift=r["shift"],
                base=r["base"],
                takes_jobs=bool(roles[r["role"]]["takes_jobs"]),
            )
            for r in data["roster"]
        )
        templates = {
            name: tuple(
                (time.fromisoformat(p["start"]), time.fromisoformat(p["end"])) for p in parts
            )
            for name, parts in data["shift_templates"].items()
        }
        return cls(SiteLayout.from_data(data), roster, templates, ZoneInfo(data["timezone"]))

    @classmethod
    def load(cls, path: Path | None = None) -> Hospital:
        if path is None:
            text = resources.files("engine").joinpath("data/demo_hospital.json").read_text("utf-8")
        else:
            text = path.read_text("utf-8")
        return cls.from_data(json.loads(text))

    def shift_periods(self, template: str, day: date) -> list[tuple[datetime, datetime]]:
        """The working periods a template gives on `day`; a night shift ends the next day."""
        periods = []
        for start, end in self.shift_templates[template]:
            begin = datetime.combine(day, start, self.timezone)
            finish = datetime.combine(day, end, self.timezone)
            if finish <= begin:
                finish += timedelta(days=1)
            periods.append((begin, finish))
        return periods

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
