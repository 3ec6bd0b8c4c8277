"""Solver properties: hard rules hold, stat jobs are served, optimal <= greedy, backends agree."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import HealthCheck, given, settings

from engine.assign import AssignmentProblem, AssignmentResult, SolverParams, solve
from engine.assign.model import Plan, Round, plan_violations
from engine.assign.synthetic import random_problem
from engine.domain.policy.document import PolicyDocument
from engine.domain.values import Kind, Priority

from .builders import FAR, HERE, NEAR, TRAVEL, job, porter, problem
from .strategies import crowded_problems, problems

QUICK = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
EXACT = SolverParams(candidates=10**6)  # CP-SAT sees every pair, so it is exact too


def plan_of(p: AssignmentProblem, result: AssignmentResult) -> Plan:
    return {
        p.job_index[a.job_id]: tuple(sorted(p.porter_index[x] for x in a.porter_ids))
        for a in result.assignments
    }


def idle_eligible(p: AssignmentProblem, result: AssignmentResult, j: int) -> int:
    rnd = Round.build(p)
    used = {x for a in result.assignments for x in a.porter_ids}
    return sum(
        1
        for k, spec in enumerate(p.porters)
        if rnd.feasibility.feasible[j, k] and spec.id not in used and spec.active_jobs == 0
    )


@QUICK
@given(problems())
def test_no_hard_rule_is_ever_broken_by_either_strategy(p: AssignmentProblem) -> None:
    for strategy in ("optimal", "greedy"):
        result = solve(p, SolverParams(strategy=strategy))
        assert plan_violations(Round.build(p), plan_of(p, result)) == []
        assert len(result.assignments) + len(result.unassigned) == len(p.jobs)


@QUICK
@given(problems())
def test_a_stat_job_is_never_left_while_enough_eligible_porters_idle(p: AssignmentProblem) -> None:
    result = solve(p)
    for u in result.unassigned:
        j = p.job_index[u.job_id]
        if p.jobs[j].priority is Priority.STAT:
            assert idle_eligible(p, result, j) < p.jobs[j].porters_needed, u


@QUICK
@given(problems())
def test_the_optimal_objective_is_never_worse_than_greedy(p: AssignmentProblem) -> None:
    optimal = solve(p)
    greedy = solve(p, SolverParams(strategy="greedy"))
    assert optimal.objective_units <= greedy.objective_units
    assert optimal.objective <= greedy.objective + 0.01 * (len(p.jobs) + 1)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crowded_problems())
def test_lsa_min_cost_flow_and_cp_sat_agree(p: AssignmentProblem) -> None:
    """Same integer costs and a pairwise tie-breaker: one optimum, found by all three."""
    results = [solve(p, SolverParams(backend=b, candidates=10**6)) for b in ("lsa", "mcf", "cpsat")]
    assert all(r.status == "OPTIMAL" for r in results), [r.method for r in results]
    assert len({r.objective_units for r in results}) == 1
    assert len({json.dumps(plan_of(p, r), sort_keys=True) for r in results}) == 1


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_jobs=1, max_porters=12, batching=False, two_porter=False))
def test_a_one_job_round_takes_the_porter_every_exact_solver_takes(p: AssignmentProblem) -> None:
    """Such a round skips the flow solver (its cheapest arc is its optimum): the plan
    must be the one LSA, min-cost flow and CP-SAT each find."""
    results = [solve(p, SolverParams(backend=b, candidates=10**6)) for b in ("lsa", "mcf", "cpsat")]
    assert len({r.objective_units for r in results}) == 1
    assert len({json.dumps(plan_of(p, r), sort_keys=True) for r in results}) == 1


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_jobs=8, max_porters=5, batching=True))
def test_cp_sat_with_every_pair_matches_the_default_path_on_batching_rounds(
    p: AssignmentProblem,
) -> None:
    default, exact = solve(p), solve(p, EXACT)
    assert exact.objective_units <= default.objective_units
    if default.status == "OPTIMAL":
        assert exact.objective_units == default.objective_units


@QUICK
@given(problems())
def test_repeated_solves_give_identical_results(p: AssignmentProblem) -> None:
    first = solve(p, SolverParams(seed=7)).to_data()
    assert solve(p, SolverParams(seed=7)).to_data() == first
    replayed = AssignmentProblem.from_data(json.loads(json.dumps(p.to_data())))
    assert solve(replayed, SolverParams(seed=7)).to_data() == first


def test_a_two_porter_job_gets_two_distinct_eligible_porters() -> None:
    bed = job(
        kind=Kind.PATIENT_TRANSPORT,
        porters_needed=2,
        required_skills=frozenset({"stretcher_bed"}),
    )
    skilled = frozenset({"stretcher_bed"})
    porters = [porter("a", skills=skilled), porter("b"), porter("c", skills=skilled, location=FAR)]
    result = solve(problem([bed], porters))
    assert result.assignments[0].porter_ids == ("a", "c")
    assert result.status == "OPTIMAL"


def test_a_two_porter_job_waits_when_only_one_porter_is_eligible() -> None:
    bed = job(porters_needed=2)
    result = solve(problem([bed], [porter("a"), porter("b", on_break=True)]))
    assert not result.assignments
    assert result.unassigned[0].reason == "needs 2 porters; only 1 eligible"


def test_a_contested_two_porter_job_is_settled_by_branch_and_bound() -> None:
    """Two porters, a stat pair job and a routine single: staff the pair, not half of it."""
    pair = job("pair", priority=Priority.STAT, kind=Kind.PATIENT_TRANSPORT, porters_needed=2)
    single = job("single", waited=30, origin=NEAR)
    result = solve(problem([pair, single], [porter("a"), porter("b", location=NEAR)]))
    assert [(a.job_id, a.porter_ids) for a in result.assignments] == [("pair", ("a", "b"))]
    assert result.status == "OPTIMAL"


def test_batching_gives_one_porter_several_specimens_from_one_origin() -> None:
    policy = PolicyDocument(max_jobs_per_porter=3)
    specimens = [job(f"s{i}", kind=Kind.SPECIMEN, origin=FAR, destination=NEAR) for i in range(3)]
    result = solve(problem(specimens, [porter("a", location=HERE)], policy))
    assert {a.job_id for a in result.assignments} == {"s0", "s1", "s2"}
    assert {a.porter_ids for a in result.assignments} == {("a",)}
    assert result.method.startswith("cpsat")


def test_a_batch_shares_the_walk_to_the_origin() -> None:
    policy = PolicyDocument(max_jobs_per_porter=2)
    specimens = [job(f"s{i}", kind=Kind.SPECIMEN, origin=FAR) for i in range(2)]
    result = solve(problem(specimens, [porter("a", location=HERE)], policy))
    travel = [a.breakdown["travel"] for a in result.assignments]
    alone = solve(problem(specimens[:1], [porter("a", location=HERE)], policy))
    assert sum(travel) == alone.assignments[0].breakdown["travel"]


def test_batches_never_mix_origins_or_unbatchable_kinds() -> None:
    policy = PolicyDocument(max_jobs_per_porter=3)
    jobs = [
        job("s1", kind=Kind.SPECIMEN, origin=HERE),
        job("s2", kind=Kind.SPECIMEN, origin=FAR),
        job("item", kind=Kind.ITEM, origin=HERE),
    ]
    result = solve(problem(jobs, [porter("a")], policy))
    assert len(result.assignments) == 1


def test_greedy_serves_the_most_urgent_then_the_oldest_first() -> None:
    jobs = [job("old", waited=40), job("new", waited=5), job("stat", priority=Priority.STAT)]
    result = solve(problem(jobs, [porter("a"), porter("b")]), SolverParams(strategy="greedy"))
    assert sorted(a.job_id for a in result.assignments) == ["old", "stat"]


def test_an_empty_round_solves_to_nothing() -> None:
    assert solve(problem([], [])).to_data()["assignments"] == []
    assert [u.job_id for u in solve(problem([job()], [])).unassigned] == ["j1"]


def test_the_result_round_trips_through_its_data() -> None:
    p = problem([job("a"), job("b", origin=FAR)], [porter("x"), porter("y", location=FAR)])
    result = solve(p)
    data = json.loads(json.dumps(result.to_data()))
    assert AssignmentResult.from_data(data) == result
    assert json.dumps(result.explain())
    assert result.fingerprint == p.fingerprint()
    assert "OPTIMAL" in result.summary()


@pytest.mark.parametrize("seed", range(4))
def test_backends_agree_on_a_mid_sized_synthetic_round(seed: int) -> None:
    """40 jobs x 15 porters, a fifth of the patient moves needing two porters."""
    p = random_problem(seed, 40, 15, TRAVEL, two_porter_share=0.2)
    results = [solve(p, SolverParams(backend=b, candidates=10**6)) for b in ("lsa", "mcf", "cpsat")]
    assert len({r.objective_units for r in results}) == 1
    assert len({json.dumps(plan_of(p, r), sort_keys=True) for r in results}) == 1
    assert results[1].objective <= solve(p, SolverParams(strategy="greedy")).objective


def test_past_its_node_budget_branch_and_bound_hands_over_to_cp_sat() -> None:
    p = random_problem(3, 30, 8, TRAVEL, two_porter_share=0.5)
    exact = solve(p, EXACT)
    budget = solve(p, SolverParams(max_branch_nodes=1))
    assert solve(p).method == "mcf+bb"
    assert budget.method == "cpsat"  # 8 candidates per job: every pair of 8 porters
    assert budget.objective_units == exact.objective_units
    assert plan_violations(Round.build(p), plan_of(p, budget)) == []


def test_a_strategy_is_anything_with_a_name_and_a_solve_method() -> None:
    class Nobody:
        name = "nobody"

        def solve(self, problem: AssignmentProblem, params: SolverParams) -> AssignmentResult:
            greedy = solve(problem, SolverParams(strategy="greedy"))
            return dataclasses.replace(greedy, assignments=(), strategy=self.name)

    assert solve(problem([job()], [porter()]), strategy=Nobody()).strategy == "nobody"


@pytest.mark.parametrize(
    "bad",
    [{"strategy": "fast"}, {"backend": "gurobi"}, {"candidates": 0}, {"alternatives": -1}],
)
def test_solver_parameters_are_checked(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message names the field
        SolverParams(**bad)  # type: ignore[arg-type]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_jobs=10, max_porters=5, batching=True))
def test_the_flow_batching_plan_keeps_every_rule_and_beats_greedy(p: AssignmentProblem) -> None:
    """Rounds too big for CP-SAT get the two-stage flow plan; it must still be sound."""
    result = solve(p, SolverParams(cpsat_max_pairs=0))
    assert plan_violations(Round.build(p), plan_of(p, result)) == []
    greedy = solve(p, SolverParams(strategy="greedy"))
    assert result.objective_units <= greedy.objective_units


def test_a_large_batching_round_is_planned_by_flows_not_cp_sat() -> None:
    policy = PolicyDocument(max_jobs_per_porter=3)
    p = random_problem(0, 200, 74, TRAVEL, policy=policy)
    result = solve(p)
    assert result.method == "mcf+batch"  # the flow-based plan, not CP-SAT
    assert plan_violations(Round.build(p), plan_of(p, result)) == []
    batches = [a.porter_ids for a in result.assignments]
    assert len(batches) > len(set(batches))  # some porter carries a batch
