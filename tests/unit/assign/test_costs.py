"""Soft costs: each term moves the decision the way the policy's weights say it should."""

from __future__ import annotations

import numpy as np

from engine.assign import SolverParams, explain, solve
from engine.assign.model import Round
from engine.domain.policy.document import PolicyDocument, Weights
from engine.domain.values import Kind, Priority

from .builders import FAR, HERE, NEAR, TRAVEL, job, porter, problem


def test_the_nearer_porter_is_chosen_when_all_else_is_equal() -> None:
    p = problem([job(origin=HERE)], [porter("far", location=FAR), porter("near", location=HERE)])
    assert solve(p).assignments[0].porter_ids == ("near",)


def test_a_stat_job_wins_the_only_porter_over_an_older_routine_job() -> None:
    """Lateness and leave costs are steep enough that stat never waits for routine."""
    routine = job("routine", priority=Priority.ROUTINE, waited=80, origin=HERE)
    stat = job("stat", priority=Priority.STAT, kind=Kind.URGENT_BLOOD, origin=FAR)
    result = solve(problem([routine, stat], [porter(location=HERE)]))
    assert [a.job_id for a in result.assignments] == ["stat"]


def test_a_long_overdue_stat_job_is_still_assigned() -> None:
    """Lateness it already has is in its leave cost too, so it does not make waiting look cheap."""
    overdue = job(priority=Priority.STAT, kind=Kind.URGENT_BLOOD, waited=600)
    assert solve(problem([overdue], [porter(location=FAR)])).assignments


def test_a_job_is_left_waiting_when_every_pair_costs_more_than_waiting() -> None:
    cheap_to_wait = PolicyDocument(
        weights=Weights(unassigned_base=dict.fromkeys(Priority, 0.0), travel_per_minute=5.0)
    )
    result = solve(problem([job(origin=HERE)], [porter(location=FAR)], cheap_to_wait))
    assert not result.assignments
    assert result.unassigned[0].reason.startswith("waiting is cheaper")


def test_moving_a_held_job_to_another_porter_costs_churn() -> None:
    """The holder keeps the job even when a slightly nearer porter turns up."""
    held = job(origin=HERE, assigned_porters=("holder",))
    holder, nearer = porter("holder", location=NEAR), porter("nearer", location=HERE)
    gap = TRAVEL.between(NEAR, HERE)
    assert 0 < gap < PolicyDocument().weights.churn
    result = solve(problem([held], [holder, nearer]))
    assert result.assignments[0].porter_ids == ("holder",)
    why = explain(problem([held], [holder, nearer]), "j1", "nearer", result)
    assert why.breakdown["churn"] == PolicyDocument().weights.churn


def test_a_lent_porter_costs_the_lending_weight() -> None:
    own, lent = porter("own", location=FAR), porter("lent", group="surgical", location=HERE)
    p = problem([job(origin=HERE)], [own, lent])
    why = explain(p, "j1", "lent")
    assert why.breakdown["lending"] == PolicyDocument().weights.lending


def test_fairness_prefers_the_porter_with_fewer_jobs_today() -> None:
    busy, rested = porter("busy", jobs_this_shift=12), porter("rested", jobs_this_shift=2)
    assert solve(problem([job()], [busy, rested])).assignments[0].porter_ids == ("rested",)


def test_the_breakdown_adds_up_to_the_cost() -> None:
    p = problem([job(origin=HERE, waited=50)], [porter(location=FAR, jobs_this_shift=3)])
    a = solve(p).assignments[0]
    assert np.isclose(sum(a.breakdown.values()), a.cost)
    for alt in a.alternatives:
        assert np.isclose(sum(alt.breakdown.values()), alt.cost)


def test_the_objective_is_assigned_costs_plus_leave_costs_for_both_strategies() -> None:
    p = problem(
        [job("a", origin=HERE), job("b", origin=FAR), job("c", origin=NEAR)],
        [porter("p1", location=HERE), porter("p2", location=NEAR)],
    )
    for strategy in ("optimal", "greedy"):
        r = solve(p, SolverParams(strategy=strategy))
        total = sum(a.cost for a in r.assignments) + sum(u.cost for u in r.unassigned)
        assert np.isclose(total, r.objective)


def test_integer_costs_keep_the_order_of_float_costs() -> None:
    rnd = Round.build(problem([job("a"), job("b", origin=FAR)], [porter("p1"), porter("p2")]))
    js, ps = np.nonzero(rnd.feasibility.feasible)
    floats, ints = rnd.costs.cost(js, ps), rnd.costs.pair_units(js, ps)
    order = np.argsort(floats, kind="stable")
    assert np.all(np.diff(floats[order]) >= 0)
    assert np.all(np.diff(ints[order][np.diff(floats[order], prepend=-1) > 0.01]) > 0)
