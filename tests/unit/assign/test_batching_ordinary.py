"""Specimen batching in ordinary operation: with `anticipation.batching` a free porter
takes several batchable jobs that share their origin and their destination in one round,
and the round records each batch and why; without it nothing changes."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings

from engine.assign import AssignmentProblem, SolverParams, solve
from engine.assign.model import Round, plan_violations
from engine.domain.errors import InvalidInput
from engine.domain.policy.anticipation import Anticipation
from engine.domain.policy.document import PolicyDocument
from engine.domain.values import Kind

from .builders import FAR, HERE, NEAR, job, porter, problem
from .strategies import problems
from .test_solve import plan_of

BATCHING = PolicyDocument(anticipation=Anticipation(batching=True))


def specimens(n: int, destination: str = NEAR, kind: Kind = Kind.SPECIMEN) -> list:
    return [job(f"s{i}", kind=kind, origin=FAR, destination=destination) for i in range(1, n + 1)]


def test_without_the_setting_a_free_porter_takes_one_specimen_a_round() -> None:
    result = solve(problem(specimens(2), [porter("a")]))
    assert len(result.assignments) == 1
    assert "anticipation" not in result.to_data()


def test_with_the_setting_one_porter_takes_a_wards_specimens_for_the_lab_together() -> None:
    result = solve(problem(specimens(3), [porter("a")], BATCHING))
    assert {a.job_id for a in result.assignments} == {"s1", "s2", "s3"}
    batch = result.anticipation["batches"]
    assert batch == [
        {
            "porter_id": "a",
            "job_ids": ["s1", "s2", "s3"],
            "origin": FAR,
            "destination": NEAR,
            "reason": f"3 specimen jobs from {FAR} to {NEAR}: one walk and one trip for all",
        }
    ]


def test_specimens_from_one_origin_to_two_destinations_are_not_batched() -> None:
    jobs = [*specimens(1, NEAR), job("other", kind=Kind.SPECIMEN, origin=FAR, destination=HERE)]
    result = solve(problem(jobs, [porter("a")], BATCHING))
    assert len(result.assignments) == 1
    assert result.anticipation["batches"] == []


def test_kinds_the_policy_does_not_batch_are_never_batched() -> None:
    result = solve(problem(specimens(2, kind=Kind.ITEM), [porter("a")], BATCHING))
    assert len(result.assignments) == 1


def test_a_batch_holds_at_most_the_batch_size() -> None:
    two = PolicyDocument(anticipation=Anticipation(batching=True, batch_size=2))
    result = solve(problem(specimens(4), [porter("a")], two))
    assert len(result.assignments) == 2


def test_a_porter_already_carrying_a_job_is_given_no_batch() -> None:
    result = solve(problem(specimens(2), [porter("a", active_jobs=1)], BATCHING))
    assert result.assignments == ()


def test_greedy_batches_the_same_way() -> None:
    result = solve(problem(specimens(3), [porter("a")], BATCHING), SolverParams(strategy="greedy"))
    assert len(result.assignments) == 3


def test_a_porter_may_hold_a_batch_of_the_policy_s_size() -> None:
    assert BATCHING.capacity_for(Kind.SPECIMEN) == 3
    assert BATCHING.capacity_for(Kind.ITEM) == 1
    assert PolicyDocument().capacity_for(Kind.SPECIMEN) == 1


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_jobs=8, max_porters=5, batching=False))
def test_no_batch_ever_breaks_a_rule_or_mixes_trips(p: AssignmentProblem) -> None:
    on = dataclasses.replace(p, policy=BATCHING)
    for strategy in ("optimal", "greedy"):
        result = solve(on, SolverParams(strategy=strategy))
        assert plan_violations(Round.build(on), plan_of(on, result)) == []
        for batch in result.anticipation["batches"]:
            trips = {(s.origin, s.destination) for s in on.jobs if s.id in batch["job_ids"]}
            assert len(trips) == 1


@pytest.mark.parametrize("bad", [1, 7, 2.5, "three"])
def test_a_batch_size_out_of_range_is_refused_naming_the_field(bad: object) -> None:
    data = PolicyDocument().to_data() | {"anticipation": {"batch_size": bad}}
    with pytest.raises(InvalidInput) as caught:
        PolicyDocument.parse(data)
    assert "anticipation.batch_size" in str(caught.value)
