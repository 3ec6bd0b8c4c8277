"""Job lifecycle commands, each one get → call → save.

Kept apart from the application's plumbing so each file stays readable; the
`DispatchApp` class mixes this in. Commands touching a job and its porters save
them together, which the store writes in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from functools import wraps
from typing import Any, ParamSpec, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from engine.clock import Clock
from engine.domain.commands import Complete, Rate, Transition
from engine.domain.errors import DomainError, IllegalTransition, NotThePortersJob
from engine.domain.ids import porter_id as make_porter_id
from engine.domain.job.aggregate import Job
from engine.domain.policy.document import PolicyDocument
from engine.domain.porter.aggregate import Porter
from engine.domain.values import ENGINE, Reason, Status

P = ParamSpec("P")
R = TypeVar("R")
_BOARD_FIRST: ContextVar[bool] = ContextVar("board_first", default=False)


def reading_board() -> bool:
    """Whether the command under way reads its aggregates from the process's board."""
    return _BOARD_FIRST.get()


def board_first(method: Callable[P, R]) -> Callable[P, R]:
    """Read the job and its porters from this process's board rather than the store: a
    porter's acknowledge, pick-up and complete are most of a day's writes, and each read
    was a query. A board a moment behind the store can only cost a refusal: the save is
    optimistic (a stale copy's events clash with the stored ones), and a refusal by the
    domain may be the board's lag. Either way the command runs once more, reading the
    store, and that answer stands."""

    @wraps(method)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        token = _BOARD_FIRST.set(True)
        try:
            return method(*args, **kwargs)
        except DomainError:
            pass
        finally:
            _BOARD_FIRST.reset(token)
        return method(*args, **kwargs)

    return run


class JobLifecycle:
    clock: Clock
    site: str

    # Provided by DispatchApp.
    def job(self, job_id: UUID) -> Job:
        raise NotImplementedError

    def porter(self, ref: UUID | str) -> Porter:
        raise NotImplementedError

    def policy_document(self) -> tuple[int, PolicyDocument]:
        raise NotImplementedError

    def record(self, *aggregates: Aggregate) -> None:
        raise NotImplementedError

    def _capacity(self, job: Job) -> int:
        return self.policy_document()[1].capacity_for(job.kind)

    def assign_job(
        self,
        job_id: UUID,
        porter_refs: list[UUID | str],
        by: str,
        decision_id: UUID | None = None,
        forced: str = "",
    ) -> list[UUID]:
        """A person's assignment: pinned, so no round moves it (see `Job.assign`)."""
        job = self.job(job_id)
        porters = [self.porter(ref) for ref in porter_refs]
        now = self.clock.now()
        ids = [p.id for p in porters]
        job.assign(ids, by, decision_id, now, pinned=True, forced=forced)
        capacity = self._capacity(job)
        for porter in porters:
            porter.take_job(job.id, capacity, now)
        self.record(job, *porters)
        return ids

    def reassign_job(
        self, job_id: UUID, porter_refs: list[UUID | str], cmd: Transition
    ) -> list[UUID]:
        """A dispatcher moves a job: release from whoever holds it, assign to others."""
        job = self.job(job_id)
        changed = self.moved(job, porter_refs, cmd)
        self.record(job, *changed)
        return [UUID(p) for p in job.porter_ids]

    def moved(
        self, job: Job, porter_refs: list[UUID | str], cmd: Transition, forced: str = ""
    ) -> list[Porter]:
        """Release `job` from its porters and assign it to others; returns porters changed."""
        now = self.clock.now()
        released = self._porters_of(job)
        if job.status is not Status.REQUESTED:
            job.release(cmd.reason, cmd.note, cmd.by, now)
            for p in released:
                p.drop_job(job.id, "released", now)
        # The same porter may appear on both sides; use one object for each.
        by_id = {p.id: p for p in released}
        targets = [by_id.get(p.id, p) for p in (self.porter(ref) for ref in porter_refs)]
        job.assign([p.id for p in targets], cmd.by, None, now, pinned=True, forced=forced)
        capacity = self._capacity(job)
        for p in targets:
            p.take_job(job.id, capacity, now)
        return list({p.id: p for p in [*released, *targets]}.values())

    def _acting(self, porter_ref: UUID | str) -> UUID:
        """The id of the porter acting, without reading them: the job checks that they
        hold it; only a refusal is worth a read, to say when no such porter exists."""
        return porter_ref if isinstance(porter_ref, UUID) else make_porter_id(self.site, porter_ref)

    @contextmanager
    def _as_porter(self, porter_ref: UUID | str) -> Iterator[UUID]:
        try:
            yield self._acting(porter_ref)
        except NotThePortersJob:
            self.porter(porter_ref)  # no such porter: that is the answer
            raise

    @board_first
    def acknowledge_job(self, job_id: UUID, porter_ref: UUID | str) -> None:
        job = self.job(job_id)
        with self._as_porter(porter_ref) as pid:
            job.acknowledge(pid, self.clock.now())
        self.record(job)

    def confirm_accompaniment(self, job_id: UUID, confirmed_by: str, companion: str) -> None:
        job = self.job(job_id)
        job.confirm_accompaniment(confirmed_by, companion, self.clock.now())
        self.record(job)

    @board_first
    def pick_up_job(
        self,
        job_id: UUID,
        porter_ref: UUID | str,
        companion_present: bool = False,
        handed_over_by: str = "",
    ) -> None:
        job = self.job(job_id)
        with self._as_porter(porter_ref) as pid:
            job.pick_up(pid, companion_present, self.clock.now(), handed_over_by)
        self.record(job)

    def _porter_id(self, porter_ref: UUID | str | None) -> UUID | None:
        return None if porter_ref is None else self.porter(porter_ref).id

    def hold_job(self, job_id: UUID, cmd: Transition, porter_ref: UUID | str | None = None) -> None:
        """`porter_ref`: the porter putting it on hold, who must hold it (None: staff)."""
        job = self.job(job_id)
        job.hold(cmd.reason, cmd.note, cmd.by, self.clock.now(), self._porter_id(porter_ref))
        self.record(job)

    def resume_job(self, job_id: UUID, by: str, porter_ref: UUID | str | None = None) -> None:
        job = self.job(job_id)
        job.resume(by, self.clock.now(), self._porter_id(porter_ref))
        self.record(job)

    @board_first
    def complete_job(self, job_id: UUID, porter_ref: UUID | str, cmd: Complete) -> None:
        job = self.job(job_id)
        now = self.clock.now()
        with self._as_porter(porter_ref) as pid:
            job.complete(pid, cmd.received_by, cmd.note, now)
        porters = self._porters_of(job)
        for p in porters:
            p.drop_job(job.id, "completed", now)
        self.record(job, *porters)

    def release_job(
        self, job_id: UUID, cmd: Transition, barred: list[UUID] | None = None
    ) -> list[UUID]:
        """Back to requested (declined, escalation, override); frees its porters."""
        job = self.job(job_id)
        now = self.clock.now()
        porters = self._porters_of(job)
        job.release(cmd.reason, cmd.note, cmd.by, now, barred)
        for p in porters:
            p.drop_job(job.id, "released", now)
        self.record(job, *porters)
        return [p.id for p in porters]

    def decline_job(self, job_id: UUID, porter_ref: UUID | str, cmd: Transition) -> None:
        """A porter declines a job they hold, for whatever reason: it goes back to
        requested, and that porter (only that one, of a two-porter job) is never offered
        it again."""
        job = self.job(job_id)
        porter = self.porter(porter_ref)
        job.check_porter(porter.id, "decline")
        self.release_job(job_id, cmd, barred=[porter.id])

    def cancel_job(self, job_id: UUID, cmd: Transition) -> None:
        """Cancelling an escort's outbound leg cancels its return leg too, in one save."""
        self._end(job_id, cmd, "cancelled")

    def fail_job(self, job_id: UUID, cmd: Transition, porter_ref: UUID | str | None = None) -> None:
        """A failed outbound leg (the patient unwell) takes its return leg with it.
        `porter_ref`: the porter reporting it, who must hold the job (None: staff)."""
        self._end(job_id, cmd, "failed", self._porter_id(porter_ref))

    def _end(
        self, job_id: UUID, cmd: Transition, outcome: str, porter_id: UUID | None = None
    ) -> None:
        job = self.job(job_id)
        job.check_porter(porter_id, "fail")  # before its porters are let go of it
        now = self.clock.now()
        porters: dict[UUID, Porter] = {}  # one object per porter, who may hold both legs
        changed: list[Aggregate] = [job]
        for p in self._porters_of(job):
            porters.setdefault(p.id, p).drop_job(job.id, outcome, now)
        if outcome == "cancelled":
            job.cancel(cmd.reason, cmd.note, cmd.by, now)
        else:
            job.fail(cmd.reason, cmd.note, cmd.by, now, porter_id)
        back = self._return_leg(job)
        if back is not None and back.is_open and back.status is not Status.IN_PROGRESS:
            for p in self._porters_of(back):
                porters.setdefault(p.id, p).drop_job(back.id, "cancelled", now)
            back.cancel(cmd.reason, f"outbound leg {job.id} {outcome}", cmd.by, now)
            changed.append(back)
        self.record(*changed, *porters.values())

    def _return_leg(self, job: Job) -> Job | None:
        if job.leg == "outbound" and job.linked_job_id is not None:
            return self.job(UUID(job.linked_job_id))
        return None

    def escalate_job(
        self, job_id: UUID, level: int, stage: str, note: str = "", action: str = ""
    ) -> None:
        self.escalate_jobs([(job_id, level, stage, note, action)])

    def escalate_jobs(self, escalations: list[tuple[UUID, int, str, str, str]]) -> None:
        """Several escalations in one save, each doing what its level does: all are
        recorded, or none."""
        now = self.clock.now()
        changed: dict[UUID, Aggregate] = {}
        for job_id, level, stage, note, action in escalations:
            job = self.job(job_id)
            effect = self._escalation_effect(job, action)
            job.escalate(level, stage, note, now, action, effect)
            if action == "reoffer" and job.status is Status.ASSIGNED and not job.pinned:
                for p in self._porters_of(job):
                    porter = changed.get(p.id, p)
                    assert isinstance(porter, Porter)
                    porter.drop_job(job.id, "released", now)
                    changed[p.id] = porter
                job.release(Reason.ESCALATION, effect, ENGINE, now)
            changed[job.id] = job
        self.record(*changed.values())

    def _escalation_effect(self, job: Job, action: str) -> str:
        """What the level does, in words for the record (the events carry the change)."""
        if action == "reoffer":
            if job.status is not Status.ASSIGNED:
                return f"nothing to re-offer: the job is {job.status.value}"
            badges = ", ".join(p.badge for p in self._porters_of(job))
            if job.pinned:  # a person chose them: theirs to move (the next levels alert)
                return f"not re-offered: a dispatcher gave it to {badges}"
            return f"taken from {badges}, who did not answer; offered to other porters"
        if action == "widen":
            return "open to porters of every group"
        if action.startswith("alert_"):
            return f"{action.removeprefix('alert_')} alerted"
        return ""

    def reschedule_job(self, job_id: UUID, ready_at: datetime, by: str = "") -> None:
        """A scheduled job moves to another time, and its return leg with it; a porter
        lined up for the old time is let go, and the rounds plan it afresh."""
        job = self.job(job_id)
        if job.ready_at is None:
            raise IllegalTransition(f"job {job.id}", "not scheduled", "reschedule")
        if not job.can_reschedule:
            raise IllegalTransition(f"job {job.id}", job.status.value, "reschedule")
        shift = ready_at - job.ready_at
        _, document = self.policy_document()
        now = self.clock.now()
        document.scheduled.check_ready_at(ready_at, now)
        jobs = [job]
        back = self._return_leg(job)
        if back is not None and back.ready_at is not None and back.can_reschedule:
            jobs.append(back)
        porters: dict[UUID, Porter] = {}
        for each in jobs:
            assert each.ready_at is not None
            if each.porter_ids:
                for p in self._porters_of(each):
                    porters.setdefault(p.id, p).drop_job(each.id, "released", now)
                each.release(Reason.RESCHEDULED, f"ready at {ready_at.isoformat()}", by, now)
            when = each.ready_at + shift
            pickup_due, delivery_due = document.due_times(each.kind, each.priority, now, when)
            each.reschedule(when, pickup_due, delivery_due, now)
        self.record(*jobs, *porters.values())

    def report_incident(
        self, job_id: UUID, porter_ref: UUID | str, category: str, note: str
    ) -> None:
        job = self.job(job_id)
        job.report_incident(self.porter(porter_ref).id, category, note, self.clock.now())
        self.record(job)

    def complain(self, job_id: UUID, category: str, text: str, by: str) -> None:
        job = self.job(job_id)
        job.complain(category, text, by, self.clock.now())
        self.record(job)

    def rate_job(self, job_id: UUID, cmd: Rate) -> None:
        job = self.job(job_id)
        job.rate(cmd.score, cmd.comment, cmd.by, self.clock.now())
        self.record(job)

    def _porters_of(self, job: Job) -> list[Porter]:
        return [self.porter(UUID(p)) for p in job.porter_ids]

    def events_of(self, aggregate_id: UUID) -> list[Any]:
        raise NotImplementedError
