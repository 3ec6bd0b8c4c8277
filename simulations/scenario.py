"""A declarative scenario: what a planner changes between runs, apart from the engine.

Everything a simulated day depends on is here (roster changes, demand, service
times, policy, dispatch strategy); the seed is given per run, so one scenario
runs over many seeds. Scenarios are plain data: they load from JSON and show up
in reports as they were written. The named days (stressed, standard, a load
level) are built in `simulations.days`; a bare `Scenario()` is the stressed day.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from engine.domain.values import Group, Kind, Priority

# Relative arrivals per hour of day. Demand follows the working day (exams,
# specimen rounds, drug rounds, discharges), which is also when the reference
# roster puts most of its staff; nights bring mostly emergency and urgent work.
HOURLY = [
    0.5, 0.4, 0.4, 0.4, 0.4, 0.6, 1.2, 4.0, 9.5, 10.0, 9.0, 8.0,
    6.0, 7.5, 7.5, 6.0, 3.5, 2.8, 2.2, 1.8, 1.4, 1.1, 0.8, 0.6,
]  # fmt: skip


class Staffing(BaseModel):
    """Extra (or, with a negative count, fewer) porters of one group, role and shift."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    group: Group
    role: str
    shift: str
    count: int = Field(ge=-20, le=50)
    skills: tuple[str, ...] = ()


class KindMix(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    share: float = Field(ge=0)
    priorities: dict[Priority, float]


def _default_mix() -> dict[Kind, KindMix]:
    p = Priority
    return {
        Kind.PATIENT_TRANSPORT: KindMix(
            share=0.20, priorities={p.STAT: 0.05, p.ASAP: 0.20, p.URGENT: 0.35, p.ROUTINE: 0.40}
        ),
        Kind.ESCORT: KindMix(
            share=0.14, priorities={p.ASAP: 0.10, p.URGENT: 0.30, p.ROUTINE: 0.60}
        ),
        Kind.SPECIMEN: KindMix(
            share=0.24, priorities={p.ASAP: 0.15, p.URGENT: 0.35, p.ROUTINE: 0.50}
        ),
        Kind.URGENT_BLOOD: KindMix(share=0.06, priorities={p.STAT: 1.0}),
        Kind.DRUG: KindMix(
            share=0.12, priorities={p.STAT: 0.05, p.ASAP: 0.20, p.URGENT: 0.25, p.ROUTINE: 0.50}
        ),
        Kind.DOCUMENT: KindMix(share=0.14, priorities={p.URGENT: 0.20, p.ROUTINE: 0.80}),
        Kind.ITEM: KindMix(share=0.10, priorities={p.URGENT: 0.10, p.ROUTINE: 0.90}),
    }


class Demand(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    jobs_per_day: int = Field(default=1500, ge=0, le=20000)
    hourly: list[float] = Field(default_factory=lambda: list(HOURLY), min_length=24, max_length=24)
    mix: dict[Kind, KindMix] = Field(default_factory=_default_mix)
    scheduled_escort_share: float = Field(default=0.6, ge=0, le=1)
    appointment_lead_minutes: tuple[int, int] = (30, 120)
    accompaniment_share: float = Field(default=0.1, ge=0, le=1)
    two_porter_share: float = Field(default=0.03, ge=0, le=1)
    isolation_share: float = Field(default=0.04, ge=0, le=1)


class Service(BaseModel):
    """How long things take in the simulated hospital, and how often they go wrong."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    travel_factor: float = Field(default=1.0, gt=0)
    travel_noise: float = Field(default=0.2, ge=0, le=1, description="lognormal sigma")
    travel_floor: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="no walk takes less than this share of its usual time (the noise is cut "
        "there): corridors and lifts have a speed limit, and the hindsight bound relies on it",
    )
    acknowledge_minutes: float = Field(default=0.5, ge=0)
    decline_rate: float = Field(default=0.02, ge=0, le=1)
    not_ready_rate: float = Field(default=0.08, ge=0, le=1)
    not_ready_minutes: float = Field(default=6.0, ge=0)
    accompaniment_confirm_minutes: float = Field(default=3.0, ge=0)
    exam_minutes: int = Field(default=30, ge=5)
    break_minutes: float = Field(default=30.0, ge=0)


class Scenario(BaseModel):
    """A named what-if. `policy` overrides fields of the default policy document."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = "scenario"
    hospital: str | None = Field(
        default=None, description="a hospital file (JSON); none: the demo hospital, said so"
    )
    requests: str | None = Field(
        default=None,
        description="recorded requests with their times (JSON Lines) instead of `demand`",
    )
    day: date = date(2026, 11, 23)
    staffing: list[Staffing] = Field(default_factory=list)
    demand: Demand = Field(default_factory=Demand)
    service: Service = Field(default_factory=Service)
    policy: dict[str, Any] = Field(default_factory=dict)
    strategy: Literal["optimal", "greedy", "phone_desk"] = "optimal"
    tick_minutes: float = Field(default=1.0, gt=0, le=15)
    hours: float = Field(default=24.0, gt=0, le=24 * 35, description="up to five weeks")

    def with_strategy(self, strategy: Literal["optimal", "greedy", "phone_desk"]) -> Scenario:
        return self.model_copy(update={"strategy": strategy, "name": f"{self.name} ({strategy})"})
