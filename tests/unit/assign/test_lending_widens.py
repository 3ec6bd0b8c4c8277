"""Lending that widens with load: a loan costs less as the borrowing group's queue
outgrows its free porters, only when the policy says so, and the round says why."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.assign import AssignmentProblem, explain, solve
from engine.domain.errors import InvalidInput
from engine.domain.policy.anticipation import Anticipation
from engine.domain.policy.document import PolicyDocument

from .builders import FAR, HERE, NEAR, job, porter, problem

WIDENS = PolicyDocument(anticipation=Anticipation(lending_widens=True))
LENDING = PolicyDocument().weights.lending


def busy_internal(n_jobs: int, n_free: int, policy: PolicyDocument = WIDENS) -> AssignmentProblem:
    """`n_jobs` internal jobs, `n_free` idle internal porters and one surgical porter."""
    jobs = [job(f"j{i}", origin=HERE) for i in range(1, n_jobs + 1)]
    own = [porter(f"own{i}", location=FAR) for i in range(n_free)]
    return problem(jobs, [*own, porter("lent", group="surgical", location=NEAR)], policy)


def test_a_loan_costs_the_full_weight_when_the_policy_does_not_let_lending_widen() -> None:
    p = busy_internal(4, 1, PolicyDocument())
    assert explain(p, "j1", "lent").breakdown["lending"] == LENDING
    assert "anticipation" not in solve(p).to_data()


def test_a_loan_costs_the_full_weight_while_the_group_has_a_free_porter_per_job() -> None:
    p = busy_internal(2, 2)
    assert explain(p, "j1", "lent").breakdown["lending"] == LENDING
    assert solve(p).anticipation == {"lending": {}}


def test_a_loan_to_a_group_with_three_jobs_per_free_porter_costs_a_third() -> None:
    """Excess (3 - 1) / 1 = 2, at scale 1: 1 / (1 + 2) of the weight."""
    p = busy_internal(3, 1)
    assert math.isclose(explain(p, "j1", "lent").breakdown["lending"], LENDING / 3)


def test_a_group_with_no_free_porter_counts_its_queue_against_one() -> None:
    p = busy_internal(2, 0)
    assert math.isclose(explain(p, "j1", "lent").breakdown["lending"], LENDING / 3)


def test_the_scale_sets_how_fast_the_cost_falls() -> None:
    steep = PolicyDocument(anticipation=Anticipation(lending_widens=True, lending_scale=4.0))
    p = busy_internal(3, 1, steep)
    assert math.isclose(explain(p, "j1", "lent").breakdown["lending"], LENDING / 9)


def test_the_result_records_each_cheaper_group_with_its_queue_and_free_porters() -> None:
    notes = solve(busy_internal(3, 1)).to_data()["anticipation"]["lending"]
    assert set(notes) == {"internal"}
    assert notes["internal"]["waiting"] == 3
    assert notes["internal"]["free"] == 1
    assert math.isclose(notes["internal"]["cost"], LENDING / 3)
    assert "3 porter(s) asked for, 1 free" in notes["internal"]["reason"]


def test_a_cheaper_loan_sends_the_nearer_lent_porter_instead_of_a_far_own_one() -> None:
    """A 9.5-minute walk beats a full loan (20) but not a loan at a third (6.67): two more
    internal jobs wait that nobody here can take (they need a skill no one has)."""
    stuck = [job(f"s{i}", required_skills=frozenset({"isolation"})) for i in (1, 2)]
    jobs = [job("j1", origin=HERE), *stuck]
    own, lent = porter("own", location=FAR), porter("lent", group="surgical", location=HERE)
    assert solve(problem(jobs, [own, lent])).porters_of("j1") == ("own",)
    assert solve(problem(jobs, [own, lent], WIDENS)).porters_of("j1") == ("lent",)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 12),
    st.integers(0, 4),
    st.floats(0.01, 100, allow_nan=False, allow_infinity=False),
)
def test_a_loan_never_costs_more_than_the_weight_and_never_more_with_a_longer_queue(
    n_jobs: int, n_free: int, scale: float
) -> None:
    policy = PolicyDocument(anticipation=Anticipation(lending_widens=True, lending_scale=scale))
    shorter = explain(busy_internal(n_jobs, n_free, policy), "j1", "lent").breakdown["lending"]
    longer = explain(busy_internal(n_jobs + 1, n_free, policy), "j1", "lent").breakdown["lending"]
    assert 0 < longer <= shorter <= LENDING


def test_a_document_that_never_mentions_anticipation_keeps_its_old_bytes() -> None:
    assert "anticipation" not in PolicyDocument().to_data()
    assert PolicyDocument.missing(PolicyDocument().to_data()) is None
    on = WIDENS.to_data()
    assert on["anticipation"]["lending_widens"] is True
    assert PolicyDocument.parse(on) == WIDENS


@pytest.mark.parametrize("bad", [0, -1, 101, float("nan"), float("inf"), "much"])
def test_a_lending_scale_out_of_range_is_refused_naming_the_field(bad: object) -> None:
    data = PolicyDocument().to_data() | {"anticipation": {"lending_scale": bad}}
    with pytest.raises(InvalidInput) as caught:
        PolicyDocument.parse(data)
    assert "anticipation.lending_scale" in str(caught.value)
