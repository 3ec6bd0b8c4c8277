"""Overtime at the hand-over (`anticipation.overtime_minutes`): a porter near the end of
their shift may take a job they can pick up before it ends and finish soon after, as
one with a sample in hand at the hand-over does; never one they would reach only after
the end, when the job would go back to the queue unpicked."""

from __future__ import annotations

from engine.assign import SolverParams, solve
from engine.assign.rules import finishes_before_shift_end
from engine.domain.policy.anticipation import Anticipation
from engine.domain.policy.document import PolicyDocument
from engine.domain.values import Kind, Priority

from .builders import FAR, HERE, TRAVEL, job, minutes, porter, problem


def overtime(minutes_: int) -> PolicyDocument:
    return PolicyDocument(anticipation=Anticipation(overtime_minutes=minutes_))


def _work(policy: PolicyDocument) -> float:
    """The blood sample's handling and its walk to the far end, in minutes."""
    return float(policy.handling_minutes.get(Kind.URGENT_BLOOD, 0)) + TRAVEL.between(HERE, FAR)


def test_a_porter_ending_before_the_job_is_done_takes_it_only_with_overtime() -> None:
    sample = job(kind=Kind.URGENT_BLOOD, priority=Priority.STAT, destination=FAR)
    work = _work(PolicyDocument())
    ending = porter(shift_ends_at=minutes(work / 2))  # at the pickup; the end halfway there
    strict, lenient = problem([sample], [ending]), problem([sample], [ending], overtime(60))

    refusal = finishes_before_shift_end(sample, ending, strict)
    assert refusal is not None
    assert "would finish at about" in refusal
    assert finishes_before_shift_end(sample, ending, lenient) is None
    assert not solve(strict, SolverParams()).assignments
    assert [a.job_id for a in solve(lenient, SolverParams()).assignments] == [sample.id]


def test_overtime_has_a_limit_and_the_refusal_says_so() -> None:
    sample = job(kind=Kind.URGENT_BLOOD, priority=Priority.STAT, destination=FAR)
    work = _work(PolicyDocument())
    ending = porter(shift_ends_at=minutes(1))
    short = int(work) - 3  # ends a minute in; the job takes `work`: 2+ minutes too many
    refusal = finishes_before_shift_end(
        sample, ending, problem([sample], [ending], overtime(short))
    )
    assert refusal is not None
    assert f"more than {short} min after" in refusal


def test_no_overtime_takes_a_porter_who_would_reach_the_pickup_after_the_end() -> None:
    sample = job(kind=Kind.URGENT_BLOOD, priority=Priority.STAT)
    away = porter(location=FAR, shift_ends_at=minutes(TRAVEL.between(FAR, HERE) / 2))
    lenient = problem([sample], [away], overtime(60))
    refusal = finishes_before_shift_end(sample, away, lenient)
    assert refusal is not None
    assert "before the pickup" in refusal
    assert not solve(lenient, SolverParams()).assignments


def test_a_document_without_overtime_keeps_its_bytes() -> None:
    """Written as before the setting existed, so rounds decided under it fingerprint the
    same; with it, the document says so."""
    before = PolicyDocument(anticipation=Anticipation(divert_for_stat=True)).to_data()
    assert "overtime_minutes" not in before["anticipation"]
    assert PolicyDocument.missing(before) is None
    assert overtime(15).to_data()["anticipation"]["overtime_minutes"] == 15
