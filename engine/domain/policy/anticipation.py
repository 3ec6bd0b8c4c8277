"""Anticipation: settings that let a round act on what the queue says is coming.

A round on its own matches who is free now with what waits now. These settings let
it lean on the load it can see, each switched on by the planner and each computed
from the round's own problem (nothing outside it), so a recorded round re-solves
to the same answer. All are off in a document that does not mention them, which is
what every document published before they existed means: old rounds replay as they
were decided.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

_STRICT = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)
Hour = Annotated[int, Field(ge=0, le=23)]
Code = Annotated[str, Field(min_length=1, max_length=64)]
GroupName = Annotated[str, Field(min_length=1, max_length=40)]
Points = Annotated[list[Code], Field(min_length=1, max_length=12)]
# Settings added after documents with anticipation were published: absent means off
# (see `to_data`, and the document's check for missing fields).
LATER = frozenset({"stat_keeps_porter", "overtime_minutes"})


class Anticipation(BaseModel):
    """- `lending_widens`: a loan between groups costs less as the borrowing group's
      queue outgrows its free porters: `weights.lending / (1 + lending_scale * excess)`,
      where `excess` is (jobs waiting - free porters) / free porters (at least one) of
      the job's group, and nothing when the group has a free porter per job.
    - `batching`: a free porter may take up to `batch_size` jobs of `batch_kinds` in one
      round when they share their origin and their destination (a ward's specimens for
      the lab): one walk, one trip, whatever `max_jobs_per_porter` says. Batches then
      always share a destination, so a porter never has two places to be at once.
    - `staging`: by group and hour of the hospital's day, a location or a list of them
      (a planner's choice, or learnt from the site's log). On each of the driver's
      ticks, a porter of that group who has been free for `staging_idle_minutes`, with
      no job, is sent to the point with the fewest of the group's porters waiting at or
      walking to it (the first listed on a tie), as a `Porter.Staged` event with the
      place and the reason: the next call from near any point is answered sooner. One
      porter per point spreads a group over its wards; a stat call seldom waits for a
      walk across the hospital.
    - `finishing_minutes`: a porter whose one job is under way and due to be handed
      over within this many minutes (picked up at, plus handling, plus the walk to its
      destination) is a candidate for one more job, from that destination at that
      time. The minutes until then count as travel, so a free porter as near wins; the
      porter is sent on after the hand-over, not called away. 0 is off.
    - `divert_for_stat`: a stat job may take a porter on the way to pick up a job of
      lower priority (acknowledged, not yet picked up, not placed by a person): that
      job goes back to the queue, released with the reason, and the diversion costs
      `weights.churn`, so it happens only when no one else reaches the stat job as
      soon.
    - `stat_keeps_porter`: a stat job the engine gave a porter, not yet acknowledged, moves
      only to a porter who would reach it sooner. Without it a later round may hand the
      porter back the job a diversion took them from and send a farther one to the stat
      call: the lesser job's cost of waiting outweighs a few more minutes of a stat
      job's walk, but the stat call then misses its five minutes.
    - `overtime_minutes`: a porter may take a job they can pick up before their shift
      ends and hand over within this many minutes after it, as a porter with a sample
      in hand at the hand-over does. Without it, the jobs of the half hour before a
      shift change wait for the next shift's first round. A job given but not picked
      up by the end still goes back to the queue then (`end_shifts`). 0 is off.
    """

    model_config = _STRICT

    lending_widens: bool = False
    lending_scale: float = Field(default=1.0, gt=0, le=100)
    batching: bool = False
    batch_size: int = Field(default=3, ge=2, le=6)
    staging: dict[GroupName, dict[Hour, Code | Points]] = Field(default_factory=dict, max_length=50)
    staging_idle_minutes: int = Field(default=2, ge=0, le=240)
    finishing_minutes: int = Field(default=0, ge=0, le=30)
    divert_for_stat: bool = False
    stat_keeps_porter: bool = False
    overtime_minutes: int = Field(default=0, ge=0, le=60)

    def staging_points(self, group: str, hour: int) -> list[str]:
        points = self.staging.get(group, {}).get(hour)
        if points is None:
            return []
        return [points] if isinstance(points, str) else list(points)

    def staging_point(self, group: str, hour: int) -> str | None:
        """The first point: the one a lone idle porter goes to."""
        points = self.staging_points(group, hour)
        return points[0] if points else None

    @property
    def off(self) -> bool:
        """Every setting at the default a silent document means."""
        return self == Anticipation()

    def to_data(self) -> dict[str, Any]:
        """Settings added later are left out while off, so a document written before
        them keeps its bytes, and its rounds their fingerprints."""
        off = {
            name for name in LATER if getattr(self, name) == type(self).model_fields[name].default
        }
        return self.model_dump(mode="json", exclude=off)
