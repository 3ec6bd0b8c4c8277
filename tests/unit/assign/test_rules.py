"""Each hard rule excludes the pairs it should, by name, and the two forms of every rule agree."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from engine.assign import RULES, AssignmentProblem, JobSpec, PorterSpec, solve, violations
from engine.assign.rules import Feasibility
from engine.assign.synthetic import SKILLS
from engine.domain.policy.anticipation import Anticipation
from engine.domain.policy.document import PolicyDocument
from engine.domain.values import Kind, Priority

from .builders import FAR, HERE, NEAR, TRAVEL, job, minutes, porter, problem
from .strategies import problems


def excluded_by(
    job_spec: JobSpec, porter_spec: PorterSpec, policy: PolicyDocument | None = None
) -> list[str]:
    """Rule names that exclude this single pair, checked through a solve as well."""
    p = problem([job_spec], [porter_spec], policy)
    names = [name for name, _ in violations(job_spec, porter_spec, p)]
    if names:
        assert not solve(p).assignments, "an excluded pair must never be assigned"
    return names


def test_a_porter_off_shift_is_excluded_by_on_duty() -> None:
    assert excluded_by(job(), porter(on_shift=False)) == ["on_duty"]


def test_a_porter_on_a_break_is_excluded_by_on_duty() -> None:
    assert excluded_by(job(), porter(on_break=True)) == ["on_duty"]


def test_a_porter_who_declined_a_job_is_not_offered_it_again() -> None:
    assert excluded_by(job(declined_by=("p1",)), porter()) == ["not_declined"]
    assert excluded_by(job(declined_by=("p2",)), porter()) == []


def test_a_full_porter_is_excluded_by_has_capacity() -> None:
    assert excluded_by(job(), porter(active_jobs=1)) == ["has_capacity"]


def test_a_busy_porter_may_not_take_a_job_that_cannot_be_batched() -> None:
    policy = PolicyDocument(max_jobs_per_porter=3)
    assert excluded_by(job(kind=Kind.ITEM), porter(active_jobs=1), policy) == ["has_capacity"]


def test_a_busy_porter_may_take_a_batchable_job_when_the_policy_allows() -> None:
    policy = PolicyDocument(max_jobs_per_porter=3)
    assert excluded_by(job(kind=Kind.SPECIMEN), porter(active_jobs=1), policy) == []


def test_a_porter_whose_shift_ends_before_the_job_is_done_is_excluded() -> None:
    ends = porter(location=FAR, shift_ends_at=minutes(3))
    assert excluded_by(job(), ends) == ["finishes_before_shift_end"]


def test_a_porter_from_a_group_that_does_not_lend_is_excluded() -> None:
    assert excluded_by(job(group="emergency"), porter(group="internal")) == ["group_eligible"]


def test_a_porter_lent_by_a_lending_group_is_eligible() -> None:
    assert excluded_by(job(group="internal"), porter(group="surgical")) == []


def test_a_porter_without_a_required_skill_is_excluded() -> None:
    needs_bed = job(required_skills=frozenset({"stretcher_bed"}))
    assert excluded_by(needs_bed, porter()) == ["has_skills"]
    assert excluded_by(needs_bed, porter(skills=frozenset({"stretcher_bed"}))) == []


def test_a_job_waiting_for_accompaniment_is_not_dispatched() -> None:
    waiting = job(kind=Kind.PATIENT_TRANSPORT, needs_accompaniment=True)
    assert excluded_by(waiting, porter()) == ["accompaniment_confirmed"]
    confirmed = job(
        kind=Kind.PATIENT_TRANSPORT, needs_accompaniment=True, accompaniment_confirmed=True
    )
    assert excluded_by(confirmed, porter()) == []


def test_a_scheduled_job_is_not_dispatched_to_a_porter_who_would_arrive_too_early() -> None:
    later = job(ready_at=minutes(60))
    assert excluded_by(later, porter(location=HERE)) == ["ready_for_pickup"]
    soon = job(ready_at=minutes(5))  # lead is 10 minutes: arriving now is early enough
    assert excluded_by(soon, porter(location=HERE)) == []


def test_a_far_porter_may_set_off_for_a_scheduled_job_before_a_near_one() -> None:
    travel_far = TRAVEL.between(FAR, HERE)
    ready = job(ready_at=minutes(10 + travel_far - 0.5))
    assert excluded_by(ready, porter(location=FAR)) == []
    assert excluded_by(ready, porter(location=HERE)) == ["ready_for_pickup"]


def test_every_broken_rule_is_named_not_just_the_first() -> None:
    bad = porter(on_break=True, group="emergency", active_jobs=1)
    names = excluded_by(job(required_skills=frozenset({"isolation"})), bad)
    assert names == ["on_duty", "has_capacity", "group_eligible", "has_skills"]


def test_every_rule_has_a_sentence_naming_the_porter_or_job() -> None:
    p = problem([job(needs_accompaniment=True)], [porter(on_break=True)])
    for _, sentence in violations(p.jobs[0], p.porters[0], p):
        assert "P1" in sentence or "j1" in sentence


def test_rule_names_are_unique() -> None:
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names))


@settings(max_examples=150, deadline=None)
@given(problems(max_jobs=7, max_porters=6))
def test_the_mask_form_of_every_rule_agrees_with_its_pair_form(p: AssignmentProblem) -> None:
    """The solver's vectorised masks and explain()'s per-pair checks never disagree."""
    feasibility = Feasibility.build(p.arrays, p.policy)
    shape = (len(p.jobs), len(p.porters))
    for rule in RULES:
        mask = np.broadcast_to(feasibility.excluded[rule.name], shape)
        for j, job_spec in enumerate(p.jobs):
            for k, porter_spec in enumerate(p.porters):
                by_pair = rule.check(job_spec, porter_spec, p) is not None
                assert bool(mask[j, k]) == by_pair, (rule.name, job_spec, porter_spec)


@pytest.mark.parametrize("rule", [r.name for r in RULES])
def test_the_exclusion_summary_counts_pairs_per_rule(rule: str) -> None:
    p = problem(
        [job("j1", needs_accompaniment=True), job("j2")],
        [porter("p1", on_break=True), porter("p2")],
    )
    counts = solve(p).exclusions
    expected = {"on_duty": 2, "accompaniment_confirmed": 2}
    assert counts[rule] == expected.get(rule, 0)


def _stat_held_by_p1(keeps: bool) -> AssignmentProblem:
    """A stat job given to p1 (at its origin) and a job only p1 can do; p2 a minute away."""
    held = job("s", priority=Priority.STAT, kind=Kind.SPECIMEN, assigned_porters=("p1",))
    only_p1 = job("r", required_skills=frozenset({"isolation"}))
    porters = [porter("p1", skills=frozenset(SKILLS)), porter("p2", location=NEAR)]
    policy = PolicyDocument(anticipation=Anticipation(stat_keeps_porter=keeps))
    return problem([held, only_p1], porters, policy)


def test_without_the_setting_a_round_may_send_a_farther_porter_to_a_held_stat_job() -> None:
    result = solve(_stat_held_by_p1(keeps=False))
    assert {a.job_id: a.porter_ids for a in result.assignments} == {"s": ("p2",), "r": ("p1",)}


def test_a_held_stat_job_keeps_its_porter_against_one_who_would_not_be_sooner() -> None:
    p = _stat_held_by_p1(keeps=True)
    result = solve(p)
    assert {a.job_id: a.porter_ids for a in result.assignments} == {"s": ("p1",)}
    reasons = dict(violations(p.jobs[0], p.porters[1], p))
    assert "keeps P1" in reasons["stat_keeps_porter"]
    assert "P2 would not be there sooner" in reasons["stat_keeps_porter"]


KEEPS = PolicyDocument(anticipation=Anticipation(stat_keeps_porter=True))


def _stat_for_p1_goes_to(p1: PorterSpec, p2: PorterSpec) -> list[tuple[str, ...]]:
    """Who a stat job given to `p1` goes to, with `p2` also there, the setting on."""
    held = job("s", priority=Priority.STAT, kind=Kind.SPECIMEN, assigned_porters=("p1",))
    return [a.porter_ids for a in solve(problem([held], [p1, p2], KEEPS)).assignments]


def test_a_held_stat_job_still_moves_to_a_porter_who_would_be_there_sooner() -> None:
    assert _stat_for_p1_goes_to(porter("p1", location=FAR), porter("p2", location=NEAR)) == [
        ("p2",)
    ]


def test_only_stat_jobs_keep_their_porter() -> None:
    routine = job("r", assigned_porters=("p1",))
    assert excluded_by(routine, porter("p2", location=FAR), KEEPS) == []


def test_a_stat_job_whose_porter_is_off_duty_may_go_to_anyone() -> None:
    off = porter("p1", on_shift=False)
    assert _stat_for_p1_goes_to(off, porter("p2", location=FAR)) == [("p2",)]


def test_a_stat_job_whose_porter_can_no_longer_take_it_holds_nobody_back() -> None:
    """Its holder's shift ends before the job could be done: the job may go to anyone."""
    ending = porter("p1", shift_ends_at=minutes(1))
    assert _stat_for_p1_goes_to(ending, porter("p2", location=FAR)) == [("p2",)]
