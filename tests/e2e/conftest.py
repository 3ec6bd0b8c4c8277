"""A real server per test, on SQLite and on PostgreSQL, each on its own site."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest

from tests.conftest import PG, drop_site_tables, require_postgres
from tests.e2e.server import Server


def site_env(store: str, site: str, tmp_path: Path) -> dict[str, str]:
    """A server's settings for a site of its own on `store` (sqlite or postgres)."""
    env = {
        "DISPATCH_SITE": site,
        "DISPATCH_DEMO": "true",  # the tests sign in with the well-known demo tokens
        "DISPATCH_STORE": store,
        "DISPATCH_SQLITE_PATH": str(tmp_path / "events.sqlite"),
        "DISPATCH_TICK_SECONDS": "0.5",
        "DISPATCH_POLL_SECONDS": "0.05",
        "DISPATCH_STANDBY_SECONDS": "0.2",
    }
    if store == "postgres":
        require_postgres()
        env.update(
            DISPATCH_POSTGRES_HOST=str(PG["host"]),
            DISPATCH_POSTGRES_PORT=str(PG["port"]),
            DISPATCH_POSTGRES_USER=str(PG["user"]),
            DISPATCH_POSTGRES_DBNAME=str(PG["dbname"]),
        )
    return env


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    site = f"e{uuid4().hex[:12]}"
    srv = Server(site_env(request.param, site, tmp_path), tmp_path / "server.log")
    srv.start()
    yield srv
    srv.kill()
    if request.param == "postgres":
        drop_site_tables(site)
