"""A round's load by group: how many porters its jobs ask for against how many of its
porters are free, and what that makes a loan cost when lending widens with load
(`anticipation.lending_widens`). Read from the round's own columns, so a replay of
the round computes the same figures."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from engine.domain.policy.anticipation import Anticipation

if TYPE_CHECKING:
    from engine.assign.arrays import JobArrays, PorterArrays

F = NDArray[np.float64]
I = NDArray[np.int64]  # noqa: E741


def group_load(jobs: JobArrays, porters: PorterArrays, groups: int) -> tuple[I, I]:
    """Per group: porters its jobs in the round ask for, and its porters free for them
    (on duty, holding nothing that cannot move)."""
    queue: I = np.bincount(jobs.group, weights=jobs.needed, minlength=groups).astype(np.int64)
    idle = porters.available & (porters.active == 0)
    free: I = np.bincount(porters.group[idle], minlength=groups).astype(np.int64)
    return queue, free


def lending_share(
    jobs: JobArrays, porters: PorterArrays, groups: int, anticipation: Anticipation
) -> F:
    """1 everywhere unless `anticipation.lending_widens`; then, per borrowing group,
    1 / (1 + scale * excess), excess being its queue beyond its free porters, per free
    porter (at least one): a group with more work than hands borrows more cheaply."""
    if not anticipation.lending_widens:
        return np.ones(groups)
    queue, free = group_load(jobs, porters, groups)
    excess = np.maximum(queue - free, 0) / np.maximum(free, 1)
    share: F = 1.0 / (1.0 + anticipation.lending_scale * excess)
    return share
