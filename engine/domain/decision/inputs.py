"""Reading a recorded round's inputs, in either of the forms decisions were stored in.

Read models and auditors need the jobs and porters a round considered and which
porters held its movable jobs; decisions name jobs and porters by reference (id,
version), older ones carried their whole specs inline.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def considered(problem: Mapping[str, Any]) -> list[str]:
    """The ids of the jobs a recorded round considered, in its order."""
    if "job_refs" in problem:
        return [ref[0] for ref in problem["job_refs"]]
    return [job["id"] for job in problem.get("jobs", [])]


def porters_considered(problem: Mapping[str, Any]) -> int:
    """How many porters a recorded round considered."""
    if "porter_refs" in problem:
        return len(problem["porter_refs"])
    return len(problem.get("porters", []))


def held(problem: Mapping[str, Any]) -> dict[str, list[str]]:
    """The porters that held each movable job as the round began."""
    if "held" in problem:
        return dict(problem["held"])
    return {
        j["id"]: j["assigned_porters"] for j in problem.get("jobs", []) if j["assigned_porters"]
    }
