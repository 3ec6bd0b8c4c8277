"""Synthetic demand: a day's requests drawn from a scenario with the run's own RNG.

On the demo site, origins and destinations follow what each kind of job is for:
patients go from wards to exams, specimens and urgent blood to the lab, drugs
from the pharmacy, items from the stores. On any other hospital they are drawn
over its own locations and departments (`SiteRoutes`): a request comes from a
department's location, samples go to its laboratory if it has one, and the
requesting group is the one the hospital file says serves that department.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from engine.domain.values import Kind
from engine.hospital import Hospital
from simulations.scenario import Scenario

WARDS_INTERNAL = [f"IM-W{f}" for f in range(3, 11)] + ["ICU"]
WARDS_SURGICAL = [f"SU-W{f}" for f in range(3, 11)] + ["PACU"]
WARDS_EMERGENCY = ["ED-TRIAGE", "ED-RESUS", "ED-OBS"]
EXAMS = ["CT", "MRI", "XRAY", "ULTRASOUND", "ECHO", "ENDOSCOPY"]


def group_of(code: str) -> str:
    if code.startswith("ED-"):
        return "emergency"
    if code.startswith("SU-") or code in ("OR", "PACU"):
        return "surgical"
    return "internal"


@dataclass(frozen=True)
class Arrival:
    """One request as a ward would send it, and when the ward confirms a companion."""

    at: datetime
    key: str
    data: dict[str, Any]
    confirm_after: float | None = None


def _ward(rng: random.Random) -> str:
    pool = rng.choices(
        [WARDS_INTERNAL, WARDS_SURGICAL, WARDS_EMERGENCY], weights=[0.42, 0.40, 0.18]
    )[0]
    return rng.choice(pool)


class SiteRoutes:
    """Routes over any hospital's own locations, from its file alone."""

    def __init__(self, hospital: Hospital) -> None:
        self.departments = hospital.departments
        self.served_by = hospital.layout.catalogue.departments
        self.fallback_group = sorted(hospital.layout.catalogue.groups)[0]
        self.places = sorted(self.departments)
        labs = [c for c in self.places if "lab" in self.departments[c]]
        self.labs = labs or self.places

    def route(self, kind: Kind, rng: random.Random) -> tuple[str, str, str]:
        ward = rng.choice(self.places)
        pool = self.labs if kind in (Kind.SPECIMEN, Kind.URGENT_BLOOD) else self.places
        others = [p for p in pool if p != ward] or [p for p in self.places if p != ward]
        other = rng.choice(others)
        if kind in (Kind.DRUG, Kind.ITEM):
            return other, ward, ward
        return ward, other, ward

    def group(self, ward: str) -> str:
        return self.served_by.get(self.departments.get(ward, ""), self.fallback_group)


class DemoRoutes:
    """The demo site's routes, by what each kind of job is for there."""

    def route(self, kind: Kind, rng: random.Random) -> tuple[str, str, str]:
        return _route(kind, rng)

    def group(self, ward: str) -> str:
        return group_of(ward)


def routes_for(hospital: Hospital) -> DemoRoutes | SiteRoutes:
    return DemoRoutes() if hospital.source == "demo" else SiteRoutes(hospital)


def _route(kind: Kind, rng: random.Random) -> tuple[str, str, str]:
    """Origin, destination, and the ward the request belongs to."""
    ward = _ward(rng)
    if kind is Kind.PATIENT_TRANSPORT and rng.random() < 0.3:
        return rng.choice(EXAMS), ward, ward
    if kind in (Kind.PATIENT_TRANSPORT, Kind.ESCORT):
        return ward, rng.choice(EXAMS), ward
    if kind in (Kind.SPECIMEN, Kind.URGENT_BLOOD):
        return ward, "LAB", ward
    if kind is Kind.DRUG:
        return rng.choice(["PHARMACY", "PHARMACY", "IV-CENTRE"]), ward, ward
    if kind is Kind.DOCUMENT:
        return ("LAB", ward, ward) if rng.random() < 0.6 else (ward, "OPD-DESK", ward)
    return rng.choice(["STORE", "LINEN"]), ward, ward


def generate(scenario: Scenario, hospital: Hospital, rng: random.Random) -> list[Arrival]:
    demand = scenario.demand
    start = datetime.combine(scenario.day, time(0), hospital.timezone)
    hours = int(scenario.hours)
    weights = [demand.hourly[h % 24] for h in range(hours)]
    total = sum(demand.hourly) or 1.0
    kinds = list(demand.mix)
    shares = [demand.mix[k].share for k in kinds]
    routes = routes_for(hospital)
    arrivals: list[Arrival] = []
    for hour, weight in enumerate(weights):
        expected = demand.jobs_per_day * weight / total
        count = int(expected) + (1 if rng.random() < expected - int(expected) else 0)
        for _ in range(count):
            at = start + timedelta(hours=hour, seconds=rng.randrange(3600))
            request = _request(scenario, rng, at, rng.choices(kinds, shares)[0], routes)
            ward = request.data["department"]
            request.data["department"] = hospital.departments.get(ward, ward.lower())
            arrivals.append(request)
    arrivals.sort(key=lambda a: (a.at, a.key))
    return [Arrival(a.at, f"sim-{i:05d}", a.data, a.confirm_after) for i, a in enumerate(arrivals)]


def _request(
    scenario: Scenario,
    rng: random.Random,
    at: datetime,
    kind: Kind,
    routes: DemoRoutes | SiteRoutes,
) -> Arrival:
    demand = scenario.demand
    mix = demand.mix[kind]
    priority = rng.choices(list(mix.priorities), list(mix.priorities.values()))[0]
    origin, destination, ward = routes.route(kind, rng)
    data: dict[str, Any] = {
        "kind": kind.value,
        "priority": priority.value,
        "origin": origin,
        "destination": destination,
        "department": ward,  # the ward's location: its department once the hospital says
        "group": routes.group(ward),
    }
    confirm = None
    if kind in (Kind.PATIENT_TRANSPORT, Kind.ESCORT):
        data["patient_ref"] = f"P-{rng.randrange(10**6):06d}"
        mode = rng.choices(["walking", "wheelchair", "stretcher", "bed"], [0.2, 0.5, 0.2, 0.1])[0]
        requirements: dict[str, Any] = {"mode": mode}
        if rng.random() < demand.accompaniment_share:
            requirements["accompaniment"] = rng.choice(["clinician", "family"])
            confirm = scenario.service.accompaniment_confirm_minutes
        if mode in ("stretcher", "bed") and rng.random() < demand.two_porter_share * 5:
            requirements["porters_needed"] = 2
        if rng.random() < demand.isolation_share:
            requirements["isolation"] = True
        data["requirements"] = requirements
    if kind is Kind.ESCORT:
        data["with_return"] = True
        data["exam_minutes"] = scenario.service.exam_minutes
        if rng.random() < demand.scheduled_escort_share:
            low, high = demand.appointment_lead_minutes
            data["ready_at"] = (at + timedelta(minutes=rng.randint(low, high))).isoformat()
    return Arrival(at, "", data, confirm)


def read_requests(path: str, hospital: Hospital | None = None) -> list[Arrival]:
    """Recorded requests with their times, one JSON object a line:
    `{"at": "2026-11-23T07:42:10+08:00", "request": {...}, "key": "...",
    "confirm_after_minutes": 3}` (key and confirmation optional). Every line is
    checked before any is used; an error names the line."""
    import json
    from pathlib import Path

    from engine.domain.commands import SubmitJob, parse
    from engine.domain.errors import InvalidInput

    try:
        lines = Path(path).read_text("utf-8").splitlines()
    except OSError as exc:
        raise InvalidInput("requests", f"cannot read {path}: {exc}") from None
    arrivals = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path} line {number}"
        try:
            record = json.loads(line)
            at = datetime.fromisoformat(record["at"])
            request = dict(record["request"])
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidInput(where, f"not a request with its time ({exc})") from None
        if at.tzinfo is None:
            raise InvalidInput(f"{where}: at", "must include a timezone offset")
        try:
            cmd = parse(SubmitJob, request)
            if hospital is not None:  # the names the site knows, as submission checks them
                layout, catalogue = hospital.layout, hospital.layout.catalogue
                layout.location(cmd.origin, "origin")
                layout.location(cmd.destination, "destination")
                if cmd.group is None:
                    catalogue.serving(cmd.department)
                else:
                    catalogue.check_group(cmd.group)
                catalogue.check_department(cmd.department)
                catalogue.check_equipment(cmd.requirements.equipment, "requirements.equipment")
        except InvalidInput as exc:
            raise InvalidInput(f"{where}: request.{exc.field}", exc.reason) from None
        confirm = record.get("confirm_after_minutes")
        key = str(record.get("key") or f"req-{number:06d}")
        arrivals.append(Arrival(at, key, request, None if confirm is None else float(confirm)))
    return sorted(arrivals, key=lambda a: (a.at, a.key))
