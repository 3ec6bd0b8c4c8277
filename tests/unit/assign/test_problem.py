"""Problem data: frozen, checked at the door, and fingerprinted so replays can be verified."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta

import numpy as np
import pytest
from hypothesis import given, settings

from engine.assign import AssignmentProblem, JobSpec, Travel
from engine.domain.policy.document import PolicyDocument

from .builders import NOW, SITE, TRAVEL, job, porter, problem
from .strategies import problems


@settings(max_examples=80, deadline=None)
@given(problems())
def test_a_problem_round_trips_through_json_and_keeps_its_fingerprint(p: AssignmentProblem) -> None:
    back = AssignmentProblem.from_data(json.loads(json.dumps(p.to_data())))
    assert back == p
    assert back.fingerprint() == p.fingerprint()


def test_the_fingerprint_changes_with_any_input() -> None:
    base = problem([job()], [porter()])
    changed = [
        problem([job(waited=1)], [porter()]),
        problem([job()], [porter(jobs_this_shift=1)]),
        problem([job()], [porter()], PolicyDocument(max_jobs_per_porter=2)),
        dataclasses.replace(base, policy_version=2),
        dataclasses.replace(base, now=NOW + timedelta(seconds=1)),
    ]
    assert len({base.fingerprint(), *(c.fingerprint() for c in changed)}) == len(changed) + 1


def test_the_same_instant_in_another_time_zone_fingerprints_the_same() -> None:
    from zoneinfo import ZoneInfo

    base = problem([job()], [porter()])
    shifted = dataclasses.replace(base, now=NOW.astimezone(ZoneInfo("Asia/Shanghai")))
    assert shifted.fingerprint() == base.fingerprint()


def test_travel_is_read_only_and_built_from_the_site() -> None:
    travel = Travel.from_site(SITE)
    assert travel == TRAVEL
    with pytest.raises(ValueError, match="read-only"):
        travel.minutes[0, 0] = 1.0
    assert travel.between(None, travel.codes[0]) == travel.unknown_minutes


def test_problem_inputs_are_checked() -> None:
    with pytest.raises(ValueError, match="unique"):
        problem([job("a"), job("a")], [])
    with pytest.raises(ValueError, match="unknown location"):
        problem([job(origin="nowhere")], [])
    with pytest.raises(ValueError, match="unknown location"):
        problem([], [porter(location="nowhere")])
    with pytest.raises(ValueError, match="porters_needed"):
        job(porters_needed=3)


def test_specs_are_frozen() -> None:
    spec = job()
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.id = "other"  # type: ignore[misc]
    assert isinstance(problem([spec], []).jobs, tuple)
    assert isinstance(JobSpec.from_data(spec.to_data()).required_skills, frozenset)
    assert np.array_equal(TRAVEL.minutes, TRAVEL.minutes.T)
