"""Request bodies (`XCreate`) and answers (`XPublic`), with examples for the OpenAPI page.

Job submission reuses the engine's own command model, so the API cannot
accept what the engine would refuse; the action bodies leave out `by`, which
the server fills in from the caller's token.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.body import Body, Porters
from engine.domain.commands import SubmitJob
from engine.domain.errors import field_error
from engine.domain.policy.document import PolicyDocument
from engine.domain.values import Moment, Reason


def _examples(*examples: dict[str, Any]) -> ConfigDict:
    """Bodies refuse fields they do not have, and read text without the spaces around it:
    a name of blanks is then an empty one, which the field's own rules refuse (422)
    before any command is built."""
    return ConfigDict(
        extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": list(examples)}
    )


class JobCreate(SubmitJob):
    """Leave `group` out and the job goes to the group serving its department. Wards may
    name only that group; dispatchers and admins may name any."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "kind": "urgent_blood",
                    "priority": "stat",
                    "origin": "ED-RESUS",
                    "destination": "BLOOD-BANK",
                    "department": "emergency",
                },
                {
                    "kind": "patient_transport",
                    "priority": "asap",
                    "origin": "SU-W7",
                    "destination": "CT",
                    "department": "surgery_7",
                    "group": "surgical",
                    "patient_ref": "P-004711",
                    "requirements": {"mode": "stretcher", "accompaniment": "clinician"},
                },
            ]
        },
    )


class AssignCreate(Body):
    model_config = _examples({"porters": ["EM-GC-01"]})
    porters: Porters
    force: str = Field(
        default="",
        max_length=500,
        description="assign although a hard rule refuses it, for this reason (recorded)",
    )


class OverrideCreate(Body):
    model_config = _examples({"porters": ["EM-GC-02"], "reason": "EM-GC-01 is needed in resus"})
    porters: Porters
    reason: str = Field(min_length=1, max_length=2000, description="why the engine is overruled")
    code: Reason = Reason.DISPATCHER_OVERRIDE
    force: str = Field(
        default="",
        max_length=500,
        description="move it although a hard rule refuses it, for this reason (recorded)",
    )


class PorterActionCreate(Body):
    """Porters may leave `badge` out; dispatchers acting for a porter must give it."""

    model_config = _examples({}, {"badge": "EM-GC-01"})
    badge: str | None = Field(default=None, min_length=1, max_length=32)


class PickUpCreate(PorterActionCreate):
    model_config = _examples(
        {"companion_present": False, "handed_over_by": "Nurse Chen"}, {"badge": "SU-ESC-01"}
    )
    companion_present: bool = False
    handed_over_by: str = Field(
        default="", max_length=100, description="who on the ward handed over the patient or item"
    )


class CompleteCreate(PorterActionCreate):
    model_config = _examples({"received_by": "blood bank: Nurse Li", "note": ""})
    received_by: str = Field(min_length=1, max_length=100)
    note: str = Field(default="", max_length=2000)


class DeclineCreate(PorterActionCreate):
    model_config = _examples({"note": "cart broken"})
    reason: Reason = Reason.PORTER_DECLINED
    note: str = Field(default="", max_length=2000)


class TransitionCreate(Body):
    model_config = _examples({"reason": "patient_not_ready", "note": "still in theatre"})
    reason: Reason
    note: str = Field(default="", max_length=2000)


class AccompanimentCreate(Body):
    model_config = _examples({"companion": "Dr Wang (anaesthetist)"})
    companion: str = Field(min_length=1, max_length=100)


class RateCreate(Body):
    model_config = _examples({"score": 5, "comment": "on time and careful"})
    score: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=2000)


class ShiftCreate(Body):
    model_config = _examples({"ends_at": "2026-11-23T15:30:00+08:00"})
    ends_at: Moment

    @field_validator("ends_at")
    @classmethod
    def _aware(cls, v: datetime) -> datetime:
        if v.tzinfo is None:
            raise ValueError("must include a timezone offset")
        return v


class LocationCreate(Body):
    model_config = _examples({"location": "ED-TRIAGE"})
    location: str = Field(min_length=1, max_length=64)


class PolicyCreate(Body):
    """A whole policy (PUT): every field, as `GET /policy` shows it. A field left out is
    refused, not reset to its default; `PATCH /policy` changes some fields."""

    model_config = _examples(
        {"document": PolicyDocument().to_data(), "note": "as before, now in writing"}
    )
    document: dict[str, Any] = Field(description="every field of the policy")
    note: str = Field(default="", max_length=2000)

    @field_validator("document")
    @classmethod
    def _whole(cls, v: dict[str, Any]) -> dict[str, Any]:
        missing = PolicyDocument.missing(v)
        if missing is not None:
            raise field_error(
                missing, "missing: PUT replaces the whole policy (PATCH changes some fields)"
            )
        return v


class PolicyUpdate(Body):
    """Some fields (PATCH): merged into the current policy, objects member by member."""

    model_config = _examples(
        {"document": {"max_jobs_per_porter": 2}, "note": "batch specimens"},
        {"document": {"targets": {"stat": {"pickup": 8, "delivery": 15}}}},
    )
    document: dict[str, Any] = Field(min_length=1, description="the fields to change")
    note: str = Field(default="", max_length=2000)


# -- answers --------------------------------------------------------------------


class EscalationPublic(BaseModel):
    level: int
    stage: str
    action: str = Field(description="reoffer, widen, alert_dispatcher or alert_supervisor")
    effect: str = Field(description="what it did, in words")


class JobPublic(BaseModel):
    id: str
    version: int
    status: str
    fhir_status: str
    kind: str
    priority: str
    requested_priority: str
    group: str
    department: str
    origin: str
    destination: str
    patient_ref: str | None
    requirements: dict[str, Any]
    notes: str
    porters: list[str] = Field(description="badges of the porters holding it")
    requested_at: str
    ready_at: str | None
    pickup_due: str
    delivery_due: str
    minutes_to_pickup: float | None = Field(description="negative once overdue")
    minutes_to_delivery: float | None
    assigned_at: str | None
    acknowledged_at: str | None
    picked_up_at: str | None
    ended_at: str | None
    escalation_level: int
    escalation: EscalationPublic | None = Field(description="the last level and what it did")
    pinned: bool = Field(description="a person chose its porters: no round moves it")
    widened: bool = Field(description="an escalation opened it to every group's porters")
    acknowledged_by: list[str] = Field(description="badges that have acknowledged it")
    incidents: int
    complaints: int
    companion: str | None = Field(description="who goes along, as the ward confirmed")
    accompaniment_confirmed: bool
    last_reason: str | None
    rating: int | None
    leg: str
    linked_job_id: str | None
    decision_id: str | None = Field(description="the round that placed it, by id")
    decision_number: int | None = Field(
        description="the round that placed it, by number: GET /decisions/{number}"
    )


class PorterJob(BaseModel):
    id: str
    status: str
    kind: str


class PorterPublic(BaseModel):
    badge: str
    group: str
    role: str
    skills: list[str]
    state: str = Field(description="off_shift, free, busy or on_break")
    shift_started_at: str | None
    shift_ends_at: str | None
    location: str | None
    location_at: str | None
    jobs: list[PorterJob]
    jobs_this_shift: int
    minutes_free: float | None
    shift: str | None = Field(description="their rota's shift template")
    base: str | None = Field(description="where their shifts start")
    rota_shift: str | None = Field(description="the rota's shift they are working, if any")
    retired: bool
    version: int


class PolicyPublic(BaseModel):
    version: int
    document: dict[str, Any]


class Health(BaseModel):
    """Anonymous callers get `status` alone; readers the rest too."""

    status: str = Field(description="ok (/health); ready or not_ready (/ready)")
    reason: str | None = Field(default=None, description="readers: why not ready")
    site: str | None = None
    store: str | None = None
    position: int | None = None
    loop: str | None = None
    rounds: int | None = None
    demo: bool | None = Field(
        default=None,
        description="true: demo mode, where the well-known demo-* tokens let anyone in",
    )


class Problem(BaseModel):
    """Every refusal: what kind, why, and for bad input the field at fault."""

    error: str = Field(description="e.g. InvalidInput, IllegalTransition, PorterNotFound")
    message: str
    field: str | None = Field(
        default=None,
        description="422: the field at fault, as the request named it (`received_by`, "
        "`requirements.mode`, `Idempotency-Key`, `after`); null for other statuses, and "
        "for a body that is not a JSON object at all",
    )


_REFUSALS = {
    401: "no token, or an unknown one",
    403: "the token's role (or porter, or ward) may not do this",
    404: "no such job, porter or decision",
    409: "the current state refuses it: a transition, a stale write, a reused key",
    422: "bad input: `field` names it as the request did",
}


def refusals(*statuses: int, stream: bool = False) -> dict[int | str, dict[str, Any]]:
    """The refusals a route may answer, each with the one Problem shape, for the
    OpenAPI page: routers list the ones every route of theirs has, routes add theirs.
    `stream`: a route answering otherwise than in JSON, whose refusals still are."""
    if stream:
        problem = {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
        return {s: {"description": _REFUSALS[s], "content": problem} for s in statuses}
    return {s: {"model": Problem, "description": _REFUSALS[s]} for s in statuses}
