"""Random command sequences against a site of a hospital the test builds: every event
names its actor, and a pinned job never moves without a decline, a release by a person
or its porter's shift ending.

Hypothesis mixes people's commands (submit, assign and override by hand, acknowledge,
decline, release, shifts) with what the engine does by itself as time passes (rounds,
escalations that re-offer and widen), then reads the whole log back after each step.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import timedelta
from typing import Any
from uuid import UUID

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from engine.assign import SolverParams
from engine.bootstrap import open_site
from engine.clock import ManualClock
from engine.dispatch.driver import DriverParams
from engine.dispatch.manual import assign_by_hand, override
from engine.domain import events as ev
from engine.domain.actor import Actor, acting
from engine.domain.commands import RegisterPorter, SubmitJob, Transition, parse
from engine.domain.errors import DomainError
from engine.domain.values import Reason
from engine.hospital import Hospital
from engine.settings import Settings
from tests.conftest import MORNING
from tests.hospitals import riverside

HOSPITAL = Hospital.from_data(riverside())
BADGES = ["W1", "W2", "W3", "W4"]
DESK = Actor("dispatcher:test", "dispatcher")
JOB = {
    "kind": "document",
    "priority": "stat",
    "origin": "N-W1",
    "destination": "S-XRAY",
    "department": "medicine",
    "group": "wards",
}


class Pinning(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.clock = ManualClock(MORNING)
        self.site = open_site(
            Settings(store="memory", site="pinning"),
            self.clock,
            HOSPITAL,
            driver=DriverParams(tick=timedelta(seconds=30), rota_days_ahead=0),
            solver=SolverParams(),
        )
        self.app = self.site.app
        self.jobs: list[UUID] = []
        for badge in BADGES:
            self.app.register_porter(RegisterPorter(badge=badge, group="wards", role="porter"))

    def person(self, actor: Actor, command: Callable[[], object]) -> None:
        # Refusals are other tests' business; this one watches what moves.
        with acting(actor), suppress(DomainError):
            command()

    def holder(self, jid: UUID) -> str | None:
        job = self.app.job(jid)
        return self.app.porter(UUID(job.porter_ids[0])).badge if job.porter_ids else None

    # -- people ------------------------------------------------------------------

    @rule()
    def submit(self) -> None:
        key = f"job-{len(self.jobs)}"
        with acting(Actor("ward:medicine", "ward")):
            self.jobs.append(self.app.submit_job(parse(SubmitJob, JOB), key))

    @rule(badge=st.sampled_from(BADGES), start=st.booleans())
    def shift(self, badge: str, start: bool) -> None:
        ends = self.clock.now() + timedelta(hours=8)
        me = Actor(badge, "porter")
        if start:
            self.person(me, lambda: self.app.start_shift(badge, ends))
        else:
            self.person(me, lambda: self.app.end_shift(badge))

    @precondition(lambda self: self.jobs)
    @rule(data=st.data(), badge=st.sampled_from(BADGES), how=st.sampled_from(["assign", "move"]))
    def by_hand(self, data: st.DataObject, badge: str, how: str) -> None:
        jid = data.draw(st.sampled_from(self.jobs))
        why = Transition(reason=Reason.DISPATCHER_OVERRIDE, note="nearer", by=DESK.by)
        if how == "assign":
            self.person(DESK, lambda: assign_by_hand(self.app, jid, [badge], DESK.by, "test"))
        else:
            self.person(DESK, lambda: override(self.app, jid, [badge], why, "test"))

    @precondition(lambda self: self.jobs)
    @rule(data=st.data(), action=st.sampled_from(["acknowledge", "decline", "release"]))
    def answer(self, data: st.DataObject, action: str) -> None:
        jid = data.draw(st.sampled_from(self.jobs))
        badge = self.holder(jid)
        if badge is None:
            return
        why = Transition(reason=Reason.WRONG_EQUIPMENT, by=badge)
        if action == "acknowledge":
            self.person(Actor(badge, "porter"), lambda: self.app.acknowledge_job(jid, badge))
        elif action == "decline":
            self.person(Actor(badge, "porter"), lambda: self.app.decline_job(jid, badge, why))
        else:
            release = Transition(reason=Reason.OTHER, by=DESK.by)
            self.person(DESK, lambda: self.app.release_job(jid, release))

    # -- time and the engine ----------------------------------------------------------

    @rule(seconds=st.integers(min_value=1, max_value=400))
    def time_passes(self, seconds: int) -> None:
        self.clock.advance(seconds=seconds)
        self.site.driver.step()

    @rule()
    def a_round(self) -> None:
        self.site.driver.run_round("test")

    # -- what must hold --------------------------------------------------------------

    @invariant()
    def every_event_names_its_actor(self) -> None:
        for notification in self.app.recorder.select_notifications(start=1, limit=100_000):
            event: Any = self.app.mapper.to_domain_event(notification)
            actor = getattr(event, "actor", None)
            assert actor, event
            assert actor["by"], event
            assert actor["role"], event

    @invariant()
    def a_pinned_job_moves_only_by_a_decline_a_release_or_a_shift_end(self) -> None:
        for jid in self.jobs:
            pinned = False
            for event in self.app.events_of(jid):
                kind = type(event)
                if kind is ev.JobAssigned:
                    pinned = event.pinned
                elif kind is ev.JobReleased:
                    if pinned:
                        allowed = (
                            bool(event.barred)
                            or event.actor["role"] != "engine"
                            or event.reason == Reason.PORTER_OFF_SHIFT.value
                        )
                        assert allowed, event
                    pinned = False


TestPinning = Pinning.TestCase
TestPinning.settings = settings(max_examples=25, stateful_step_count=30, deadline=None)
