"""Waits by hour: the minutes from a request to its pickup, grouped by the hour the
hospital's own clock read when it was asked for, which is what a desk's chart of its
day shows. Riverside keeps London time: in July an hour ahead of the server's UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest

from engine.bootstrap import Site, open_site, seed_roster
from engine.clock import ManualClock
from engine.domain.commands import SubmitJob, parse
from engine.hospital import Hospital
from engine.settings import Settings
from tests.hospitals import riverside

NOTES = {
    "kind": "document",
    "origin": "N-W1",
    "destination": "N-LAB",
    "department": "medicine",
}


def picked_up_after(site: Site, clock: ManualClock, key: str, minutes: float) -> UUID:
    """A job asked for now, assigned by a round, picked up `minutes` (and the second
    the round waited) later."""
    jid = site.app.submit_job(parse(SubmitJob, NOTES), key)
    clock.advance(seconds=1)  # past the shortest gap between rounds
    site.driver.step()
    job = site.app.job(jid)
    assert job.porter_ids, "a round placed it"
    porter = UUID(job.porter_ids[0])
    clock.advance(minutes=minutes)
    site.app.acknowledge_job(jid, porter)
    site.app.pick_up_job(jid, porter)
    site.driver.step()
    return jid


def test_waits_are_grouped_by_the_hospitals_local_hour_not_the_servers() -> None:
    hospital = Hospital.from_data(riverside())
    clock = ManualClock(datetime(2026, 7, 14, 8, 5, tzinfo=UTC))  # 09:05 in London
    site = open_site(Settings(store="memory"), clock, hospital)
    seed_roster(site.app, hospital, clock.now())
    picked_up_after(site, clock, "nine", 12)
    clock.advance(minutes=80)  # 10:37 in London
    picked_up_after(site, clock, "ten-a", 20)
    picked_up_after(site, clock, "ten-b", 4)
    site.app.submit_job(parse(SubmitJob, NOTES), "ten-waiting")  # not picked up: no wait yet
    site.driver.step()

    waits = site.service.figures()["waits_by_hour"]

    assert list(waits) == ["09", "10"]
    assert waits["09"]["count"] == 1
    assert waits["09"]["p50"] == pytest.approx(12.0, abs=0.1)
    assert waits["10"]["count"] == 2
    assert waits["10"]["max"] == pytest.approx(20.0, abs=0.1)
    assert waits["10"]["mean"] == pytest.approx(12.0, abs=0.1)


def test_a_period_counts_the_waits_of_the_jobs_requested_in_it_only() -> None:
    hospital = Hospital.from_data(riverside())
    clock = ManualClock(datetime(2026, 7, 14, 8, 5, tzinfo=UTC))
    site = open_site(Settings(store="memory"), clock, hospital)
    seed_roster(site.app, hospital, clock.now())
    picked_up_after(site, clock, "nine", 12)
    clock.advance(minutes=80)
    picked_up_after(site, clock, "ten", 5)
    start = datetime(2026, 7, 14, 10, 0, tzinfo=hospital.timezone)

    waits = site.service.figures(start, None)["waits_by_hour"]

    assert list(waits) == ["10"]
