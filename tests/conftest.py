"""Shared fixtures: a fake clock, the demo hospital, and stores on SQLite and PostgreSQL.

Tests use the real composition root with a manual clock; nothing is mocked.
Each test gets its own site id, so on PostgreSQL it gets its own tables,
dropped afterwards.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest

from engine.bootstrap import bootstrap
from engine.clock import ManualClock
from engine.hospital import Hospital
from engine.settings import Settings
from engine.write.application import DispatchApp

TZ = ZoneInfo("Asia/Shanghai")
MORNING = datetime(2026, 11, 23, 9, 0, tzinfo=TZ)
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "dbname": "test"}


def postgres_reason() -> str | None:
    """None when PostgreSQL answers; otherwise why not."""
    try:
        import psycopg

        with psycopg.connect(connect_timeout=3, **PG):  # type: ignore[arg-type]
            return None
    except Exception as exc:  # pragma: no cover - depends on the machine
        return f"PostgreSQL at {PG['host']}:{PG['port']} is not reachable: {exc}"


_PG_REASON = postgres_reason()


def require_postgres() -> None:
    if _PG_REASON is None:
        return
    if os.environ.get("DISPATCH_REQUIRE_POSTGRES"):
        pytest.fail(_PG_REASON + " (DISPATCH_REQUIRE_POSTGRES is set, so this fails)")
    pytest.skip(_PG_REASON)


def drop_site_tables(site: str) -> None:
    import psycopg

    with psycopg.connect(autocommit=True, **PG) as conn:  # type: ignore[arg-type]
        for suffix in ("events", "tracking", "snapshots"):
            conn.execute(f"DROP TABLE IF EXISTS dispatch_{site}_{suffix}")


@pytest.fixture
def clock() -> ManualClock:
    """A clock at 09:00 on a weekday morning, moved only by the test."""
    return ManualClock(MORNING)


@pytest.fixture(scope="session")
def hospital() -> Hospital:
    """The demo hospital shipped in the package (74 staff, 61 who take jobs)."""
    return Hospital.load()


AppFactory = Callable[[], DispatchApp]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings for a fresh store of each kind: a SQLite file or PostgreSQL tables."""
    site = f"t{uuid4().hex[:12]}"
    if request.param == "postgres":
        require_postgres()
        yield Settings(store="postgres", site=site)
        drop_site_tables(site)
    else:
        yield Settings(store="sqlite", site=site, sqlite_path=tmp_path / "events.sqlite")


@pytest.fixture
def make_app(store: Settings, clock: ManualClock, hospital: Hospital) -> Iterator[AppFactory]:
    """Open applications on the test's store; each call is another writer process."""
    apps: list[DispatchApp] = []

    def factory() -> DispatchApp:
        app = bootstrap(store, clock, hospital)
        apps.append(app)
        return app

    yield factory
    for app in apps:
        app.close()


@pytest.fixture
def app(make_app: AppFactory) -> DispatchApp:
    return make_app()


@pytest.fixture
def memory_app(clock: ManualClock, hospital: Hospital) -> DispatchApp:
    """An in-memory application for fast unit tests of commands."""
    return bootstrap(Settings(store="memory"), clock, hospital)


def hold_before_saving(monkeypatch: pytest.MonkeyPatch, app: DispatchApp, parties: int) -> None:
    """Hold the first `parties` submitters after each has found its key unused (the policy
    is read between that check and the save) until all have: then they race to the store.
    The store's own refusal of all but one is what is under test, not the timing."""
    gate = threading.Barrier(parties, timeout=10)
    arrived = itertools.count()
    read = app.policy_document

    def policy_document() -> Any:
        if next(arrived) < parties:
            gate.wait()
        return read()

    monkeypatch.setattr(app, "policy_document", policy_document)
