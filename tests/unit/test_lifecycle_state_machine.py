"""A model-based test of the job and porter lifecycles through the application.

Hypothesis drives random command sequences against a small staffed site and a
plain model of what should be allowed. Every command the model forbids must be
refused with a domain error and leave the log as it was; every command it
allows must succeed. After every step each aggregate rebuilt from the stored
events equals the live one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import UUID

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from engine.bootstrap import bootstrap
from engine.clock import ManualClock
from engine.domain.commands import Complete, Rate, RegisterPorter, SubmitJob, Transition, parse
from engine.domain.errors import DomainError
from engine.domain.values import Reason
from engine.hospital import Hospital
from engine.settings import Settings
from tests.conftest import MORNING

BADGES = ["P1", "P2", "P3"]
HOSPITAL = Hospital.load()
WHY = Transition(reason=Reason.OTHER, by="tester")


def rebuilt(app: Any, aggregate_id: UUID) -> Any:
    aggregate = None
    for event in app.events.get(aggregate_id):
        aggregate = event.mutate(aggregate)
    return aggregate


class Lifecycles(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.clock = ManualClock(MORNING)
        self.app = bootstrap(Settings(store="memory"), self.clock, HOSPITAL)
        self.jobs: dict[UUID, dict[str, Any]] = {}
        self.porters: dict[str, dict[str, Any]] = {}
        for badge in BADGES:
            self.app.register_porter(RegisterPorter(badge=badge, group="surgical", role="escort"))
            self.porters[badge] = {"on_shift": False, "on_break": False, "jobs": set()}

    # -- helpers ------------------------------------------------------------

    def attempt(self, legal: bool, command: Callable[[], object]) -> bool:
        before = self.app.recorder.max_notification_id()
        self.clock.advance(seconds=30)
        try:
            command()
        except DomainError:
            assert not legal, "a legal command was refused"
            assert self.app.recorder.max_notification_id() == before, "a refusal wrote events"
            return False
        assert legal, "an illegal command was accepted"
        return True

    def releasable(self, job: dict[str, Any]) -> bool:
        return job["status"] in ("assigned", "acknowledged") or (
            job["status"] == "on_hold" and job["held_from"] == "acknowledged"
        )

    def free_porters_of(self, jid: UUID, released: bool) -> None:
        """Porters let go of the job; a released job forgets them, an ended one keeps them."""
        for badge in self.jobs[jid]["porters"]:
            self.porters[badge]["jobs"].discard(jid)
        if released:
            self.jobs[jid]["porters"] = []

    # -- rules --------------------------------------------------------------

    @rule()
    def submit(self) -> None:
        key = f"k{len(self.jobs)}"
        cmd = parse(
            SubmitJob,
            {
                "kind": "patient_transport",
                "origin": "SU-W3",
                "destination": "CT",
                "department": "surgery_7",
                "group": "surgical",
                "patient_ref": "P-0001",
            },
        )
        jid = self.app.submit_job(cmd, key)
        self.jobs[jid] = {"status": "requested", "porters": [], "held_from": None, "rated": False}

    @precondition(lambda self: self.jobs)
    @rule(data=st.data(), badge=st.sampled_from(BADGES))
    def assign(self, data: st.DataObject, badge: str) -> None:
        jid = data.draw(st.sampled_from(sorted(self.jobs)))
        job, p = self.jobs[jid], self.porters[badge]
        legal = (
            job["status"] == "requested" and p["on_shift"] and not p["on_break"] and not p["jobs"]
        )
        if self.attempt(legal, lambda: self.app.assign_job(jid, [badge], "dispatcher")):
            job.update(status="assigned", porters=[badge])
            p["jobs"].add(jid)

    @precondition(lambda self: self.jobs)
    @rule(
        data=st.data(),
        badge=st.sampled_from(BADGES),
        action=st.sampled_from(["acknowledge", "pick_up", "complete"]),
    )
    def porter_step(self, data: st.DataObject, badge: str, action: str) -> None:
        jid = data.draw(st.sampled_from(sorted(self.jobs)))
        job = self.jobs[jid]
        before, after = {
            "acknowledge": ("assigned", "acknowledged"),
            "pick_up": ("acknowledged", "in_progress"),
            "complete": ("in_progress", "completed"),
        }[action]
        legal = job["status"] == before and badge in job["porters"]
        command = {
            "acknowledge": lambda: self.app.acknowledge_job(jid, badge),
            "pick_up": lambda: self.app.pick_up_job(jid, badge),
            "complete": lambda: self.app.complete_job(jid, badge, Complete(received_by="nurse")),
        }[action]
        if self.attempt(legal, command):
            job["status"] = after
            if after == "completed":
                self.free_porters_of(jid, released=False)

    @precondition(lambda self: self.jobs)
    @rule(
        data=st.data(),
        action=st.sampled_from(["hold", "resume", "release", "cancel", "fail", "rate"]),
    )
    def job_step(self, data: st.DataObject, action: str) -> None:
        jid = data.draw(st.sampled_from(sorted(self.jobs)))
        job = self.jobs[jid]
        s = job["status"]
        legal = {
            "hold": s in ("acknowledged", "in_progress"),
            "resume": s == "on_hold",
            "release": self.releasable(job),
            "cancel": s not in ("completed", "cancelled", "failed"),
            "fail": s in ("assigned", "acknowledged", "in_progress", "on_hold"),
            "rate": s == "completed" and not job["rated"],
        }[action]
        command = {
            "hold": lambda: self.app.hold_job(jid, WHY),
            "resume": lambda: self.app.resume_job(jid, "tester"),
            "release": lambda: self.app.release_job(jid, WHY),
            "cancel": lambda: self.app.cancel_job(jid, WHY),
            "fail": lambda: self.app.fail_job(jid, WHY),
            "rate": lambda: self.app.rate_job(jid, Rate(score=3, by="ward")),
        }[action]
        if not self.attempt(legal, command):
            return
        if action == "hold":
            job.update(status="on_hold", held_from=s)
        elif action == "resume":
            job.update(status=job["held_from"], held_from=None)
        elif action == "rate":
            job["rated"] = True
        else:
            job["status"] = {"release": "requested", "cancel": "cancelled", "fail": "failed"}[
                action
            ]
            job["held_from"] = None
            self.free_porters_of(jid, released=action == "release")

    @rule(
        badge=st.sampled_from(BADGES),
        action=st.sampled_from(["start_shift", "end_shift", "start_break", "end_break"]),
    )
    def shift_step(self, badge: str, action: str) -> None:
        p = self.porters[badge]
        legal = {
            "start_shift": not p["on_shift"],
            "end_shift": p["on_shift"] and all(self.releasable(self.jobs[j]) for j in p["jobs"]),
            "start_break": p["on_shift"] and not p["on_break"] and not p["jobs"],
            "end_break": p["on_shift"] and p["on_break"],
        }[action]
        ends = self.clock.now() + timedelta(hours=8)
        command = {
            "start_shift": lambda: self.app.start_shift(badge, ends),
            "end_shift": lambda: self.app.end_shift(badge),
            "start_break": lambda: self.app.start_break(badge),
            "end_break": lambda: self.app.end_break(badge),
        }[action]
        if not self.attempt(legal, command):
            return
        if action == "start_shift":
            p.update(on_shift=True, on_break=False)
        elif action == "end_shift":
            for jid in list(p["jobs"]):
                self.jobs[jid].update(status="requested", held_from=None)
                self.free_porters_of(jid, released=True)
            p.update(on_shift=False, on_break=False)
        else:
            p["on_break"] = action == "start_break"

    # -- invariants ---------------------------------------------------------

    @invariant()
    def rebuilt_aggregates_equal_live_ones(self) -> None:
        ids = [*self.jobs, *(self.app.porter(b).id for b in BADGES)]
        for aggregate_id in ids:
            live = self.app.repository.get(aggregate_id)
            assert vars(rebuilt(self.app, aggregate_id)) == vars(live)

    @invariant()
    def the_model_and_the_engine_agree(self) -> None:
        for jid, job in self.jobs.items():
            live = self.app.job(jid)
            assert live.status.value == job["status"]
            assert sorted(live.porter_ids) == sorted(
                str(self.app.porter(b).id) for b in job["porters"]
            )


Lifecycles.TestCase.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)
TestJobAndPorterLifecycles = Lifecycles.TestCase
