"""Answers for auditors: what a round decided, and why this porter and not that one.

A job is explained against the round that assigned it (or, failing that, the
last round that considered it), re-built from the inputs the decision stored,
so the answer is about what the engine knew then, not what is true now. Only
a job no round has seen yet is explained against the problem as of now.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from engine.assign import AssignmentResult, explain
from engine.dispatch.decisions import get_decision, recorded_problem
from engine.dispatch.rounds import Dispatcher
from engine.domain.decision.aggregate import Decision
from engine.domain.decision.inputs import considered, porters_considered
from engine.domain.ids import porter_id
from engine.projections.service import Service
from engine.write.application import DispatchApp


def porter_names(decision: Decision, service: Service) -> dict[str, str]:
    recorded = {p["id"]: p["badge"] for p in decision.problem.get("porters", [])}
    return {**service.badges(), **recorded}


def assignment_view(a: dict[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    return {
        "job_id": a["job_id"],
        "badges": [names.get(p, p) for p in a["porter_ids"]],
        "cost": a["cost"],
        "breakdown": a["breakdown"],
        "alternatives": [
            {
                "badge": names.get(x["porter_id"], x["porter_id"]),
                "cost": x["cost"],
                "breakdown": x["breakdown"],
            }
            for x in a.get("alternatives", [])
        ],
    }


def decision_view(decision: Decision, service: Service) -> dict[str, Any]:
    names = porter_names(decision, service)
    result = decision.result
    return {
        "number": decision.number,
        "id": str(decision.id),
        "trigger": decision.trigger,
        "made_at": decision.made_at.astimezone(service.tz).isoformat(),
        "policy_version": decision.policy_version,
        "params": decision.params,
        "status": result.get("status"),
        "strategy": result.get("strategy"),
        "method": result.get("method"),
        "objective": result.get("objective"),
        "fingerprint": result.get("fingerprint"),
        "jobs_considered": len(considered(decision.problem)),
        "porters_considered": porters_considered(decision.problem),
        "assignments": [assignment_view(a, names) for a in result.get("assignments", [])],
        "unassigned": result.get("unassigned", []),
        "exclusions": result.get("exclusions", {}),
        "overrides": [
            {
                **o,
                "engine_choice": [names.get(p, p) for p in o["engine_choice"]],
                "porter_ids": [names.get(p, p) for p in o["porter_ids"]],
            }
            for o in decision.overrides
        ],
    }


def replay(app: DispatchApp, number: int) -> dict[str, Any]:
    from engine.dispatch.decisions import replay_decision

    recorded, recomputed = replay_decision(app, number)

    def key(r: dict[str, Any]) -> Any:
        return sorted((a["job_id"], sorted(a["porter_ids"])) for a in r["assignments"])

    return {
        "number": number,
        "same_assignments": key(recorded) == key(recomputed),
        "same_objective": recorded.get("objective_units") == recomputed.get("objective_units"),
        "recorded": recorded,
        "recomputed": recomputed,
    }


def _round_for(app: DispatchApp, service: Service, job_id: UUID) -> Decision | None:
    job = app.job(job_id)
    if job.decision_id is not None:
        return get_decision(app, UUID(job.decision_id))
    considered = [e for e in service.timeline(job_id) if e["event"] == "Decision"]
    return get_decision(app, int(considered[-1]["decision"])) if considered else None


def why(app: DispatchApp, service: Service, job_id: UUID, badge: str | None) -> dict[str, Any]:
    """One shape whatever the job's history: `considered` says whether a recorded round
    did, `explanation` says in plain words what is known, and what is not is null."""
    decision = _round_for(app, service, job_id)
    result: AssignmentResult | None = None
    names: Mapping[str, str]
    if decision is None:
        service.refresh()  # a reader's answer: as of everything recorded before it
        problem = Dispatcher(app, service.board).build_problem()
        names = service.badges()
    else:
        problem = recorded_problem(app, decision)
        result = AssignmentResult.from_data(decision.result)
        names = porter_names(decision, service)
    jid = str(job_id)
    pid = None if badge is None else str(porter_id(app.site, app.porter(badge).badge))
    answer: dict[str, Any] = {
        "job_id": jid,
        "considered": decision is not None,
        "source": None,
        "decision": None if decision is None else decision.number,
        "chosen": None,
        "waiting_reason": None,
        "explanation": "",
        "porter": None,
    }
    if jid not in problem.job_index:  # no round saw it, and none would now
        job = app.job(job_id)
        ready = f", ready at {job.ready_at.isoformat()}" if job.ready_at else ""
        answer["explanation"] = (
            f"no dispatch round has considered this job; it is {job.status.value}{ready}"
        )
        return answer
    if decision is None:
        answer["source"] = "now"
        answer["explanation"] = (
            "no dispatch round has considered this job yet; explained against the problem "
            "as it stands now"
        )
    else:
        assert result is not None
        answer["source"] = "decision"
        chosen = next((a for a in result.assignments if a.job_id == jid), None)
        waiting = next((u for u in result.unassigned if u.job_id == jid), None)
        answer["chosen"] = None if chosen is None else assignment_view(chosen.to_data(), names)
        answer["waiting_reason"] = None if waiting is None else waiting.reason
        if chosen is not None:
            whom = ", ".join(answer["chosen"]["badges"])
            answer["explanation"] = (
                f"round {decision.number} assigned it to {whom} at cost {chosen.cost:.1f}"
            )
        else:
            answer["explanation"] = (
                f"round {decision.number} left it waiting: {answer['waiting_reason']}"
            )
    if badge is not None and pid is not None:
        if pid not in problem.porter_index:
            answer["porter"] = {
                "badge": badge,
                "eligible": False,
                "verdict": f"porter {badge} was not on shift when this was decided",
            }
        else:
            try:
                data = explain(problem, jid, pid, result).to_data()
            except ValueError:  # the stored result does not match: re-solve the inputs
                data = explain(problem, jid, pid).to_data()
            data["badge"] = badge
            data["chosen"] = [names.get(p, p) for p in data["chosen"]]
            answer["porter"] = data
    return answer
