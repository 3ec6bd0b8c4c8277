"""Staff and their rota, each command get → call → save.

Mixed into `DispatchApp` beside the job lifecycle. Porters are registered,
changed and retired; rota days are planned (by the driver, from each porter's
shift template) and edited by people: leave, sickness, extra shifts, call-ins,
swaps. A rota day must be planned before it is edited: the driver plans days
ahead (`DISPATCH_ROTA_DAYS_AHEAD`, 14 by default), so that is how far ahead leave
can be entered.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

from eventsourcing.domain import Aggregate

from engine.clock import Clock
from engine.domain.actor import current
from engine.domain.commands import Absence, AddShift, ChangePorter, RetirePorter, SwapShifts
from engine.domain.errors import IllegalTransition, InvalidInput
from engine.domain.porter.aggregate import Porter
from engine.domain.rota.aggregate import RotaDay, Shift, rota_day_id
from engine.domain.site import SiteLayout
from engine.domain.values import ENGINE_ROTA

RETIRE_HORIZON_DAYS = 92  # a retirement cancels every planned shift to come within this
MAX_DAYS_AHEAD = 92  # an extra shift is planned at most this far ahead (the rota's limit)
ABSENCE_DAYS_BACK = 31  # sickness is entered late, but not from long ago


class Staffing:
    clock: Clock
    site: str
    layout: SiteLayout

    # Provided by DispatchApp.
    def porter(self, ref: UUID | str) -> Porter:
        raise NotImplementedError

    def record(self, *aggregates: Aggregate) -> None:
        raise NotImplementedError

    def get_aggregate(self, aggregate_id: UUID) -> Aggregate | None:
        raise NotImplementedError

    # -- porters ------------------------------------------------------------------

    def change_porter(self, badge: str, cmd: ChangePorter) -> None:
        porter = self.porter(badge)
        catalogue = self.layout.catalogue
        group = porter.group if cmd.group is None else cmd.group
        role = porter.role if cmd.role is None else cmd.role
        skills = sorted(porter.skills if cmd.skills is None else cmd.skills)
        shift = porter.shift if cmd.shift is None else cmd.shift
        base = porter.base if cmd.base is None else cmd.base
        catalogue.check_group(group)
        catalogue.check_role(role)
        catalogue.check_skills(skills)
        if shift is not None:
            catalogue.check_shift(shift)
        if base is not None:
            self.layout.location(base, "base")
        porter.change(group, role, skills, shift, base, cmd.by, self.clock.now())
        self.record(porter)

    def retire_porter(self, badge: str, cmd: RetirePorter) -> None:
        """A porter leaves the service: their shifts still to come are cancelled with them."""
        porter = self.porter(badge)
        now = self.clock.now()
        days = []
        for day in self._days(now, now + timedelta(days=RETIRE_HORIZON_DAYS)):
            for shift in day.working():
                if shift.badge == porter.badge and shift.start > now:
                    day.cancel(shift.id, "retired", cmd.by, now)
                    if day not in days:
                        days.append(day)
        porter.retire(cmd.reason, cmd.by, now)
        self.record(porter, *days)

    # -- the rota -----------------------------------------------------------------

    def rota_day(self, day: date) -> RotaDay | None:
        found = self.get_aggregate(rota_day_id(self.site, day))
        return found if isinstance(found, RotaDay) else None

    def plan_rota_day(self, day: date, shifts: list[Shift]) -> bool:
        """Plan a day once; False if it was planned already (by this process or another)."""
        if self.rota_day(day) is not None:
            return False
        rota = RotaDay(
            site=self.site,
            day=day.isoformat(),
            shifts=[s.to_data() for s in shifts],
            timestamp=self.clock.now(),
            actor=current(),
        )
        self.record(rota)
        return True

    def reconcile_rota(self, expected: dict[date, list[Shift]]) -> int:
        """Planned days brought in line with the templates (see `RotaDay.reconcile`), in
        one save; returns how many days changed."""
        now = self.clock.now()
        changed = []
        for day, shifts in sorted(expected.items()):
            rota = self.rota_day(day)
            if rota is not None and rota.reconcile(shifts, ENGINE_ROTA, now):
                changed.append(rota)
        if changed:
            self.record(*changed)
        return len(changed)

    def _local(self, when: datetime) -> date:
        return when.astimezone(self.layout.timezone).date()

    def _day_for(self, start: datetime) -> RotaDay:
        day = self._local(start)
        rota = self.rota_day(day)
        if rota is None:
            raise InvalidInput(
                "start",
                f"the rota for {day} is not planned yet (days are planned as far ahead as "
                "DISPATCH_ROTA_DAYS_AHEAD says, 14 by default)",
            )
        return rota

    def _days(self, start: datetime, end: datetime) -> list[RotaDay]:
        """The planned days whose shifts may overlap [start, end)."""
        first, last = self._local(start) - timedelta(days=1), self._local(end)
        days = []
        while first <= last:
            rota = self.rota_day(first)
            if rota is not None:
                days.append(rota)
            first += timedelta(days=1)
        return days

    def add_shift(self, cmd: AddShift) -> str:
        porter = self.porter(cmd.badge)
        if porter.retired:
            raise IllegalTransition(f"porter {porter.badge}", "retired", "add a shift for")
        now = self.clock.now()
        if not now - timedelta(days=1) <= cmd.start <= now + timedelta(days=MAX_DAYS_AHEAD):
            raise InvalidInput(
                "start", f"must be within a day before now and {MAX_DAYS_AHEAD} days after"
            )
        rota = self._day_for(cmd.start)
        shift = Shift(porter.badge, cmd.start, cmd.end, cmd.reason)
        rota.add(shift, cmd.reason, cmd.by, self.clock.now())
        self.record(rota)
        return shift.id

    def absence(self, cmd: Absence) -> list[str]:
        """Leave or sickness; returns the shifts cancelled (none is an error: say so)."""
        porter = self.porter(cmd.badge)
        now = self.clock.now()
        if cmd.start < now - timedelta(days=ABSENCE_DAYS_BACK):
            raise InvalidInput("start", f"may be at most {ABSENCE_DAYS_BACK} days ago")
        if cmd.end - cmd.start > timedelta(days=366):
            raise InvalidInput("end", "an absence is entered a year at most at a time")
        last = self._local(cmd.end - timedelta(microseconds=1))
        if self.rota_day(last) is None:
            raise InvalidInput(
                "end",
                f"the rota for {last} is not planned yet: enter the part of the absence "
                "beyond the planned days once they are (DISPATCH_ROTA_DAYS_AHEAD)",
            )
        cancelled: list[str] = []
        changed = []
        for rota in self._days(cmd.start, cmd.end):
            for shift in rota.working():
                if shift.badge == porter.badge and shift.start < cmd.end and cmd.start < shift.end:
                    rota.cancel(shift.id, cmd.reason, cmd.by, now)
                    cancelled.append(shift.id)
                    if rota not in changed:
                        changed.append(rota)
        if not cancelled:
            raise InvalidInput("start", f"porter {porter.badge} has no planned shift in that time")
        self.record(*changed)
        return cancelled

    def swap_shifts(self, cmd: SwapShifts) -> list[str]:
        """Two porters exchange shifts: each one's is cancelled and the other's added."""
        first = self._shift(cmd.first, "first")
        second = self._shift(cmd.second, "second")
        if first[0].id == second[0].id:  # one day: one aggregate for both edits
            second = (first[0], second[1])
        a, b = first[1], second[1]
        if a.badge == b.badge:
            raise InvalidInput("second", "both shifts belong to the same porter")
        now = self.clock.now()
        first[0].cancel(a.id, "swap", cmd.by, now)
        second[0].cancel(b.id, "swap", cmd.by, now)
        first[0].add(Shift(b.badge, a.start, a.end, "swap"), "swap", cmd.by, now)
        second[0].add(Shift(a.badge, b.start, b.end, "swap"), "swap", cmd.by, now)
        self.record(*{d.id: d for d in (first[0], second[0])}.values())
        return [
            Shift(b.badge, a.start, a.end, "swap").id,
            Shift(a.badge, b.start, b.end, "swap").id,
        ]

    def _shift(self, ref: str, where: str) -> tuple[RotaDay, Shift]:
        _, _, start = ref.partition("@")
        try:
            when = datetime.fromisoformat(start)
        except ValueError:
            raise InvalidInput(where, "a shift id is BADGE@START, as the rota shows it") from None
        rota = self._day_for(when)
        shift = rota.shifts.get(ref)
        if shift is None or ref in rota.cancelled:
            raise InvalidInput(where, f"no working shift {ref} on {rota.day}")
        return rota, shift

    def add_rota_shift(self, shift: Shift, reason: str, by: str) -> None:
        """A shift added as recorded (replays): the day's checks, none of the command's."""
        rota = self._day_for(shift.start)
        rota.add(shift, reason, by, self.clock.now())
        self.record(rota)

    def cancel_rota_shift(self, day: date, shift_id: str, reason: str, by: str) -> None:
        rota = self.rota_day(day)
        if rota is None:
            raise InvalidInput("day", f"the rota for {day} is not planned")
        rota.cancel(shift_id, reason, by, self.clock.now())
        self.record(rota)

    def start_rostered_shift(self, shift: Shift) -> None:
        """The rota says this porter works now: they start at their base."""
        porter = self.porter(shift.badge)
        porter.start_shift(shift.end, self.clock.now(), shift.id, ENGINE_ROTA, porter.base)
        self.record(porter)
