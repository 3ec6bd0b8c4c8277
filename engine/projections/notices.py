"""Who should hear of an event: the porters it concerns, the requesting ward, the desk.

A notice is a small, plain record (`to`, `kind`, `job_id`, `text`) derived from
one event and the job's fixed facts (its department, its due times), so the live
feed and a client catching up from the log derive the same ones. Porters hear of
jobs given to them, taken from them (moved to someone else, re-offered, handed
back at a shift's end) and cancelled, and of where the engine sends them to wait;
the requesting ward hears that its job was assigned, picked up, delivered,
delayed (with the reason), cancelled or failed;
dispatchers hear of escalations, breaches, incidents, complaints and failures;
the supervisor of the escalations that reach them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from engine.domain import events as ev
from engine.domain.job.aggregate import Job
from engine.domain.values import Reason

Notice = dict[str, Any]

DISPATCH = "dispatch"
SUPERVISOR = "supervisor"

# Releases a porter did not ask for: tell them the job is gone, and why.
_MOVED = {
    Reason.REOPTIMISED.value: "moved to another porter",
    Reason.DIVERTED_FOR_STAT.value: "back in the queue: you are needed for a stat job",
    Reason.ESCALATION.value: "re-offered to another porter (not acknowledged in time)",
    Reason.DISPATCHER_OVERRIDE.value: "moved to another porter by the dispatcher",
    Reason.PORTER_OFF_SHIFT.value: "handed back: your shift is over",
    Reason.RESCHEDULED.value: "rescheduled: it will be planned again for the new time",
}


def porter(badge: str) -> str:
    return f"porter:{badge}"


def ward(department: str) -> str:
    return f"ward:{department}"


def notices_of(event: Any, job: Job | None, badges: Mapping[str, str]) -> list[Notice]:
    """The notices one event gives; `job` is the job it belongs to (None: not a job's)."""
    kind = type(event)
    if kind is ev.PorterStaged:  # no job yet: where to wait for the next one, and why
        badge = badges.get(str(event.originator_id), str(event.originator_id))
        text = f"wait at {event.location}: {event.reason}"
        return [{"to": porter(badge), "kind": "staged", "job_id": None, "text": text}]
    if job is None or kind not in ev.JOB_EVENTS:
        return []
    what = f"{job.kind.value.replace('_', ' ')} {job.origin.code} → {job.destination.code}"
    out: list[Notice] = []

    def say(to: str, notice: str, text: str) -> None:
        out.append({"to": to, "kind": notice, "job_id": str(job.id), "text": text})

    def names(ids: list[str] | None) -> list[str]:
        return [badges.get(p, p) for p in ids or []]

    if kind is ev.JobAssigned:
        held = names(event.porter_ids)
        for badge in held:
            say(porter(badge), "new", f"new job: {what} ({job.priority.value})")
        say(ward(job.department), "assigned", f"{what}: assigned to {', '.join(held)}")
    elif kind is ev.JobReleased:
        barred = set(getattr(event, "barred", None) or [])
        why = _MOVED.get(event.reason, f"released ({event.reason})")
        for pid in getattr(event, "porter_ids", None) or []:
            if pid not in barred:
                say(porter(badges.get(pid, pid)), "moved", f"{what}: {why}")
    elif kind is ev.JobCancelled:
        for badge in names(getattr(event, "porter_ids", None)):
            say(porter(badge), "cancelled", f"{what}: cancelled ({event.reason})")
        say(ward(job.department), "cancelled", f"{what}: cancelled ({event.reason})")
    elif kind is ev.JobRescheduled:  # its porters heard from the release before it
        say(ward(job.department), "rescheduled", f"{what}: now ready at {event.ready_at}")
    elif kind is ev.JobPickedUp:
        say(ward(job.department), "picked_up", f"{what}: picked up")
        _breach(say, "pickup", event.timestamp, job.pickup_due, what)
    elif kind is ev.JobCompleted:
        say(ward(job.department), "delivered", f"{what}: delivered to {event.received_by}")
        _breach(say, "delivery", event.timestamp, job.delivery_due, what)
    elif kind is ev.JobHeld:
        say(ward(job.department), "delayed", f"{what}: delayed ({event.reason}) {event.note}")
    elif kind is ev.JobFailed:
        say(ward(job.department), "failed", f"{what}: could not be done ({event.reason})")
        say(DISPATCH, "failed", f"{what}: failed ({event.reason}) {event.note}".strip())
    elif kind is ev.JobEscalated:
        action = getattr(event, "action", "") or "recorded"
        text = f"{what}: escalation level {event.level}, {event.note}; {action}"
        effect = getattr(event, "effect", "")
        say(DISPATCH, "escalation", f"{text}: {effect}" if effect else text)
        if action == "alert_supervisor":
            say(SUPERVISOR, "escalation", f"{text}: {effect}" if effect else text)
    elif kind is ev.JobIncidentReported:
        who = badges.get(event.porter_id, event.porter_id)
        say(DISPATCH, "incident", f"{what}: {event.category} reported by {who}: {event.note}")
    elif kind is ev.JobComplained:
        say(DISPATCH, "complaint", f"{what}: {event.category} from {event.by}: {event.text}")
    return out


def _breach(say: Any, stage: str, at: datetime, due: datetime, what: str) -> None:
    if at > due:
        late = (at - due).total_seconds() / 60
        say(DISPATCH, "breach", f"{what}: {stage} {late:.0f} min past its target")


def audience(
    notices: list[Notice], role: str, badge: str | None, department: str | None
) -> list[Notice]:
    """The notices a caller may see: a porter their own, a ward its department's,
    a dispatcher the desk's, a supervisor (admin) the desk's and theirs."""
    mine = set()
    if role == "porter" and badge:
        mine.add(porter(badge))
    elif role == "ward" and department:
        mine.add(ward(department))
    elif role == "dispatcher":
        mine.add(DISPATCH)
    elif role == "admin":
        mine.update({DISPATCH, SUPERVISOR})
    return [n for n in notices if n["to"] in mine]
