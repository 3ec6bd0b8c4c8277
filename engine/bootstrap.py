"""The composition root: the one place that wires store, clock, site and settings."""

from __future__ import annotations

from datetime import datetime

from engine.clock import Clock, SystemClock
from engine.domain.commands import RegisterPorter
from engine.domain.errors import PorterAlreadyRegistered
from engine.domain.values import Group, Skill
from engine.hospital import Hospital
from engine.settings import Settings
from engine.write.application import DispatchApp


def bootstrap(
    settings: Settings | None = None,
    clock: Clock | None = None,
    hospital: Hospital | None = None,
    *,
    publish_default_policy: bool = True,
) -> DispatchApp:
    """Wire one site's application. A new store gets the default policy as version 1,
    unless it is about to receive an imported log (which must go into an empty store).
    """
    settings = settings or Settings()
    hospital = hospital or Hospital.load()
    if hospital.layout.site != settings.site:
        hospital = _renamed(hospital, settings.site)
    app = DispatchApp(hospital.layout, clock or SystemClock(), settings.event_store_env())
    if publish_default_policy:
        app.policy()
    return app


def _renamed(hospital: Hospital, site: str) -> Hospital:
    """The demo data under another site id, so tests and sites get their own tables."""
    from dataclasses import replace

    return replace(hospital, layout=replace(hospital.layout, site=site))


def seed_roster(app: DispatchApp, hospital: Hospital, when: datetime | None = None) -> int:
    """Register the hospital's porters; start the shifts of those on duty at `when`.

    Idempotent: porters already registered are left as they are. Returns how
    many shifts were started.
    """
    started = 0
    for entry in hospital.porters():
        try:
            app.register_porter(
                RegisterPorter(
                    badge=entry.badge,
                    group=Group(entry.group),
                    role=entry.role,
                    skills=tuple(Skill(s) for s in entry.skills),
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
