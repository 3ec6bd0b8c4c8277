"""A server started at any hour of any day has exactly the rota's porters on shift."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.bootstrap import open_site, seed_roster
from engine.clock import ManualClock
from engine.hospital import Hospital
from engine.settings import Settings

DEMO = Hospital.load()
WEEK = datetime(2026, 11, 23, tzinfo=DEMO.timezone)  # a Monday


@settings(max_examples=25, deadline=None)
@given(minute=st.integers(min_value=0, max_value=7 * 24 * 60 - 1))
def test_the_demo_started_at_any_minute_of_the_week_has_the_rotas_porters_on_shift(
    minute: int,
) -> None:
    when = WEEK + timedelta(minutes=minute)
    site = open_site(Settings(store="memory"), ManualClock(when), DEMO)
    seed_roster(site.app, DEMO)  # as `serve` does: registered, not started
    site.driver.step()
    with site.board.held():
        on_shift = {p.badge for p in site.board.porters.values() if p.on_shift}
        rostered = {s.badge for s in site.board.rostered(when, DEMO.timezone)}
    expected = {e.badge for e in DEMO.porters() if DEMO.on_duty_until(e, when) is not None}
    assert on_shift == rostered == expected
