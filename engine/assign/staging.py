"""Staging: where an idle porter should wait for the next call, by group and hour.

Pure: given the porters as a round sees them, the policy's staging points, the
hospital's local hour and the time, it names the moves; the driver records each as
a `Porter.Staged` event with its reason. A porter is sent only when free for the
policy's idle minutes with no job, not there already and not already on the way, so
a tick that finds nothing new sends nobody, and the same board gives the same moves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from engine.assign.problem import PorterSpec
from engine.domain.policy.anticipation import Anticipation


@dataclass(frozen=True)
class StagingMove:
    porter_id: str
    badge: str
    location: str
    reason: str


def staging_moves(
    porters: Iterable[PorterSpec],
    anticipation: Anticipation,
    hour: int,
    now: datetime,
    staged: Mapping[str, str | None],
) -> list[StagingMove]:
    """Moves for the porters (by badge) who should go to their group's point for `hour`
    (0-23, the hospital's local time); `staged`: where each porter was last sent."""
    if not anticipation.staging:
        return []
    idle = timedelta(minutes=anticipation.staging_idle_minutes)
    moves = []
    for porter in sorted(porters, key=lambda p: p.badge):
        point = anticipation.staging_point(porter.group, hour)
        if point is None or not porter.on_shift or porter.on_break or porter.active_jobs:
            continue
        if porter.location == point or staged.get(porter.id) == point:
            continue
        if porter.free_since is None or now - porter.free_since < idle:
            continue
        reason = (
            f"free since {porter.free_since:%H:%M} with no job: the {porter.group} group's "
            f"staging point for {hour:02d}:00-{hour:02d}:59 is {point}"
        )
        moves.append(StagingMove(porter.id, porter.badge, point, reason))
    return moves


def learn_staging(
    calls: Iterable[tuple[str, int, str]], min_calls: int = 3
) -> tuple[dict[str, dict[int, str]], dict[str, dict[int, int]]]:
    """Staging points learnt from a site's own calls, each (group, local hour, pickup
    location): for each group and hour, where most of its calls came from, when that
    hour had at least `min_calls` of them (fewer say nothing). Ties go to the first
    location by code, so the same log gives the same points. Returns the points and the
    calls counted for each group and hour."""
    counted: dict[tuple[str, int], dict[str, int]] = {}
    for group, hour, location in calls:
        where = counted.setdefault((group, hour), {})
        where[location] = where.get(location, 0) + 1
    points: dict[str, dict[int, str]] = {}
    totals: dict[str, dict[int, int]] = {}
    for (group, hour), where in sorted(counted.items()):
        total = sum(where.values())
        totals.setdefault(group, {})[hour] = total
        if total >= min_calls:
            points.setdefault(group, {})[hour] = min(where, key=lambda c: (-where[c], c))
    return points, totals
