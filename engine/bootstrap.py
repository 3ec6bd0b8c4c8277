"""The composition root: the one place that wires a site together.

A running site is the application (write side), its read models over one shared
board, one dispatch driver and a clock. The server, simulations and replays all
open a site here; they differ only in the clock they pass and in who steps the
driver (the live loop's thread, or a simulated event queue).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from engine.assign import SolverParams
from engine.clock import Clock, SystemClock
from engine.dispatch.driver import Driver, DriverParams
from engine.dispatch.lease import FixedLease, lease_for
from engine.dispatch.live import LiveLoop
from engine.dispatch.policy_check import check_dispatchable, check_staging
from engine.domain.commands import RegisterPorter
from engine.domain.errors import PorterAlreadyRegistered
from engine.hospital import Hospital
from engine.projections.feed import Feed
from engine.projections.service import Service
from engine.settings import Settings
from engine.write.application import DispatchApp


def bootstrap(
    settings: Settings | None = None,
    clock: Clock | None = None,
    hospital: Hospital | None = None,
    *,
    publish_default_policy: bool = True,
) -> DispatchApp:
    """The write side alone, for tools that only read or write the log (export, import).

    A new store gets the default policy as version 1, unless it is about to receive
    an imported log (which must go into an empty store).
    """
    settings, hospital = resolve(settings, hospital)
    clock = clock or SystemClock(timedelta(seconds=settings.clock_offset_seconds))
    app = DispatchApp(hospital.layout, clock, settings.event_store_env())
    app.policy_checks.append(check_dispatchable)
    app.policy_checks.append(check_staging(hospital.layout))
    if publish_default_policy:
        app.policy()
    return app


@dataclass
class Site:
    """One running site. `driver` decides when; `service` answers readers."""

    settings: Settings
    hospital: Hospital
    clock: Clock
    app: DispatchApp
    service: Service
    driver: Driver

    @property
    def board(self) -> Feed:
        return self.service.board

    def live(self, decide: bool = True) -> LiveLoop:
        """The loop that steps this site's driver on its clock in a thread of its own;
        with `decide=False` it only keeps the read models current (an API-only node)."""
        settings = self.settings
        return LiveLoop(
            self.driver,
            lease_for(settings) if decide else FixedLease(decides=False),
            wakeup=self.service.wakeup,
            poll_seconds=settings.poll_seconds,
            standby_seconds=settings.standby_seconds,
            on_failure=self.service.alarm,
        )

    def close(self) -> None:
        self.app.close()


def open_site(
    settings: Settings | None = None,
    clock: Clock | None = None,
    hospital: Hospital | None = None,
    *,
    driver: DriverParams | None = None,
    solver: SolverParams | None = None,
    publish_default_policy: bool = True,
    read_models: bool = True,
) -> Site:
    """Compose a site. The driver attaches to the board before its first catch-up, so
    it sees the whole log (escalations already fired, jobs already waiting)."""
    settings, hospital = resolve(settings, hospital)
    clock = clock or SystemClock(timedelta(seconds=settings.clock_offset_seconds))
    app = bootstrap(settings, clock, hospital, publish_default_policy=publish_default_policy)
    service = Service(app, hospital.timezone, read_models)
    board = service.board
    app.policy_seen = lambda: board.policy_version  # the policy known without a query
    app.board_copy = board.copy_of  # what porters act on, without a query (`board_first`)
    app.on_recorded = board.offer  # its own writes folded as made, not read back
    app.on_conflict = board.told  # a stale write: another process wrote, read the log
    if driver is None:
        tick, gap, idle = settings.driver_timing()
        driver = DriverParams(
            tick=tick, round_gap=gap, idle_round=idle, rota_days_ahead=settings.rota_days_ahead
        )
    return Site(
        settings,
        hospital,
        clock,
        app,
        service,
        Driver(
            app, service.board, driver, solver, templates=hospital, recurring=hospital.recurring
        ),
    )


def resolve(settings: Settings | None, hospital: Hospital | None) -> tuple[Settings, Hospital]:
    """The settings' hospital (the demo unless `DISPATCH_HOSPITAL` names a file), under
    the settings' site id if one is set (tests and training sites get tables of their
    own), else its own; the settings then name that site."""
    settings = settings or Settings()
    hospital = hospital or Hospital.load(settings.hospital)
    if settings.site is None:
        return settings.model_copy(update={"site": hospital.site}), hospital
    if hospital.layout.site != settings.site:
        hospital = replace(hospital, layout=replace(hospital.layout, site=settings.site))
    return settings, hospital


def seed_roster(app: DispatchApp, hospital: Hospital, when: datetime | None = None) -> int:
    """Register the hospital file's porters, each with their shift template and base, so
    the driver rosters them; with `when`, also start at once the shifts of those on duty
    then (tests that run no driver). Idempotent: porters already registered are left as
    they are. Returns how many shifts were started."""
    started = 0
    for entry in hospital.porters():
        try:
            app.register_porter(
                RegisterPorter(
                    badge=entry.badge,
                    name=entry.name,
                    group=entry.group,
                    role=entry.role,
                    skills=entry.skills,
                    shift=entry.shift,
                    base=entry.base,
                )
            )
        except PorterAlreadyRegistered:
            continue
        if when is None:
            continue
        ends = hospital.on_duty_until(entry, when)
        if ends is not None:
            app.start_shift(entry.badge, ends)
            app.report_location(entry.badge, entry.base)
            started += 1
    return started
