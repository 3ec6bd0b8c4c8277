"""Walking minutes between a site's locations, as the solver reads them.

Read-only once built: a round, a replay and a fingerprint may all hold the
same matrix, and its digest (of the bytes) names it in stored decisions.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from engine.domain.site import SiteLayout

UNKNOWN_LOCATION_MINUTES = 5.0


@dataclass(frozen=True, eq=False)
class Travel:
    """Walking minutes between location codes, plus a guess for porters we cannot place."""

    codes: tuple[str, ...]
    minutes: NDArray[np.float64]
    unknown_minutes: float = UNKNOWN_LOCATION_MINUTES
    index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        matrix = np.array(self.minutes, dtype=np.float64)
        if matrix.shape != (len(self.codes), len(self.codes)):
            raise ValueError("travel matrix must be square over the codes")
        matrix.setflags(write=False)
        object.__setattr__(self, "minutes", matrix)
        object.__setattr__(self, "index", {c: i for i, c in enumerate(self.codes)})

    @classmethod
    def from_site(
        cls, layout: SiteLayout, unknown_minutes: float = UNKNOWN_LOCATION_MINUTES
    ) -> Travel:
        return cls(tuple(layout.codes), layout.matrix(), unknown_minutes)

    def between(self, start: str | None, end: str) -> float:
        if start is None:
            return self.unknown_minutes
        return float(self.minutes[self.index[start], self.index[end]])

    def digest(self) -> str:
        """Hash of the matrix bytes: stable, and cheaper than hashing its JSON."""
        return self._digest

    @cached_property
    def _digest(self) -> str:  # the matrix is read-only, so once per Travel is enough
        body = np.ascontiguousarray(self.minutes, dtype="<f8").tobytes()
        return hashlib.sha256(body).hexdigest()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Travel):
            return NotImplemented
        return (
            self.codes == other.codes
            and self.unknown_minutes == other.unknown_minutes
            and bool(np.array_equal(self.minutes, other.minutes))
        )

    __hash__ = None  # type: ignore[assignment]

    def to_data(self) -> dict[str, Any]:
        return {
            "codes": list(self.codes),
            "minutes": self.minutes.tolist(),
            "unknown_minutes": self.unknown_minutes,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Travel:
        return cls(tuple(data["codes"]), np.array(data["minutes"]), float(data["unknown_minutes"]))
