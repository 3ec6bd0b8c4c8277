"""The dispatch application: every command is get → call → save.

One application per site; its tables are named after the site so a hospital
group can keep several sites in one database. Where a command changes a job
and its porters, all of them are saved in one atomic `save`, so a crash never
leaves a job assigned to a porter who does not know it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import Aggregate, DomainEventProtocol, MutableOrImmutableAggregate
from eventsourcing.persistence import ApplicationRecorder, IntegrityError, Recording
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteFactory

from engine.clock import Clock
from engine.domain.actor import current
from engine.domain.commands import RegisterPorter
from engine.domain.errors import (
    ConcurrentUpdate,
    JobNotFound,
    PorterAlreadyRegistered,
    PorterNotFound,
)
from engine.domain.ids import porter_id as make_porter_id
from engine.domain.job.aggregate import Job
from engine.domain.policy.aggregate import Policy
from engine.domain.policy.document import PolicyDocument
from engine.domain.porter.aggregate import Porter
from engine.domain.site import SiteLayout
from engine.domain.values import Reason
from engine.write.legacy import adopt_shared_table
from engine.write.lifecycle import JobLifecycle, reading_board
from engine.write.staffing import Staffing
from engine.write.submission import Submission


class DispatchApp(Submission, JobLifecycle, Staffing, Application[UUID]):
    def __init__(self, layout: SiteLayout, clock: Clock, env: dict[str, str]) -> None:
        self.name = f"dispatch_{layout.site}"
        self.site = layout.site
        self.layout = layout
        self.clock = clock
        self._documents: dict[int, PolicyDocument] = {}
        self._published = 0  # the latest policy this process saved
        # The latest policy version a read model of this process has folded (the
        # composition root wires the board in): while it is one already parsed, the
        # policy is known without asking the store. None: ask the store each time.
        self.policy_seen: Callable[[], int] | None = None
        # This process's board: a job or porter as it has folded them (a copy), for the
        # commands a porter sends all day (`board_first`); None: read the store.
        self.board_copy: Callable[[UUID], Aggregate | None] | None = None
        # Checks a policy must pass before it is published, beyond its own fields' (the
        # composition root adds a trial round: this side knows nothing of the solvers).
        self.policy_checks: list[Callable[[PolicyDocument], None]] = []
        # Told of every save with its recordings (the composition root wires the board
        # in, which folds this process's own writes without reading them back).
        self.on_recorded: Callable[[Sequence[Recording[UUID]]], object] | None = None
        self.on_conflict: Callable[[], object] | None = None  # a save refused as stale
        self._saved = threading.local()  # per thread: the log position of its last save
        super().__init__(env={"AGGREGATE_CACHE_MAXSIZE": "5000", **env})

    # -- plumbing -----------------------------------------------------------

    def construct_recorder(self) -> ApplicationRecorder:
        """Each site its own table on SQLite too (`dispatch_<site>_events`), as PostgreSQL
        does by the application's name: the library's SQLite default is one shared table."""
        factory = self.factory
        if not isinstance(factory, SQLiteFactory):
            return super().construct_recorder()
        recorder = SQLiteApplicationRecorder(
            factory.datastore, events_table_name=f"{self.name}_events"
        )
        if factory.env_create_table():
            recorder.create_table()
        adopt_shared_table(factory.datastore, recorder.events_table_name, self.site)
        return recorder

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Turn the store's optimistic-concurrency refusal into a domain error."""
        try:
            yield
        except IntegrityError as exc:
            raise ConcurrentUpdate(
                "another writer changed this first; nothing was recorded, re-read and retry"
            ) from exc

    def save(
        self,
        *objs: MutableOrImmutableAggregate[UUID] | DomainEventProtocol[UUID] | None,
        **kwargs: Any,
    ) -> list[Recording[UUID]]:
        """The library's `save`, but collecting an aggregate's events by its class: the
        library asks whether each object is a domain event by a runtime Protocol check,
        which Python 3.11 answers by walking the Protocol's members every time (a tenth
        of a porter's acknowledge)."""
        processing_event = ProcessingEvent[UUID]()
        for obj in objs:
            if isinstance(obj, Aggregate):
                processing_event.events.extend(obj.collect_events())
                processing_event.aggregates[obj.id] = obj
            elif obj is not None:
                processing_event.collect_events(obj)
        processing_event.saved_kwargs.update(kwargs)
        try:
            recordings = self._record(processing_event)
        except IntegrityError:  # another writer was first: what this process read is behind
            if self.on_conflict is not None:
                self.on_conflict()
            raise
        self._take_snapshots(processing_event)
        self._notify(recordings)
        self.notify(processing_event.events)  # the library's deprecated hook, as it calls it
        return recordings

    def _notify(self, recordings: list[Recording[UUID]]) -> None:
        """The library's hook after every save."""
        if recordings:
            self._saved.position = recordings[-1].notification.id
            if self.on_recorded is not None:
                self.on_recorded(recordings)

    @contextmanager
    def saves(self) -> Iterator[Callable[[], int | None]]:
        """Within the block, the log position of this thread's last save in it (None
        if it saved nothing): how far a command's answer must have caught up."""
        self._saved.position = None
        yield lambda: getattr(self._saved, "position", None)

    def record(self, *aggregates: Aggregate) -> None:
        """Save aggregates in one transaction; a concurrent writer's win is a domain error."""
        with self._writing():
            self.save(*aggregates)

    def on_board(self, aggregate_id: UUID) -> Aggregate | None:
        """An aggregate as this process's board has folded it (a copy); None if unknown
        there, or if no board is wired in."""
        return None if self.board_copy is None else self.board_copy(aggregate_id)

    def _from_board(self, aggregate_id: UUID) -> Aggregate | None:
        return self.on_board(aggregate_id) if reading_board() else None

    def job(self, job_id: UUID) -> Job:
        known = self._from_board(job_id)
        if isinstance(known, Job):
            return known
        try:
            job: Aggregate = self.repository.get(job_id)
        except AggregateNotFoundError:
            raise JobNotFound(job_id) from None
        if not isinstance(job, Job):
            raise JobNotFound(job_id)
        return job

    def get_aggregate(self, aggregate_id: UUID) -> Aggregate | None:
        try:
            found: Aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return found

    def porter(self, ref: UUID | str) -> Porter:
        """A porter by id or by badge."""
        pid = ref if isinstance(ref, UUID) else make_porter_id(self.site, ref)
        known = self._from_board(pid)
        if isinstance(known, Porter):
            return known
        try:
            porter: Aggregate = self.repository.get(pid)
        except AggregateNotFoundError:
            raise PorterNotFound(ref) from None
        if not isinstance(porter, Porter):
            raise PorterNotFound(ref)
        return porter

    # -- policy -------------------------------------------------------------

    def policy(self) -> Policy:
        pid = Policy.create_id(self.site)
        policy: Aggregate
        try:
            policy = self.repository.get(pid)
        except AggregateNotFoundError:
            policy = Policy(
                site=self.site,
                document=PolicyDocument().to_data(),
                published_by="system",
                note="default policy",
                timestamp=self.clock.now(),
                actor=current(),
            )
            try:
                self.save(policy)
            except IntegrityError:  # another process published first
                policy = self.repository.get(pid)
        assert isinstance(policy, Policy)
        return policy

    def policy_document(self) -> tuple[int, PolicyDocument]:
        """The current policy version and document, parsed once per version."""
        number = max(self.policy_seen(), self._published) if self.policy_seen else 0
        if number in self._documents:  # as current as this process's view of the log
            return number, self._documents[number]
        latest = self.recorder.select_events(Policy.create_id(self.site), desc=True, limit=1)
        number = latest[0].originator_version if latest else 0
        if number not in self._documents:
            policy = self.policy()
            self._documents[policy.number] = policy.document
            number = policy.number
        return number, self._documents[number]

    def publish_policy(self, data: dict[str, Any], published_by: str, note: str = "") -> int:
        document = PolicyDocument.parse(data)
        for check in self.policy_checks:
            check(document)
        policy = self.policy()
        policy.publish(document, published_by, note, self.clock.now())
        self.record(policy)
        self._published = max(self._published, policy.number)
        return policy.number

    def amend_policy(self, changes: dict[str, Any], published_by: str, note: str = "") -> int:
        """A new version: the current one with `changes` merged in. Merged into the version
        it saves over, so a publish in between is a stale write (409), never lost."""
        policy = self.policy()
        document = PolicyDocument.parse(PolicyDocument.merged(policy.document_data, changes))
        for check in self.policy_checks:
            check(document)
        policy.publish(document, published_by, note, self.clock.now())
        self.record(policy)
        self._published = max(self._published, policy.number)
        return policy.number

    # -- porters ------------------------------------------------------------

    def register_porter(self, cmd: RegisterPorter) -> UUID:
        catalogue = self.layout.catalogue
        catalogue.check_group(cmd.group)
        catalogue.check_role(cmd.role)
        catalogue.check_skills(cmd.skills)
        if cmd.shift is not None:
            catalogue.check_shift(cmd.shift)
        if cmd.base is not None:
            self.layout.location(cmd.base, "base")
        pid = make_porter_id(self.site, cmd.badge)
        if pid in self.repository:
            raise PorterAlreadyRegistered(f"badge {cmd.badge} is already registered")
        porter = Porter(
            site=self.site,
            badge=cmd.badge,
            name=cmd.name,
            group=cmd.group,
            role=cmd.role,
            skills=sorted(cmd.skills),
            timestamp=self.clock.now(),
            shift=cmd.shift,
            base=cmd.base,
            actor=current(),
        )
        self.record(porter)
        return porter.id

    def start_shift(self, ref: UUID | str, ends_at: datetime) -> None:
        porter = self.porter(ref)
        porter.start_shift(ends_at, self.clock.now())
        self.record(porter)

    def end_shift(self, ref: UUID | str, by: str = "porter") -> list[UUID]:
        """End a shift, handing back jobs not yet picked up; returns them."""
        porter = self.porter(ref)
        now = self.clock.now()
        jobs = [self.job(UUID(j)) for j in porter.active_jobs]
        for job in jobs:
            job.release(Reason.PORTER_OFF_SHIFT, "", by, now)
            porter.drop_job(job.id, "released", now)
        porter.end_shift(now, by)
        self.record(porter, *jobs)
        return [j.id for j in jobs]

    def start_break(self, ref: UUID | str) -> None:
        porter = self.porter(ref)
        porter.start_break(self.clock.now())
        self.record(porter)

    def end_break(self, ref: UUID | str) -> None:
        porter = self.porter(ref)
        porter.end_break(self.clock.now())
        self.record(porter)

    def report_location(self, ref: UUID | str, location: str) -> None:
        self.layout.location(location)
        porter = self.porter(ref)
        porter.report_location(location, self.clock.now())
        self.record(porter)

    def stage_porters(self, moves: list[tuple[str, str, str]]) -> None:
        """(badge, location, reason): the engine sends free porters to wait there; one
        save for a tick's moves."""
        porters = []
        for badge, location, reason in moves:
            self.layout.location(location)
            porter = self.porter(badge)
            porter.stage(location, reason, self.clock.now())
            porters.append(porter)
        if porters:
            self.record(*porters)

    # -- jobs --------------------------------------------------------------

    def events_of(self, aggregate_id: UUID) -> list[Any]:
        return list(self.events.get(aggregate_id))
