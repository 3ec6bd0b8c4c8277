"""Answers of the figures: the service's over a period, and each porter's performance."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class JobCounts(BaseModel):
    submitted: int
    open: int
    completed: int
    cancelled: int
    failed: int


class Minutes(BaseModel):
    """Count, mean and nearest-rank percentiles; null when there is nothing to count."""

    count: int
    mean: float | None
    p50: float | None
    p90: float | None
    max: float | None


class StageMinutes(BaseModel):
    """From the request (or its ready time) to each stage."""

    to_assignment: Minutes
    to_acknowledgement: Minutes
    to_pickup: Minutes
    to_delivery: Minutes


class Share(BaseModel):
    met: int
    breached: int
    share: float | None = Field(description="met / (met + breached); null when neither")


class SlaShares(BaseModel):
    pickup: Share
    delivery: Share


class SlaFigures(BaseModel):
    overall: SlaShares
    by_priority: dict[str, SlaShares]
    by_kind: dict[str, SlaShares]
    by_group: dict[str, SlaShares]
    by_hour: dict[str, SlaShares] = Field(description="by the local hour requested, 00-23")


class Ratings(BaseModel):
    count: int
    mean: float | None
    by_score: dict[str, int]


class Reports(BaseModel):
    count: int
    by_category: dict[str, int]


class PorterFigures(BaseModel):
    group: str
    taken: int
    completed: int
    released: int
    busy_minutes: float
    ratings: int
    mean_rating: float | None
    incidents: int = Field(description="incidents they reported")
    complaints: int = Field(description="complaints about jobs they held")


class FiguresPublic(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    position: int = Field(description="the log position they are as of")
    as_of: str
    from_: str | None = Field(alias="from", description="the period's start, if one was asked")
    to: str | None
    jobs: JobCounts
    minutes: StageMinutes
    waits_by_hour: dict[str, Minutes] = Field(
        description="minutes from the request (or ready time) to pickup, by the local hour "
        "requested, 00-23; hours with no job picked up are left out"
    )
    sla: SlaFigures
    delay_reasons: dict[str, dict[str, int]] = Field(
        description="held, released, cancelled, failed, escalated: counts by reason"
    )
    ratings: Ratings
    incidents: Reports = Field(description="reported by porters during transports")
    complaints: Reports = Field(description="filed by wards")
    porters: dict[str, PorterFigures] = Field(description="by badge, those who took jobs")


class PorterPerformance(BaseModel):
    """One porter's work over the period (jobs completed in it)."""

    badge: str
    group: str
    completed: int
    by_kind: dict[str, int]
    workload: float = Field(description="jobs weighted by kind and distance")
    declines: int = Field(description="jobs they declined, whatever the reason")
    incidents: int = Field(description="incidents they reported")
    holds: int = Field(description="jobs held or failed on their watch")
    complaints: int = Field(description="complaints about jobs they held")
    overtime_minutes: float
    minutes_to_acknowledge: float | None
    minutes_to_pickup: float | None
    minutes_to_deliver: float | None
    within_sla: float | None = Field(description="share delivered by the due time")
    ratings: int
    mean_rating: float | None
