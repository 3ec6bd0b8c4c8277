"""Job submission: a request recorded once per idempotency key, whoever retries it.

Mixed into `DispatchApp` beside the lifecycle and staffing. The job's id derives
from the key, so two submissions with one key, from two threads or two
processes, meet in the store: the first save wins and the store refuses the
other, which then answers with the winner's job. `submit` says which of the two
a caller was, so exactly one of them is told it created the job.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from engine.clock import Clock
from engine.domain import events as ev
from engine.domain.actor import current
from engine.domain.commands import SubmitJob
from engine.domain.errors import ConcurrentUpdate, IdempotencyConflict, InvalidInput
from engine.domain.ids import job_id as make_job_id
from engine.domain.ids import return_leg_id
from engine.domain.job.aggregate import Job
from engine.domain.policy.document import PolicyDocument
from engine.domain.site import SiteLayout
from engine.domain.values import Kind, Priority, Requirements


class Submission:
    clock: Clock
    site: str
    layout: SiteLayout

    # Provided by DispatchApp.
    def get_aggregate(self, aggregate_id: UUID) -> Aggregate | None:
        raise NotImplementedError

    def on_board(self, aggregate_id: UUID) -> Aggregate | None:
        raise NotImplementedError

    def policy_document(self) -> tuple[int, PolicyDocument]:
        raise NotImplementedError

    def record(self, *aggregates: Aggregate) -> None:
        raise NotImplementedError

    def submit_job(
        self, cmd: SubmitJob, idempotency_key: str, return_id: UUID | None = None
    ) -> UUID:
        """Record a request once per key; a retry with the same key returns the same job."""
        return self.submit(cmd, idempotency_key, return_id)[0]

    def submit(
        self,
        cmd: SubmitJob,
        idempotency_key: str,
        return_id: UUID | None = None,
        scope: str | None = None,
    ) -> tuple[UUID, bool]:
        """The job for this key, and whether this call created it (False for a retry,
        and for the loser of two submissions racing with one key). `return_id` is for
        replays, which re-create a return leg under the id its log recorded.

        `scope`: whose key space the key is in (a ward's department): the job is filed
        under `scope/key`, so one ward's key never meets, nor reveals, another's job.
        Jobs filed before keys had scopes are found under the bare key, by their own
        department only."""
        if not idempotency_key.strip() or len(idempotency_key) > 200:
            raise InvalidInput("idempotency_key", "must be 1 to 200 characters")
        cmd = self._with_group(cmd)
        fingerprint = hashlib.sha256(
            json.dumps(cmd.model_dump(mode="json"), sort_keys=True).encode()
        ).hexdigest()
        key = f"{scope}/{idempotency_key}" if scope else idempotency_key
        # A retry usually finds its job on this process's board; otherwise the store's
        # own uniqueness says whether the key is taken (the save below is refused), so a
        # new request, nearly every one, costs no read.
        existing = self._existing(key, fingerprint, self.on_board)
        if existing is None and scope:  # filed before keys had scopes: long on the board
            existing = self._existing(idempotency_key, fingerprint, self.on_board, cmd.department)
        if existing is not None:
            return existing, False
        jobs = self._new_jobs(cmd, key, fingerprint, return_id)
        try:
            self.record(*jobs)
        except ConcurrentUpdate:
            # The key was taken (by a concurrent submission, or one this board has not
            # seen yet): answer as that one did.
            existing = self._existing(key, fingerprint, self.get_aggregate)
            if existing is None:
                raise ConcurrentUpdate("submission raced another writer; retry") from None
            return existing, False
        return jobs[0].id, True

    def _with_group(self, cmd: SubmitJob) -> SubmitJob:
        """A request naming no group goes to the group serving its department; resolved
        before the request's fingerprint, so leaving it out and naming it are one request."""
        if cmd.group is not None:
            return cmd
        return cmd.model_copy(update={"group": self.layout.catalogue.serving(cmd.department)})

    def _existing(
        self,
        key: str,
        fingerprint: str,
        find: Callable[[UUID], Aggregate | None],
        department: str | None = None,
    ) -> UUID | None:
        """The job filed under `key`, if `find` knows one (with `department`: only if it
        is that department's, else as if there were none)."""
        jid = make_job_id(self.site, key)
        job = find(jid)
        if not isinstance(job, Job) or department not in (None, job.department):
            return None
        if job.leg == "return":  # recorded when return legs took their outbound's key + ":return"
            raise IdempotencyConflict(
                f"idempotency key {key!r} names the return leg of an earlier escort (job {jid});"
                " send another key"
            )
        if job.fingerprint != fingerprint:
            raise IdempotencyConflict(
                f"idempotency key {key!r} was already used for a different request (job {jid})"
            )
        return jid

    def _new_jobs(
        self, cmd: SubmitJob, key: str, fingerprint: str, return_id: UUID | None
    ) -> list[Job]:
        """The request's job, and an escort's return leg: checked, not yet saved."""
        now = self.clock.now()
        origin = self.layout.location(cmd.origin, "origin")
        destination = self.layout.location(cmd.destination, "destination")
        catalogue = self.layout.catalogue
        assert cmd.group is not None, "resolved by _with_group"
        catalogue.check_group(cmd.group)
        catalogue.check_department(cmd.department)
        catalogue.check_equipment(cmd.requirements.equipment, "requirements.equipment")
        policy_number, document = self.policy_document()
        if cmd.ready_at is not None:
            document.scheduled.check_ready_at(cmd.ready_at, now)
        request = cmd.request_data()
        request["origin"] = origin.to_dict()
        request["destination"] = destination.to_dict()
        leg = "outbound" if cmd.with_return else "single"
        back_id = return_id or return_leg_id(self.site, key)
        linked = str(back_id) if cmd.with_return else None
        jobs = [self._new_job(request, key, fingerprint, policy_number, document, linked, leg)]
        if cmd.with_return:
            back = dict(request, origin=request["destination"], destination=request["origin"])
            back["ready_at"] = (
                (cmd.ready_at or now) + timedelta(minutes=cmd.exam_minutes)
            ).isoformat()
            # Its key is a label (results and reports show it), not an idempotency key.
            label = f"{key}:return"
            link = str(jobs[0].id)
            jobs.append(
                self._new_job(
                    back, label, fingerprint, policy_number, document, link, "return", back_id
                )
            )
        return jobs

    def _new_job(
        self,
        request: dict[str, Any],
        key: str,
        fingerprint: str,
        policy_number: int,
        document: PolicyDocument,
        linked: str | None,
        leg: str,
        job_id: UUID | None = None,
    ) -> Job:
        now = self.clock.now()
        kind = Kind(request["kind"])
        priority = document.effective_priority(kind, Priority(request["priority"]))
        needs = self.layout.catalogue.rules.required(
            kind.value, Requirements.from_dict(request["requirements"])
        )
        ready_at = datetime.fromisoformat(request["ready_at"]) if request["ready_at"] else None
        pickup_due, delivery_due = document.due_times(kind, priority, now, ready_at)
        fields: dict[str, Any] = {
            "site": self.site,
            "key": key,
            "fingerprint": fingerprint,
            "request": request,
            "priority": priority.value,
            "policy_version": policy_number,
            "pickup_due": pickup_due,
            "delivery_due": delivery_due,
            "linked_job_id": linked,
            "leg": leg,
            "timestamp": now,
            "required_skills": sorted(needs),
            "actor": current(),
        }
        if job_id is None:
            return Job(**fields)  # its id from its key: Job.create_id
        # The library's way to create an aggregate under an id of the caller's choosing.
        return Job._create(ev.JobSubmitted, id=job_id, **fields)  # noqa: SLF001
