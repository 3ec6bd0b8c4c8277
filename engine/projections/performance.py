"""Performance by porter and period: the recorded work that pay and assessment rest on.

Folded once from the log like every read model; a report covers any period
(`[start, end)`, a day, a week, a month) and is derived from the facts kept per
job and per porter. A job counts for the porter who did it (who held it when it
was completed), not for one it was moved away from; a decline counts for the
porter who declined.

Workload weighs each completed job by its kind and by the minutes it was carried
(origin to destination by the site's travel times), so a bed across campus counts
more than a form down the corridor.
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from engine.domain import events as ev

KIND_WEIGHT = {
    "patient_transport": 3.0,
    "escort": 3.0,
    "urgent_blood": 1.5,
    "specimen": 1.0,
    "drug": 1.0,
    "document": 0.5,
    "item": 1.0,
}
"""Relative effort of a job of each kind, before distance (see `workload`)."""

COLUMNS = (
    "badge",
    "group",
    "completed",
    "workload",
    "minutes_to_acknowledge",
    "minutes_to_pickup",
    "minutes_to_deliver",
    "within_sla",
    "ratings",
    "mean_rating",
    "declines",
    "incidents",
    "holds",
    "complaints",
    "overtime_minutes",
)


@dataclass
class _Job:
    kind: str
    origin: str
    destination: str
    pickup_due: datetime
    delivery_due: datetime
    porters: list[str] = field(default_factory=list)
    assigned_at: datetime | None = None
    acknowledged_at: datetime | None = None
    picked_up_at: datetime | None = None
    completed_at: datetime | None = None
    rating: int | None = None


@dataclass
class _Porter:
    badge: str
    group: str
    declines: list[datetime] = field(default_factory=list)
    incidents: list[datetime] = field(default_factory=list)  # reported by them
    holds: list[datetime] = field(default_factory=list)  # held or failed on their watch
    complaints: list[datetime] = field(default_factory=list)  # about jobs they held
    overtime: list[tuple[datetime, float]] = field(default_factory=list)


class Performance:
    def __init__(self, travel_minutes: Any = None) -> None:
        """`travel_minutes(a, b)`: the site's travel times, for the workload."""
        self.position = 0
        self.travel = travel_minutes
        self.jobs: dict[UUID, _Job] = {}
        self.porters: dict[str, _Porter] = {}  # by porter id

    def apply(self, position: int, event: Any) -> None:
        if position <= self.position:
            return
        self.position = position
        kind = type(event)
        if kind is ev.PorterRegistered:
            self.porters[str(event.originator_id)] = _Porter(event.badge, event.group)
        elif kind is ev.PorterChanged and str(event.originator_id) in self.porters:
            self.porters[str(event.originator_id)].group = event.group
        elif kind is ev.PorterShiftEnded:
            porter = self.porters.get(str(event.originator_id))
            minutes = float(getattr(event, "overtime_minutes", 0.0))
            if porter is not None and minutes > 0:
                porter.overtime.append((event.timestamp, minutes))
        elif kind is ev.JobSubmitted:
            r = event.request
            self.jobs[event.originator_id] = _Job(
                r["kind"],
                r["origin"]["code"],
                r["destination"]["code"],
                event.pickup_due,
                event.delivery_due,
            )
        elif kind in ev.JOB_EVENTS:
            self._job(kind, event)

    def _job(self, kind: Any, event: Any) -> None:
        job = self.jobs.get(event.originator_id)
        if job is None:
            return
        at = event.timestamp
        if kind is ev.JobAssigned:
            job.porters = list(event.porter_ids)
            job.assigned_at = at
            job.acknowledged_at = None
        elif kind is ev.JobAcknowledged:
            job.acknowledged_at = at
        elif kind is ev.JobPickedUp:
            job.picked_up_at = at
        elif kind is ev.JobCompleted:
            job.completed_at = at
        elif kind is ev.JobRated:
            job.rating = event.score
        elif kind is ev.JobReleased and hasattr(event, "barred"):
            for pid in event.barred or []:  # whoever declined, whatever the reason given
                if pid in self.porters:
                    self.porters[pid].declines.append(at)
        elif kind is ev.JobReleased and event.reason == "porter_declined":
            holders = [self.porters[pid] for pid in job.porters if pid in self.porters]
            named = [p for p in holders if p.badge == event.by]
            # Logs from before declines named whom: the porter who declined, or the one
            # holder when a dispatcher declined for them.
            for porter in named or (holders if len(holders) == 1 else []):
                porter.declines.append(at)
        elif kind is ev.JobIncidentReported and event.porter_id in self.porters:
            self.porters[event.porter_id].incidents.append(at)
        elif kind is ev.JobComplained:
            for pid in job.porters:
                if pid in self.porters:
                    self.porters[pid].complaints.append(at)
        elif kind in (ev.JobHeld, ev.JobFailed):
            for pid in job.porters:  # held or failed on the porters' watch
                if pid in self.porters:
                    self.porters[pid].holds.append(at)

    def workload(self, job: _Job) -> float:
        minutes = self.travel(job.origin, job.destination) if self.travel else 0.0
        return KIND_WEIGHT.get(job.kind, 1.0) * (1.0 + minutes / 10.0)

    def report(
        self, start: datetime, end: datetime, badge: str | None = None
    ) -> list[dict[str, Any]]:
        """One row per porter (or the one `badge`), over jobs completed in [start, end)."""
        rows: dict[str, dict[str, Any]] = {}
        waits: dict[str, dict[str, list[float]]] = {}
        sla: dict[str, Counter[str]] = {}
        ratings: dict[str, list[int]] = {}
        for pid, p in sorted(self.porters.items(), key=lambda kv: kv[1].badge):
            if badge is not None and p.badge != badge:
                continue
            rows[pid] = {
                "badge": p.badge,
                "group": p.group,
                "completed": 0,
                "by_kind": Counter[str](),
                "workload": 0.0,
                "declines": sum(1 for at in p.declines if start <= at < end),
                "incidents": sum(1 for at in p.incidents if start <= at < end),
                "holds": sum(1 for at in p.holds if start <= at < end),
                "complaints": sum(1 for at in p.complaints if start <= at < end),
                "overtime_minutes": round(sum(m for at, m in p.overtime if start <= at < end), 2),
            }
            waits[pid] = {"acknowledge": [], "pickup": [], "deliver": []}
            sla[pid] = Counter()
            ratings[pid] = []
        for job in self.jobs.values():
            if job.completed_at is None or not start <= job.completed_at < end:
                continue
            for pid in job.porters:
                if pid not in rows:
                    continue
                row = rows[pid]
                row["completed"] += 1
                row["by_kind"][job.kind] += 1
                row["workload"] += self.workload(job) / len(job.porters)
                w = waits[pid]
                if job.assigned_at and job.acknowledged_at:
                    w["acknowledge"].append(_minutes(job.assigned_at, job.acknowledged_at))
                if job.acknowledged_at and job.picked_up_at:
                    w["pickup"].append(_minutes(job.acknowledged_at, job.picked_up_at))
                if job.picked_up_at:
                    w["deliver"].append(_minutes(job.picked_up_at, job.completed_at))
                sla[pid]["met" if job.completed_at <= job.delivery_due else "breached"] += 1
                if job.rating is not None:
                    ratings[pid].append(job.rating)
        out = []
        for pid, row in rows.items():
            total = sla[pid]["met"] + sla[pid]["breached"]
            scores = ratings[pid]
            row |= {
                "by_kind": dict(sorted(row["by_kind"].items())),
                "workload": round(row["workload"], 2),
                "minutes_to_acknowledge": _mean(waits[pid]["acknowledge"]),
                "minutes_to_pickup": _mean(waits[pid]["pickup"]),
                "minutes_to_deliver": _mean(waits[pid]["deliver"]),
                "within_sla": round(sla[pid]["met"] / total, 4) if total else None,
                "ratings": len(scores),
                "mean_rating": round(sum(scores) / len(scores), 2) if scores else None,
            }
            out.append(row)
        return out


def as_csv(rows: list[dict[str, Any]]) -> str:
    """The rows as CSV for a spreadsheet (jobs by kind left out: they are in the JSON)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row[k] is None else row[k] for k in COLUMNS})
    return out.getvalue()


def _minutes(a: datetime, b: datetime) -> float:
    return max((b - a).total_seconds() / 60, 0.0)


def _mean(values: list[float]) -> float | None:
    return round(math.fsum(values) / len(values), 2) if values else None
