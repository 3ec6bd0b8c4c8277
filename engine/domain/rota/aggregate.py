"""The rota, one aggregate per site and local date: who works which shift that day.

A day is planned once, from each porter's shift template (`Planned`), before it
begins; planners and dispatchers then edit it: a shift cancelled for leave or
sickness, an extra shift or a call-in added, two shifts swapped (one cancelled
and one added for each porter). A shift belongs to the day it starts on, so a
night shift that crosses midnight is one shift. The driver starts and ends
shifts by what the rota says at each moment; a replay knows who was on duty.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from engine.domain.actor import ActorData, current
from engine.domain.errors import IllegalTransition, InvalidInput
from engine.domain.ids import site_namespace

CANCEL_REASONS = ("leave", "sickness", "swap", "retired", "changed")
ADD_REASONS = ("extra", "call_in", "swap", "rostered")
# Sources of shifts that templates did not make (people added them, or a what-if took
# them from a recorded log): bringing a day in line with the templates keeps them.
BY_HAND = ("extra", "call_in", "swap", "recorded")


def rota_day_id(site: str, day: date) -> UUID:
    from uuid import uuid5

    return uuid5(site_namespace(site), f"rota:{day.isoformat()}")


@dataclass(frozen=True)
class Shift:
    """One porter's working period; `id` is stable: badge and start."""

    badge: str
    start: datetime
    end: datetime
    source: str  # the template's name, or why it was added (extra, call_in, swap)

    @property
    def id(self) -> str:
        return shift_id(self.badge, self.start)

    def covers(self, when: datetime) -> bool:
        return self.start <= when < self.end

    def to_data(self) -> dict[str, Any]:
        return {
            "badge": self.badge,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "source": self.source,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Shift:
        return cls(
            data["badge"],
            datetime.fromisoformat(data["start"]),
            datetime.fromisoformat(data["end"]),
            data["source"],
        )


def shift_id(badge: str, start: datetime) -> str:
    return f"{badge}@{start.isoformat()}"


class Templates(Protocol):
    """What planning a day needs of a hospital: its shift templates by date."""

    def shift_periods(self, template: str, day: date) -> list[tuple[datetime, datetime]]: ...

    def template_on(self, template: str, day: date) -> str:
        """The template worked on `day` (a weekly pattern names one per weekday)."""
        ...


class RotaDay(Aggregate):
    @staticmethod
    def create_id(site: str, day: str) -> UUID:
        return rota_day_id(site, date.fromisoformat(day))

    @event("Planned")
    def __init__(
        self,
        site: str,
        day: str,
        shifts: list[dict[str, Any]],
        timestamp: datetime,
        actor: ActorData | None = None,
    ) -> None:
        self.site = site
        self.day = date.fromisoformat(day)
        self.shifts: dict[str, Shift] = {}
        self.cancelled: dict[str, str] = {}  # shift id -> reason
        for data in shifts:
            shift = Shift.from_data(data)
            self.shifts[shift.id] = shift

    def __deepcopy__(self, memo: dict[int, object]) -> RotaDay:
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone.shifts = dict(self.shifts)
        clone.cancelled = dict(self.cancelled)
        clone.__dict__.pop("_working", None)
        clone._pending_events = list(self._pending_events)
        return clone

    def working(self) -> list[Shift]:
        """The day's shifts not cancelled, by start and badge (kept until the day changes:
        the driver asks every tick)."""
        cached: list[Shift] | None = self.__dict__.get("_working")
        if cached is None:
            cached = sorted(
                (s for i, s in self.shifts.items() if i not in self.cancelled),
                key=lambda s: (s.start, s.badge),
            )
            self.__dict__["_working"] = cached
        return list(cached)

    # -- commands -------------------------------------------------------------

    def add(self, shift: Shift, reason: str, by: str, at: datetime) -> None:
        if reason not in ADD_REASONS:
            raise InvalidInput("reason", f"must be one of {', '.join(ADD_REASONS)}")
        if shift.end <= shift.start:
            raise InvalidInput("end", "a shift must end after it starts")
        clash = [
            s
            for s in self.working()
            if s.badge == shift.badge and s.start < shift.end and shift.start < s.end
        ]
        if clash:
            when = f"{clash[0].start:%H:%M}-{clash[0].end:%H:%M}"
            raise IllegalTransition(
                f"porter {shift.badge}", f"rostered {when}", "add an overlapping shift"
            )
        self._added(shift=shift.to_data(), reason=reason, by=by, timestamp=at, actor=current())

    @event("ShiftAdded")
    def _added(
        self,
        shift: dict[str, Any],
        reason: str,
        by: str,
        timestamp: datetime,
        actor: ActorData | None = None,
    ) -> None:
        added = Shift.from_data(shift)
        self.shifts[added.id] = added
        self.cancelled.pop(added.id, None)
        self.__dict__.pop("_working", None)

    def cancel(self, shift_id: str, reason: str, by: str, at: datetime) -> None:
        if reason not in CANCEL_REASONS:
            raise InvalidInput("reason", f"must be one of {', '.join(CANCEL_REASONS)}")
        if shift_id not in self.shifts:
            raise InvalidInput("shift", f"no shift {shift_id} on {self.day}")
        if shift_id in self.cancelled:
            raise IllegalTransition(f"shift {shift_id}", "cancelled", "cancel")
        self._cancelled(shift_id=shift_id, reason=reason, by=by, timestamp=at, actor=current())

    def reconcile(self, expected: list[Shift], by: str, at: datetime) -> bool:
        """Bring the day in line with the porters' templates as they are now, for shifts
        still to come: one added for a porter registered since (or, under way, to work
        now), one cancelled or reshaped for a template changed or removed, one cancelled
        as "changed" added back if its template returns. What people did by hand
        stays: shifts they added, and leave, sickness and swaps, which nothing that a
        template gives may overlap. A porter already working another template's shift
        today keeps today as it is. Returns whether anything changed."""
        changed = False
        wanted = {s.id: s for s in expected}
        for shift in self.working():
            if shift.source in BY_HAND or shift.start <= at:
                continue
            want = wanted.get(shift.id)
            if want is None:
                self._cancelled(
                    shift_id=shift.id, reason="changed", by=by, timestamp=at, actor=current()
                )
                changed = True
            elif (want.end, want.source) != (shift.end, shift.source):  # same start, reshaped
                self._added(
                    shift=want.to_data(), reason="rostered", by=by, timestamp=at, actor=current()
                )
                changed = True
        for shift in expected:
            if shift.end <= at:
                continue
            if shift.id in self.shifts and self.cancelled.get(shift.id) != "changed":
                continue  # there already, or cancelled by hand
            if self._clashes(shift):
                continue
            self._added(
                shift=shift.to_data(), reason="rostered", by=by, timestamp=at, actor=current()
            )
            changed = True
        return changed

    def _clashes(self, shift: Shift) -> bool:
        for other in self.shifts.values():
            if other.badge != shift.badge or other.id == shift.id:
                continue
            reason = self.cancelled.get(other.id)
            overlaps = other.start < shift.end and shift.start < other.end
            if reason in ("leave", "sickness") and overlaps:
                return True
            if reason is None and (
                overlaps or (other.source not in BY_HAND and other.source != shift.source)
            ):
                return True
        return False

    @event("ShiftCancelled")
    def _cancelled(
        self,
        shift_id: str,
        reason: str,
        by: str,
        timestamp: datetime,
        actor: ActorData | None = None,
    ) -> None:
        self.cancelled[shift_id] = reason
        self.__dict__.pop("_working", None)


def plan_day(templates: Templates, porters: list[tuple[str, str]], day: date) -> list[Shift]:
    """The shifts each (badge, template) pair gives on `day`, by start and badge."""
    shifts = [
        Shift(badge, begin, finish, templates.template_on(template, day))
        for badge, template in porters
        for begin, finish in templates.shift_periods(template, day)
    ]
    return sorted(shifts, key=lambda s: (s.start, s.badge))
