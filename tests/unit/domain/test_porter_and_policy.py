"""Porter transitions and policy versions, given events → expect events."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from engine.domain.errors import IllegalTransition, InvalidInput, PorterUnavailable
from engine.domain.policy.aggregate import Policy
from engine.domain.policy.anticipation import Anticipation
from engine.domain.policy.document import PolicyDocument
from engine.domain.porter.aggregate import Porter
from engine.domain.values import Kind, Priority
from tests.conftest import MORNING as T

JOB, OTHER = uuid4(), uuid4()
END = T + timedelta(hours=6)


def porter(on_shift: bool = True) -> Porter:
    """A surgical escort, on shift unless asked otherwise, with no events pending."""
    p = Porter(
        site="s",
        badge="SU-ESC-01",
        name="",
        group="surgical",
        role="escort",
        skills=["stretcher_bed"],
        timestamp=T,
    )
    if on_shift:
        p.start_shift(END, T)
    p.collect_events()
    return p


def names(p: Porter) -> list[str]:
    return [type(e).__name__ for e in p.collect_events()]


def test_a_porter_on_shift_takes_a_job_and_becomes_busy() -> None:
    p = porter()
    p.take_job(JOB, 1, T)
    assert names(p) == ["JobTaken"]
    assert p.state == "busy"


def test_a_busy_porter_cannot_take_a_second_job_without_batching() -> None:
    p = porter()
    p.take_job(JOB, 1, T)
    p.collect_events()
    with pytest.raises(PorterUnavailable, match="allows 1"):
        p.take_job(OTHER, 1, T)
    assert names(p) == []
    p.take_job(OTHER, 2, T)
    assert names(p) == ["JobTaken"]


def test_a_porter_off_shift_or_on_break_is_unavailable() -> None:
    off = porter(on_shift=False)
    with pytest.raises(PorterUnavailable):
        off.take_job(JOB, 1, T)
    resting = porter()
    resting.start_break(T)
    resting.collect_events()
    with pytest.raises(PorterUnavailable):
        resting.take_job(JOB, 1, T)
    assert names(off) == names(resting) == []


def test_a_break_starts_only_when_free_and_ends_only_when_on_one() -> None:
    p = porter()
    with pytest.raises(IllegalTransition):
        p.end_break(T)
    p.take_job(JOB, 1, T)
    p.collect_events()
    with pytest.raises(IllegalTransition):
        p.start_break(T)
    p.drop_job(JOB, "completed", T)
    p.start_break(T)
    p.end_break(T)
    assert names(p) == ["JobDropped", "BreakStarted", "BreakEnded"]


def test_a_shift_cannot_end_while_jobs_are_held_nor_start_twice() -> None:
    p = porter()
    with pytest.raises(IllegalTransition):
        p.start_shift(END, T)
    p.take_job(JOB, 1, T)
    p.collect_events()
    with pytest.raises(IllegalTransition, match="holding"):
        p.end_shift(T)
    p.drop_job(JOB, "released", T)
    p.end_shift(T)
    assert names(p) == ["JobDropped", "ShiftEnded"]
    assert p.jobs_this_shift == 0


def test_a_shift_must_end_after_it_starts() -> None:
    p = porter(on_shift=False)
    with pytest.raises(InvalidInput, match="ends_at"):
        p.start_shift(T, T)


def test_publishing_a_policy_makes_a_new_numbered_version() -> None:
    policy = Policy(
        site="s", document=PolicyDocument().to_data(), published_by="system", note="", timestamp=T
    )
    assert policy.number == 1
    stricter = PolicyDocument.parse(
        {
            "targets": {
                "stat": {"pickup": 5, "delivery": 15},
                "asap": {"pickup": 10, "delivery": 25},
                "urgent": {"pickup": 20, "delivery": 45},
                "routine": {"pickup": 45, "delivery": 90},
            }
        }
    )
    policy.publish(stricter, "head of transport", "tighter stat target", T)
    assert policy.number == 2
    assert policy.document.target(Kind.DRUG, Priority.STAT).pickup == 5


def test_a_policy_with_a_bad_target_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidInput, match=r"document\.targets\.stat\.pickup"):
        PolicyDocument.parse({"targets": {"stat": {"pickup": -1, "delivery": 5}}})


def test_urgent_blood_is_always_stat_and_due_times_follow_the_table() -> None:
    doc = PolicyDocument()
    assert doc.effective_priority(Kind.URGENT_BLOOD, Priority.ROUTINE) is Priority.STAT
    pickup, delivery = doc.due_times(Kind.DRUG, Priority.ROUTINE, T, None)
    assert (pickup - T, delivery - T) == (timedelta(minutes=45), timedelta(minutes=90))
    ready = T + timedelta(hours=1)
    pickup, delivery = doc.due_times(Kind.ESCORT, Priority.ROUTINE, T, ready)
    assert (pickup - ready, delivery - ready) == (timedelta(minutes=10), timedelta(minutes=30))


def test_a_document_written_before_stat_keeps_porter_keeps_its_bytes_and_is_whole() -> None:
    """Anticipation on, the new setting off: written as before it existed, so a round
    decided under it fingerprints the same; and a document without it is not refused."""
    on = PolicyDocument(anticipation=Anticipation(divert_for_stat=True))
    data = on.to_data()
    assert "stat_keeps_porter" not in data["anticipation"]
    assert PolicyDocument.missing(data) is None
    kept = PolicyDocument(anticipation=Anticipation(stat_keeps_porter=True)).to_data()
    assert kept["anticipation"]["stat_keeps_porter"] is True
