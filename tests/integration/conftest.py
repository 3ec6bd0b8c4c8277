"""Fixtures of the integration tests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from api.main import create_app
from api.settings import ApiSettings
from engine.bootstrap import bootstrap, seed_roster
from engine.clock import ManualClock
from engine.hospital import Hospital
from engine.settings import Settings
from engine.write.application import DispatchApp
from simulations.runner import run_one
from simulations.scenario import Demand, Scenario
from tests.hospitals import riverside, write
from tests.integration.apiclient import Api, TestClient


@pytest.fixture
def api(clock: ManualClock, hospital: Hospital) -> Iterator[Api]:
    """The API over the demo hospital, its roster registered, on a manual clock, in demo
    mode: the tests call it with the well-known demo tokens."""
    settings = ApiSettings(seed_demo=True, demo=True)
    engine = Settings(store="memory", site="apitest", round_interval=0, poll_seconds=0.01)
    app = create_app(settings, engine, clock, hospital)
    with TestClient(app) as client:
        yield Api(client)


@pytest.fixture
def riverside_one(store: Settings, clock: ManualClock) -> Iterator[DispatchApp]:
    """Riverside (not the demo) on each store, with one ward porter, RW-01, on shift at
    the north desk and no driver: the test runs the rounds."""
    hospital = Hospital.from_data(riverside())
    app = bootstrap(store, clock, hospital)
    seed_roster(app, hospital)
    app.start_shift("RW-01", clock.now() + timedelta(hours=8))
    app.report_location("RW-01", "N-DESK")
    yield app
    app.close()


@pytest.fixture(scope="session")
def busy_riverside_day(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Half a busy day at Riverside, its stat misses and late jobs traced: two campuses a
    quarter of an hour apart leave many a call with nobody near. Run once for the tests
    of both traces."""
    path = write(riverside(), tmp_path_factory.mktemp("riverside") / "riverside.json")
    scenario = Scenario(
        name="a busy half day at Riverside",
        hospital=str(path),
        day=date(2026, 11, 23),
        hours=12,
        demand=Demand(jobs_per_day=240),
    )
    return run_one(scenario, seed=3, with_stat_misses=True, with_late_causes=True)
