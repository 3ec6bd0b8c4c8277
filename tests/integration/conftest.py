"""Fixtures of the integration tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from api.main import create_app
from api.settings import ApiSettings
from engine.clock import ManualClock
from engine.hospital import Hospital
from engine.settings import Settings
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
