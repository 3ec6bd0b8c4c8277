"""Replay a recorded event log: exactly, to verify it, or as a what-if.

`replay_exact` re-executes every recorded command at its recorded time through
the same application, and re-runs a dispatch round wherever the log recorded
one; everything the engine decided is regenerated rather than copied. Then the
recorded and the replayed assignments are compared, round by round.

`replay_whatif` takes the log's demand (submissions, companion confirmations)
and roster (registered porters and their shifts) and runs them through the
simulation under another policy, strategy or staffing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from datetime import datetime, time, timedelta
from typing import Any
from uuid import UUID

from engine.assign import SolverParams
from engine.bootstrap import bootstrap
from engine.clock import ManualClock
from engine.dispatch.rounds import Dispatcher, override
from engine.domain.commands import Complete, Rate, RegisterPorter, SubmitJob, Transition, parse
from engine.domain.policy.aggregate import Policy
from engine.domain.values import Reason, Status
from engine.hospital import Hospital, RosterEntry
from engine.settings import Settings
from engine.write.application import DispatchApp
from engine.write.eventlog import parse_log
from simulations.demand import Arrival
from simulations.scenario import Scenario

ENGINE_RELEASES = {Reason.REOPTIMISED.value, Reason.PORTER_OFF_SHIFT.value}


def _site_of(lines: list[str]) -> str:
    import json

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


def _name(event: Any) -> str:
    return type(event).__qualname__


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
        if _name(e) == "Job.Submitted" and e.leg == "outbound"
    }
    minutes = {}
    for e in events:
        if _name(e) == "Job.Submitted" and e.leg == "return" and e.linked_job_id:
            outbound = UUID(e.linked_job_id)
            ready, submitted = starts[outbound]
            base = datetime.fromisoformat(ready) if ready else submitted
            back = datetime.fromisoformat(e.request["ready_at"])
            minutes[outbound] = round((back - base).total_seconds() / 60)
    return minutes


class _Replayer:
    def __init__(self, site: str, events: list[Any], hospital: Hospital) -> None:
        self.events = events
        start = events[0].timestamp if events else datetime(2000, 1, 1).astimezone()
        self.clock = ManualClock(start)
        self.app: DispatchApp = bootstrap(
            Settings(store="memory", site=site),
            self.clock,
            hospital,
            publish_default_policy=False,
        )
        self.dispatcher = Dispatcher(self.app)
        self.exam_minutes = _exam_minutes(events)
        self.overrides: dict[UUID, Any] = {}
        self.rounds: list[dict[str, Any]] = []

    def run(self) -> None:
        handlers: dict[str, Callable[[Any], object]] = {
            "Policy.Published": self._policy,
            "Policy.Republished": lambda e: self.app.publish_policy(
                e.document, e.published_by, e.note
            ),
            "Porter.Registered": lambda e: self.app.register_porter(
                RegisterPorter(
                    badge=e.badge, name=e.name, group=e.group, role=e.role, skills=tuple(e.skills)
                )
            ),
            "Porter.ShiftStarted": lambda e: self.app.start_shift(e.originator_id, e.ends_at),
            "Porter.ShiftEnded": lambda e: self.app.end_shift(e.originator_id),
            "Porter.BreakStarted": lambda e: self.app.start_break(e.originator_id),
            "Porter.BreakEnded": lambda e: self.app.end_break(e.originator_id),
            "Porter.LocationReported": lambda e: self.app.report_location(
                e.originator_id, e.location
            ),
            "Job.Submitted": self._submitted,
            "Job.Assigned": self._assigned,
            "Job.Released": self._released,
            "Job.Acknowledged": lambda e: self.app.acknowledge_job(
                e.originator_id, UUID(e.porter_id)
            ),
            "Job.AccompanimentConfirmed": lambda e: self.app.confirm_accompaniment(
                e.originator_id, e.confirmed_by, e.companion
            ),
            "Job.PickedUp": lambda e: self.app.pick_up_job(
                e.originator_id, UUID(e.porter_id), e.companion_present
            ),
            "Job.Held": lambda e: self.app.hold_job(e.originator_id, self._why(e)),
            "Job.Resumed": lambda e: self.app.resume_job(e.originator_id, e.by),
            "Job.Completed": lambda e: self.app.complete_job(
                e.originator_id, UUID(e.porter_id), Complete(received_by=e.received_by, note=e.note)
            ),
            "Job.Cancelled": lambda e: self.app.cancel_job(e.originator_id, self._why(e)),
            "Job.Failed": lambda e: self.app.fail_job(e.originator_id, self._why(e)),
            "Job.Escalated": lambda e: self.app.escalate_job(
                e.originator_id, e.level, e.stage, e.note
            ),
            "Job.Rated": lambda e: self.app.rate_job(
                e.originator_id, Rate(score=e.score, comment=e.comment, by=e.by)
            ),
            "Decision.Made": self._round,
        }
        for event in self.events:
            handler = handlers.get(_name(event))
            if handler is None:
                continue  # consequences of other commands: JobTaken, JobDropped, Overridden
            self.clock.set(max(self.clock.now(), event.timestamp))
            handler(event)

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
        )
        self.app.save(policy)

    def _submitted(self, event: Any) -> None:
        if event.leg == "return":
            return  # created with its outbound leg
        data = _submit_data(event, self.exam_minutes)
        self.app.submit_job(parse(SubmitJob, data), event.key)

    def _assigned(self, event: Any) -> None:
        if event.by == "engine":
            return  # the replayed round makes its own assignments
        jid = event.originator_id
        porters: list[UUID | str] = [UUID(p) for p in event.porter_ids]
        released = self.overrides.pop(jid, None)
        if self.app.job(jid).status is Status.REQUESTED and released is None:
            self.app.assign_job(jid, porters, by=event.by)
        elif released is not None:
            override(self.app, jid, porters, self._why(released))
        else:
            self.app.reassign_job(
                jid, porters, Transition(reason=Reason.DISPATCHER_OVERRIDE, by=event.by)
            )

    def _released(self, event: Any) -> None:
        if event.reason in ENGINE_RELEASES:
            return
        if event.reason == Reason.DISPATCHER_OVERRIDE.value:
            self.overrides[event.originator_id] = event  # the Assigned that follows moves it
            return
        self.app.release_job(event.originator_id, self._why(event))

    def _round(self, event: Any) -> None:
        self.dispatcher.params = SolverParams(**event.params)
        decision = self.dispatcher.run_round(event.trigger)
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


def _pairs(result: dict[str, Any]) -> list[tuple[str, list[str]]]:
    return [(a["job_id"], sorted(a["porter_ids"])) for a in result["assignments"]]


def replay_exact(lines: Iterable[str], hospital: Hospital | None = None) -> dict[str, Any]:
    """Re-run a log with the policy and strategy it recorded; compare every round."""
    hospital = hospital or Hospital.load()
    site, events = decode(lines, hospital)
    replayer = _Replayer(site, events, hospital)
    replayer.run()
    differing = [r for r in replayer.rounds if not r["same"]]
    return {
        "events": len(events),
        "rounds": len(replayer.rounds),
        "assignments": sum(len(r["recorded"]) for r in replayer.rounds),
        "identical": not differing,
        "differing_rounds": differing[:20],
    }


def demand_and_roster(
    events: list[Any], hospital: Hospital
) -> tuple[list[Arrival], list[tuple[RosterEntry, list[tuple[datetime, datetime]]]]]:
    """What the log says was asked for, and who was on duty when."""
    exam = _exam_minutes(events)
    confirms = {
        e.originator_id: e.timestamp for e in events if _name(e) == "Job.AccompanimentConfirmed"
    }
    arrivals = []
    porters: dict[UUID, Any] = {}
    periods: dict[UUID, list[tuple[datetime, datetime]]] = {}
    bases: dict[UUID, str] = {}
    for e in events:
        name = _name(e)
        if name == "Job.Submitted" and e.leg != "return":
            confirm = confirms.get(e.originator_id)
            after = (confirm - e.timestamp).total_seconds() / 60 if confirm else None
            arrivals.append(Arrival(e.timestamp, e.key, _submit_data(e, exam), after))
        elif name == "Porter.Registered":
            porters[e.originator_id] = e
        elif name == "Porter.ShiftStarted":
            periods.setdefault(e.originator_id, []).append((e.timestamp, e.ends_at))
        elif name == "Porter.LocationReported":
            bases.setdefault(e.originator_id, e.location)
    roster = []
    for pid, reg in porters.items():
        entry = RosterEntry(
            reg.badge, reg.group, reg.role, tuple(reg.skills), "", bases.get(pid, "OPD-DESK"), True
        )
        roster.append((entry, periods.get(pid, [])))
    return arrivals, roster


def replay_whatif(
    lines: Iterable[str], scenario: Scenario, seed: int, hospital: Hospital | None = None
) -> dict[str, Any]:
    """The log's demand and roster under the scenario's policy, strategy and staffing."""
    from simulations.engine import Simulation
    from simulations.runner import outcome

    hospital = hospital or Hospital.load()
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
