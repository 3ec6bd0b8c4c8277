"""Dispatch rounds: read the board, solve, and record the decision with its assignments.

A round builds an `AssignmentProblem` from the board (a projection of the log),
runs the pure assignment core, and saves one `Decision` together with every
job and porter it changes, in one atomic save. The decision stores the
problem's inputs (all but the site's travel matrix, which it names by digest),
the solver parameters and seed, so `replay_decision` re-solves it exactly.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from uuid import UUID

from eventsourcing.domain import Aggregate

from engine.assign import (
    AssignmentProblem,
    AssignmentResult,
    JobSpec,
    PorterSpec,
    SolverParams,
    Travel,
    solve,
)
from engine.dispatch.decisions import stored_problem
from engine.dispatch.lookahead import LookAhead, in_pool
from engine.dispatch.specs import job_order, job_spec, porter_spec, queued
from engine.domain.actor import current
from engine.domain.decision.aggregate import Decision
from engine.domain.job.aggregate import Job
from engine.domain.policy.document import PolicyDocument
from engine.domain.porter.aggregate import Porter
from engine.domain.values import ENGINE, Priority, Reason, Status
from engine.projections.board import Board
from engine.write.application import DispatchApp

LOOKAHEAD = timedelta(hours=1)


class Dispatcher(LookAhead):
    """Runs rounds for one site. Exactly one dispatcher decides per site at a time."""

    def __init__(
        self, app: DispatchApp, board: Board | None = None, params: SolverParams | None = None
    ) -> None:
        self.app = app
        self.board = board or Board(app)
        self.params = params or SolverParams()
        self.travel = Travel.from_site(app.layout)
        self._specs: dict[UUID, tuple[int, JobSpec]] = {}
        # porter -> ((version, fixed jobs, free, diverting), spec)
        self._porters: dict[UUID, tuple[tuple[int, int, object, object], PorterSpec]] = {}

    def _spec(self, job: Job) -> JobSpec:
        """Job specs change only when the job does: cache them by aggregate version."""
        cached = self._specs.get(job.id)
        if cached is None or cached[0] != job.version:
            cached = (job.version, job_spec(job))
            self._specs[job.id] = cached
        return cached[1]

    def _porter_spec(
        self,
        porter: Porter,
        movable: set[str],
        free: tuple[datetime, str] | None = None,
        divert: str | None = None,
    ) -> PorterSpec:
        """Porter specs change with the porter, as their held jobs become movable, or as
        they come to be finishing (`specs.finishing`) or divertible (`specs.diverting`)."""
        held = sum(1 for j in porter.active_jobs if j not in movable) if porter.active_jobs else 0
        key = (porter.version, held, free, divert)
        cached = self._porters.get(porter.id)
        if cached is None or cached[0] != key:
            cached = (key, porter_spec(porter, movable, free, divert))
            self._porters[porter.id] = cached
        return cached[1]

    def build_problem(self, porter_ids: set[str] | None = None) -> AssignmentProblem:
        """The problem as of now: jobs waiting or movable, porters on shift."""
        self.board.catch_up()
        policy = self.app.policy_document()
        with self.board.held():
            return self._problem(policy, porter_ids)[0]

    def _problem(
        self, policy: tuple[int, PolicyDocument], porter_ids: set[str] | None = None
    ) -> tuple[AssignmentProblem, dict[str, int]]:
        """The problem, and the version of each job and porter in it (spec id -> version)."""
        now = self.app.clock.now()
        version, document = policy
        horizon = now + LOOKAHEAD + timedelta(minutes=document.scheduled.lead_minutes)
        jobs = [
            j
            for j in self.board.open.values()
            if in_pool(j, now, document, self.board)
            and (j.ready_at is None or j.ready_at <= horizon)
        ]
        job_specs = [self._spec(j) for j in jobs]
        specs = sorted(job_specs, key=job_order)
        movable = {spec.id for spec in specs if spec.assigned_porters}
        porters = sorted(
            (
                p
                for p in self.board.porters.values()
                if p.on_shift or (porter_ids is not None and str(p.id) in porter_ids)
            ),
            key=lambda p: p.badge,
        )
        free = self._finishing(porters, now, document, movable)
        divert = self._divertible(porters, specs, document, movable)
        if len(self._specs) > 2 * len(jobs) + 1000:  # forget jobs long gone from the pool
            keep = {j.id for j in jobs}
            self._specs = {k: v for k, v in self._specs.items() if k in keep}
        if free or divert:
            porter_specs = tuple(
                self._porter_spec(p, movable, free.get(p.id), divert.get(p.id)) for p in porters
            )
        else:  # most rounds: no porter finishing or divertible, and no lookups a porter
            porter_specs = tuple(self._porter_spec(p, movable) for p in porters)
        # The versions the round saw, which its record names: from the aggregates at hand.
        versions = {spec.id: j.version for j, spec in zip(jobs, job_specs, strict=True)}
        versions.update((spec.id, p.version) for p, spec in zip(porters, porter_specs, strict=True))
        problem = AssignmentProblem(
            jobs=tuple(specs),
            porters=porter_specs,
            travel=self.travel,
            policy=document,
            policy_version=version,
            now=now,
        )
        return problem, versions

    def run_round(self, trigger: str = "timer") -> Decision | None:
        """Solve and record one round; None when nothing waits for a porter."""
        self.board.catch_up()
        policy = self.app.policy_document()  # read the store before holding the board
        with self.board.held():  # read the board still; solve and save after letting go
            if not self._worth_a_round(policy[1]):
                return None
            problem, versions = self._problem(policy)
            number = self.board.decisions + 1
        if all(j.assigned_porters for j in problem.jobs) and not self._queued(problem):
            return None  # nothing waits (only jobs already held, which could move)
        result = solve(problem, self.params)
        decision = Decision(
            site=self.app.site,
            number=number,
            trigger=trigger,
            policy_version=problem.policy_version,
            params=asdict(self.params),
            problem=stored_problem(problem, versions),
            result=result.to_data(),
            timestamp=problem.now,
            actor=current(),
        )
        changed = self._apply(decision, problem, result)
        if not changed and trigger in ("timer", "porter_finishing"):
            return None  # a look that changes nothing is not a decision worth a record
        self.app.record(decision, *changed)
        return decision

    def _worth_a_round(self, document: PolicyDocument) -> bool:
        """A round can only change something if a job waits and a porter could take it."""
        board = self.board
        now = self.app.clock.now()
        waiting = any(j.status is Status.REQUESTED for j in board.open.values())
        if not waiting:  # a job queued behind a hand-over waits too (`_in_pool`)
            return document.anticipation.finishing_minutes > 0 and any(
                j.status is Status.ASSIGNED
                and in_pool(j, now, document, board)
                and queued(j, board.jobs, board.porters)
                for j in board.open.values()
            )
        if any(
            j.status is Status.ASSIGNED and in_pool(j, now, document, self.board)
            for j in board.open.values()
        ):
            return True
        if document.anticipation.divert_for_stat and any(
            j.status is Status.REQUESTED and j.priority is Priority.STAT
            for j in board.open.values()
        ):
            return True  # a porter on the way elsewhere may be diverted
        limit = document.max_jobs_per_porter
        finishing = 1 if document.anticipation.finishing_minutes else 0
        return any(
            p.on_shift and not p.on_break and len(p.active_jobs) < limit + finishing
            for p in board.porters.values()
        )

    def _apply(
        self, decision: Decision, problem: AssignmentProblem, result: AssignmentResult
    ) -> list[Aggregate]:
        """Turn the result into job and porter events; movable jobs may change hands."""
        with self.board.held():  # copies of the board's aggregates: no store read a job
            return self._changes(decision, problem, result)

    def _job(self, job_id: UUID) -> Job:
        return self.board.job_copy(job_id) or self.app.job(job_id)

    def _changes(
        self, decision: Decision, problem: AssignmentProblem, result: AssignmentResult
    ) -> list[Aggregate]:
        now = decision.made_at
        document = problem.policy
        jobs: dict[UUID, Job] = {}
        porters: dict[UUID, Porter] = {}

        def porter(pid: UUID) -> Porter:
            if pid not in porters:
                porters[pid] = self.board.porter_copy(pid) or self.app.porter(pid)
            return porters[pid]

        # Release moved jobs first, so their porters are free for what the round gives them.
        plan: list[tuple[Job, list[UUID]]] = []
        holding = {spec.id: sorted(spec.assigned_porters) for spec in problem.jobs}
        for assignment in result.assignments:
            if holding[assignment.job_id] == sorted(assignment.porter_ids):
                continue  # kept where it was: nothing to read or write
            jid = UUID(assignment.job_id)
            job = self._job(jid)
            if job.status is Status.ASSIGNED:
                for pid in [UUID(p) for p in job.porter_ids]:
                    porter(pid).drop_job(jid, "released", now)
                job.release(Reason.REOPTIMISED, f"decision {decision.number}", ENGINE, now)
            plan.append((job, [UUID(p) for p in assignment.porter_ids]))
        # A movable job the round left out keeps its porter, unless the round needs them.
        needed = {pid for _, chosen in plan for pid in chosen}
        placed = {a.job_id for a in result.assignments}
        for spec in problem.jobs:
            held = [UUID(p) for p in spec.assigned_porters]
            if spec.id in placed or not needed.intersection(held):
                continue
            job = self._job(UUID(spec.id))
            for pid in held:
                porter(pid).drop_job(job.id, "released", now)
            job.release(Reason.REOPTIMISED, f"decision {decision.number}", ENGINE, now)
            jobs[job.id] = job
        after = {UUID(p.id) for p in problem.porters if p.finishing}  # one more, queued
        diverted = {UUID(p.id): UUID(p.diverting) for p in problem.porters if p.diverting}
        for job, chosen in plan:
            for pid in chosen:
                if pid in diverted:  # the pickup they were walking to goes back to the queue
                    left = self._job(diverted[pid])
                    porter(pid).drop_job(left.id, "released", now)
                    why = f"decision {decision.number}: porter diverted to stat job {job.id}"
                    left.release(Reason.DIVERTED_FOR_STAT, why, ENGINE, now)
                    jobs[left.id] = left
            job.assign(chosen, ENGINE, decision.id, now)
            capacity = document.capacity_for(job.kind)
            for pid in chosen:
                porter(pid).take_job(job.id, capacity + (pid in after), now)
            jobs[job.id] = job
        return [*jobs.values(), *porters.values()]
