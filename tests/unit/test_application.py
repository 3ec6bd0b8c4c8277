"""Application commands: validation before writing, idempotency, multi-aggregate saves."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from engine.bootstrap import seed_roster
from engine.clock import ManualClock
from engine.domain.commands import Complete, RegisterPorter, SubmitJob, Transition, parse
from engine.domain.errors import (
    IdempotencyConflict,
    InvalidInput,
    JobNotFound,
    PorterAlreadyRegistered,
    PorterUnavailable,
)
from engine.domain.values import Reason, Status
from engine.hospital import Hospital
from engine.projections.timeline import timeline_entry
from engine.write.application import DispatchApp


def job_data(**over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "patient_transport",
        "priority": "asap",
        "origin": "SU-W7",
        "destination": "CT",
        "department": "surgery_7",
        "group": "surgical",
        "patient_ref": "P-0042",
    }
    data.update(over)
    return data


@pytest.fixture
def staffed(memory_app: DispatchApp, hospital: Hospital, clock: ManualClock) -> DispatchApp:
    """The demo hospital at 09:00 with its early shift on duty."""
    seed_roster(memory_app, hospital, clock.now())
    return memory_app


def log_size(app: DispatchApp) -> int:
    return app.recorder.max_notification_id() or 0


BAD_INPUT = [
    ("unknown kind", {"kind": "teleport"}, "kind"),
    ("destination equal to origin", {"destination": "SU-W7"}, "^destination: must differ"),
    ("negative porters", {"requirements": {"porters_needed": -1}}, "requirements.porters_needed"),
    ("three porters", {"requirements": {"porters_needed": 3}}, "requirements.porters_needed"),
    ("a patient's name as reference", {"patient_ref": "ZHANG SAN"}, "patient_ref"),
    ("naive ready_at", {"ready_at": "2026-11-23T10:00:00"}, "ready_at"),
    ("unknown field", {"bed_number": 12}, "bed_number"),
]


@pytest.mark.parametrize(
    ("data", "field"), [c[1:] for c in BAD_INPUT], ids=[c[0] for c in BAD_INPUT]
)
def test_bad_input_is_refused_naming_the_field(data: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput, match=field):
        parse(SubmitJob, job_data(**data))


def test_unknown_locations_and_past_ready_at_are_refused_and_the_store_is_unchanged(
    staffed: DispatchApp, clock: ManualClock
) -> None:
    before = log_size(staffed)
    with pytest.raises(InvalidInput, match="origin"):
        staffed.submit_job(parse(SubmitJob, job_data(origin="MOON")), "k1")
    past = (clock.now() - timedelta(minutes=30)).isoformat()
    with pytest.raises(InvalidInput, match="ready_at"):
        staffed.submit_job(parse(SubmitJob, job_data(ready_at=past)), "k2")
    with pytest.raises(InvalidInput, match="idempotency_key"):
        staffed.submit_job(parse(SubmitJob, job_data()), " ")
    assert log_size(staffed) == before


def test_an_empty_badge_is_refused() -> None:
    with pytest.raises(InvalidInput, match="badge"):
        parse(RegisterPorter, {"badge": "", "group": "surgical", "role": "escort"})


def test_a_badge_registers_once(staffed: DispatchApp) -> None:
    with pytest.raises(PorterAlreadyRegistered):
        staffed.register_porter(
            RegisterPorter(badge="SU-ESC-01", group="surgical", role="escort")  # type: ignore[arg-type]
        )


def test_a_retried_submission_returns_the_same_job_and_writes_nothing(
    staffed: DispatchApp,
) -> None:
    cmd = parse(SubmitJob, job_data())
    first = staffed.submit_job(cmd, "ward7-0001")
    size = log_size(staffed)
    assert staffed.submit_job(cmd, "ward7-0001") == first
    assert log_size(staffed) == size


def test_reusing_a_key_for_another_request_is_a_conflict(staffed: DispatchApp) -> None:
    staffed.submit_job(parse(SubmitJob, job_data()), "ward7-0002")
    with pytest.raises(IdempotencyConflict):
        staffed.submit_job(parse(SubmitJob, job_data(priority="stat")), "ward7-0002")


def test_due_times_and_policy_version_are_stored_at_submission(
    staffed: DispatchApp, clock: ManualClock
) -> None:
    jid = staffed.submit_job(
        parse(
            SubmitJob,
            job_data(kind="urgent_blood", patient_ref=None, destination="LAB", priority="routine"),
        ),
        "blood-1",
    )
    job = staffed.job(jid)
    assert job.priority.value == "stat"
    assert job.pickup_due - clock.now() == timedelta(minutes=10)
    assert job.policy_version == 1
    staffed.publish_policy(
        {
            "targets": {
                "stat": {"pickup": 5, "delivery": 10},
                "asap": {"pickup": 15, "delivery": 30},
                "urgent": {"pickup": 20, "delivery": 45},
                "routine": {"pickup": 45, "delivery": 90},
            }
        },
        "head of transport",
    )
    assert staffed.job(jid).pickup_due - clock.now() == timedelta(minutes=10)


def test_an_escort_with_a_return_creates_the_linked_return_leg(
    staffed: DispatchApp, clock: ManualClock
) -> None:
    out_id = staffed.submit_job(
        parse(
            SubmitJob,
            job_data(kind="escort", destination="ULTRASOUND", with_return=True, exam_minutes=40),
        ),
        "esc-1",
    )
    outbound = staffed.job(out_id)
    back = staffed.job(outbound.linked_job_id)  # type: ignore[arg-type]
    assert (outbound.leg, back.leg) == ("outbound", "return")
    assert back.linked_job_id == str(out_id)
    assert (back.origin.code, back.destination.code) == ("ULTRASOUND", "SU-W7")
    assert back.ready_at == clock.now() + timedelta(minutes=40)


def test_assigning_saves_the_job_and_its_porter_together(staffed: DispatchApp) -> None:
    jid = staffed.submit_job(parse(SubmitJob, job_data()), "k-assign")
    staffed.assign_job(jid, ["SU-ESC-01"], by="dispatcher")
    assert staffed.porter("SU-ESC-01").active_jobs == [str(jid)]
    other = staffed.submit_job(parse(SubmitJob, job_data(destination="MRI")), "k-other")
    size = log_size(staffed)
    with pytest.raises(PorterUnavailable):
        staffed.assign_job(other, ["SU-ESC-01"], by="dispatcher")
    assert log_size(staffed) == size
    assert staffed.job(other).status is Status.REQUESTED


def test_ending_a_shift_hands_back_jobs_not_yet_picked_up(staffed: DispatchApp) -> None:
    jid = staffed.submit_job(parse(SubmitJob, job_data()), "k-shift")
    staffed.assign_job(jid, ["SU-ESC-01"], by="dispatcher")
    staffed.acknowledge_job(jid, "SU-ESC-01")
    assert staffed.end_shift("SU-ESC-01") == [jid]
    job = staffed.job(jid)
    assert (job.status, job.last_reason) == (Status.REQUESTED, "porter_off_shift")
    assert staffed.porter("SU-ESC-01").state == "off_shift"


def test_a_dispatcher_reassigns_a_job_to_another_porter(staffed: DispatchApp) -> None:
    jid = staffed.submit_job(parse(SubmitJob, job_data()), "k-move")
    staffed.assign_job(jid, ["SU-ESC-01"], by="dispatcher")
    why = Transition(reason=Reason.DISPATCHER_OVERRIDE, note="closer", by="dispatcher:li")
    staffed.reassign_job(jid, ["SU-ESC-02"], why)
    assert staffed.porter("SU-ESC-01").state == "free"
    assert staffed.porter("SU-ESC-02").active_jobs == [str(jid)]
    events = [timeline_entry(e)["event"] for e in staffed.events_of(jid)]
    assert events == ["Submitted", "Assigned", "Released", "Assigned"]


def test_a_completed_job_frees_its_porter(staffed: DispatchApp) -> None:
    jid = staffed.submit_job(parse(SubmitJob, job_data()), "k-done")
    staffed.assign_job(jid, ["SU-ESC-01"], by="dispatcher")
    staffed.acknowledge_job(jid, "SU-ESC-01")
    staffed.pick_up_job(jid, "SU-ESC-01")
    staffed.complete_job(jid, "SU-ESC-01", Complete(received_by="radiographer"))
    assert staffed.porter("SU-ESC-01").state == "free"
    assert staffed.porter("SU-ESC-01").jobs_this_shift == 1


def test_an_unknown_job_is_not_found(staffed: DispatchApp) -> None:
    from uuid import uuid4

    with pytest.raises(JobNotFound):
        staffed.job(uuid4())
