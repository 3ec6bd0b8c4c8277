"""What a dispatcher, a porter or a screen sees: jobs and porters as plain records.

Minutes left are computed against the clock at the time of the answer, so the
same job reads differently a minute later; everything else is the fold's state.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta, tzinfo
from typing import Any
from uuid import UUID

from engine.domain.job.aggregate import Job
from engine.domain.porter.aggregate import Porter
from engine.domain.rota.aggregate import RotaDay
from engine.projections.local_time import iso


def _iso(value: datetime | None, tz: tzinfo | None = None) -> str | None:
    return None if value is None else iso(value, tz)


def _minutes(due: datetime, now: datetime) -> float:
    return round((due - now).total_seconds() / 60, 1)


def job_view(
    job: Job,
    now: datetime,
    badges: Mapping[str, str],
    tz: tzinfo | None = None,
    rounds: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """A job as dispatchers see it: minutes left are negative once overdue; the round that
    placed it by number (`rounds`: decision id -> number), as `/decisions/{number}` takes."""
    picked = job.picked_up_at is not None
    return {
        "id": str(job.id),
        "version": job.version,
        "status": job.status.value,
        "fhir_status": job.status.fhir,
        "kind": job.kind.value,
        "priority": job.priority.value,
        "requested_priority": job.requested_priority.value,
        "group": job.group,
        "department": job.department,
        "origin": job.origin.code,
        "destination": job.destination.code,
        "patient_ref": job.patient_ref,
        "requirements": job.requirements.to_dict(),
        "notes": job.notes,
        "porters": [badges.get(p, p) for p in job.porter_ids],
        "requested_at": _iso(job.requested_at, tz),
        "ready_at": _iso(job.ready_at, tz),
        "pickup_due": _iso(job.pickup_due, tz),
        "delivery_due": _iso(job.delivery_due, tz),
        "minutes_to_pickup": None if picked or not job.is_open else _minutes(job.pickup_due, now),
        "minutes_to_delivery": None if not job.is_open else _minutes(job.delivery_due, now),
        "assigned_at": _iso(job.assigned_at, tz),
        "acknowledged_at": _iso(job.acknowledged_at, tz),
        "picked_up_at": _iso(job.picked_up_at, tz),
        "ended_at": _iso(job.ended_at, tz),
        "escalation_level": job.escalation_level,
        "escalation": job.escalation,
        "pinned": job.pinned,
        "widened": job.widened,
        "acknowledged_by": [badges.get(p, p) for p in job.acknowledged_by],
        "incidents": job.incidents,
        "complaints": job.complaints,
        "companion": job.companion,
        "accompaniment_confirmed": job.accompaniment_confirmed_by is not None,
        "last_reason": job.last_reason,
        "rating": job.rating,
        "leg": job.leg,
        "linked_job_id": job.linked_job_id,
        "decision_id": job.decision_id,
        "decision_number": (rounds or {}).get(job.decision_id) if job.decision_id else None,
    }


def porter_view(
    porter: Porter, now: datetime, jobs: dict[UUID, Job], tz: tzinfo | None = None
) -> dict[str, Any]:
    held = [jobs[UUID(j)] for j in porter.active_jobs if UUID(j) in jobs]
    free_for = None
    if porter.state == "free" and porter.last_free_at is not None:
        free_for = round((now - porter.last_free_at).total_seconds() / 60, 1)
    return {
        "badge": porter.badge,
        "group": porter.group,
        "role": porter.role,
        "skills": sorted(porter.skills),
        "state": porter.state,
        "shift_started_at": _iso(porter.shift_started_at, tz) if porter.on_shift else None,
        "shift_ends_at": _iso(porter.shift_ends_at, tz),
        "location": porter.location,
        "location_at": _iso(porter.location_at, tz),
        "jobs": [{"id": str(j.id), "status": j.status.value, "kind": j.kind.value} for j in held],
        "jobs_this_shift": porter.jobs_this_shift if porter.on_shift else 0,
        "shift": porter.shift,
        "base": porter.base,
        "rota_shift": porter.shift_id if porter.on_shift else None,
        "retired": porter.retired,
        "minutes_free": free_for,
        "version": porter.version,
    }


def rota_view(
    rota: Mapping[date, RotaDay], first: date, last: date, tz: tzinfo
) -> list[dict[str, Any]]:
    out = []
    day = first
    while day <= last:
        planned = rota.get(day)
        if planned is not None:
            shifts = sorted(planned.shifts.values(), key=lambda s: (s.start, s.badge))
            out.append(
                {
                    "day": day,
                    "shifts": [
                        {
                            "id": s.id,
                            "badge": s.badge,
                            "start": _iso(s.start, tz),
                            "end": _iso(s.end, tz),
                            "source": s.source,
                            "cancelled": planned.cancelled.get(s.id),
                        }
                        for s in shifts
                    ],
                }
            )
        day += timedelta(days=1)
    return out
