"""Soft-rule weights of a policy: what each unit of lateness, walking, fairness, churn,
lending and waiting costs the assignment core. Kept apart from the document that holds
them so each file reads in one sitting."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from engine.domain.values import Priority

# Finite and in a range a hospital could mean (see `document`): a NaN or an infinite
# weight would turn the solvers' integer costs into garbage.
_STRICT = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)
Weight = Annotated[float, Field(ge=0, le=1_000_000, allow_inf_nan=False)]


class Weights(BaseModel):
    """Soft-rule weights for the assignment core, in cost units per unit."""

    model_config = _STRICT

    lateness_per_minute: dict[Priority, Weight] = Field(
        default_factory=lambda: {
            Priority.STAT: 1000.0,
            Priority.ASAP: 100.0,
            Priority.URGENT: 30.0,
            Priority.ROUTINE: 10.0,
        }
    )
    travel_per_minute: Weight = 1.0
    pickup_wait_per_minute: dict[Priority, Weight] = Field(
        default_factory=lambda: {
            Priority.STAT: 60.0,
            Priority.ASAP: 15.0,
            Priority.URGENT: 4.0,
            Priority.ROUTINE: 0.0,
        },
        description="cost of each minute a porter needs to reach the pickup, by priority: "
        "urgent work goes to the nearest porter even before it is at risk of being late",
    )
    fairness_per_job_today: Weight = 0.5
    churn: Weight = 15.0
    lending: Weight = 20.0
    unassigned_base: dict[Priority, Weight] = Field(
        default_factory=lambda: {
            Priority.STAT: 100000.0,
            Priority.ASAP: 20000.0,
            Priority.URGENT: 5000.0,
            Priority.ROUTINE: 1000.0,
        }
    )
    unassigned_per_waiting_minute: Weight = 20.0
