"""Offered work against capacity, hour by hour: what "utilisation" means in a scenario.

Utilisation is the porter-minutes of work a day's requests offer in an hour divided
by the porter-minutes on shift in that hour, per pool: a group's jobs go to its own
porters and those of the groups the policy lends it (a night team that serves every
ward, say), and an escalation's widening to everyone is the exception, not the
staffing plan. What a job offers is `simulations.work`'s: its porters' minutes on
the phone, on the way, handling and carrying, and waiting for a patient not ready.

Work counts in the hour it is wanted: a scheduled patient's at the appointment, an
escort's return leg at the end of the exam. Capacity is time on shift, breaks
included (a porter on a break is on shift; breaks are about a sixteenth of it).
Left out, because they depend on the dispatch rule: porters sent early who wait for
a scheduled patient, declined jobs' lost minutes, batching.

A scenario's one load figure, `utilisation`, is the work-weighted mean of its hourly
pool utilisations: the load the average minute of work meets when it arrives. A
roster that follows its demand keeps every busy hour near it; one that does not
shows it, in the hours above 1 and in the work offered where a pool has nobody.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from typing import Any

from engine.domain.policy.document import PolicyDocument
from engine.hospital import Hospital, RosterEntry
from simulations.demand import Arrival, generate
from simulations.roster import clipped, roster_of, template_periods
from simulations.scenario import Scenario
from simulations.work import Wanted, WorkModel, recurring, wanted_of

SAMPLE_JOBS = 20000
"""Jobs a day drawn to learn a demand's shape (its own seed): large enough that the
model's hourly figures move by well under a percent from one sample to another."""


@dataclass(frozen=True)
class Load:
    """Offered work, jobs and capacity by group and hour of a run (hour 0 at its start).

    `pools` names, for each group, the groups whose porters its jobs share by the
    policy's lending (its pool): utilisation is counted per pool, since a pool's
    porters serve all its groups' work."""

    start: datetime
    offered: dict[str, list[float]]
    capacity: dict[str, list[float]]
    jobs: list[int]
    pools: dict[str, str] = field(default_factory=dict)

    @property
    def hours(self) -> int:
        return len(self.jobs)

    def pooled(self) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
        """Offered work and capacity by pool and hour."""
        offered: dict[str, list[float]] = {}
        capacity: dict[str, list[float]] = {}
        for source, target in ((self.offered, offered), (self.capacity, capacity)):
            for g, row in source.items():
                pool = target.setdefault(self.pools.get(g, g), [0.0] * self.hours)
                for h, v in enumerate(row):
                    pool[h] += v
        return offered, capacity

    def utilisation(self) -> float | None:
        """The work-weighted mean of hourly pool utilisations (hours with nobody of the
        pool on shift left out: `uncovered` counts their work)."""
        num = den = 0.0
        offered, capacity = self.pooled()
        for pool, row in offered.items():
            for o, c in zip(row, capacity.get(pool, [0.0] * self.hours), strict=True):
                if c > 0:
                    num += o * o / c
                    den += o
        return num / den if den else None

    def uncovered(self) -> float:
        """Porter-minutes of work offered in hours when its pool has nobody on shift."""
        offered, capacity = self.pooled()
        return sum(
            o
            for pool, row in offered.items()
            for o, c in zip(row, capacity.get(pool, [0.0] * self.hours), strict=True)
            if c <= 0
        )

    def as_data(self) -> dict[str, Any]:
        """The figures a report prints: the day's load, and each hour by pool and group."""
        offered, capacity = self.pooled()
        zero = [0.0] * self.hours
        hours = []
        peaks: list[tuple[float, str, str]] = []
        for h in range(self.hours):
            at = (self.start + timedelta(hours=h)).strftime("%H:%M")
            rows = {}
            for label, (o_by, c_by) in (
                ("by_pool", (offered, capacity)),
                ("by_group", (self.offered, self.capacity)),
            ):
                rows[label] = {
                    g: {"offered": round(o_by.get(g, zero)[h], 1),
                        "capacity": round(c_by.get(g, zero)[h], 1),
                        "utilisation": _u(o_by.get(g, zero)[h], c_by.get(g, zero)[h])}
                    for g in sorted(set(o_by) | set(c_by))
                }  # fmt: skip
            peaks += [
                (u, at, pool) for pool, v in rows["by_pool"].items() if (u := v["utilisation"])
            ]
            total_o = sum(o[h] for o in offered.values())
            total_c = sum(c[h] for c in capacity.values())
            hours.append(
                {"hour": at, "jobs": self.jobs[h], "offered": round(total_o, 1),
                 "capacity": round(total_c, 1), "utilisation": _u(total_o, total_c), **rows}
            )  # fmt: skip
        day_o = sum(sum(v) for v in offered.values())
        day_c = sum(sum(v) for v in capacity.values())
        u = self.utilisation()
        peak = max(peaks, default=None)
        return {
            "utilisation": None if u is None else round(u, 4),
            "day_utilisation": _u(day_o, day_c),
            "peak": None
            if peak is None
            else {"utilisation": peak[0], "hour": peak[1], "pool": peak[2]},
            "pools": sorted(set(self.pools.values())),
            "offered_minutes": round(day_o, 1),
            "capacity_minutes": round(day_c, 1),
            "uncovered_minutes": round(self.uncovered(), 1),
            "hours": hours,
        }


def pools_of(scenario: Scenario, hospital: Hospital) -> dict[str, str]:
    """Each group's pool: the groups joined by the scenario policy's lending, either way,
    named by their names joined with `+`."""
    document = PolicyDocument.parse(PolicyDocument().to_data() | scenario.policy, "policy")
    groups = sorted(hospital.layout.catalogue.groups)
    root = {g: g for g in groups}

    def find(g: str) -> str:
        while root[g] != g:
            g = root[g]
        return g

    for group, lenders in document.lending.items():
        for lender in lenders:
            if group in root and lender in root:
                a, b = sorted((find(group), find(lender)))
                root[b] = a
    members: dict[str, list[str]] = {}
    for g in groups:
        members.setdefault(find(g), []).append(g)
    return {g: "+".join(members[find(g)]) for g in groups}


def _u(offered: float, capacity: float) -> float | None:
    return round(offered / capacity, 4) if capacity > 0 else None


def capacity_by_hour(
    roster: Iterable[tuple[RosterEntry, datetime, datetime]], start: datetime, hours: int
) -> dict[str, list[float]]:
    """Porter-minutes on shift by group and hour, from (porter, from, to) periods."""
    out: dict[str, list[float]] = {}
    for entry, begin, finish in roster:
        row = out.setdefault(entry.group, [0.0] * hours)
        for h in range(hours):
            lo = max(begin, start + timedelta(hours=h))
            hi = min(finish, start + timedelta(hours=h + 1))
            if lo < hi:
                row[h] += (hi - lo).total_seconds() / 60
    return out


def shifts(
    scenario: Scenario, hospital: Hospital, roster: list[RosterEntry] | None = None
) -> list[tuple[RosterEntry, datetime, datetime]]:
    """Every porter's periods on shift within the run, as the simulation registers them."""
    start = datetime.combine(scenario.day, time(0), hospital.timezone)
    end = start + timedelta(hours=scenario.hours)
    out = []
    for entry in roster if roster is not None else roster_of(hospital, scenario.staffing):
        periods = template_periods(hospital, entry.shift, scenario.day, scenario.hours)
        out += [(entry, b, f) for b, f in clipped(periods, start, end)]
    return out


def load_of(
    wanted: Iterable[Wanted],
    model: WorkModel,
    periods: Iterable[tuple[RosterEntry, datetime, datetime]],
    start: datetime,
    hours: int,
) -> Load:
    """The jobs' work by group and hour, against the porters' periods."""
    offered: dict[str, list[float]] = {}
    jobs = [0] * hours
    for w in wanted:
        h = math.floor((w.at - start).total_seconds() / 3600)
        if 0 <= h < hours:
            offered.setdefault(w.group, [0.0] * hours)[h] += model.minutes(w)
            jobs[h] += 1
    return Load(start, offered, capacity_by_hour(periods, start, hours), jobs)


class DemandShape:
    """A scenario's drawn demand learnt once from a large sample (its own seed), so its
    load at any number of jobs a day is a sum, not another draw."""

    def __init__(self, scenario: Scenario, hospital: Hospital) -> None:
        if scenario.requests is not None:
            raise ValueError("a recorded day's load is its own: use `recorded_load`")
        self.scenario, self.hospital = scenario, hospital
        self.start = datetime.combine(scenario.day, time(0), hospital.timezone)
        self.hours = math.ceil(scenario.hours)
        big = scenario.model_copy(
            update={"demand": scenario.demand.model_copy(update={"jobs_per_day": SAMPLE_JOBS})}
        )
        arrivals = generate(big, hospital, random.Random("load-model"))
        self.sample = [w for a in arrivals for w in wanted_of(hospital, a.data, a.at)]
        end = self.start + timedelta(hours=scenario.hours)
        self.rounds = recurring(hospital, self.start, end)
        self.model = WorkModel(scenario, hospital, self.sample + self.rounds)
        self.pools = pools_of(scenario, hospital)
        self.drawn = load_of(self.sample, self.model, [], self.start, self.hours)
        self.fixed = load_of(self.rounds, self.model, [], self.start, self.hours)

    def load(self, jobs_per_day: int, staffing: Scenario | None = None) -> Load:
        """The load at `jobs_per_day` against the roster of `staffing` (this scenario's)."""
        scale = jobs_per_day / SAMPLE_JOBS
        zero = [0.0] * self.hours
        offered = {
            g: [a * scale + b for a, b in zip(self.drawn.offered.get(g, zero),
                                              self.fixed.offered.get(g, zero), strict=True)]
            for g in set(self.drawn.offered) | set(self.fixed.offered)
        }  # fmt: skip
        jobs = [round(a * scale) + b for a, b in zip(self.drawn.jobs, self.fixed.jobs, strict=True)]
        periods = shifts(staffing or self.scenario, self.hospital)
        capacity = capacity_by_hour(periods, self.start, self.hours)
        return Load(self.start, offered, capacity, jobs, self.pools)

    def jobs_for(self, utilisation: float, staffing: Scenario | None = None) -> int:
        """The jobs a day that bring the scenario's utilisation to `utilisation`."""
        low, high = 0, 20000
        if (self.load(high, staffing).utilisation() or 0) < utilisation:
            raise ValueError(f"no demand up to {high} jobs a day reaches {utilisation}")
        while high - low > 1:
            mid = (low + high) // 2
            if (self.load(mid, staffing).utilisation() or 0) < utilisation:
                low = mid
            else:
                high = mid
        return high


def scenario_load(scenario: Scenario, hospital: Hospital | None = None) -> Load:
    """The expected load of a scenario: drawn demand from its shape, recorded as it is."""
    hospital = hospital or Hospital.load(scenario.hospital)
    if scenario.requests is None:
        return DemandShape(scenario, hospital).load(scenario.demand.jobs_per_day)
    from simulations.demand import read_requests

    arrivals: list[Arrival] = read_requests(scenario.requests, hospital)
    start = datetime.combine(scenario.day, time(0), hospital.timezone)
    wanted = [w for a in arrivals for w in wanted_of(hospital, a.data, a.at)]
    wanted += recurring(hospital, start, start + timedelta(hours=scenario.hours))
    model = WorkModel(scenario, hospital, wanted)
    load = load_of(wanted, model, shifts(scenario, hospital), start, math.ceil(scenario.hours))
    return replace(load, pools=pools_of(scenario, hospital))
