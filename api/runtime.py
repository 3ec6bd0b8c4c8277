"""Everything one running API process holds, built in the lifespan and torn down after it:
a site from the composition root, the live loop stepping its driver, and the ways in."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from api.settings import ApiSettings
from api.signin import SignIn
from engine.bootstrap import Site, open_site, seed_roster
from engine.clock import Clock
from engine.dispatch.live import LiveLoop
from engine.domain.errors import ConcurrentUpdate
from engine.hospital import Hospital
from engine.projections.service import Service
from engine.settings import Settings
from engine.write.application import DispatchApp

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    api: ApiSettings
    engine: Settings
    site: Site
    loop: LiveLoop
    signin: SignIn
    ready: bool = False

    @property
    def app(self) -> DispatchApp:
        return self.site.app

    @property
    def service(self) -> Service:
        return self.site.service

    @property
    def writes_on_loop(self) -> bool:
        """Whether a job's own commands, and a porter's break and location, may run on the
        event loop (`api.routing.one_write`): as configured, else unless the store is
        PostgreSQL (SQLite and memory take one writer at a time)."""
        if self.api.writes_on_loop is not None:
            return self.api.writes_on_loop
        return self.engine.store != "postgres"

    def stays_on_loop(self) -> bool:
        """Whether this `one_write` command runs on the loop now: writes may, and nothing
        in this process holds the board or reads the log (a board-wide read in a request
        thread, the dispatch loop catching up), so it will not wait for them there."""
        return self.writes_on_loop and self.site.service.board.quiet()

    @property
    def hospital(self) -> Hospital:
        return self.site.hospital

    @classmethod
    def start(
        cls,
        api: ApiSettings,
        engine: Settings,
        clock: Clock | None = None,
        hospital: Hospital | None = None,
    ) -> Runtime:
        site = open_site(engine, clock, hospital)
        porters = [entry.badge for entry in site.hospital.porters()]
        signin = SignIn.build(api, site.hospital.layout.catalogue, porters)
        if api.seed_demo:
            for attempt in range(3):  # another process may be seeding the same site
                try:
                    seed_roster(site.app, site.hospital)
                    log.info("roster registered; the rota starts the shifts")
                    break
                except ConcurrentUpdate:
                    if attempt == 2:
                        raise
        site.service.refresh()
        loop = site.live(decide=api.decide)
        loop.start()
        return cls(api, engine, site, loop, signin, ready=True)

    def stop(self) -> None:
        self.ready = False
        self.loop.stop()
        self.site.close()
