"""A morning's history with every kind of event the read models care about.

Built on the real application and dispatch rounds with a manual clock; the
service is refreshed after every step, as the API does after every command,
so its folds see the log in many small batches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from engine.bootstrap import seed_roster
from engine.clock import ManualClock
from engine.dispatch.manual import override
from engine.dispatch.rounds import Dispatcher
from engine.domain.commands import Complete, Rate, SubmitJob, Transition, parse
from engine.domain.values import Reason
from engine.hospital import Hospital
from engine.projections.service import Service
from engine.write.application import DispatchApp

BLOOD = {
    "kind": "urgent_blood",
    "priority": "routine",
    "origin": "ED-RESUS",
    "destination": "BLOOD-BANK",
    "department": "emergency",
    "group": "emergency",
}
CT = {
    "kind": "patient_transport",
    "priority": "asap",
    "origin": "SU-W7",
    "destination": "CT",
    "department": "surgery_7",
    "group": "surgical",
    "patient_ref": "P-004711",
    "requirements": {"mode": "stretcher", "accompaniment": "clinician"},
}
DRUG = {
    "kind": "drug",
    "priority": "urgent",
    "origin": "PHARMACY",
    "destination": "IM-W5",
    "department": "internal_medicine_5",
    "group": "internal",
}
DOCS = {
    "kind": "document",
    "priority": "routine",
    "origin": "IM-W5",
    "destination": "LAB",
    "department": "internal_medicine_5",
    "group": "internal",
}


@dataclass
class Morning:
    app: DispatchApp
    clock: ManualClock
    service: Service
    jobs: dict[str, UUID] = field(default_factory=dict)

    def step(self) -> None:
        self.service.refresh()

    def badge(self, job: str) -> str:
        porter_id = self.app.job(self.jobs[job]).porter_ids[0]
        return self.app.porter(UUID(porter_id)).badge


def run_morning(app: DispatchApp, clock: ManualClock, hospital: Hospital) -> Morning:
    service = Service(app, hospital.timezone)
    m = Morning(app, clock, service)
    seed_roster(app, hospital, clock.now())
    m.step()
    rounds = Dispatcher(app)
    for name, request in (("blood", BLOOD), ("ct", CT), ("drug", DRUG), ("docs", DOCS)):
        m.jobs[name] = app.submit_job(parse(SubmitJob, request), f"morning-{name}")
        m.step()
    app.confirm_accompaniment(m.jobs["ct"], "ward:surgery_7", "Dr Wang")
    rounds.run_round("submitted")
    m.step()

    clock.advance(minutes=1)
    app.acknowledge_job(m.jobs["blood"], m.badge("blood"))
    app.pick_up_job(m.jobs["blood"], m.badge("blood"))
    m.step()
    clock.advance(minutes=5)
    app.complete_job(m.jobs["blood"], m.badge("blood"), Complete(received_by="blood bank"))
    app.rate_job(m.jobs["blood"], Rate(score=4, comment="quick", by="ward:emergency"))
    m.step()

    ct, escort = m.jobs["ct"], m.badge("ct")
    app.acknowledge_job(ct, escort)
    app.pick_up_job(ct, escort, companion_present=True)
    m.step()
    app.hold_job(ct, Transition(reason=Reason.LIFT_OUT_OF_ORDER, note="lift B", by=escort))
    clock.advance(minutes=40)
    app.resume_job(ct, escort)
    app.complete_job(ct, escort, Complete(received_by="CT desk"))  # late: asap is 30 min
    m.step()

    drug = m.jobs["drug"]
    runner = m.badge("drug")
    app.decline_job(drug, runner, Transition(reason=Reason.PORTER_DECLINED, by=runner))
    m.step()
    rounds.run_round("declined")
    m.step()
    holder = m.badge("drug")
    free = sorted(
        p.badge
        for p in service.board.porters.values()
        if p.group == "internal" and p.state == "free" and p.badge != holder
    )
    reason = Transition(reason=Reason.DISPATCHER_OVERRIDE, note="closer", by="dispatcher:demo")
    override(app, drug, [free[0]], reason)
    m.step()
    app.escalate_job(drug, 1, "not_acknowledged", "waited")
    app.cancel_job(m.jobs["docs"], Transition(reason=Reason.REQUEST_WITHDRAWN, by="ward:im5"))
    m.step()
    return m
