"""explain(): "why not this porter?" answered from the same rules and costs the solver used."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings

from engine.assign import AssignmentProblem, explain, job_options, leave_cost, solve

from .builders import FAR, HERE, job, porter, problem
from .strategies import problems


def round_with_three_porters() -> AssignmentProblem:
    """One job at HERE; a near porter, a far one, and one on a break from another group."""
    return problem(
        [job(origin=HERE, required_skills=frozenset({"isolation"}))],
        [
            porter("near", location=HERE, skills=frozenset({"isolation"})),
            porter("far", location=FAR, skills=frozenset({"isolation"})),
            porter("away", group="emergency", on_break=True),
        ],
    )


def test_an_excluded_porter_is_explained_by_every_rule_it_breaks() -> None:
    why = explain(round_with_three_porters(), "j1", "away")
    assert not why.eligible
    assert [rule for rule, _ in why.violations] == ["on_duty", "group_eligible", "has_skills"]
    assert "on a break" in why.verdict
    assert "lacks isolation" in why.verdict


def test_an_eligible_porter_is_compared_with_the_chosen_one() -> None:
    p = round_with_three_porters()
    why = explain(p, "j1", "far", solve(p))
    assert why.eligible
    assert why.chosen == ("near",)
    assert why.chosen_cost is not None
    assert why.cost > why.chosen_cost
    assert why.difference["travel"] > 0
    assert "more than the chosen" in why.verdict


def test_the_chosen_porter_is_explained_as_chosen() -> None:
    why = explain(round_with_three_porters(), "j1", "near")
    assert why.verdict.startswith("porter NEAR was chosen")


def test_a_waiting_job_is_explained_against_its_leave_cost() -> None:
    p = problem([job(needs_accompaniment=True)], [porter()])
    why = explain(p, "j1", "p1")
    assert why.chosen == ()
    assert "accompaniment" in why.verdict


def test_the_pair_cost_matches_the_alternative_the_result_recorded() -> None:
    p = round_with_three_porters()
    result = solve(p)
    alt = result.assignments[0].alternatives[0]
    assert alt.porter_id == "far"
    assert explain(p, "j1", "far", result).breakdown == pytest.approx(alt.breakdown)


def test_an_explanation_is_json_able() -> None:
    data = explain(round_with_three_porters(), "j1", "away").to_data()
    assert json.loads(json.dumps(data)) == data


def test_a_result_from_another_problem_is_refused() -> None:
    other = solve(problem([job("x")], [porter()]))
    with pytest.raises(ValueError, match="not computed from this problem"):
        explain(round_with_three_porters(), "j1", "near", other)


def test_unknown_ids_are_refused() -> None:
    with pytest.raises(KeyError):
        explain(round_with_three_porters(), "nope", "near")
    with pytest.raises(KeyError):
        explain(round_with_three_porters(), "j1", "nope")


def test_every_assignment_lists_its_next_best_porters_cheapest_first() -> None:
    p = round_with_three_porters()
    alternatives = solve(p).assignments[0].alternatives
    assert [a.porter_id for a in alternatives] == ["far"]  # "away" is excluded


def test_a_jobs_options_list_every_porter_with_every_rule_each_breaks() -> None:
    listed = job_options(round_with_three_porters(), "j1")
    assert json.loads(json.dumps(listed)) == listed
    options = {o["porter_id"]: o for o in listed}
    assert list(options) == ["near", "far", "away"]
    assert [v["rule"] for v in options["away"]["violations"]] == [
        "on_duty",
        "group_eligible",
        "has_skills",
    ]
    assert options["near"]["violations"] == []
    assert options["far"]["cost"] > options["near"]["cost"]


@settings(max_examples=40, deadline=None)
@given(problems(max_jobs=5, max_porters=5))
def test_a_jobs_options_cost_and_rule_each_pair_as_explain_does(p: AssignmentProblem) -> None:
    result = solve(p)
    for spec in p.jobs:
        for option in job_options(p, spec.id):
            why = explain(p, spec.id, option["porter_id"], result)
            assert [v["rule"] for v in option["violations"]] == [r for r, _ in why.violations]
            assert option["breakdown"] == pytest.approx(why.breakdown)
            assert leave_cost(p, spec.id) == pytest.approx(why.leave_cost)


def test_options_for_a_job_not_in_the_round_are_refused() -> None:
    with pytest.raises(KeyError):
        job_options(round_with_three_porters(), "nope")
