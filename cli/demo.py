"""The command-line demo: a morning at the demo hospital, told through its events."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import TextIO
from uuid import UUID

from engine.clock import ManualClock
from engine.domain.commands import Complete, Rate, SubmitJob, Transition, parse
from engine.domain.values import Reason
from engine.projections.timeline import timeline_entry
from engine.write.application import DispatchApp


def run_demo(app: DispatchApp, clock: ManualClock, tz: tzinfo, out: TextIO) -> list[UUID]:
    """Submit, assign by hand and finish a few jobs; print each one's timeline."""

    def submit(key: str, **fields: object) -> UUID:
        return app.submit_job(parse(SubmitJob, dict(fields)), key)

    blood = submit(
        "demo-blood-1",
        kind="urgent_blood",
        priority="routine",
        origin="ICU",
        destination="LAB",
        department="icu",
        group="internal",
    )
    ct = submit(
        "demo-ct-1",
        kind="patient_transport",
        priority="asap",
        origin="SU-W7",
        destination="CT",
        department="surgery_7",
        group="surgical",
        patient_ref="P-004711",
        requirements={"mode": "stretcher", "equipment": ["oxygen"], "accompaniment": "clinician"},
    )
    drugs = submit(
        "demo-drug-1",
        kind="drug",
        priority="urgent",
        origin="PHARMACY",
        destination="IM-W5",
        department="internal_medicine_5",
        group="internal",
    )
    clock.advance(minutes=1)
    app.assign_job(blood, ["IM-SPC-01"], by="dispatcher:demo")
    app.assign_job(ct, ["SU-ESC-01"], by="dispatcher:demo")
    app.assign_job(drugs, ["IM-DRG-01"], by="dispatcher:demo")
    clock.advance(seconds=30)
    app.acknowledge_job(blood, "IM-SPC-01")
    app.acknowledge_job(ct, "SU-ESC-01")
    app.decline_job(
        drugs,
        "IM-DRG-01",
        Transition(reason=Reason.PORTER_DECLINED, note="cart broken", by="IM-DRG-01"),
    )
    app.assign_job(drugs, ["IM-DRG-02"], by="dispatcher:demo")
    app.acknowledge_job(drugs, "IM-DRG-02")
    clock.advance(minutes=4)
    app.pick_up_job(blood, "IM-SPC-01")
    app.confirm_accompaniment(ct, confirmed_by="nurse:SU-W7", companion="ward nurse")
    app.pick_up_job(ct, "SU-ESC-01", companion_present=True)
    app.pick_up_job(drugs, "IM-DRG-02")
    clock.advance(minutes=3)
    app.complete_job(blood, "IM-SPC-01", Complete(received_by="lab reception"))
    app.hold_job(
        ct, Transition(reason=Reason.LIFT_OUT_OF_ORDER, note="lift B stuck", by="SU-ESC-01")
    )
    clock.advance(minutes=4)
    app.resume_job(ct, by="SU-ESC-01")
    clock.advance(minutes=5)
    app.complete_job(ct, "SU-ESC-01", Complete(received_by="CT radiographer"))
    app.complete_job(drugs, "IM-DRG-02", Complete(received_by="ward 5 nurse"))
    clock.advance(minutes=10)
    app.rate_job(ct, Rate(score=5, comment="gentle and on time", by="ward:SU-W7"))

    for jid in (blood, ct, drugs):
        job = app.job(jid)
        out.write(
            f"\n{job.kind.value} {job.priority.value} {job.origin.code} -> "
            f"{job.destination.code}  [{job.status.value}]  job {jid}\n"
        )
        for entry in [timeline_entry(e) for e in app.events_of(jid)]:
            detail = {
                k: v
                for k, v in entry.items()
                if k in ("porter_ids", "porter_id", "by", "reason", "note", "received_by", "score")
                and v
            }
            at = datetime.fromisoformat(entry["at"]).astimezone(tz).strftime("%H:%M:%S")
            out.write(f"  {at}  {entry['event']:<22} {detail}\n")
    return [blood, ct, drugs]
