"""Given events → when a command → expect events, for every job transition.

A refused command must raise a domain error and record nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest

from engine.domain.errors import AccompanimentNotConfirmed, IllegalTransition, InvalidInput
from engine.domain.job.aggregate import Job
from engine.domain.values import Reason, Status
from tests.conftest import MORNING

P1, P2 = uuid4(), uuid4()
T = MORNING


def request(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "kind": "patient_transport",
        "priority": "asap",
        "origin": {"code": "SU-W7", "site": "s", "building": "b", "floor": 7, "room": "7"},
        "destination": {"code": "CT", "site": "s", "building": "m", "floor": 0, "room": "ct"},
        "department": "surgery_7",
        "group": "surgical",
        "requirements": {
            "mode": "wheelchair",
            "equipment": [],
            "porters_needed": 1,
            "isolation": False,
            "accompaniment": "none",
        },
        "patient_ref": "P-0001",
        "ready_at": None,
        "notes": "",
    }
    base.update(over)
    return base


def submitted(**over: Any) -> Job:
    """A job just submitted: the given state every scenario starts from."""
    return Job(
        site="s",
        key=str(uuid4()),
        fingerprint="f",
        request=request(**over),
        priority="asap",
        policy_version=1,
        pickup_due=T + timedelta(minutes=15),
        delivery_due=T + timedelta(minutes=30),
        linked_job_id=None,
        leg="single",
        timestamp=T,
    )


Step = Callable[[Job], object]
ASSIGN: Step = lambda j: j.assign([P1], "dispatcher", None, T)  # noqa: E731
ACK: Step = lambda j: j.acknowledge(P1, T)  # noqa: E731
PICK: Step = lambda j: j.pick_up(P1, False, T)  # noqa: E731
HOLD: Step = lambda j: j.hold(Reason.PATIENT_NOT_READY, "", "porter", T)  # noqa: E731
RESUME: Step = lambda j: j.resume("porter", T)  # noqa: E731
DONE: Step = lambda j: j.complete(P1, "nurse on CT", "", T)  # noqa: E731
RELEASE: Step = lambda j: j.release(Reason.PORTER_DECLINED, "", "porter", T, [P1])  # noqa: E731
CANCEL: Step = lambda j: j.cancel(Reason.REQUEST_WITHDRAWN, "", "ward", T)  # noqa: E731
FAIL: Step = lambda j: j.fail(Reason.PATIENT_UNWELL, "", "porter", T)  # noqa: E731
ESCALATE: Step = lambda j: j.escalate(1, "not_acknowledged", "", T)  # noqa: E731
RATE: Step = lambda j: j.rate(4, "fine", "ward", T)  # noqa: E731


def given(*steps: Step, **over: Any) -> Job:
    job = submitted(**over)
    for step in steps:
        step(job)
    job.collect_events()
    return job


def when(job: Job, step: Step) -> list[str]:
    step(job)
    return [type(e).__name__ for e in job.collect_events()]


LEGAL = [
    ("a requested job is assigned", (), ASSIGN, "Assigned", Status.ASSIGNED),
    ("an assigned job is acknowledged", (ASSIGN,), ACK, "Acknowledged", Status.ACKNOWLEDGED),
    ("an acknowledged job is picked up", (ASSIGN, ACK), PICK, "PickedUp", Status.IN_PROGRESS),
    ("a job in progress goes on hold", (ASSIGN, ACK, PICK), HOLD, "Held", Status.ON_HOLD),
    ("an acknowledged job goes on hold", (ASSIGN, ACK), HOLD, "Held", Status.ON_HOLD),
    (
        "a held job resumes where it was",
        (ASSIGN, ACK, PICK, HOLD),
        RESUME,
        "Resumed",
        Status.IN_PROGRESS,
    ),
    ("a job in progress is completed", (ASSIGN, ACK, PICK), DONE, "Completed", Status.COMPLETED),
    ("an assigned job is released", (ASSIGN,), RELEASE, "Released", Status.REQUESTED),
    ("an acknowledged job is released", (ASSIGN, ACK), RELEASE, "Released", Status.REQUESTED),
    (
        "a held job not yet picked up is released",
        (ASSIGN, ACK, HOLD),
        RELEASE,
        "Released",
        Status.REQUESTED,
    ),
    ("a requested job is cancelled", (), CANCEL, "Cancelled", Status.CANCELLED),
    ("a job in progress is cancelled", (ASSIGN, ACK, PICK), CANCEL, "Cancelled", Status.CANCELLED),
    ("a job in progress fails", (ASSIGN, ACK, PICK), FAIL, "Failed", Status.FAILED),
    ("an assigned job fails", (ASSIGN,), FAIL, "Failed", Status.FAILED),
    ("a requested job escalates", (), ESCALATE, "Escalated", Status.REQUESTED),
    ("a completed job is rated", (ASSIGN, ACK, PICK, DONE), RATE, "Rated", Status.COMPLETED),
]


@pytest.mark.parametrize(
    ("given_steps", "step", "event", "status"),
    [case[1:] for case in LEGAL],
    ids=[case[0] for case in LEGAL],
)
def test_a_legal_transition_records_one_event(
    given_steps: tuple[Step, ...], step: Step, event: str, status: Status
) -> None:
    job = given(*given_steps)
    assert when(job, step) == [event]
    assert job.status is status


ILLEGAL = [
    ("a requested job cannot be acknowledged", (), ACK),
    ("a requested job cannot be picked up", (), PICK),
    ("an assigned job cannot be picked up before acknowledgement", (ASSIGN,), PICK),
    ("a requested job cannot be completed", (), DONE),
    ("an acknowledged job cannot be completed", (ASSIGN, ACK), DONE),
    ("an assigned job cannot be assigned again", (ASSIGN,), ASSIGN),
    ("a requested job cannot be held", (), HOLD),
    ("a job in progress cannot be released", (ASSIGN, ACK, PICK), RELEASE),
    ("a held job picked up cannot be released", (ASSIGN, ACK, PICK, HOLD), RELEASE),
    ("a requested job cannot fail", (), FAIL),
    ("a completed job cannot be cancelled", (ASSIGN, ACK, PICK, DONE), CANCEL),
    ("a cancelled job cannot be assigned", (CANCEL,), ASSIGN),
    ("a failed job cannot be resumed", (ASSIGN, FAIL), RESUME),
    ("a job not on hold cannot resume", (ASSIGN, ACK, PICK), RESUME),
    ("a job in progress cannot be rated", (ASSIGN, ACK, PICK), RATE),
    ("a job cannot be rated twice", (ASSIGN, ACK, PICK, DONE, RATE), RATE),
    ("a completed job cannot escalate", (ASSIGN, ACK, PICK, DONE), ESCALATE),
    ("escalation never goes back down a level", (ESCALATE,), ESCALATE),
]


@pytest.mark.parametrize(
    ("given_steps", "step"), [case[1:] for case in ILLEGAL], ids=[case[0] for case in ILLEGAL]
)
def test_an_illegal_transition_is_refused_and_records_nothing(
    given_steps: tuple[Step, ...], step: Step
) -> None:
    job = given(*given_steps)
    before = dict(vars(job))
    with pytest.raises(IllegalTransition):
        step(job)
    assert job.collect_events() == []
    assert vars(job) == before


def test_only_the_assigned_porter_can_acknowledge() -> None:
    job = given(ASSIGN)
    with pytest.raises(IllegalTransition, match="porter"):
        job.acknowledge(P2, T)
    assert job.collect_events() == []


def test_a_two_porter_job_needs_two_distinct_porters() -> None:
    reqs = dict(request()["requirements"], porters_needed=2)
    job = given(requirements=reqs)
    with pytest.raises(InvalidInput, match="porters"):
        job.assign([P1, P1], "dispatcher", None, T)
    assert when(job, lambda j: j.assign([P1, P2], "dispatcher", None, T)) == ["Assigned"]


def test_an_accompanied_patient_is_not_picked_up_until_the_companion_is_confirmed() -> None:
    reqs = dict(request()["requirements"], accompaniment="clinician")
    job = given(ASSIGN, ACK, requirements=reqs)
    with pytest.raises(AccompanimentNotConfirmed):
        job.pick_up(P1, True, T)
    job.confirm_accompaniment("nurse:W7", "ward nurse", T)
    with pytest.raises(AccompanimentNotConfirmed):
        job.pick_up(P1, False, T)
    job.collect_events()
    assert when(job, lambda j: j.pick_up(P1, True, T)) == ["PickedUp"]


def test_completion_records_who_received_the_handover() -> None:
    job = given(ASSIGN, ACK, PICK)
    with pytest.raises(InvalidInput, match="received_by"):
        job.complete(P1, "  ", "", T)
    events = [*job.collect_events()]
    assert events == []
    job.complete(P1, "CT radiographer", "", T)
    (event,) = job.collect_events()
    assert event.received_by == "CT radiographer"  # type: ignore[attr-defined]


def test_every_event_is_stamped_with_the_given_domain_time() -> None:
    job = submitted()
    later = T + timedelta(hours=3)
    job.assign([P1], "dispatcher", None, later)
    assert [e.timestamp for e in job.collect_events()] == [T, later]


def test_a_job_remembers_who_declined_it_but_not_who_was_moved_off_it() -> None:
    job = given(ASSIGN, RELEASE)
    assert job.declined_by == [str(P1)]
    job.assign([P2], "engine", None, T)
    job.release(Reason.REOPTIMISED, "", "engine", T)
    assert job.declined_by == [str(P1)]
