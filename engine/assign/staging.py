"""Staging: where an idle porter should wait for the next call, by group and hour.

Pure: given the porters as a round sees them, the policy's staging points, the
hospital's local hour and the time, it names the moves; the driver records each as
a `Porter.Staged` event with its reason. A porter is sent only when free for the
policy's idle minutes with no job, not there already and not already on the way, so
a tick that finds nothing new sends nobody, and the same board gives the same moves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
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
    travel: Callable[[str, str], float] | None = None,
) -> list[StagingMove]:
    """Moves for the porters (by badge) who should go to one of their group's points for
    `hour` (0-23, the hospital's local time); `staged`: where each porter was last sent.
    A porter at a point, or sent to one, holds it; each porter sent goes to the point of
    the group that fewest hold (the first listed on a tie), so idle porters spread; and
    with `travel` (minutes between two places) the waiting porter nearest that point is
    the one sent, so the group walks as little as it can to spread (ties by badge)."""
    if not anticipation.staging:
        return []
    idle = timedelta(minutes=anticipation.staging_idle_minutes)
    held: dict[tuple[str, str], int] = {}
    waiting = []
    for porter in sorted(porters, key=lambda p: p.badge):
        points = anticipation.staging_points(porter.group, hour)
        if not points or not porter.on_shift or porter.on_break or porter.active_jobs:
            continue
        holding = next((c for c in (staged.get(porter.id), porter.location) if c in points), None)
        if holding is not None:
            held[porter.group, holding] = held.get((porter.group, holding), 0) + 1
        elif porter.free_since is not None and now - porter.free_since >= idle:
            waiting.append((porter, points))

    def emptiest(porter: PorterSpec, points: list[str]) -> tuple[int, int, str]:
        """(porters holding it, place in the list, point) of the group's emptiest point."""
        return min((held.get((porter.group, c), 0), i, c) for i, c in enumerate(points))

    def walk(porter: PorterSpec, point: str) -> float:
        if travel is None:
            return 0.0
        return float("inf") if porter.location is None else travel(porter.location, point)

    moves = []
    while waiting:
        candidates = []
        for porter, points in waiting:
            count, index, point = emptiest(porter, points)
            candidates.append((count, index, walk(porter, point), porter.badge, porter, points))
        *_, porter, points = min(candidates, key=lambda c: c[:4])
        point = emptiest(porter, points)[2]
        waiting = [(p, ps) for p, ps in waiting if p is not porter]
        held[porter.group, point] = held.get((porter.group, point), 0) + 1
        if len(points) == 1:
            where = f"the {porter.group} group's staging point for {_hours(hour)} is {point}"
        else:
            where = (
                f"of the {porter.group} group's staging points for {_hours(hour)} "
                f"({', '.join(points)}), {point} has the fewest porters waiting"
            )
        reason = f"free since {porter.free_since:%H:%M} with no job: {where}"
        moves.append(StagingMove(porter.id, porter.badge, point, reason))
    return moves


def _hours(hour: int) -> str:
    return f"{hour:02d}:00-{hour:02d}:59"


def learn_staging(
    calls: Iterable[tuple[str, int, str]],
    min_calls: int = 3,
    points: int = 1,
    travel: Callable[[str, str], float] | None = None,
) -> tuple[dict[str, dict[int, str | list[str]]], dict[str, dict[int, int]]]:
    """Staging points learnt from a site's own calls, each (group, local hour, pickup
    location), for each group and hour that had at least `min_calls` of them (fewer say
    nothing). One point: where most of its calls came from. Several (with `travel`,
    minutes between two places): chosen one at a time among the pickup places, each the
    one that most shortens the walk from the nearest point to the hour's calls, until
    `points` are chosen or another would shorten nothing. Ties go to the first location
    by code, so the same log gives the same points. Returns the points and the calls
    counted for each group and hour."""
    counted: dict[tuple[str, int], dict[str, int]] = {}
    for group, hour, location in calls:
        where = counted.setdefault((group, hour), {})
        where[location] = where.get(location, 0) + 1
    learnt: dict[str, dict[int, str | list[str]]] = {}
    totals: dict[str, dict[int, int]] = {}
    for (group, hour), where in sorted(counted.items()):
        total = sum(where.values())
        totals.setdefault(group, {})[hour] = total
        if total < min_calls:
            continue
        if points <= 1 or travel is None:
            learnt.setdefault(group, {})[hour] = min(where, key=lambda c: (-where[c], c))
        else:
            learnt.setdefault(group, {})[hour] = _spread(where, points, travel)
    return learnt, totals


def _spread(
    where: Mapping[str, int], points: int, travel: Callable[[str, str], float]
) -> list[str]:
    """Greedy p-median over the calls' own places: deterministic, and close to the best
    for the handful of points a group has idle porters for."""
    places = sorted(where)
    nearest = dict.fromkeys(places, float("inf"))
    chosen: list[str] = []
    while len(chosen) < points:
        walks = {
            c: sum(n * min(nearest[o], travel(c, o)) for o, n in where.items())
            for c in places
            if c not in chosen
        }
        if not walks:
            break
        best = min(walks, key=lambda c: (walks[c], c))
        if chosen and walks[best] >= sum(n * nearest[o] for o, n in where.items()):
            break  # another point would shorten no walk
        chosen.append(best)
        nearest = {o: min(nearest[o], travel(best, o)) for o in places}
    return chosen
