"""A problem's fingerprint: proof, on replay, that the stored inputs are the ones solved.

sha256 of a canonical JSON of the inputs, laid out by column (faster than one
object per spec), with `now` in UTC and every other time as float minutes
after it, exactly what the solver reads (so the same instants written in
another time zone fingerprint the same), and the travel matrix entered by the
digest of its bytes rather than as text.
"""

from __future__ import annotations

import hashlib
import json
import math
from datetime import UTC
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from engine.domain.values import Skill

if TYPE_CHECKING:
    from engine.assign.problem import AssignmentProblem


def fingerprint(problem: AssignmentProblem) -> str:
    now = problem.now
    jobs, porters = problem.jobs, problem.porters
    # The solver's own minute columns: computed once, and exactly what it reads.
    a = problem.arrays

    data = {
        "jobs": {
            "id": [j.id for j in jobs],
            "kind": [j.kind.value for j in jobs],
            "priority": [j.priority.value for j in jobs],
            "group": [j.group.value for j in jobs],
            "origin": [j.origin for j in jobs],
            "destination": [j.destination for j in jobs],
            "requested_at": _minutes(a.jobs.requested),
            "pickup_due": _minutes(a.jobs.pickup_due),
            "delivery_due": _minutes(a.jobs.delivery_due),
            "required_skills": [_skills_text(j.required_skills) for j in jobs],
            "porters_needed": [j.porters_needed for j in jobs],
            "needs_accompaniment": [j.needs_accompaniment for j in jobs],
            "accompaniment_confirmed": [j.accompaniment_confirmed for j in jobs],
            "ready_at": _minutes(a.jobs.ready),
            "assigned_porters": [j.assigned_porters for j in jobs],  # tuples encode as arrays
            "declined_by": [j.declined_by for j in jobs],
        },
        "porters": {
            "id": [p.id for p in porters],
            "badge": [p.badge for p in porters],
            "group": [p.group.value for p in porters],
            "skills": [_skills_text(p.skills) for p in porters],
            "location": [p.location for p in porters],
            "on_shift": [p.on_shift for p in porters],
            "on_break": [p.on_break for p in porters],
            "shift_ends_at": _minutes(a.porters.shift_end),
            "active_jobs": [p.active_jobs for p in porters],
            "jobs_this_shift": [p.jobs_this_shift for p in porters],
            "free_since": _minutes(a.porters.free_since),
        },
        "travel": {
            "codes": list(problem.travel.codes),
            "minutes_sha256": problem.travel.digest(),
            "unknown_minutes": problem.travel.unknown_minutes,
        },
        "policy": problem.policy.to_data(),
        "policy_version": problem.policy_version,
        "now": (now if now.tzinfo is None else now.astimezone(UTC)).isoformat(),
    }
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _minutes(column: NDArray[np.float64]) -> list[float | None]:
    """Minutes after `now`; NaN or infinity (no such time) becomes null."""
    return [x if math.isfinite(x) else None for x in column.tolist()]


_SKILLS_TEXT: dict[frozenset[Skill], str] = {}


def _skills_text(skills: frozenset[Skill]) -> str:
    text = _SKILLS_TEXT.get(skills)
    if text is None:
        text = _SKILLS_TEXT[skills] = ",".join(sorted(s.value for s in skills))
    return text
