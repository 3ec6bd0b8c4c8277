"""Job timelines for auditors: every event of a job and every decision that touched it.

A job's own events say what happened; the decisions say what the engine knew
and chose each time it looked at the job, including the rounds that left it
waiting and the dispatcher overrides. Reading that back from the store on
every request would mean loading every decision, so the timelines are folded
from the notification log once, with the position they reached, and give the
same entries whether built live or from scratch.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any
from uuid import UUID

from engine.domain import events as ev
from engine.domain.decision.inputs import considered, held
from engine.projections.local_time import iso

Change = dict[str, Any]

# Event fields too large or too internal for a change feed.
_BULKY = {"originator_topic", "request", "problem", "result", "params", "document", "fingerprint"}


event_name = ev.name_of


def timeline_entry(event: Any, tz: tzinfo | None = None) -> dict[str, Any]:
    """One event of a job as people read it: its fields, times as ISO strings in the
    hospital's time zone."""
    fields = {
        k: (iso(v, tz) if isinstance(v, datetime) else v)
        for k, v in vars(event).items()
        if k not in ("originator_id", "originator_version", "timestamp", "originator_topic")
    }
    fields.pop("request", None)
    return {
        "at": iso(event.timestamp, tz),
        "event": type(event).__name__,
        "version": event.originator_version,
        **fields,
    }


class Timelines:
    """Per job, its entries oldest first. `apply` ignores positions already applied."""

    def __init__(self, tz: tzinfo | None = None) -> None:
        self.tz = tz
        self.position = 0
        self.entries: dict[UUID, list[dict[str, Any]]] = {}
        self.badges: dict[str, str] = {}  # porter id -> badge

    def apply(self, position: int, event: Any) -> None:
        if position <= self.position:
            return
        self.position = position
        kind = type(event)
        if kind is ev.PorterRegistered:
            self.badges[str(event.originator_id)] = event.badge
        elif kind in ev.JOB_EVENTS:
            self._job_event(position, event)
        elif kind is ev.DecisionMade:
            self._decision(position, event)
        elif kind is ev.DecisionOverridden:
            self._override(position, event)

    def of(self, job_id: UUID) -> list[dict[str, Any]] | None:
        entries = self.entries.get(job_id)
        return None if entries is None else [dict(e) for e in entries]

    def _badges(self, ids: list[str]) -> list[str]:
        return [self.badges.get(i, i) for i in ids]

    def _job_event(self, position: int, event: Any) -> None:
        entry = timeline_entry(event, self.tz)
        entry["position"] = position
        if entry.get("porter_ids") is not None:
            entry["badges"] = self._badges(list(entry["porter_ids"]))
        if entry.get("barred"):
            entry["barred_badges"] = self._badges(list(entry["barred"]))
        if "porter_id" in entry:
            entry["badge"] = self.badges.get(entry["porter_id"], entry["porter_id"])
        entry.pop("fingerprint", None)
        if "request" in vars(event):
            entry["request"] = request_summary(event.request)
        self.entries.setdefault(event.originator_id, []).append(entry)

    def _decision(self, position: int, event: Any) -> None:
        """One entry per job the round considered: assigned, kept, or left waiting and why.
        Rounds that leave a job waiting for the same reason as the round before add to
        that entry (`rounds`, the last one's number and time) rather than one entry each:
        a job waiting through a busy hour would otherwise carry hundreds."""
        chosen = {a["job_id"]: a for a in event.result.get("assignments", [])}
        waiting = {u["job_id"]: u for u in event.result.get("unassigned", [])}
        holding = held(event.problem)
        at = iso(event.timestamp, self.tz)
        for jid in considered(event.problem):
            entries = self.entries.setdefault(UUID(jid), [])
            if jid not in chosen:
                reason = waiting.get(jid, {}).get("reason", "")
                last = entries[-1] if entries else None
                if (
                    last is not None
                    and last.get("outcome") == "waiting"
                    and last.get("reason") == reason
                ):
                    last["rounds"] = last.get("rounds", 1) + 1
                    last["decision"] = event.number
                    last["last_at"] = at
                    last["last_position"] = position
                    continue
            entry: dict[str, Any] = {
                "at": at,
                "event": "Decision",
                "position": position,
                "decision": event.number,
                "trigger": event.trigger,
                "policy_version": event.policy_version,
            }
            if jid in chosen:
                pick = chosen[jid]
                kept = sorted(holding.get(jid, [])) == sorted(pick["porter_ids"])
                entry["outcome"] = "kept" if kept else "assigned"
                entry["badges"] = self._badges(list(pick["porter_ids"]))
                entry["cost"] = pick["cost"]
                entry["breakdown"] = pick["breakdown"]
                entry["alternatives"] = [
                    {"badge": self.badges.get(a["porter_id"], a["porter_id"]), "cost": a["cost"]}
                    for a in pick.get("alternatives", [])
                ]
            else:
                entry["outcome"] = "waiting"
                entry["reason"] = reason
            entries.append(entry)

    def _override(self, position: int, event: Any) -> None:
        self.entries.setdefault(UUID(event.job_id), []).append(
            {
                "at": iso(event.timestamp, self.tz),
                "event": "DecisionOverridden",
                "position": position,
                "decision_id": str(event.originator_id),
                "engine_choice": self._badges(list(event.engine_choice)),
                "badges": self._badges(list(event.porter_ids)),
                "by": event.by,
                "reason": event.reason,
            }
        )


def request_summary(request: dict[str, Any]) -> dict[str, Any]:
    """What the ward asked for, with locations by code (the full records are in the log)."""
    summary = {k: v for k, v in request.items() if k not in ("origin", "destination")}
    summary["origin"] = request["origin"]["code"]
    summary["destination"] = request["destination"]["code"]
    return summary


def change_record(
    position: int, event: Any, badges: Mapping[str, str], tz: tzinfo | None = None
) -> Change:
    """One event as the change feed carries it: small, with porters named by badge."""
    record: Change = {
        "position": position,
        "type": event_name(event),
        "id": str(event.originator_id),
        "version": event.originator_version,
        "at": iso(event.timestamp, tz),
    }
    for key, value in vars(event).items():
        if key in _BULKY or key in ("originator_id", "originator_version", "timestamp"):
            continue
        record[key] = iso(value, tz) if isinstance(value, datetime) else value
    if record.get("porter_ids") is not None:
        record["badges"] = [badges.get(p, p) for p in record["porter_ids"]]
    if record.get("barred"):
        record["barred_badges"] = [badges.get(p, p) for p in record["barred"]]
    if "porter_id" in record:
        record["badge"] = badges.get(record["porter_id"], record["porter_id"])
    kind = type(event)
    if kind in ev.PORTER_EVENTS:
        record["badge"] = badges.get(record["id"], record.get("badge"))
    if kind is ev.JobSubmitted:
        record["request"] = request_summary(event.request)
    if kind is ev.DecisionMade:
        record["assigned"] = len(event.result.get("assignments", []))
        record["waiting"] = len(event.result.get("unassigned", []))
    return record
