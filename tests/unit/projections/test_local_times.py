"""Answers give times in the hospital's own time zone, with its offset, whatever the
clock's zone: a Shanghai hospital reads +08:00, a London one its own."""

from __future__ import annotations

from datetime import UTC, datetime

from engine.bootstrap import open_site, seed_roster
from engine.clock import ManualClock
from engine.domain.commands import SubmitJob, parse
from engine.hospital import Hospital
from engine.settings import Settings
from tests.hospitals import riverside


def _iso_times(value: object) -> list[str]:
    if isinstance(value, dict):
        return [t for v in value.values() for t in _iso_times(v)]
    if isinstance(value, list):
        return [t for v in value for t in _iso_times(v)]
    if isinstance(value, str) and len(value) >= 25 and value[4] == "-" and value[10] == "T":
        return [value]
    return []


def test_every_time_in_an_answer_carries_the_hospitals_offset() -> None:
    for hospital, offset in (
        (Hospital.load(), "+08:00"),
        (Hospital.from_data(riverside()), "+00:00"),
    ):
        clock = ManualClock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))  # a UTC clock
        site = open_site(Settings(store="memory"), clock, hospital)
        seed_roster(site.app, hospital, clock.now())
        origin, destination, department, group = (
            ("ICU", "LAB", "icu", "internal")
            if hospital.site == "demo"
            else ("N-W1", "N-LAB", "medicine", "wards")
        )
        jid = site.app.submit_job(
            parse(
                SubmitJob,
                {
                    "kind": "document",
                    "origin": origin,
                    "destination": destination,
                    "department": department,
                    "group": group,
                },
            ),
            "tz-1",
        )
        site.driver.step()
        service = site.service
        answers = [
            service.job(jid),
            service.timeline(jid),
            service.porter_board(),
            service.figures(),
        ]
        times = _iso_times(answers)
        assert times
        assert all(t.endswith(offset) for t in times), [t for t in times if not t.endswith(offset)]
