"""Each site keeps to itself: its own table on SQLite as on PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore

from engine.bootstrap import bootstrap, seed_roster
from engine.clock import ManualClock
from engine.domain.errors import PorterNotFound
from engine.hospital import Hospital
from engine.settings import Settings
from engine.write.application import DispatchApp
from engine.write.eventlog import read_notifications


def sqlite(site: str, path: Path) -> Settings:
    return Settings(store="sqlite", site=site, sqlite_path=path)


def test_two_sites_in_one_sqlite_file_see_only_their_own_events(
    tmp_path: Path, clock: ManualClock, hospital: Hospital
) -> None:
    north = bootstrap(sqlite("north", tmp_path / "one.sqlite"), clock, hospital)
    south = bootstrap(sqlite("south", tmp_path / "one.sqlite"), clock, hospital)
    seed_roster(north, hospital, clock.now())
    assert len(_events(south)) == 1  # its own default policy only
    assert len(_events(north)) > len(hospital.porters())
    with pytest.raises(PorterNotFound):
        south.porter("EM-STR-01")


def _events(app: DispatchApp) -> list[StoredEvent]:
    return [
        StoredEvent(n.originator_id, n.originator_version, n.topic, n.state)
        for n in read_notifications(app)
    ]


def test_a_file_written_before_sites_had_tables_of_their_own_is_taken_over_site_by_site(
    tmp_path: Path, clock: ManualClock, hospital: Hospital
) -> None:
    memory = {}
    for site in ("north", "south"):
        app = bootstrap(Settings(store="memory", site=site), clock, hospital)
        seed_roster(app, hospital, clock.now() if site == "north" else None)
        memory[site] = _events(app)
    # The old layout: both sites' events interleaved in the library's shared table.
    path = tmp_path / "old.sqlite"
    shared = SQLiteApplicationRecorder(SQLiteDatastore(str(path)))
    shared.create_table()
    for north, south in zip(memory["north"], memory["south"], strict=False):
        shared.insert_events([north])
        shared.insert_events([south])
    rest = memory["north"][len(memory["south"]) :]
    shared.insert_events(rest)
    for site in ("north", "south"):
        app = bootstrap(sqlite(site, path), clock, hospital, publish_default_policy=False)
        assert _events(app) == memory[site]
        assert app.porter("EM-STR-01").badge == "EM-STR-01"
        app.close()
    again = bootstrap(sqlite("north", path), clock, hospital)  # taken over once only
    assert _events(again) == memory["north"]


def test_a_site_of_another_hospital_uses_its_own_groups_skills_and_measured_travel(
    clock: ManualClock,
) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from engine.bootstrap import open_site
    from engine.domain.commands import SubmitJob, parse
    from engine.domain.errors import InvalidInput
    from tests.hospitals import riverside

    hospital = Hospital.from_data(riverside())
    night = ManualClock(datetime(2026, 11, 23, 23, 0, tzinfo=ZoneInfo("Europe/London")))
    site = open_site(Settings(store="memory"), night, hospital)
    assert site.app.site == "riverside"
    on_duty = seed_roster(site.app, hospital, night.now())
    assert on_duty == 6  # the night team
    sample = {
        "kind": "specimen",
        "priority": "urgent",
        "origin": "S-RECOVERY",
        "destination": "N-LAB",
        "department": "surgery",
        "group": "night_team",
    }
    jid = site.app.submit_job(parse(SubmitJob, sample), "rv-1")
    assert site.app.job(jid).required_skills == {"cold_chain"}
    for field, value in (("group", "internal"), ("department", "icu"), ("origin", "ICU")):
        with pytest.raises(InvalidInput) as refused:
            site.app.submit_job(parse(SubmitJob, {**sample, field: value}), f"rv-{field}")
        assert refused.value.field == field
    site.driver.step()
    job = site.app.job(jid)
    assert job.status.value == "assigned"
    (chosen,) = job.porter_ids
    # Of the night team, the porter based on the south campus is nearer the job.
    assert site.app.porter(UUID(chosen)).location == "S-DESK"
