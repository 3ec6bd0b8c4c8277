"""A problem's fingerprint: proof, on replay, that the stored inputs are the ones solved.

sha256 over canonical bytes: a header (`now` in UTC, the policy version, the
travel codes and the digest of the matrix's bytes), the policy document, then
each job and each porter spec, their times as integer microseconds since the
epoch, so the same instants written in another time zone fingerprint the
same. A spec builds its
bytes once (`canonical`) and the dispatcher keeps specs while their aggregate
is unchanged, so a round hashes cached bytes rather than encoding its inputs.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.assign.problem import AssignmentProblem
    from engine.domain.policy.document import PolicyDocument

_POLICIES: dict[int, tuple[PolicyDocument, dict[str, Any], bytes]] = {}


def _policy(document: PolicyDocument) -> tuple[dict[str, Any], bytes]:
    """A document's plain data and bytes, once per document (documents are immutable)."""
    cached = _POLICIES.get(id(document))
    if cached is None or cached[0] is not document:
        if len(_POLICIES) >= 64:
            _POLICIES.clear()
        data = document.to_data()
        text = json.dumps(data, sort_keys=True, separators=(",", ":"), allow_nan=False)
        cached = _POLICIES[id(document)] = (document, data, text.encode())
    return cached[1], cached[2]


def policy_data(document: PolicyDocument) -> dict[str, Any]:
    """The document's plain data, shared between rounds: callers may not edit it."""
    return _policy(document)[0]


def fingerprint(problem: AssignmentProblem) -> str:
    now = problem.now
    travel = problem.travel
    head = {
        "now": (now if now.tzinfo is None else now.astimezone(UTC)).isoformat(),
        "policy_version": problem.policy_version,
        "travel": {
            "codes": list(travel.codes),
            "minutes_sha256": travel.digest(),
            "unknown_minutes": travel.unknown_minutes,
        },
    }
    digest = hashlib.sha256(json.dumps(head, sort_keys=True, separators=(",", ":")).encode())
    digest.update(b"\npolicy ")
    digest.update(_policy(problem.policy)[1])
    for job in problem.jobs:
        digest.update(b"\njob ")
        digest.update(job.canonical)
    for porter in problem.porters:
        digest.update(b"\nporter ")
        digest.update(porter.canonical)
    return digest.hexdigest()
