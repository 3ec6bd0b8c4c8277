"""The rota's finer rules, each from a case a review found: an early start by hand, a
template changed and changed back, leave that a new template may not override,
leave past the planned days, overtime that stops when the hands are free."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from engine.bootstrap import Site, open_site, seed_roster
from engine.clock import ManualClock
from engine.domain.commands import Absence, ChangePorter
from engine.domain.errors import InvalidInput
from engine.hospital import Hospital
from engine.settings import Settings

DEMO = Hospital.load()
TZ = DEMO.timezone


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 23 + day, hour, minute, tzinfo=TZ)  # day 0: a Monday


def site_at(when: datetime) -> tuple[Site, ManualClock]:
    clock = ManualClock(when)
    site = open_site(Settings(store="memory"), clock, DEMO)
    seed_roster(site.app, DEMO)
    site.driver.step()
    return site, clock


def shifts_of(site: Site, day: date, badge: str) -> list[tuple[str, str | None]]:
    rota = site.app.rota_day(day)
    assert rota is not None
    return [
        (f"{s.start:%H:%M}-{s.end:%H:%M} {s.source}", rota.cancelled.get(s.id))
        for s in sorted(rota.shifts.values(), key=lambda s: s.start)
        if s.badge == badge
    ]


def test_a_porter_who_started_by_hand_early_and_went_home_is_not_started_again() -> None:
    site, clock = site_at(at(0, 7, 0))
    badge = "IM-ESC-01"  # early: 07:30-15:30
    clock.set(at(0, 7, 20))
    site.app.start_shift(badge, at(0, 15, 30))
    clock.set(at(0, 10, 55))
    site.app.end_shift(badge, by=badge)
    clock.advance(minutes=1)
    site.driver.step()
    assert not site.app.porter(badge).on_shift


def test_a_template_changed_and_changed_back_gives_the_first_shifts_again() -> None:
    site, _ = site_at(at(0, 9))
    badge = "IM-ESC-01"
    tomorrow = at(1, 0).date()
    site.app.change_porter(badge, ChangePorter(shift="night", by="planner"))
    site.driver.step()
    assert shifts_of(site, tomorrow, badge) == [
        ("07:30-15:30 early", "changed"),
        ("23:00-07:30 night", None),
    ]
    site.app.change_porter(badge, ChangePorter(shift="early", by="planner"))
    site.driver.step()
    assert shifts_of(site, tomorrow, badge) == [
        ("07:30-15:30 early", None),
        ("23:00-07:30 night", "changed"),
    ]


def test_a_changed_template_neither_overrides_leave_nor_doubles_todays_shift() -> None:
    site, _ = site_at(at(0, 9))
    badge = "IM-ESC-01"
    tomorrow = at(1, 0).date()
    site.app.absence(Absence(badge=badge, start=at(1, 0), end=at(2, 0), reason="leave", by="p"))
    site.app.change_porter(badge, ChangePorter(shift="dispatch_middle", by="planner"))
    site.driver.step()
    assert shifts_of(site, tomorrow, badge) == [("07:30-15:30 early", "leave")]
    # Today the porter works the early shift already: no middle shift on top of it.
    assert shifts_of(site, at(0, 0).date(), badge) == [("07:30-15:30 early", None)]


def test_leave_beyond_the_planned_days_is_refused_not_half_applied() -> None:
    site, _ = site_at(at(0, 9))
    far = at(0, 9) + timedelta(days=40)
    with pytest.raises(InvalidInput) as refused:
        site.app.absence(
            Absence(badge="IM-ESC-01", start=at(1, 0), end=far, reason="leave", by="p")
        )
    assert refused.value.field == "end"
    assert shifts_of(site, at(1, 0).date(), "IM-ESC-01") == [("07:30-15:30 early", None)]


def test_overtime_stops_when_the_hands_are_free_not_when_anyone_notices() -> None:
    site, clock = site_at(at(0, 15, 0))
    badge = "IM-ESC-01"
    assert site.app.porter(badge).on_shift
    clock.set(at(0, 18, 0))  # the server was down over the shift's end
    site.driver.step()
    porter = site.app.porter(badge)
    assert not porter.on_shift
    (ended,) = [e for e in site.app.events_of(porter.id) if type(e).__name__ == "ShiftEnded"]
    assert ended.overtime_minutes == 0.0
