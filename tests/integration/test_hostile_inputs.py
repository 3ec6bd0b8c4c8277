"""Hostile input, table-driven: each request is answered with a 4xx in the one error shape
naming the field at fault (413 for a body too large to read, which has no field), and
the store's log ends where it ended before (`refused`).

In-process on the in-memory store, like `test_api_contract`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from engine.clock import ManualClock
from tests.integration.apiclient import Api, refused, submit, wait_for
from tests.unit.projections.scenario import DRUG

D, P = "demo-dispatcher", "demo-planner"
LONG = "x" * 10_000
NAN, INF = float("nan"), float("inf")
SQL = "'; DROP TABLE dispatch_apitest_events; --"
ZEROS = {"stat": 0, "asap": 0, "urgent": 0, "routine": 0}
SUBMIT = {"Idempotency-Key": "hostile-1"}


@dataclass
class Case:
    name: str
    method: str
    path: str
    field: str | None
    status: int = 422
    token: str = D
    kwargs: dict[str, Any] = field(default_factory=dict)


def raw(body: Any, **headers: str) -> dict[str, Any]:
    """JSON as Python writes it, NaN and Infinity included (httpx would refuse to)."""
    return {
        "content": json.dumps(body).encode(),
        "headers": {"Content-Type": "application/json", **headers},
    }


def job(where: str | None = None, **over: Any) -> Case:
    name = ", ".join(f"{k}={str(v)[:20]!r}" for k, v in over.items())
    body = {**DRUG, **over}
    at = where or next(iter(over))
    return Case(f"job {name}", "POST", "/jobs", at, kwargs={"json": body, "headers": SUBMIT})


def patch(document: dict[str, Any], where: str) -> Case:
    body = raw({"document": document})
    return Case(f"policy {where}", "PATCH", "/policy", f"document.{where}", token=P, kwargs=body)


def act(name: str, path: str, body: dict[str, Any], where: str, token: str = D) -> Case:
    return Case(name, "POST", path, where, token=token, kwargs={"json": body})


def cases(jid: str, later: str, off: str, policy: dict[str, Any]) -> list[Case]:
    weights = policy["weights"]
    j = f"/jobs/{jid}"
    absence = {"badge": off, "reason": "leave"}
    return [
        Case(
            "policy NaN",
            "PUT",
            "/policy",
            "document.weights.churn",
            token=P,
            kwargs=raw({"document": {**policy, "weights": {**weights, "churn": NAN}}}),
        ),
        patch({"weights": {"travel_per_minute": INF}}, "weights.travel_per_minute"),
        patch(
            {"weights": {"lateness_per_minute": {"stat": -INF}}}, "weights.lateness_per_minute.stat"
        ),
        patch({"weights": {"churn": -5}}, "weights.churn"),
        patch({"weights": {"lending": 1e308}}, "weights.lending"),
        patch({"max_jobs_per_porter": 1000}, "max_jobs_per_porter"),
        patch({"max_jobs_per_porter": "two"}, "max_jobs_per_porter"),
        patch({"targets": {"stat": {"pickup": 0}}}, "targets.stat.pickup"),
        patch({"scheduled": {"horizon_days": 100_000}}, "scheduled.horizon_days"),
        patch({"scheduled": {"lead_minutes": 10**9}}, "scheduled.lead_minutes"),
        patch({"handling_minutes": {"drug": 100_000}}, "handling_minutes.drug"),
        patch({"surprise": True}, "surprise"),
        patch(
            {"escalation": {"stat": {"actions": {"not_assigned": ["widen"] * 50}}}},
            "escalation.stat.actions.not_assigned",
        ),
        patch(
            {"weights": {"unassigned_base": ZEROS, "unassigned_per_waiting_minute": 0}},
            "weights.unassigned_base",
        ),
        job(ready_at="9999-12-31T23:59:00+08:00"),
        job(ready_at="tomorrow at ten"),
        job(notes=LONG),
        job(origin=LONG),
        job(patient_name="Wang Wei"),
        job(priority=42),
        job(exam_minutes=-5),
        job("requirements.porters_needed", requirements={"porters_needed": 10**9}),
        job("requirements.equipment", requirements={"equipment": ["oxygen"] * 1000}),
        job(patient_ref=SQL),
        job(origin="ED-RESUS' OR '1'='1"),
        job(patient_ref="JOHN-SMITH"),
        job(notes="before\x00after"),
        job(notes="pay \u202eregdab"),
        job(department="\x1b[31micu"),
        Case(
            "body of 10 MB",
            "POST",
            "/jobs",
            None,
            413,
            kwargs={"content": b"{" + b" " * 10_000_000 + b"}", "headers": SUBMIT},
        ),
        Case(
            "key of 10k",
            "POST",
            "/jobs",
            "Idempotency-Key",
            kwargs={"json": DRUG, "headers": {"Idempotency-Key": LONG}},
        ),
        act(
            "received_by 10k",
            f"{j}/complete",
            {"badge": "IM-DRG-01", "received_by": LONG},
            "received_by",
        ),
        act("score huge", f"{j}/rate", {"score": 10**9}, "score", "demo-admin"),
        act("score a word", f"{j}/rate", {"score": "five"}, "score", "demo-admin"),
        act("reason SQL", f"{j}/hold", {"reason": SQL}, "reason"),
        act("hold note 10k", f"{j}/hold", {"reason": "other", "note": LONG}, "note"),
        act("assign 1000 porters", f"{j}/assign", {"porters": ["IM-DRG-01"] * 1000}, "porters"),
        act("assign a 10k badge", f"{j}/assign", {"porters": [LONG]}, "porters[0]"),
        act(
            "override reason 10k",
            f"{j}/override",
            {"porters": ["IM-DRG-02"], "reason": LONG},
            "reason",
        ),
        act(
            "incident NUL",
            f"{j}/incidents",
            {"badge": "IM-DRG-01", "category": "fall", "note": "a\x00"},
            "note",
        ),
        act("complaint 10k", f"{j}/complaints", {"category": "late", "text": LONG}, "text"),
        act(
            "reschedule to 9999",
            f"/jobs/{later}/reschedule",
            {"ready_at": "9999-01-01T10:00:00+08:00"},
            "ready_at",
        ),
        act(
            "register 10k badge",
            "/porters",
            {"badge": LONG, "group": "internal", "role": "escort"},
            "badge",
        ),
        act(
            "register 1000 skills",
            "/porters",
            {
                "badge": "NEW-1",
                "group": "internal",
                "role": "escort",
                "skills": ["specimen"] * 1000,
            },
            "skills",
        ),
        act(
            "register NUL name",
            "/porters",
            {"badge": "NEW-2", "name": "Li\x00", "group": "internal", "role": "escort"},
            "name",
        ),
        act(
            "shift to 9999",
            f"/porters/{off}/shift/start",
            {"ends_at": "9999-01-01T00:00:00+08:00"},
            "ends_at",
        ),
        act("location 10k", f"/porters/{off}/location", {"location": LONG}, "location"),
        act(
            "absence from year 1",
            "/rota/absences",
            {**absence, "start": "0001-01-01T00:00:00+00:00", "end": "2026-11-24T00:00:00+08:00"},
            "start",
        ),
        act(
            "absence to 9999",
            "/rota/absences",
            {**absence, "start": "2026-11-24T00:00:00+08:00", "end": "9999-01-01T00:00:00+08:00"},
            "end",
        ),
        act(
            "extra shift in 9999",
            "/rota/shifts",
            {
                "badge": off,
                "start": "9999-01-01T08:00:00+08:00",
                "end": "9999-01-01T16:00:00+08:00",
            },
            "start",
        ),
        act("swap 10k", "/rota/swaps", {"first": LONG, "second": "x@y"}, "first"),
        act("unknown field", f"{j}/cancel", {"reason": "other", "by": "someone-else"}, "by"),
        act("negative rating", f"{j}/rate", {"score": -1}, "score", "demo-admin"),
        Case("figures in 9999", "GET", "/figures?from=9999-01-01", "from", token="demo-auditor"),
        Case(
            "figures for 3 years",
            "GET",
            "/figures/porters?from=2025-01-01&to=2027-12-31",
            "to",
            token="demo-auditor",
        ),
        Case("rota from year 1", "GET", "/rota?from=0001-01-01", "from"),
        Case("rota for a year", "GET", "/rota?from=2026-11-23&to=2027-11-23", "to"),
        Case("status script", "GET", "/jobs?status=<script>alert(1)</script>", "status"),
        Case("limit huge", "GET", "/decisions?limit=1000000000", "limit"),
        Case("after negative", "GET", "/events?after=-1", "after"),
        Case("why a 10k porter", "GET", f"{j}/why?porter={'x' * 100}", "porter"),
        Case("smuggled query", "GET", f"{j}?patient_ref=P-1", "patient_ref"),
    ]


def test_every_hostile_request_is_refused_naming_its_field_and_changes_nothing(
    api: Api, clock: ManualClock
) -> None:
    jid = wait_for(api, submit(api, DRUG, "hostile-job")["id"], "assigned")["id"]
    later_at = clock.now().replace(hour=16).isoformat()
    later = submit(api, {**DRUG, "ready_at": later_at}, "hostile-later")["id"]
    off = api.call(D, "GET", "/porters?state=off_shift")[0]["badge"]
    policy = api.call(P, "GET", "/policy")["document"]
    table = cases(jid, later, off, policy)
    assert len(table) >= 40
    failed = []
    for case in table:
        try:
            refused(api, case.token, case.method, case.path, case.status, case.field, **case.kwargs)
        except AssertionError as exc:
            failed.append(f"{case.name}: {str(exc)[:300]}")
    assert failed == [], "\n".join(failed)
