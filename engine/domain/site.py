"""A site's layout: its locations and the minutes it takes to move between them.

Travel is modelled, not measured pairwise: walking minutes between buildings
(ground floor to ground floor) plus minutes per floor by lift, plus a fixed
lift wait whenever floors change. That keeps a site file small while still
giving every pair of locations a time; `matrix()` precomputes them all for the
assignment core.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from engine.domain.errors import InvalidInput
from engine.domain.values import Location


@dataclass(frozen=True)
class SiteLayout:
    site: str
    name: str
    locations: dict[str, Location]
    walk_minutes: dict[tuple[str, str], float]
    lift_wait_minutes: float = 2.0
    minutes_per_floor: float = 0.5
    corridor_minutes: float = 1.0
    _matrix: list[NDArray[np.float64]] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> SiteLayout:
        site = data["site"]
        locations = {
            loc["code"]: Location(
                code=loc["code"],
                site=site,
                building=loc["building"],
                floor=int(loc["floor"]),
                room=loc.get("room", ""),
            )
            for loc in data["locations"]
        }
        walk: dict[tuple[str, str], float] = {}
        for row in data["walk_minutes"]:
            a, b, minutes = row["from"], row["to"], float(row["minutes"])
            walk[(a, b)] = walk[(b, a)] = minutes
        layout = cls(
            site=site,
            name=data.get("name", site),
            locations=locations,
            walk_minutes=walk,
            lift_wait_minutes=float(data.get("lift_wait_minutes", 2.0)),
            minutes_per_floor=float(data.get("minutes_per_floor", 0.5)),
            corridor_minutes=float(data.get("corridor_minutes", 1.0)),
        )
        layout._check()
        return layout

    def _check(self) -> None:
        buildings = {loc.building for loc in self.locations.values()}
        for a in buildings:
            for b in buildings:
                if a != b and (a, b) not in self.walk_minutes:
                    raise ValueError(f"site {self.site}: no walking time from {a} to {b}")

    @property
    def codes(self) -> list[str]:
        return sorted(self.locations)

    def location(self, code: str, field_name: str = "location") -> Location:
        try:
            return self.locations[code]
        except KeyError:
            raise InvalidInput(
                field_name, f"unknown location {code!r} on site {self.site}"
            ) from None

    def travel_minutes(self, a: str, b: str) -> float:
        if a == b:
            return 0.0
        la, lb = self.locations[a], self.locations[b]
        minutes = self.corridor_minutes
        if la.building != lb.building:
            minutes += self.walk_minutes[(la.building, lb.building)]
            floors = la.floor + lb.floor  # down to the ground and up again
        else:
            floors = abs(la.floor - lb.floor)
        if floors:
            minutes += self.lift_wait_minutes + self.minutes_per_floor * floors
        return minutes

    def matrix(self) -> NDArray[np.float64]:
        """All-pairs travel minutes, rows and columns in `codes` order; built once."""
        if not self._matrix:
            codes = self.codes
            m = np.array([[self.travel_minutes(a, b) for b in codes] for a in codes])
            m.setflags(write=False)
            self._matrix.append(m)
        return self._matrix[0]
