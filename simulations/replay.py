"""Replay a recorded event log: exactly, to verify it, or as a what-if.

`Commands` re-executes what people and the outside world asked for (requests,
acknowledgements, shifts started, ...) through an application. What the engine
did by itself is regenerated, never copied: `replay_exact` steps the site's own
dispatch driver at the instants the log says it acted (each round, each
escalation, each shift it ended because it was over) and compares what it
regenerates with what was recorded, round by round.

`replay_whatif` takes the log's demand (submissions, companion confirmations)
and roster (registered porters and their shifts) and runs them through the
simulation under another policy, strategy or staffing.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from engine.assign import SolverParams
from engine.bootstrap import Site, bootstrap, open_site
from engine.clock import ManualClock
from engine.dispatch.manual import override
from engine.domain import events as ev
from engine.domain.actor import SYSTEM, Actor, acting, current
from engine.domain.commands import (
    ChangePorter,
    Complete,
    Rate,
    RegisterPorter,
    RetirePorter,
    SubmitJob,
    Transition,
    parse,
)
from engine.domain.policy.aggregate import Policy
from engine.domain.recurring import is_recurring
from engine.domain.rota.aggregate import Shift
from engine.domain.values import ENGINE, ENGINE_ROTA, ENGINE_SHIFT_OVER, Reason, Status
from engine.hospital import Hospital, RosterEntry
from engine.settings import Settings
from engine.write.application import DispatchApp
from engine.write.eventlog import parse_log, read_notifications
from simulations.demand import Arrival
from simulations.scenario import Scenario

# Releases that are consequences of another act: a round moving a job or diverting its
# porter to a stat job, a shift ending.
CONSEQUENTIAL_RELEASES = {
    Reason.REOPTIMISED.value,
    Reason.DIVERTED_FOR_STAT.value,
    Reason.PORTER_OFF_SHIFT.value,
    Reason.ESCALATION.value,
}


def _site_of(lines: list[str]) -> str:
    header = json.loads(lines[0]) if lines else {}
    return str(header.get("site", ""))


def decode(lines: Iterable[str], hospital: Hospital) -> tuple[str, list[Any]]:
    """The log's site and its domain events, in log order (checked line by line)."""
    lines = list(lines)
    site = _site_of(lines)
    stored = parse_log(lines, site)
    mapper_app = bootstrap(
        Settings(store="memory", site=site),
        ManualClock(datetime(2000, 1, 1).astimezone()),
        hospital,
        publish_default_policy=False,
    )
    return site, [mapper_app.mapper.to_domain_event(s) for s in stored]


def _submit_data(event: Any, exam_minutes: dict[UUID, int]) -> dict[str, Any]:
    request = dict(event.request)
    request["origin"] = request["origin"]["code"]
    request["destination"] = request["destination"]["code"]
    if event.leg == "outbound":
        request["with_return"] = True
        request["exam_minutes"] = exam_minutes.get(event.originator_id, 30)
    return request


def _exam_minutes(events: list[Any]) -> dict[UUID, int]:
    """Minutes between an outbound escort and its return leg, to rebuild the request."""
    starts = {
        e.originator_id: (e.request["ready_at"], e.timestamp)
        for e in events
        if type(e) is ev.JobSubmitted and e.leg == "outbound"
    }
    minutes = {}
    for e in events:
        if type(e) is ev.JobSubmitted and e.leg == "return" and e.linked_job_id:
            outbound = UUID(e.linked_job_id)
            ready, submitted = starts[outbound]
            base = datetime.fromisoformat(ready) if ready else submitted
            back = datetime.fromisoformat(e.request["ready_at"])
            minutes[outbound] = round((back - base).total_seconds() / 60)
    return minutes


def engine_made(event: Any) -> bool:
    """What the dispatch driver did by itself: its rounds, escalations, shift ends, and
    keeping the rota (days planned, shifts started by it, days brought in line)."""
    kind = type(event)
    by = getattr(event, "by", "")
    return (
        kind in (ev.DecisionMade, ev.JobEscalated, ev.RotaPlanned)
        or (kind is ev.JobSubmitted and is_recurring(event.key))  # recurring work
        or (kind is ev.PorterShiftEnded and by == ENGINE_SHIFT_OVER)
        or kind is ev.PorterStaged  # sent to a staging point (`anticipation.staging`)
        or (kind is ev.PorterShiftStarted and by == ENGINE_ROTA)
        or (kind in (ev.RotaShiftAdded, ev.RotaShiftCancelled) and by == ENGINE_ROTA)
        or (kind is ev.JobAssigned and by == ENGINE)
    )


class Commands:
    """A log's commands, re-executed at the clock's time through an application."""

    def __init__(self, app: DispatchApp, events: list[Any]) -> None:
        self.app = app
        self.exam_minutes = _exam_minutes(events)
        self.overrides: dict[UUID, Any] = {}
        a = app
        self.handlers: dict[type[Any], Callable[[Any], object]] = {
            ev.PolicyPublished: self._policy,
            ev.PolicyRepublished: lambda e: a.publish_policy(e.document, e.published_by, e.note),
            ev.PorterRegistered: lambda e: a.register_porter(
                RegisterPorter(
                    badge=e.badge,
                    name=e.name,
                    group=e.group,
                    role=e.role,
                    skills=tuple(e.skills),
                    shift=getattr(e, "shift", None),
                    base=getattr(e, "base", None),
                )
            ),
            ev.PorterShiftStarted: lambda e: a.start_shift(e.originator_id, e.ends_at),
            ev.PorterChanged: lambda e: a.change_porter(
                a.porter(e.originator_id).badge,
                ChangePorter(
                    group=e.group,
                    role=e.role,
                    skills=tuple(e.skills),
                    shift=e.shift,
                    base=e.base,
                    by=e.by,
                ),
            ),
            ev.PorterRetired: lambda e: a.retire_porter(
                a.porter(e.originator_id).badge, RetirePorter(reason=e.reason, by=e.by)
            ),
            ev.RotaShiftAdded: lambda e: a.add_rota_shift(Shift.from_data(e.shift), e.reason, e.by),
            ev.RotaShiftCancelled: self._cancelled,
            ev.PorterShiftEnded: lambda e: a.end_shift(e.originator_id, getattr(e, "by", "")),
            ev.PorterBreakStarted: lambda e: a.start_break(e.originator_id),
            ev.PorterBreakEnded: lambda e: a.end_break(e.originator_id),
            ev.PorterLocationReported: lambda e: a.report_location(e.originator_id, e.location),
            ev.JobSubmitted: self._submitted,
            ev.JobAssigned: self._assigned,
            ev.JobReleased: self._released,
            ev.JobAcknowledged: lambda e: a.acknowledge_job(e.originator_id, UUID(e.porter_id)),
            ev.JobAccompanimentConfirmed: lambda e: a.confirm_accompaniment(
                e.originator_id, e.confirmed_by, e.companion
            ),
            ev.JobPickedUp: lambda e: a.pick_up_job(
                e.originator_id,
                UUID(e.porter_id),
                e.companion_present,
                getattr(e, "handed_over_by", ""),
            ),
            ev.JobHeld: lambda e: a.hold_job(e.originator_id, self._why(e)),
            ev.JobResumed: lambda e: a.resume_job(e.originator_id, e.by),
            ev.JobCompleted: lambda e: a.complete_job(
                e.originator_id, UUID(e.porter_id), Complete(received_by=e.received_by, note=e.note)
            ),
            ev.JobCancelled: self._job_cancelled,
            ev.JobRescheduled: self._rescheduled,
            ev.JobIncidentReported: lambda e: a.report_incident(
                e.originator_id, UUID(e.porter_id), e.category, e.note
            ),
            ev.JobComplained: lambda e: a.complain(e.originator_id, e.category, e.text, e.by),
            ev.JobFailed: lambda e: a.fail_job(e.originator_id, self._why(e)),
            ev.JobRated: lambda e: a.rate_job(
                e.originator_id, Rate(score=e.score, comment=e.comment, by=e.by)
            ),
        }

    def run(self, event: Any) -> bool:
        """Re-execute `event`'s command; False for what is not a command (what the engine
        did by itself, and consequences of other commands: JobTaken, JobDropped, ...)."""
        if engine_made(event):
            return False
        handler = self.handlers.get(type(event))
        if handler is None:
            return False
        recorded = getattr(event, "actor", None)
        actor = Actor(recorded["by"], recorded["role"], recorded["for"]) if recorded else SYSTEM
        with acting(actor):  # the replayed log names whoever the recorded one did
            return handler(event) is not _NOT_A_COMMAND

    def _job_cancelled(self, event: Any) -> object:
        if not self.app.job(event.originator_id).is_open:
            return _NOT_A_COMMAND  # a return leg, cancelled with its outbound leg
        self.app.cancel_job(event.originator_id, self._why(event))
        return None

    def _rescheduled(self, event: Any) -> object:
        job = self.app.job(event.originator_id)
        when = datetime.fromisoformat(event.ready_at)
        if job.ready_at == when:
            return _NOT_A_COMMAND  # a return leg, moved with its outbound leg
        self.app.reschedule_job(event.originator_id, when, getattr(event, "by", ""))
        return None

    def _cancelled(self, event: Any) -> object:
        if event.reason == "retired":
            return _NOT_A_COMMAND  # with the porter's retirement
        day = date.fromisoformat(self._day_of(event))
        self.app.cancel_rota_shift(day, event.shift_id, event.reason, event.by)
        return None

    def _day_of(self, event: Any) -> str:
        rota = self.app.get_aggregate(event.originator_id)
        return str(getattr(rota, "day", ""))

    @staticmethod
    def _why(event: Any) -> Transition:
        return Transition(reason=Reason(event.reason), note=event.note, by=event.by or "replay")

    def _policy(self, event: Any) -> None:
        policy = Policy(
            site=self.app.site,
            document=event.document,
            published_by=event.published_by,
            note=event.note,
            timestamp=event.timestamp,
            actor=current(),
        )
        self.app.record(policy)

    def _submitted(self, event: Any) -> object:
        if event.leg == "return":
            return _NOT_A_COMMAND  # created with its outbound leg
        data = _submit_data(event, self.exam_minutes)
        # The return leg under the id the log gave it (logs from before return legs had
        # ids of their own name it differently from a new one).
        back = UUID(event.linked_job_id) if event.leg == "outbound" else None
        return self.app.submit_job(parse(SubmitJob, data), event.key, back)

    def _assigned(self, event: Any) -> None:
        jid = event.originator_id
        porters: list[UUID | str] = [UUID(p) for p in event.porter_ids]
        released = self.overrides.pop(jid, None)
        forced = getattr(event, "forced", "")
        if self.app.job(jid).status is Status.REQUESTED and released is None:
            self.app.assign_job(jid, porters, by=event.by, forced=forced)
        elif released is not None:
            override(self.app, jid, porters, self._why(released), force=forced, check=False)
        else:
            self.app.reassign_job(
                jid, porters, Transition(reason=Reason.DISPATCHER_OVERRIDE, by=event.by)
            )

    def _released(self, event: Any) -> object:
        if event.reason in CONSEQUENTIAL_RELEASES and (
            event.by == ENGINE or event.reason == Reason.PORTER_OFF_SHIFT.value
        ):
            return _NOT_A_COMMAND  # the engine's own, or a shift end's: not a command
        if event.reason == Reason.RESCHEDULED.value:
            return _NOT_A_COMMAND  # with the Rescheduled event that follows
        if event.reason == Reason.DISPATCHER_OVERRIDE.value:
            self.overrides[event.originator_id] = event  # the Assigned that follows moves it
            return _NOT_A_COMMAND
        barred = [UUID(p) for p in getattr(event, "barred", None) or []]
        return self.app.release_job(event.originator_id, self._why(event), barred or None)


_NOT_A_COMMAND = object()


class _Replayer:
    """Commands at their recorded times; the driver's acts at the instants it acted."""

    def __init__(self, site: str, events: list[Any], hospital: Hospital) -> None:
        self.events = events
        start = events[0].timestamp if events else datetime(2000, 1, 1).astimezone()
        self.clock = ManualClock(start)
        self.site: Site = open_site(
            Settings(store="memory", site=site),
            self.clock,
            hospital,
            publish_default_policy=False,
            read_models=False,
        )
        self.commands = Commands(self.site.app, events)
        self.rounds: list[dict[str, Any]] = []
        self.acted: set[tuple[str, datetime]] = set()

    def run(self) -> None:
        driver = self.site.driver
        acts: dict[type[Any], tuple[str, Callable[[], object]]] = {
            ev.JobEscalated: ("escalate", driver.escalate),
            ev.PorterShiftEnded: ("end_shifts", driver.end_shifts),
            ev.PorterShiftStarted: ("staff", driver.staff),
            ev.RotaPlanned: ("staff", driver.staff),
            ev.RotaShiftAdded: ("staff", driver.staff),
            ev.RotaShiftCancelled: ("staff", driver.staff),
            ev.JobSubmitted: ("recur", driver.recur),
            ev.PorterStaged: ("stage", driver.stage),
        }
        for event in self.events:
            self.clock.set(max(self.clock.now(), event.timestamp))
            kind = type(event)
            if kind is ev.DecisionMade:
                self._round(event)
            elif engine_made(event) and kind in acts:
                name, act = acts[kind]
                if (name, event.timestamp) not in self.acted:  # once per instant it acted
                    self.acted.add((name, event.timestamp))
                    act()
            else:
                self.commands.run(event)

    def _round(self, event: Any) -> None:
        decision = self.site.driver.run_round(event.trigger, SolverParams(**event.params))
        recorded = _pairs(event.result)
        replayed = _pairs(decision.result) if decision else []
        self.rounds.append(
            {
                "number": event.number,
                "at": event.timestamp.isoformat(),
                "recorded": recorded,
                "replayed": replayed,
                "same": recorded == replayed,
            }
        )

    def engine_acts(self) -> tuple[list[str], list[str]]:
        """(recorded, regenerated) acts of the driver besides rounds, each as one line."""
        mapper = self.site.app.mapper
        replayed = [mapper.to_domain_event(n) for n in read_notifications(self.site.app)]
        return _acts(self.events), _acts(replayed)


def _acts(events: list[Any]) -> list[str]:
    lines = []
    for e in events:
        if engine_made(e) and type(e) is not ev.DecisionMade and type(e) is not ev.JobAssigned:
            fields = {k: str(v) for k, v in sorted(vars(e).items()) if k != "originator_version"}
            lines.append(f"{ev.name_of(e)} {fields}")
    return sorted(lines)


def _pairs(result: dict[str, Any]) -> list[tuple[str, list[str]]]:
    return [(a["job_id"], sorted(a["porter_ids"])) for a in result["assignments"]]


def replay_exact(lines: Iterable[str], hospital: Hospital | None = None) -> dict[str, Any]:
    """Re-run a log with the policy and strategy it recorded; compare every round and
    everything else the engine did by itself (escalations, shift ends, the rota)."""
    hospital = hospital or Hospital.load()
    site, events = decode(lines, hospital)
    replayer = _Replayer(site, events, hospital)
    replayer.run()
    differing = [r for r in replayer.rounds if not r["same"]]
    recorded, regenerated = replayer.engine_acts()
    missing = sorted(set(recorded) - set(regenerated))
    extra = sorted(set(regenerated) - set(recorded))

    def count(kind: Any) -> int:
        return sum(1 for e in events if type(e) is kind and engine_made(e))

    return {
        "events": len(events),
        "rounds": len(replayer.rounds),
        "assignments": sum(len(r["recorded"]) for r in replayer.rounds),
        "escalations": count(ev.JobEscalated),
        "shift_ends": count(ev.PorterShiftEnded),
        "shifts_started": count(ev.PorterShiftStarted),
        "engine_acts": len(recorded),
        "identical": not differing and recorded == regenerated,
        "differing_rounds": differing[:20],
        "engine_acts_identical": recorded == regenerated,
        "acts_not_regenerated": missing[:10],
        "acts_not_recorded": extra[:10],
    }


def demand_and_roster(
    events: list[Any], hospital: Hospital
) -> tuple[list[Arrival], list[tuple[RosterEntry, list[tuple[datetime, datetime]]]]]:
    """What the log says was asked for, and who was on duty when."""
    exam = _exam_minutes(events)
    confirms = {
        e.originator_id: e.timestamp for e in events if type(e) is ev.JobAccompanimentConfirmed
    }
    arrivals = []
    porters: dict[UUID, Any] = {}
    periods: dict[UUID, list[tuple[datetime, datetime]]] = {}
    bases: dict[UUID, str] = {}
    for e in events:
        kind = type(e)
        if kind is ev.JobSubmitted and e.leg != "return" and not engine_made(e):
            confirm = confirms.get(e.originator_id)
            after = (confirm - e.timestamp).total_seconds() / 60 if confirm else None
            arrivals.append(Arrival(e.timestamp, e.key, _submit_data(e, exam), after))
        elif kind is ev.PorterRegistered:
            porters[e.originator_id] = e
            if getattr(e, "base", None):
                bases.setdefault(e.originator_id, e.base)
        elif kind is ev.PorterShiftStarted:
            periods.setdefault(e.originator_id, []).append((e.timestamp, e.ends_at))
            if getattr(e, "location", None):
                bases.setdefault(e.originator_id, e.location)
        elif kind is ev.PorterLocationReported:
            bases.setdefault(e.originator_id, e.location)
    roster = []
    for pid, reg in porters.items():
        base = bases.get(pid, "OPD-DESK")
        shift = getattr(reg, "shift", None) or ""
        entry = RosterEntry(reg.badge, reg.group, reg.role, tuple(reg.skills), shift, base, True)
        roster.append((entry, periods.get(pid, [])))
    return arrivals, roster


def replay_whatif(
    lines: Iterable[str], scenario: Scenario, seed: int, hospital: Hospital | None = None
) -> dict[str, Any]:
    """The log's demand and roster under the scenario's policy, strategy and staffing."""
    from simulations.engine import Simulation
    from simulations.runner import outcome

    hospital = hospital or Hospital.load(scenario.hospital)
    site, events = decode(lines, hospital)
    arrivals, roster = demand_and_roster(events, hospital)
    first = min(a.at for a in arrivals) if arrivals else events[0].timestamp
    day = first.astimezone(hospital.timezone).date()
    last = max(e.timestamp for e in events)
    start = datetime.combine(day, time(0), hospital.timezone)
    hours = max(1, math.ceil((last - start) / timedelta(hours=1)))
    scenario = scenario.model_copy(update={"day": day, "hours": float(hours)})
    simulation = Simulation(scenario, seed, hospital, arrivals=arrivals, shifts=roster, site=site)
    simulation.run()
    return outcome(simulation, scenario, seed)
