"""The phone desk baseline: first come first served in the job's own group, to the
porter free longest, nothing lent and nothing moved."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from engine.assign import AssignmentProblem, SolverParams, solve
from engine.assign.model import Round, plan_violations
from engine.domain.values import Priority
from tests.unit.assign.builders import job, minutes, porter, problem
from tests.unit.assign.strategies import problems
from tests.unit.assign.test_solve import plan_of

DESK = SolverParams(strategy="phone_desk")


def chosen(p: AssignmentProblem) -> dict[str, list[str]]:
    return {a.job_id: list(a.porter_ids) for a in solve(p, DESK).assignments}


def test_the_oldest_call_goes_first_whatever_its_priority() -> None:
    older = job("routine", waited=10)
    newer = job("stat", priority=Priority.STAT, waited=1)
    assert chosen(problem([newer, older], [porter("p1")])) == {"routine": ["p1"]}


def test_the_porter_free_longest_takes_it_not_the_nearest() -> None:
    near = porter("near", free_since=minutes(-1))
    idle = porter("idle", location=None, free_since=minutes(-30))
    assert chosen(problem([job("j")], [near, idle])) == {"j": ["idle"]}


def test_no_porter_is_lent_to_another_group() -> None:
    surgical = porter("s1", group="surgical")
    assert chosen(problem([job("j", group="internal")], [surgical])) == {}


def test_a_job_once_given_stays_with_its_porter() -> None:
    held = job("j", assigned_porters=("p2",))
    better = porter("p1", free_since=minutes(-60))
    assert chosen(problem([held], [better, porter("p2")])) == {"j": ["p2"]}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_the_phone_desk_breaks_no_hard_rule(p: AssignmentProblem) -> None:
    result = solve(p, DESK)
    assert plan_violations(Round.build(p), plan_of(p, result)) == []
    assert len(result.assignments) + len(result.unassigned) == len(p.jobs)
