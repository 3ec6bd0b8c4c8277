"""Service figures: how fast jobs move, how many meet their SLA, why they wait, who works.

Managers read these for staffing and for the contract's SLA report, so they
are computed from the same events as everything else: the fold keeps a few
facts per job and per porter, applied once each by log position, and every
figure is derived from those facts when asked. Time enters only through the
`now` of a report (an open job past its due time is a known breach), so a fold
rebuilt from scratch reports exactly what the live one does.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any
from uuid import UUID

from engine.domain import events as ev

STAGES = ("to_assignment", "to_acknowledgement", "to_pickup", "to_delivery")
_TERMINAL = {ev.JobCompleted: "completed", ev.JobCancelled: "cancelled", ev.JobFailed: "failed"}
_REASONED = {
    ev.JobHeld: "held",
    ev.JobReleased: "released",
    ev.JobCancelled: "cancelled",
    ev.JobFailed: "failed",
}


@dataclass
class JobFacts:
    kind: str
    priority: str
    group: str
    start: datetime  # request time, or ready time for a scheduled job
    pickup_due: datetime
    delivery_due: datetime
    status: str = "open"
    assigned_at: datetime | None = None
    acknowledged_at: datetime | None = None
    picked_up_at: datetime | None = None
    delivered_at: datetime | None = None
    porters: list[str] = field(default_factory=list)
    rating: int | None = None
    incidents: list[str] = field(default_factory=list)  # categories
    complaints: list[str] = field(default_factory=list)

    def stage_times(self) -> dict[str, datetime | None]:
        return dict(
            zip(
                STAGES,
                (self.assigned_at, self.acknowledged_at, self.picked_up_at, self.delivered_at),
                strict=True,
            )
        )


@dataclass
class PorterFacts:
    badge: str
    group: str
    outcomes: Counter[str] = field(default_factory=Counter)
    taken: int = 0
    busy_minutes: float = 0.0
    ratings: list[int] = field(default_factory=list)
    incidents: int = 0
    complaints: int = 0


class Figures:
    def __init__(self, tz: tzinfo) -> None:
        self.tz = tz
        self.position = 0
        self.jobs: dict[UUID, JobFacts] = {}
        self.porters: dict[str, PorterFacts] = {}
        self.reasons: dict[str, Counter[str]] = {k: Counter() for k in _REASONED.values()}
        self.reasons["escalated"] = Counter()

    def apply(self, position: int, event: Any) -> None:
        if position <= self.position:
            return
        self.position = position
        name = type(event)
        if name in ev.PORTER_EVENTS:
            self._porter(name, event)
            return
        if name is ev.JobSubmitted:
            self._submitted(event)
            return
        facts = self.jobs.get(event.originator_id)
        if facts is None:
            return
        at = event.timestamp
        if name is ev.JobAssigned:
            facts.assigned_at = facts.assigned_at or at
            facts.porters = list(event.porter_ids)
        elif name is ev.JobAcknowledged:
            facts.acknowledged_at = facts.acknowledged_at or at
        elif name is ev.JobPickedUp:
            facts.picked_up_at = at
        elif name is ev.JobEscalated:
            self.reasons["escalated"][event.stage] += 1
        elif name is ev.JobRated:
            facts.rating = event.score
            for pid in facts.porters:
                if pid in self.porters:
                    self.porters[pid].ratings.append(event.score)
        elif name is ev.JobIncidentReported:
            facts.incidents.append(event.category)
            if event.porter_id in self.porters:
                self.porters[event.porter_id].incidents += 1
        elif name is ev.JobComplained:
            facts.complaints.append(event.category)
            for pid in facts.porters:
                if pid in self.porters:
                    self.porters[pid].complaints += 1
        if name in _REASONED:
            self.reasons[_REASONED[name]][event.reason] += 1
        if name in _TERMINAL:
            facts.status = _TERMINAL[name]
        if name is ev.JobCompleted:
            facts.delivered_at = at
            if facts.picked_up_at is not None:
                minutes = (at - facts.picked_up_at).total_seconds() / 60
                for pid in facts.porters:
                    if pid in self.porters:
                        self.porters[pid].busy_minutes += minutes

    def _submitted(self, event: Any) -> None:
        request = event.request
        ready = datetime.fromisoformat(request["ready_at"]) if request.get("ready_at") else None
        self.jobs[event.originator_id] = JobFacts(
            kind=request["kind"],
            priority=event.priority,
            group=request["group"],
            start=max(event.timestamp, ready) if ready else event.timestamp,
            pickup_due=event.pickup_due,
            delivery_due=event.delivery_due,
        )

    def _porter(self, name: type[Any], event: Any) -> None:
        pid = str(event.originator_id)
        if name is ev.PorterRegistered:
            self.porters[pid] = PorterFacts(badge=event.badge, group=event.group)
        elif name is ev.PorterJobTaken and pid in self.porters:
            self.porters[pid].taken += 1
        elif name is ev.PorterJobDropped and pid in self.porters:
            self.porters[pid].outcomes[event.outcome] += 1

    # -- the report -----------------------------------------------------------

    def _hour(self, facts: JobFacts) -> str:
        """The hospital's local hour a job was requested (or ready) in, 00-23: a desk
        reads its day by its own clock, whatever the server's zone."""
        return f"{facts.start.astimezone(self.tz):%H}"

    def report(
        self, now: datetime, start: datetime | None = None, end: datetime | None = None
    ) -> dict[str, Any]:
        """Over jobs requested (or, scheduled, ready) in [start, end) when given."""
        facts = [
            f
            for f in self.jobs.values()
            if (start is None or f.start >= start) and (end is None or f.start < end)
        ]
        status = Counter(f.status for f in facts)
        times: dict[str, list[float]] = {s: [] for s in STAGES}
        waits: dict[str, list[float]] = {}  # to pickup, by the local hour requested
        for f in facts:
            for stage, at in f.stage_times().items():
                if at is not None:
                    times[stage].append(max((at - f.start).total_seconds() / 60, 0.0))
            if f.picked_up_at is not None:
                waits.setdefault(self._hour(f), []).append(times["to_pickup"][-1])
        ratings = [f.rating for f in facts if f.rating is not None]
        incidents = Counter(c for f in facts for c in f.incidents)
        complaints = Counter(c for f in facts for c in f.complaints)
        return {
            "position": self.position,
            "as_of": now.astimezone(self.tz).isoformat(),
            "from": None if start is None else start.astimezone(self.tz).isoformat(),
            "to": None if end is None else end.astimezone(self.tz).isoformat(),
            "jobs": {"submitted": len(facts), **{k: status.get(k, 0) for k in _STATUSES}},
            "minutes": {stage: summary(values) for stage, values in times.items()},
            "waits_by_hour": {hour: summary(v) for hour, v in sorted(waits.items())},
            "sla": {
                "overall": _sla(facts, now),
                "by_priority": _sla_by(facts, now, lambda f: f.priority),
                "by_kind": _sla_by(facts, now, lambda f: f.kind),
                "by_group": _sla_by(facts, now, lambda f: f.group),
                "by_hour": _sla_by(facts, now, self._hour),
            },
            "delay_reasons": {k: dict(sorted(v.items())) for k, v in self.reasons.items()},
            "ratings": {
                "count": len(ratings),
                "mean": round(sum(ratings) / len(ratings), 2) if ratings else None,
                "by_score": {str(s): ratings.count(s) for s in range(1, 6)},
            },
            "incidents": {
                "count": incidents.total(),
                "by_category": dict(sorted(incidents.items())),
            },
            "complaints": {
                "count": complaints.total(),
                "by_category": dict(sorted(complaints.items())),
            },
            "porters": {
                p.badge: {
                    "group": p.group,
                    "taken": p.taken,
                    "completed": p.outcomes.get("completed", 0),
                    "released": p.outcomes.get("released", 0),
                    "busy_minutes": round(p.busy_minutes, 2),
                    "ratings": len(p.ratings),
                    "mean_rating": round(sum(p.ratings) / len(p.ratings), 2) if p.ratings else None,
                    "incidents": p.incidents,
                    "complaints": p.complaints,
                }
                for p in sorted(self.porters.values(), key=lambda p: p.badge)
                if p.taken
            },
        }


_STATUSES = ("open", "completed", "cancelled", "failed")


def summary(values: list[float]) -> dict[str, float | int | None]:
    """Count, mean and nearest-rank percentiles, in minutes."""
    if not values:
        return {"count": 0, "mean": None, "p50": None, "p90": None, "max": None}
    ordered = sorted(values)

    def rank(q: float) -> float:
        return round(ordered[max(0, math.ceil(q * len(ordered)) - 1)], 2)

    return {
        "count": len(ordered),
        "mean": round(sum(ordered) / len(ordered), 2),
        "p50": rank(0.5),
        "p90": rank(0.9),
        "max": round(ordered[-1], 2),
    }


def _share(met: int, breached: int) -> dict[str, float | int | None]:
    total = met + breached
    return {"met": met, "breached": breached, "share": round(met / total, 4) if total else None}


def _sla(facts: list[JobFacts], now: datetime) -> dict[str, Any]:
    """Delivered by the due time is met; delivered late, or still open past it, is breached.

    Cancelled and failed jobs are left out: they have no delivery to judge.
    """
    counts = Counter[str]()
    for f in facts:
        if f.status in ("cancelled", "failed"):
            continue
        for stage, at, due in (
            ("pickup", f.picked_up_at, f.pickup_due),
            ("delivery", f.delivered_at, f.delivery_due),
        ):
            if at is not None:
                counts[f"{stage}_met" if at <= due else f"{stage}_breached"] += 1
            elif now > due:
                counts[f"{stage}_breached"] += 1
    return {
        stage: _share(counts[f"{stage}_met"], counts[f"{stage}_breached"])
        for stage in ("pickup", "delivery")
    }


def _sla_by(facts: list[JobFacts], now: datetime, key: Any) -> dict[str, Any]:
    groups: dict[str, list[JobFacts]] = {}
    for f in facts:
        groups.setdefault(str(key(f)), []).append(f)
    return {k: _sla(v, now) for k, v in sorted(groups.items())}
