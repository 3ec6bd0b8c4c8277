"""The policy a site dispatches by: SLA targets, escalation thresholds, rule weights.

Targets are data, not code. A document is immutable; publishing a changed one
makes a new version, and jobs and decisions name the version they used, so a
later change never rewrites history.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from engine.domain.errors import InvalidInput, field_error, field_path
from engine.domain.policy.anticipation import LATER, Anticipation
from engine.domain.policy.weights import Weights
from engine.domain.values import Kind, Priority

# Every number of a policy is finite and in a range a hospital could mean: a NaN or an
# infinite weight would turn the solvers' integer costs into garbage, a year-long
# target would never escalate. JSON as Python reads it accepts NaN and Infinity.
_STRICT = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)
DAY = 24 * 60
Minutes = Annotated[int, Field(ge=0, le=DAY)]
GroupName = Annotated[str, Field(min_length=1, max_length=40)]


class Target(BaseModel):
    """Minutes from request to pickup and to delivery."""

    model_config = _STRICT

    pickup: int = Field(gt=0, le=24 * 60)
    delivery: int = Field(gt=0, le=24 * 60)

    @model_validator(mode="after")
    def _delivery_after_pickup(self) -> Target:
        if self.delivery < self.pickup:
            raise field_error("delivery", "delivery target must not be shorter than pickup target")
        return self


Stage = Literal["not_assigned", "not_acknowledged", "not_picked_up"]
Action = Literal["reoffer", "widen", "alert_dispatcher", "alert_supervisor"]
STAGES: tuple[Stage, ...] = ("not_assigned", "not_acknowledged", "not_picked_up")


def _default_actions() -> dict[Stage, list[Action]]:
    return {
        "not_assigned": ["widen", "alert_dispatcher", "alert_supervisor"],
        "not_acknowledged": ["reoffer", "widen", "alert_dispatcher", "alert_supervisor"],
        "not_picked_up": ["alert_dispatcher", "alert_supervisor"],
    }


class Escalation(BaseModel):
    """Minutes after which a job still waiting at a stage escalates, and what each level
    does there: the first escalation at a stage takes its first action, the next (after
    twice the minutes) the second, and so on; when the list is done it stops.

    - `reoffer`: take an unanswered job from its porter, who is not offered it again;
    - `widen`: let porters of every group take it, at the lending cost;
    - `alert_dispatcher`, `alert_supervisor`: a notice on their screens and streams.
    """

    model_config = _STRICT

    not_assigned: int = Field(gt=0, le=24 * 60)
    not_acknowledged: int = Field(gt=0, le=24 * 60)
    not_picked_up: int = Field(gt=0, le=24 * 60)
    actions: dict[Stage, list[Action]] = Field(default_factory=_default_actions)

    @model_validator(mode="after")
    def _few_actions(self) -> Escalation:
        for stage, steps in self.actions.items():
            if len(steps) > 10:
                raise field_error(f"actions.{stage}", "at most 10 levels a stage")
        return self

    def minutes(self, stage: Stage) -> int:
        value: int = getattr(self, stage)
        return value

    def action(self, stage: Stage, done: int) -> Action | None:
        """What the escalation after `done` earlier ones at this stage does (None: stop)."""
        steps = self.actions.get(stage, [])
        return steps[done] if done < len(steps) else None


class Reoptimise(BaseModel):
    """How far a round may move jobs the engine gave but no porter has acknowledged.

    A job is movable only within `window_seconds` of its assignment (after that the
    porter has read it and may be on the way; escalation re-offers it if they never
    answer), and only for a gain of at least `weights.churn` cost units. A job a
    dispatcher assigned or overrode is never moved by a round.
    """

    model_config = _STRICT

    window_seconds: int = Field(default=120, ge=0, le=3600)


class Scheduled(BaseModel):
    """Rules for jobs with a `ready_at` (patient appointments)."""

    model_config = _STRICT

    lead_minutes: int = Field(default=10, ge=0, le=DAY)
    window_minutes: int = Field(default=10, ge=0, le=DAY)
    delivery_after_ready_minutes: int = Field(default=30, gt=0, le=DAY)
    past_tolerance_minutes: int = Field(default=5, ge=0, le=DAY)
    horizon_days: int = Field(default=30, ge=1, le=366, description="how far ahead a job may be")

    def check_ready_at(self, ready_at: datetime, now: datetime) -> None:
        """A scheduled time is refused when it is well past, or beyond the horizon."""
        tolerance = timedelta(minutes=self.past_tolerance_minutes)
        if ready_at < now - tolerance:
            raise InvalidInput(
                "ready_at", f"is in the past by more than {self.past_tolerance_minutes} minutes"
            )
        if ready_at > now + timedelta(days=self.horizon_days):
            raise InvalidInput("ready_at", f"is more than {self.horizon_days} days ahead")


def _default_targets() -> dict[Priority, Target]:
    return {
        Priority.STAT: Target(pickup=10, delivery=20),
        Priority.ASAP: Target(pickup=15, delivery=30),
        Priority.URGENT: Target(pickup=20, delivery=45),
        Priority.ROUTINE: Target(pickup=45, delivery=90),
    }


def _default_escalation() -> dict[Priority, Escalation]:
    return {
        Priority.STAT: Escalation(not_assigned=2, not_acknowledged=2, not_picked_up=10),
        Priority.ASAP: Escalation(not_assigned=5, not_acknowledged=5, not_picked_up=15),
        Priority.URGENT: Escalation(not_assigned=8, not_acknowledged=8, not_picked_up=20),
        Priority.ROUTINE: Escalation(not_assigned=15, not_acknowledged=15, not_picked_up=45),
    }


class PolicyDocument(BaseModel):
    """One version's content. `sla` holds per-kind overrides of `targets`."""

    model_config = _STRICT

    targets: dict[Priority, Target] = Field(default_factory=_default_targets)
    sla: dict[Kind, dict[Priority, Target]] = Field(default_factory=dict)
    escalation: dict[Priority, Escalation] = Field(default_factory=_default_escalation)
    scheduled: Scheduled = Field(default_factory=Scheduled)
    reoptimise: Reoptimise = Field(default_factory=Reoptimise)
    weights: Weights = Field(default_factory=Weights)
    always_stat: list[Kind] = Field(default_factory=lambda: [Kind.URGENT_BLOOD])
    lending: dict[GroupName, list[GroupName]] = Field(
        max_length=50,
        default_factory=lambda: {
            "internal": ["surgical"],
            "surgical": ["internal"],
            "emergency": [],
        },
        description="job group -> groups whose porters may be lent to it",
    )
    batch_kinds: list[Kind] = Field(default_factory=lambda: [Kind.SPECIMEN, Kind.DOCUMENT])
    max_jobs_per_porter: int = Field(default=1, ge=1, le=6)
    handling_minutes: dict[Kind, Minutes] = Field(
        default_factory=lambda: {
            Kind.PATIENT_TRANSPORT: 5,
            Kind.ESCORT: 5,
            Kind.SPECIMEN: 1,
            Kind.URGENT_BLOOD: 1,
            Kind.DRUG: 2,
            Kind.DOCUMENT: 1,
            Kind.ITEM: 3,
        },
        description="minutes to load and hand over, on top of travel",
    )
    anticipation: Anticipation = Field(default_factory=Anticipation)

    @model_validator(mode="after")
    def _every_priority_has_targets(self) -> PolicyDocument:
        for group, lenders in self.lending.items():
            if len(lenders) > 50:
                raise field_error(f"lending.{group}", "at most 50 groups")
        missing = [p.value for p in Priority if p not in self.targets]
        if missing:
            raise field_error("targets", f"missing for priorities: {', '.join(missing)}")
        missing = [p.value for p in Priority if p not in self.escalation]
        if missing:
            raise field_error("escalation", f"missing for priorities: {', '.join(missing)}")
        return self

    @classmethod
    def parse(cls, data: dict[str, Any], where: str = "document") -> PolicyDocument:
        """Validate raw data, turning pydantic's error into one naming the field, under
        `where`: what the caller calls the document (a request's `document`)."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            path = field_path(first["loc"], first.get("ctx"))
            raise InvalidInput(f"{where}.{path}" if path else where, first["msg"]) from None

    @classmethod
    def missing(cls, data: Mapping[str, Any]) -> str | None:
        """The first field a whole document leaves out (`scheduled.window_minutes`), or
        None: what would otherwise silently take its default."""
        return _missing(cls, data)

    @classmethod
    def merged(cls, base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
        """`changes` over `base`: objects merge member by member, anything else replaces
        (JSON merge patch, except that null is a value, not a removal)."""
        out = dict(base)
        for name, value in changes.items():
            below = out.get(name)
            if isinstance(value, Mapping) and isinstance(below, Mapping):
                out[name] = cls.merged(below, value)
            else:
                out[name] = value
        return out

    def capacity_for(self, kind: Kind) -> int:
        """How many jobs a porter may hold when one of them is of this kind."""
        return self.batch_size if kind in self.batch_kinds else 1

    @property
    def batch_size(self) -> int:
        """The most jobs one round may give a free porter (1: no batching)."""
        batches = self.anticipation.batch_size if self.anticipation.batching else 1
        return max(self.max_jobs_per_porter, batches)

    def effective_priority(self, kind: Kind, priority: Priority) -> Priority:
        return Priority.STAT if kind in self.always_stat else priority

    def target(self, kind: Kind, priority: Priority) -> Target:
        return self.sla.get(kind, {}).get(priority) or self.targets[priority]

    def due_times(
        self, kind: Kind, priority: Priority, requested_at: datetime, ready_at: datetime | None
    ) -> tuple[datetime, datetime]:
        """Pickup and delivery due times, fixed at submission and stored in the event."""
        if ready_at is not None:
            window = timedelta(minutes=self.scheduled.window_minutes)
            after = timedelta(minutes=self.scheduled.delivery_after_ready_minutes)
            return ready_at + window, ready_at + after
        t = self.target(kind, priority)
        return requested_at + timedelta(minutes=t.pickup), requested_at + timedelta(
            minutes=t.delivery
        )

    def to_data(self) -> dict[str, Any]:
        """Plain data; `anticipation` only when some setting is on, so a document that
        never used it has the bytes (and rounds the fingerprints) it always had."""
        data = self.model_dump(mode="json", exclude={"anticipation"})
        if not self.anticipation.off:
            data["anticipation"] = self.anticipation.to_data()
        return data


# Fields a whole document may leave out: their absence means off, as in every
# document written before they existed.
_OPTIONAL = frozenset({"anticipation"}) | LATER


def _missing(model: type[BaseModel], data: Mapping[str, Any]) -> str | None:
    for name, field in model.model_fields.items():
        if name not in data:
            if name in _OPTIONAL:
                continue
            return name
        inner, value = field.annotation, data[name]
        if isinstance(inner, type) and issubclass(inner, BaseModel) and isinstance(value, Mapping):
            below = _missing(inner, value)
            if below is not None:
                return f"{name}.{below}"
    return None
