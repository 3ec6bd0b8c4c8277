"""The discrete-event simulation: simulated porters driving the real engine.

The simulation owns only what happens outside the software: requests arriving,
porters walking, patients not being ready, porters declining. Everything else
is the real application and the real assignment core on the in-memory store,
stamped by a manual clock that jumps from event to event. The run leaves an
ordinary event log behind, which read models, the API and replays understand.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from uuid import UUID

from engine.assign import SolverParams
from engine.bootstrap import bootstrap
from engine.clock import ManualClock
from engine.dispatch.rounds import Dispatcher
from engine.domain.commands import Complete, RegisterPorter, SubmitJob, Transition, parse
from engine.domain.job.aggregate import Job
from engine.domain.policy.document import PolicyDocument
from engine.domain.values import Group, Kind, Priority, Reason, Skill, Status
from engine.hospital import Hospital, RosterEntry
from engine.settings import Settings
from engine.write.application import DispatchApp
from simulations.demand import Arrival, generate
from simulations.scenario import Scenario

PATIENT_KINDS = (Kind.PATIENT_TRANSPORT, Kind.ESCORT)


@dataclass(order=True)
class _Event:
    at: datetime
    seq: int
    action: Callable[..., None] = field(compare=False)
    args: tuple[Any, ...] = field(compare=False, default=())


class Simulation:
    def __init__(
        self,
        scenario: Scenario,
        seed: int,
        hospital: Hospital | None = None,
        arrivals: list[Arrival] | None = None,
        shifts: list[tuple[RosterEntry, list[tuple[datetime, datetime]]]] | None = None,
        site: str = "sim",
    ) -> None:
        """`arrivals` and `shifts` replace the scenario's drawn demand and roster (replays)."""
        self.scenario = scenario
        self.seed = seed
        # Separate streams: demand drawn for a run does not shift the porters' luck,
        # so a replay that takes demand from a log meets the same simulated world.
        self.rng = random.Random(f"{seed}:service")
        self.demand_rng = random.Random(f"{seed}:demand")
        self.hospital = hospital or Hospital.load()
        self.start = datetime.combine(scenario.day, time(0), self.hospital.timezone)
        self.end = self.start + timedelta(hours=scenario.hours)
        self.clock = ManualClock(self.start)
        self.app: DispatchApp = bootstrap(
            Settings(store="memory", site=site), self.clock, self.hospital
        )
        self.arrivals = arrivals
        self.shifts = shifts
        if scenario.policy:
            merged = PolicyDocument().to_data() | scenario.policy
            self.app.publish_policy(merged, "planner", scenario.name)
        params = SolverParams(strategy=scenario.strategy, seed=seed)
        self.dispatcher = Dispatcher(self.app, params=params)
        self.queue: list[_Event] = []
        self.seq = 0
        self.dirty = False
        self.leaving: set[str] = set()
        self.roster = self._roster()
        self.shift_minutes: dict[str, float] = {}

    # -- scheduling -----------------------------------------------------------

    def at(self, when: datetime, action: Callable[..., None], *args: Any) -> None:
        self.seq += 1
        heapq.heappush(self.queue, _Event(when, self.seq, action, args))

    def after(self, minutes: float, action: Callable[..., None], *args: Any) -> None:
        self.at(self.clock.now() + timedelta(minutes=minutes), action, *args)

    def run(self, progress: Callable[[float], None] | None = None) -> DispatchApp:
        if self.shifts is None:
            for entry in self.roster:
                self._register(entry, self._template_periods(entry))
        else:
            for entry, periods in self.shifts:
                self._register(entry, periods)
            for entry in self.roster:  # the scenario's extra staff join the recorded roster
                if entry.badge.startswith("X-"):
                    self._register(entry, self._template_periods(entry))
        arrivals = self.arrivals
        if arrivals is None:
            arrivals = generate(self.scenario, self.hospital, self.demand_rng)
        for arrival in arrivals:
            self.at(arrival.at, self._arrive, arrival)
        tick = timedelta(minutes=self.scenario.tick_minutes)
        when = self.start
        while when < self.end:
            self.at(when, self._tick)
            when += tick
        while self.queue and self.queue[0].at < self.end:
            event = heapq.heappop(self.queue)
            self.clock.set(event.at)
            event.action(*event.args)
            if progress and event.action == self._tick:
                progress((event.at - self.start) / (self.end - self.start))
        self.dispatcher.board.catch_up()
        return self.app

    # -- roster -------------------------------------------------------------

    def _roster(self) -> list[RosterEntry]:
        entries = list(self.hospital.porters())
        for extra in self.scenario.staffing:
            if extra.count < 0:
                same = [
                    e
                    for e in entries
                    if (e.group, e.role, e.shift) == (extra.group.value, extra.role, extra.shift)
                ]
                for gone in same[: -extra.count]:
                    entries.remove(gone)
                continue
            template = next(
                (e for e in entries if e.group == extra.group.value and e.role == extra.role),
                None,
            )
            skills = extra.skills or (template.skills if template else ())
            base = template.base if template else "OPD-DESK"
            for i in range(extra.count):
                badge = f"X-{extra.group.value[:2].upper()}-{extra.role[:3].upper()}-{i + 1:02d}"
                entries.append(
                    RosterEntry(
                        badge, extra.group.value, extra.role, tuple(skills), extra.shift, base, True
                    )
                )
        return entries

    def _template_periods(self, entry: RosterEntry) -> list[tuple[datetime, datetime]]:
        day = self.start.date()
        periods = []
        for offset in range(-1, math.ceil(self.scenario.hours / 24) + 1):
            periods += self.hospital.shift_periods(entry.shift, day + timedelta(offset))
        return periods

    def _register(self, entry: RosterEntry, periods: list[tuple[datetime, datetime]]) -> None:
        self.app.register_porter(
            RegisterPorter(
                badge=entry.badge,
                group=Group(entry.group),
                role=entry.role,
                skills=tuple(Skill(s) for s in entry.skills),
            )
        )
        for begin, finish in periods:
            begin, finish = max(begin, self.start), min(finish, self.end)
            if begin < finish:
                self.at(begin, self._shift_start, entry, finish)
                minutes = (finish - begin).total_seconds() / 60
                self.shift_minutes[entry.badge] = self.shift_minutes.get(entry.badge, 0) + minutes

    def _shift_start(self, entry: RosterEntry, finish: datetime) -> None:
        porter = self.app.porter(entry.badge)
        if porter.on_shift:  # back-to-back periods: just extend
            self.at(finish, self._shift_end, entry.badge)
            return
        self.app.start_shift(entry.badge, finish)
        self.app.report_location(entry.badge, entry.base)
        self.at(finish, self._shift_end, entry.badge)
        if finish - self.clock.now() >= timedelta(hours=6):
            self.at(self.clock.now() + (finish - self.clock.now()) / 2, self._break, entry.badge, 0)
        self.dirty = True

    def _shift_end(self, badge: str) -> None:
        porter = self.app.porter(badge)
        if not porter.on_shift:
            return
        held = [self.app.job(UUID(j)) for j in porter.active_jobs]
        if any(not j.can_release for j in held):
            self.leaving.add(badge)  # finish the patient in hand first
            return
        self.leaving.discard(badge)
        if porter.on_break:
            self.app.end_break(badge)
        if self.app.end_shift(badge, by="shift end"):
            self.dirty = True

    def _break(self, badge: str, tries: int) -> None:
        porter = self.app.porter(badge)
        if not porter.on_shift or porter.on_break:
            return
        if porter.active_jobs:
            if tries < 12:
                self.after(5, self._break, badge, tries + 1)
            return
        self.app.start_break(badge)
        self.after(self.scenario.service.break_minutes, self._break_end, badge)

    def _break_end(self, badge: str) -> None:
        if self.app.porter(badge).on_break:
            self.app.end_break(badge)
            self.dirty = True

    # -- requests and rounds ----------------------------------------------------

    def _arrive(self, arrival: Arrival) -> None:
        jid = self.app.submit_job(parse(SubmitJob, arrival.data), arrival.key)
        if arrival.confirm_after is not None:
            self.after(arrival.confirm_after, self._confirm, jid)
        if self.app.job(jid).priority is Priority.STAT:
            self._round("stat job submitted")
        else:
            self.dirty = True

    def _confirm(self, jid: UUID) -> None:
        job = self.app.job(jid)
        if job.status in (Status.REQUESTED, Status.ASSIGNED, Status.ACKNOWLEDGED):
            self.app.confirm_accompaniment(jid, "ward nurse", "ward nurse")
            self.dirty = True

    def _tick(self) -> None:
        """Rounds run on the tick when something changed (arrivals, porters freed), and
        every fifth tick regardless, so that waiting and scheduled jobs are reconsidered."""
        minute = int((self.clock.now() - self.start).total_seconds() // 60)
        if self.dirty or minute % 5 == 0:
            trigger = "event" if self.dirty else "timer"
            self.dirty = False
            self._round(trigger)

    def _round(self, trigger: str) -> None:
        decision = self.dispatcher.run_round(trigger)
        if decision is None:
            return
        for assignment in decision.result["assignments"]:
            job = self.app.job(UUID(assignment["job_id"]))
            if job.status is Status.ASSIGNED and job.decision_id == str(decision.id):
                self.after(
                    self.scenario.service.acknowledge_minutes,
                    self._acknowledge,
                    job.id,
                    job.assignments,
                )

    # -- a porter's trip ----------------------------------------------------------

    def _current(self, jid: UUID, n: int, *status: Status) -> Job | None:
        job = self.app.job(jid)
        return job if job.assignments == n and job.status in status else None

    def _walk(self, start: str | None, end: str) -> float:
        service = self.scenario.service
        base = self.app.layout.travel_minutes(start, end) if start else 5.0
        return base * service.travel_factor * self.rng.lognormvariate(0, service.travel_noise)

    def _acknowledge(self, jid: UUID, n: int) -> None:
        job = self._current(jid, n, Status.ASSIGNED)
        if job is None:
            return
        lead = self.app.porter(UUID(job.porter_ids[0]))
        if self.rng.random() < self.scenario.service.decline_rate:
            why = Transition(reason=Reason.PORTER_DECLINED, note="simulated", by=lead.badge)
            self.app.decline_job(jid, lead.badge, why)
            self.dirty = True
            return
        self.app.acknowledge_job(jid, lead.badge)
        walk = max(
            self._walk(self.app.porter(UUID(p)).location, job.origin.code) for p in job.porter_ids
        )
        self.after(walk, self._pick_up, jid, n, 0)

    def _pick_up(self, jid: UUID, n: int, waited: int) -> None:
        job = self._current(jid, n, Status.ACKNOWLEDGED)
        if job is None:
            return
        lead = self.app.porter(UUID(job.porter_ids[0])).badge
        service = self.scenario.service
        if job.needs_accompaniment and job.accompaniment_confirmed_by is None:
            self.after(1, self._pick_up, jid, n, waited + 1)
            return
        if job.kind in PATIENT_KINDS and waited == 0 and self.rng.random() < service.not_ready_rate:
            why = Transition(reason=Reason.PATIENT_NOT_READY, note="simulated", by=lead)
            self.app.hold_job(jid, why)
            self.after(service.not_ready_minutes, self._resume, jid, n)
            return
        self.app.pick_up_job(jid, lead, companion_present=job.needs_accompaniment)
        _, document = self.app.policy_document()
        minutes = document.handling_minutes.get(job.kind, 2) + self._walk(
            job.origin.code, job.destination.code
        )
        self.after(minutes, self._deliver, jid, n)

    def _resume(self, jid: UUID, n: int) -> None:
        if self._current(jid, n, Status.ON_HOLD) is None:
            return
        self.app.resume_job(jid, by="simulated porter")
        self._pick_up(jid, n, 1)

    def _deliver(self, jid: UUID, n: int) -> None:
        job = self._current(jid, n, Status.IN_PROGRESS)
        if job is None:
            return
        badges = [self.app.porter(UUID(p)).badge for p in job.porter_ids]
        self.app.complete_job(jid, badges[0], Complete(received_by="ward staff"))
        for badge in badges:
            self.app.report_location(badge, job.destination.code)
            if badge in self.leaving:
                self._shift_end(badge)
        self.dirty = True
