"""What one job offers: the porter-minutes its porters are held by it, on average.

The unit `simulations.load` adds up hour by hour. A job offers, times the porters
it needs: the phone's acknowledgement; the walk to its origin, taken as the mean
walk there from where its group's jobs end (where porters are when the next call
comes: a property of the demand, not of a dispatch rule, which can only shorten it
by choosing near porters); handling, and the loaded trip at the world's mean travel
time (noise included); for a patient, the expected wait when they are not ready.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from engine.domain.policy.document import PolicyDocument
from engine.domain.values import Kind, Mode, Requirements
from engine.hospital import Hospital
from simulations.scenario import Scenario, Service

PATIENT_KINDS = (Kind.PATIENT_TRANSPORT, Kind.ESCORT)


@dataclass(frozen=True)
class Wanted:
    """One job as the load model sees it: who serves it, when it is wanted, what it moves."""

    group: str
    at: datetime
    kind: Kind
    origin: str
    destination: str
    porters: int
    skills: frozenset[str]


def _skills(hospital: Hospital, kind: Kind, requirements: dict[str, Any]) -> frozenset[str]:
    needs = Requirements(
        mode=Mode(requirements.get("mode", Mode.WALKING.value)),
        equipment=tuple(requirements.get("equipment", ())),
        porters_needed=int(requirements.get("porters_needed", 1)),
        isolation=bool(requirements.get("isolation", False)),
    )
    return hospital.layout.catalogue.rules.required(kind.value, needs)


def wanted_of(hospital: Hospital, data: dict[str, Any], at: datetime) -> list[Wanted]:
    """A request's jobs: itself, and an escort's return leg after the exam."""
    kind = Kind(data["kind"])
    requirements = data.get("requirements") or {}
    group = data.get("group") or hospital.layout.catalogue.serving(data["department"])
    ready = datetime.fromisoformat(data["ready_at"]) if data.get("ready_at") else None
    skills = _skills(hospital, kind, requirements)
    porters = int(requirements.get("porters_needed", 1))
    out = [Wanted(group, max(at, ready or at), kind, data["origin"], data["destination"],
                  porters, skills)]  # fmt: skip
    if data.get("with_return"):
        back = (ready or at) + timedelta(minutes=int(data.get("exam_minutes", 30)))
        out.append(Wanted(group, back, kind, data["destination"], data["origin"], porters, skills))
    return out


def recurring(hospital: Hospital, start: datetime, end: datetime) -> list[Wanted]:
    """The hospital's regular rounds that come due in [start, end)."""
    out = []
    day = start.astimezone(hospital.timezone).date()
    while datetime.combine(day, time(0), hospital.timezone) < end:
        for work in hospital.recurring:
            if day.weekday() not in work.days:
                continue
            for t in work.times:
                at = datetime.combine(day, t, hospital.timezone)
                if start <= at < end:
                    out += wanted_of(hospital, work.request, at)
        day += timedelta(days=1)
    return out


def _phi(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def noise_factor(service: Service) -> float:
    """The mean of the world's travel noise as the simulation draws it: a lognormal
    with median 1, cut below at `travel_floor`."""
    sigma, floor = service.travel_noise, service.travel_floor
    if sigma == 0:
        return max(1.0, floor)
    if floor <= 0:
        return math.exp(sigma**2 / 2)
    log_floor = math.log(floor)
    above = math.exp(sigma**2 / 2) * _phi((sigma**2 - log_floor) / sigma)
    return floor * _phi(log_floor / sigma) + above


class WorkModel:
    """Expected porter-minutes per job at one hospital under one scenario's world."""

    def __init__(self, scenario: Scenario, hospital: Hospital, sample: list[Wanted]) -> None:
        document = PolicyDocument.parse(PolicyDocument().to_data() | scenario.policy, "policy")
        self.handling = document.handling_minutes
        self.service = scenario.service
        self.travel = hospital.layout.travel_minutes
        self.walk = scenario.service.travel_factor * noise_factor(scenario.service)
        ends: dict[str, dict[str, int]] = {}
        for w in sample:
            mine = ends.setdefault(w.group, {})
            mine[w.destination] = mine.get(w.destination, 0) + w.porters
        self.ends = ends
        self._approach: dict[tuple[str, str], float] = {}

    def approach(self, group: str, origin: str) -> float:
        """Mean nominal walk to `origin` from where the group's jobs end."""
        key = (group, origin)
        if key not in self._approach:
            ends = self.ends.get(group) or {origin: 1}
            total = sum(ends.values())
            self._approach[key] = sum(n * self.travel(e, origin) for e, n in ends.items()) / total
        return self._approach[key]

    def minutes(self, w: Wanted) -> float:
        walk = self.approach(w.group, w.origin) + self.travel(w.origin, w.destination)
        hold = 0.0
        if w.kind in PATIENT_KINDS:
            hold = self.service.not_ready_rate * self.service.not_ready_minutes
        each = self.service.acknowledge_minutes + self.handling.get(w.kind, 2) + hold
        return w.porters * (each + walk * self.walk)
