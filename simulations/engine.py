"""The discrete-event simulation: simulated porters driving the real engine.

The simulation owns only what happens outside the software: requests arriving,
porters clocking in, walking, taking breaks, patients not being ready, porters
declining. Everything the engine decides (rounds, escalations, shifts that are
over) is the site's own dispatch driver, the one the live server runs, stepped
on a manual clock: after every command, as the live loop is woken by one, and
at the times the driver asks for. The run leaves an ordinary event log behind,
which read models, the API and replays understand.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from engine.assign import SolverParams
from engine.bootstrap import Site, open_site
from engine.clock import ManualClock
from engine.dispatch.driver import DriverParams
from engine.domain import events as ev
from engine.domain.actor import Actor, acting
from engine.domain.commands import Complete, RegisterPorter, SubmitJob, Transition, parse
from engine.domain.job.aggregate import Job
from engine.domain.policy.document import PolicyDocument
from engine.domain.rota.aggregate import Shift, plan_day
from engine.domain.values import Kind, Reason, Status
from engine.hospital import Hospital, RosterEntry
from engine.settings import Settings
from engine.write.application import DispatchApp
from simulations.demand import Arrival, generate, read_requests
from simulations.roster import clipped, roster_of, template_periods
from simulations.scenario import Scenario

PATIENT_KINDS = (Kind.PATIENT_TRANSPORT, Kind.ESCORT)
_STEPS_PER_INSTANT = 1000  # a driver that asks for more at one instant is broken


def driver_params(scenario: Scenario) -> DriverParams:
    """A simulated hospital is looked at once per tick: rounds gather a tick's arrivals
    (a stat job never waits), and waiting jobs are offered again every five ticks."""
    tick = timedelta(minutes=scenario.tick_minutes)
    return DriverParams(tick=tick, round_gap=tick, idle_round=5 * tick)


@dataclass(order=True)
class _Event:
    at: datetime
    seq: int
    action: Callable[..., None] = field(compare=False)
    args: tuple[Any, ...] = field(compare=False, default=())


# Whoever the scenario's world is when no one in particular acts (set-up, the roster).
SIMULATED = Actor("simulation", "system")


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
        self.hospital = hospital or Hospital.load(scenario.hospital)
        self.start = datetime.combine(scenario.day, time(0), self.hospital.timezone)
        self.end = self.start + timedelta(hours=scenario.hours)
        self.clock = ManualClock(self.start)
        self.site: Site = open_site(
            Settings(store="memory", site=site),
            self.clock,
            self.hospital,
            driver=driver_params(scenario),
            solver=SolverParams(strategy=scenario.strategy, seed=seed),
            read_models=False,
        )
        self.app: DispatchApp = self.site.app
        self.arrivals = arrivals
        self.shifts = shifts
        self.queue: list[_Event] = []
        self.seq = 0
        self._queued: dict[str, list[tuple[UUID, int]]] = {}  # porter -> jobs after this one
        # Minutes each job waited on its ward, not on a porter: an escort not yet confirmed
        # (nobody may be sent), a patient not ready when the porter came.
        self.ward_minutes: dict[UUID, float] = {}
        self.wake_at: datetime | None = self.start
        self.site.board.listeners.append(self._told)
        self.wake_at = None  # the driver first looks once the site is set up (`run`)
        if scenario.policy:
            merged = PolicyDocument().to_data() | scenario.policy
            self.app.publish_policy(merged, "planner", scenario.name)
        self.roster = self._roster()
        self.shift_minutes: dict[str, float] = {}
        # Every porter's time on shift within the run, as (who, from, to): capacity by hour.
        self.periods: list[tuple[RosterEntry, datetime, datetime]] = []

    # -- scheduling -----------------------------------------------------------

    def at(self, when: datetime, action: Callable[..., None], *args: Any) -> None:
        self.seq += 1
        heapq.heappush(self.queue, _Event(when, self.seq, action, args))

    def after(self, minutes: float, action: Callable[..., None], *args: Any) -> None:
        self.at(self.clock.now() + timedelta(minutes=minutes), action, *args)

    def command(self, method: Callable[..., Any], *args: Any, by: Actor = SIMULATED) -> Any:
        """Run one command as `by`, then step the driver, as a write wakes the live loop."""
        with acting(by):
            answer = method(*args)
        self.wake_at = self.site.driver.step()
        return answer

    def run(self, progress: Callable[[float], None] | None = None) -> DispatchApp:
        """The site is set up as a server's is before its loop starts (the roster
        registered, each porter with their shift template, which the driver rosters);
        then the world's events and the driver's steps take turns."""
        if self.shifts is None:
            for entry in self.roster:
                self._register(entry, self._template_periods(entry), rostered=True)
        else:
            self._plan_recorded()
            for entry, periods in self.shifts:
                self._register(entry, periods, rostered=False)
            for entry in self.roster:  # the scenario's extra staff join the recorded roster
                if entry.badge.startswith("X-"):
                    self._register(entry, self._template_periods(entry), rostered=True)
        self.wake_at = self.site.driver.step()  # the driver's first look: the rota planned
        arrivals = self.arrivals
        if arrivals is None and self.scenario.requests is not None:
            arrivals = [
                a for a in read_requests(self.scenario.requests, self.hospital) if a.at < self.end
            ]
        if arrivals is None:
            arrivals = generate(self.scenario, self.hospital, self.demand_rng)
        for arrival in arrivals:
            self.at(arrival.at, self._arrive, arrival)
        steps, instant = 0, self.start
        while True:
            world = self.queue[0].at if self.queue else self.end
            wake = self.wake_at
            if wake is not None and wake <= world and wake < self.end:
                # The driver asked to be stepped now (its tick, a round's gap over).
                now = max(wake, self.clock.now())
                steps = steps + 1 if now == instant else 0
                if steps > _STEPS_PER_INSTANT:
                    raise RuntimeError(f"the dispatch driver keeps asking for {now}")
                instant = now
                self.clock.set(now)
                self.wake_at = self.site.driver.step()
                if progress:
                    progress((now - self.start) / (self.end - self.start))
                continue
            if world >= self.end:
                break
            event = heapq.heappop(self.queue)
            self.clock.set(event.at)
            event.action(*event.args)
        self.site.board.catch_up()
        return self.app

    # -- roster -------------------------------------------------------------

    def _roster(self) -> list[RosterEntry]:
        return roster_of(self.hospital, self.scenario.staffing)

    def _template_periods(self, entry: RosterEntry) -> list[tuple[datetime, datetime]]:
        return template_periods(self.hospital, entry.shift, self.start.date(), self.scenario.hours)

    def _register(
        self, entry: RosterEntry, periods: list[tuple[datetime, datetime]], rostered: bool
    ) -> None:
        """`rostered`: by their template, which the driver plans; otherwise their shifts
        are the recorded periods planned beforehand (`_plan_recorded`)."""
        self.app.register_porter(
            RegisterPorter(
                badge=entry.badge,
                group=entry.group,
                role=entry.role,
                skills=entry.skills,
                shift=entry.shift if rostered else None,
                base=entry.base,
            ),
        )
        for begin, finish in clipped(periods, self.start, self.end):
            minutes = (finish - begin).total_seconds() / 60
            self.shift_minutes[entry.badge] = self.shift_minutes.get(entry.badge, 0) + minutes
            self.periods.append((entry, begin, finish))

    def _plan_recorded(self) -> None:
        """A what-if keeps the recorded rota: each day planned from the recorded periods,
        the scenario's extra staff by their templates."""
        assert self.shifts is not None
        tz = self.hospital.timezone
        extras = sorted((e.badge, e.shift) for e in self.roster if e.badge.startswith("X-"))
        by_day: dict[date, list[Shift]] = {}
        for entry, periods in self.shifts:
            for begin, finish in periods:
                day = begin.astimezone(tz).date()
                by_day.setdefault(day, []).append(Shift(entry.badge, begin, finish, "recorded"))
        day = self.start.astimezone(tz).date() - timedelta(days=1)
        while datetime.combine(day, time(0), tz) < self.end:
            shifts = by_day.get(day, []) + plan_day(self.hospital, extras, day)
            self.app.plan_rota_day(day, sorted(shifts, key=lambda s: (s.start, s.badge)))
            day += timedelta(days=1)

    def _break(self, badge: str, tries: int) -> None:
        porter = self.app.porter(badge)
        if not porter.on_shift or porter.on_break:
            return
        if porter.active_jobs:
            if tries < 12:
                self.after(5, self._break, badge, tries + 1)
            return
        self.command(self.app.start_break, badge, by=Actor(badge, "porter"))
        self.after(self.scenario.service.break_minutes, self._break_end, badge)

    def _break_end(self, badge: str) -> None:
        if self.app.porter(badge).on_break:
            self.command(self.app.end_break, badge, by=Actor(badge, "porter"))

    # -- requests, and what the porters are told ------------------------------------

    def _arrive(self, arrival: Arrival) -> None:
        ward = Actor(f"ward:{arrival.data['department']}", "ward")
        jid = self.command(
            self.app.submit_job, parse(SubmitJob, arrival.data), arrival.key, by=ward
        )
        if arrival.confirm_after is not None:
            self.after(arrival.confirm_after, self._confirm, jid)
            job = self.app.job(jid)
            if job.linked_job_id is not None:  # the companion comes back with the patient
                back = self.app.job(UUID(job.linked_job_id))
                ready = max(back.ready_at or self.clock.now(), self.clock.now())
                when = ready + timedelta(minutes=arrival.confirm_after)
                self.at(when, self._confirm, back.id)

    def _confirm(self, jid: UUID) -> None:
        job = self.app.job(jid)
        if job.status in (Status.REQUESTED, Status.ASSIGNED, Status.ACKNOWLEDGED):
            if job.status is Status.REQUESTED:  # nobody could be sent until now
                start = max(job.requested_at, job.ready_at or job.requested_at)
                self._ward(jid, (self.clock.now() - start).total_seconds() / 60)
            ward = Actor(f"ward:{job.department}", "ward")
            self.command(self.app.confirm_accompaniment, jid, "ward nurse", "ward nurse", by=ward)

    def _told(self, batch: Sequence[tuple[int, Any]]) -> None:
        """A porter's phone: a job assigned to them is acknowledged after a while; a long
        shift begun has its break half-way."""
        jobs = self.site.board.jobs
        for _, event in batch:
            if type(event) is ev.PorterShiftStarted:
                length = event.ends_at - event.timestamp
                if length >= timedelta(hours=6):
                    badge = self.site.board.porters[event.originator_id].badge
                    self.at(event.timestamp + length / 2, self._break, badge, 0)
            elif type(event) is ev.PorterStaged:  # sent to wait elsewhere: they walk there
                porter = self.site.board.porters[event.originator_id]
                walk = self._walk(porter.location, event.location)
                self.after(walk, self._at_staging_point, porter.badge, event.location)
            elif type(event) is ev.JobAssigned:
                job = jobs[event.originator_id]
                if job.status is Status.ASSIGNED:
                    self.after(
                        self.scenario.service.acknowledge_minutes,
                        self._acknowledge,
                        job.id,
                        job.assignments,
                    )

    def _at_staging_point(self, badge: str, location: str) -> None:
        """Arrived where the engine sent them, unless a job or a break came first."""
        porter = self.app.porter(badge)
        if porter.state == "free" and porter.staged_to == location:
            self.command(self.app.report_location, badge, location, by=Actor(badge, "porter"))

    # -- a porter's trip ----------------------------------------------------------

    def _current(self, jid: UUID, n: int, *status: Status) -> Job | None:
        job = self.app.job(jid)
        return job if job.assignments == n and job.status in status else None

    def _walk(self, start: str | None, end: str) -> float:
        service = self.scenario.service
        base = self.app.layout.travel_minutes(start, end) if start else 5.0
        noise = max(service.travel_floor, self.rng.lognormvariate(0, service.travel_noise))
        return base * service.travel_factor * noise

    def _acknowledge(self, jid: UUID, n: int) -> None:
        """The porters answer, unless one of them is still carrying another job: a job
        given to a porter about to finish is answered after the hand-over (until then a
        round may still give it to someone free sooner)."""
        job = self._current(jid, n, Status.ASSIGNED)
        if job is None:
            return
        for pid in job.porter_ids:
            if self._carrying(pid, jid):
                self._queued.setdefault(pid, []).append((jid, n))
                return
        lead = self.app.porter(UUID(job.porter_ids[0]))
        if self.rng.random() < self.scenario.service.decline_rate:
            why = Transition(reason=Reason.PORTER_DECLINED, note="simulated", by=lead.badge)
            self.command(self.app.decline_job, jid, lead.badge, why, by=Actor(lead.badge, "porter"))
            return
        for pid in job.porter_ids:  # each porter of the job on their own phone
            badge = self.app.porter(UUID(pid)).badge
            self.command(self.app.acknowledge_job, jid, badge, by=Actor(badge, "porter"))
        walk = max(
            self._walk(self.app.porter(UUID(p)).location, job.origin.code) for p in job.porter_ids
        )
        self.after(walk, self._pick_up, jid, n, 0)

    def _carrying(self, pid: str, other_than: UUID) -> bool:
        return any(
            j != str(other_than) and self.app.job(UUID(j)).status is Status.IN_PROGRESS
            for j in self.app.porter(UUID(pid)).active_jobs
        )

    def _pick_up(self, jid: UUID, n: int, waited: int) -> None:
        job = self._current(jid, n, Status.ACKNOWLEDGED)
        if job is None:
            return
        lead = self.app.porter(UUID(job.porter_ids[0])).badge
        service = self.scenario.service
        if job.ready_at is not None and self.clock.now() < job.ready_at:
            self.at(job.ready_at, self._pick_up, jid, n, waited)  # the patient is not ready
            return
        if job.needs_accompaniment and job.accompaniment_confirmed_by is None:
            self._ward(jid, 1)
            self.after(1, self._pick_up, jid, n, waited + 1)
            return
        if job.kind in PATIENT_KINDS and waited == 0 and self.rng.random() < service.not_ready_rate:
            why = Transition(reason=Reason.PATIENT_NOT_READY, note="simulated", by=lead)
            self.command(self.app.hold_job, jid, why, by=Actor(lead, "porter"))
            self.after(service.not_ready_minutes, self._resume, jid, n)
            return
        self.command(
            self.app.pick_up_job, jid, lead, job.needs_accompaniment, by=Actor(lead, "porter")
        )
        _, document = self.app.policy_document()
        minutes = document.handling_minutes.get(job.kind, 2) + self._walk(
            job.origin.code, job.destination.code
        )
        self.after(minutes, self._deliver, jid, n)

    def _ward(self, jid: UUID, minutes: float) -> None:
        self.ward_minutes[jid] = self.ward_minutes.get(jid, 0.0) + max(minutes, 0.0)

    def _resume(self, jid: UUID, n: int) -> None:
        if self._current(jid, n, Status.ON_HOLD) is None:
            return  # given back meanwhile: whoever picks it up did not wait on the ward
        self._ward(jid, self.scenario.service.not_ready_minutes)
        lead = self.app.porter(UUID(self.app.job(jid).porter_ids[0])).badge
        self.command(self.app.resume_job, jid, "simulated porter", by=Actor(lead, "porter"))
        self._pick_up(jid, n, 1)

    def _deliver(self, jid: UUID, n: int) -> None:
        """The porters say where they are, then hand over: the round that their freed
        hands trigger sees them at the destination."""
        job = self._current(jid, n, Status.IN_PROGRESS)
        if job is None:
            return
        badges = [self.app.porter(UUID(p)).badge for p in job.porter_ids]
        for badge in badges:
            self.command(
                self.app.report_location, badge, job.destination.code, by=Actor(badge, "porter")
            )
        self.command(
            self.app.complete_job,
            jid,
            badges[0],
            Complete(received_by="ward staff"),
            by=Actor(badges[0], "porter"),
        )
        for pid in job.porter_ids:  # on to what they were given meanwhile
            for queued in self._queued.pop(pid, []):  # their phone, read as any other
                self.after(self.scenario.service.acknowledge_minutes, self._acknowledge, *queued)
