"""Job lifecycle commands, each one get → call → save.

Kept apart from the application's plumbing so each file stays readable; the
`DispatchApp` class mixes this in. Commands touching a job and its porters save
them together, which the store writes in one transaction.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from engine.clock import Clock
from engine.domain.commands import Complete, Rate, Transition
from engine.domain.errors import IllegalTransition
from engine.domain.job.aggregate import Job
from engine.domain.policy.document import PolicyDocument
from engine.domain.porter.aggregate import Porter
from engine.domain.values import Status


class JobLifecycle:
    clock: Clock

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
    ) -> list[UUID]:
        job = self.job(job_id)
        porters = [self.porter(ref) for ref in porter_refs]
        now = self.clock.now()
        ids = [p.id for p in porters]
        job.assign(ids, by, decision_id, now)
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

    def moved(self, job: Job, porter_refs: list[UUID | str], cmd: Transition) -> list[Porter]:
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
        job.assign([p.id for p in targets], cmd.by, None, now)
        capacity = self._capacity(job)
        for p in targets:
            p.take_job(job.id, capacity, now)
        return list({p.id: p for p in [*released, *targets]}.values())

    def acknowledge_job(self, job_id: UUID, porter_ref: UUID | str) -> None:
        job = self.job(job_id)
        job.acknowledge(self.porter(porter_ref).id, self.clock.now())
        self.record(job)

    def confirm_accompaniment(self, job_id: UUID, confirmed_by: str, companion: str) -> None:
        job = self.job(job_id)
        job.confirm_accompaniment(confirmed_by, companion, self.clock.now())
        self.record(job)

    def pick_up_job(
        self, job_id: UUID, porter_ref: UUID | str, companion_present: bool = False
    ) -> None:
        job = self.job(job_id)
        job.pick_up(self.porter(porter_ref).id, companion_present, self.clock.now())
        self.record(job)

    def hold_job(self, job_id: UUID, cmd: Transition) -> None:
        job = self.job(job_id)
        job.hold(cmd.reason, cmd.note, cmd.by, self.clock.now())
        self.record(job)

    def resume_job(self, job_id: UUID, by: str) -> None:
        job = self.job(job_id)
        job.resume(by, self.clock.now())
        self.record(job)

    def complete_job(self, job_id: UUID, porter_ref: UUID | str, cmd: Complete) -> None:
        job = self.job(job_id)
        now = self.clock.now()
        job.complete(self.porter(porter_ref).id, cmd.received_by, cmd.note, now)
        porters = self._porters_of(job)
        for p in porters:
            p.drop_job(job.id, "completed", now)
        self.record(job, *porters)

    def release_job(self, job_id: UUID, cmd: Transition) -> list[UUID]:
        """Back to requested (declined, escalation, override); frees its porters."""
        job = self.job(job_id)
        now = self.clock.now()
        porters = self._porters_of(job)
        job.release(cmd.reason, cmd.note, cmd.by, now)
        for p in porters:
            p.drop_job(job.id, "released", now)
        self.record(job, *porters)
        return [p.id for p in porters]

    def decline_job(self, job_id: UUID, porter_ref: UUID | str, cmd: Transition) -> None:
        """A porter declines a job they hold; it goes back to requested."""
        job = self.job(job_id)
        porter = self.porter(porter_ref)
        if str(porter.id) not in job.porter_ids:
            raise IllegalTransition(
                f"job {job.id}", job.status.value, f"decline by porter {porter.badge} (not theirs)"
            )
        self.release_job(job_id, cmd)

    def cancel_job(self, job_id: UUID, cmd: Transition) -> None:
        job = self.job(job_id)
        now = self.clock.now()
        porters = self._porters_of(job)
        job.cancel(cmd.reason, cmd.note, cmd.by, now)
        for p in porters:
            p.drop_job(job.id, "cancelled", now)
        self.record(job, *porters)

    def fail_job(self, job_id: UUID, cmd: Transition) -> None:
        job = self.job(job_id)
        now = self.clock.now()
        porters = self._porters_of(job)
        job.fail(cmd.reason, cmd.note, cmd.by, now)
        for p in porters:
            p.drop_job(job.id, "failed", now)
        self.record(job, *porters)

    def escalate_job(self, job_id: UUID, level: int, stage: str, note: str = "") -> None:
        self.escalate_jobs([(job_id, level, stage, note)])

    def escalate_jobs(self, escalations: list[tuple[UUID, int, str, str]]) -> None:
        """Several escalations in one save: all are recorded, or none."""
        now = self.clock.now()
        jobs = []
        for job_id, level, stage, note in escalations:
            job = self.job(job_id)
            job.escalate(level, stage, note, now)
            jobs.append(job)
        self.record(*jobs)

    def rate_job(self, job_id: UUID, cmd: Rate) -> None:
        job = self.job(job_id)
        job.rate(cmd.score, cmd.comment, cmd.by, self.clock.now())
        self.record(job)

    def _porters_of(self, job: Job) -> list[Porter]:
        return [self.porter(UUID(p)) for p in job.porter_ids]

    def events_of(self, aggregate_id: UUID) -> list[Any]:
        raise NotImplementedError
