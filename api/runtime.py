"""Everything one running API process holds, built in the lifespan and torn down after it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from api.settings import ApiSettings, Grant
from engine.bootstrap import bootstrap, seed_roster
from engine.clock import Clock, SystemClock
from engine.dispatch.lease import FixedLease, lease_for
from engine.dispatch.live import DispatchLoop
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
    hospital: Hospital
    app: DispatchApp
    service: Service
    loop: DispatchLoop
    grants: dict[str, Grant]
    ready: bool = False

    @classmethod
    def start(
        cls,
        api: ApiSettings,
        engine: Settings,
        clock: Clock | None = None,
        hospital: Hospital | None = None,
    ) -> Runtime:
        hospital = hospital or Hospital.load()
        clock = clock or SystemClock()
        app = bootstrap(engine, clock, hospital)
        if api.seed_demo:
            for attempt in range(3):  # another process may be seeding the same site
                try:
                    started = seed_roster(app, hospital, clock.now())
                    log.info("demo roster seeded; %d shifts started", started)
                    break
                except ConcurrentUpdate:
                    if attempt == 2:
                        raise
        service = Service(app, ZoneInfo(str(hospital.timezone)), api.poll_seconds)
        loop = DispatchLoop(
            app,
            lease_for(engine) if api.decide else FixedLease(decides=False),
            board=service.board,
            tick_seconds=api.tick_seconds,
            poll_seconds=api.poll_seconds,
            standby_seconds=api.standby_seconds,
            round_interval=api.round_interval,
        )
        service.on_write = loop.wake
        service.refresh()
        service.start()
        loop.start()
        return cls(api, engine, hospital, app, service, loop, api.grants(), ready=True)

    def stop(self) -> None:
        self.ready = False
        self.loop.stop()
        self.service.stop()
        self.app.close()
