"""Soft costs: what a pair would cost, and what leaving a job for a later round costs.

All terms are in cost units, weighted by `policy.weights`. Each term is a
function of a list of (job, porter) pairs, evaluated with numpy over every
pair the hard rules allow (about a third of jobs x porters in a busy round)
and, by the very same code, over a single pair for `explain`. A pair is worth
assigning only when its cost is below the job's cost of being left, so the
leave cost carries everything the job will suffer anyway:

- lateness: minutes late at pickup and at delivery, times the priority's
  rate (a scheduled patient is picked up no earlier than `ready_at`). The
  leave cost holds the lateness the job would have even if a porter stood at
  the origin now, so only the lateness a porter *adds* competes with the
  `unassigned_base` penalty. That keeps a long-overdue stat job assignable,
  and with the default weights a stat job (base 100,000) takes a porter from
  a routine one (1,000) unless reaching it would take the better part of an
  hour: a minute of travel adds at most 2,000 of stat lateness (pickup and
  delivery each a minute later, at 1,000 a minute).
- A two-porter job's lateness is split between its two pairs (each pays half),
  so the two pair costs add up to the job's lateness.
- In a batch, the porter walks to the origin once; `evaluate` in model.py
  shares that travel between the batched jobs.

Solvers work on integers: cost x 100, rounded, times 2**16, plus a tie-breaker
below one hundredth of a cost unit that hashes (job, porter, seed) together.
Because it is not a sum of a job part and a porter part it breaks ties between
whole assignments, so every exact solver lands on the same answer.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from engine.assign.arrays import B, F, I, ProblemArrays, nonzero_pairs
from engine.domain.policy.document import PolicyDocument

SCALE = 100
TIE_BITS = 16
TIE_RANGE = 1 << TIE_BITS
COST_CAP = 1e7  # cost units; keeps scaled integers clear of int64 overflow in the solvers
UNASSIGNED_ID = "\x00unassigned"


@dataclass(frozen=True)
class Pairs:
    """(job, porter) index pairs, with their travel minutes fetched once for all terms."""

    jobs: I
    porters: I
    travel: F

    @classmethod
    def of(cls, a: ProblemArrays, jobs: I, porters: I) -> Pairs:
        flat = jobs * a.shape[1] + porters
        return cls(jobs, porters, a.travel.ravel()[flat])


def minutes_late(a: ProblemArrays, jobs: I, arrival: F) -> F:
    """Minutes late at pickup plus at delivery, waiting at the origin for `ready_at`."""
    pickup = np.fmax(arrival, a.jobs.ready[jobs])  # fmax skips the NaN of unscheduled jobs
    late = pickup - a.jobs.pickup_due[jobs]
    np.maximum(late, 0.0, out=late)
    pickup += a.jobs.finish_offset[jobs]
    np.maximum(pickup, 0.0, out=pickup)
    late += pickup
    return late


class CostTerm(Protocol):
    """One soft cost, in cost units, for a list of (job, porter) pairs given by index.
    Any function of this shape is a term (as PyVRP's operators: nothing to inherit)."""

    def __call__(self, arrays: ProblemArrays, policy: PolicyDocument, pairs: Pairs, /) -> F: ...


def lateness(a: ProblemArrays, policy: PolicyDocument, pairs: Pairs) -> F:
    late = minutes_late(a, pairs.jobs, pairs.travel)
    late *= a.jobs.lateness_rate[pairs.jobs]
    return late


def travel(a: ProblemArrays, policy: PolicyDocument, pairs: Pairs) -> F:
    out: F = pairs.travel * policy.weights.travel_per_minute
    return out


def pickup_wait(a: ProblemArrays, policy: PolicyDocument, pairs: Pairs) -> F:
    out: F = pairs.travel * a.jobs.wait_rate[pairs.jobs]
    return out


def fairness(a: ProblemArrays, policy: PolicyDocument, pairs: Pairs) -> F:
    rate = policy.weights.fairness_per_job_today
    out: F = a.porters.jobs_today[pairs.porters].astype(np.float64) * rate
    return out


def churn(a: ProblemArrays, policy: PolicyDocument, pairs: Pairs) -> F:
    """Moving a job the engine gave; diverting a porter from the pickup they walk to."""
    out = np.zeros(len(pairs.jobs))
    held = np.flatnonzero(a.jobs.assigned_count[pairs.jobs] > 0)
    if len(held):
        kept = a.kept[pairs.jobs[held], pairs.porters[held]]
        out[held] = np.where(kept, 0.0, policy.weights.churn)
    out += np.where(a.porters.diverting[pairs.porters], policy.weights.churn, 0.0)
    return out


def lending(a: ProblemArrays, policy: PolicyDocument, pairs: Pairs) -> F:
    """A porter of another group costs `weights.lending`, times the borrowing group's
    share (below 1 only when the policy lets lending widen with load)."""
    job_group, porter_group = a.jobs.group[pairs.jobs], a.porters.group[pairs.porters]
    # A widened job may take any group's porter: one its group does not borrow from is
    # a loan too.
    loan = a.lent[job_group, porter_group] | (
        a.jobs.widened[pairs.jobs] & (job_group != porter_group)
    )
    out: F = np.where(loan, policy.weights.lending * a.lending_share[job_group], 0.0)
    return out


TERMS: tuple[tuple[str, CostTerm], ...] = (
    ("lateness", lateness),
    ("travel", travel),
    ("pickup_wait", pickup_wait),
    ("fairness", fairness),
    ("churn", churn),
    ("lending", lending),
)


def leave_terms(a: ProblemArrays, policy: PolicyDocument) -> dict[str, F]:
    """Cost of leaving each job for a later round, by term."""
    w = policy.weights
    jobs = np.arange(len(a.jobs.origin))
    floor = minutes_late(a, jobs, np.zeros(len(jobs))) * a.jobs.lateness_weight
    return {
        "unassigned": a.jobs.leave_base,
        "waiting": np.maximum(-a.jobs.requested, 0.0) * w.unassigned_per_waiting_minute,
        "lateness": floor,
        "churn": a.jobs.assigned_count.astype(np.float64) * w.churn,
    }


def to_units(cost: F) -> I:
    """Float cost units to the solvers' integer scale (without tie-breaker)."""
    scaled: I = np.rint(np.minimum(cost, COST_CAP) * SCALE).astype(np.int64) * TIE_RANGE
    return scaled


def _id_hashes(ids: Sequence[str], seed: int, side: str) -> NDArray[np.uint64]:
    """A 64-bit hash per id: crc32 (portable, fast) spread by the bit mixer with the seed."""
    salt = zlib.crc32(f"{seed}|{side}".encode())
    crc = np.fromiter((zlib.crc32(i.encode()) for i in ids), dtype=np.uint64, count=len(ids))
    return _mix(crc | (np.uint64(salt) << np.uint64(32)))


def _mix(x: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """splitmix64's finaliser: a fixed, portable bit mixer."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    out: NDArray[np.uint64] = x ^ (x >> np.uint64(31))
    return out


@dataclass(frozen=True)
class TieBreaker:
    job_hash: NDArray[np.uint64]
    porter_hash: NDArray[np.uint64]
    leave_hash: np.uint64

    @classmethod
    def build(cls, job_ids: Sequence[str], porter_ids: Sequence[str], seed: int) -> TieBreaker:
        leave = _id_hashes([UNASSIGNED_ID], seed, "porter")[0]
        return cls(_id_hashes(job_ids, seed, "job"), _id_hashes(porter_ids, seed, "porter"), leave)

    def pairs(self, jobs: I, porters: I) -> I:
        # Multiply-high of the xor: cheap, and not a job part plus a porter part.
        return self._top_bits(self.job_hash[jobs] ^ self.porter_hash[porters])

    def leave(self) -> I:
        return self._top_bits(self.job_hash ^ self.leave_hash)

    @staticmethod
    def _top_bits(x: NDArray[np.uint64]) -> I:
        with np.errstate(over="ignore"):
            mixed = x * np.uint64(0x9E3779B97F4A7C15)
        out: I = (mixed >> np.uint64(64 - TIE_BITS)).astype(np.int64)
        return out


@dataclass(frozen=True)
class CostMatrix:
    """Costs of every feasible pair, listed job by job, and of leaving each job.

    Pairs are the nonzeros of the feasibility mask in row-major order, so a
    job's pairs are contiguous (`starts`) and a pair is found by binary search
    on job x porters + porter. Term breakdowns are recomputed on demand for
    the few pairs a result reports.
    """

    arrays: ProblemArrays
    policy: PolicyDocument
    jobs: I
    porters: I
    total: F
    leave_terms: dict[str, F]
    leave: F
    ties: TieBreaker

    @classmethod
    def build(
        cls,
        a: ProblemArrays,
        policy: PolicyDocument,
        feasible: B,
        job_ids: Sequence[str],
        porter_ids: Sequence[str],
        seed: int,
    ) -> CostMatrix:
        jobs, porters = nonzero_pairs(feasible)
        pairs = Pairs.of(a, jobs, porters)
        total = np.zeros(len(jobs))
        for _, term in TERMS:
            total += term(a, policy, pairs)
        leaves = leave_terms(a, policy)
        leave = np.zeros(a.shape[0])
        for value in leaves.values():
            leave = leave + value
        ties = TieBreaker.build(job_ids, porter_ids, seed)
        return cls(a, policy, jobs, porters, total, leaves, leave, ties)

    @cached_property
    def starts(self) -> I:
        """Index of each job's first pair; job j's pairs are starts[j]:starts[j + 1]."""
        out: I = np.searchsorted(self.jobs, np.arange(self.arrays.shape[0] + 1))
        return out

    @cached_property
    def units(self) -> I:
        """Integer cost of every listed pair, tie-breaker included."""
        units: I = to_units(self.total) + self.ties.pairs(self.jobs, self.porters)
        return units

    @cached_property
    def _keys(self) -> I:
        keys: I = self.jobs * self.arrays.shape[1] + self.porters  # ascending: pairs are row-major
        return keys

    def index(self, jobs: I, porters: I) -> I:
        """Positions of feasible pairs in the list (the pairs must be feasible)."""
        out: I = np.searchsorted(self._keys, jobs * self.arrays.shape[1] + porters)
        return out

    def rows(self, jobs: I) -> F:
        """Dense cost rows for some jobs, +inf where the pair is not feasible."""
        out = np.full((len(jobs), self.arrays.shape[1]), np.inf)
        lo, hi = self.starts[jobs], self.starts[jobs + 1]
        length = hi - lo
        row = np.repeat(np.arange(len(jobs)), length)
        pair = np.arange(int(length.sum())) + np.repeat(lo - (np.cumsum(length) - length), length)
        out[row, self.porters[pair]] = self.total[pair]
        return out

    def cost(self, jobs: I, porters: I) -> F:
        out: F = self.total[self.index(jobs, porters)]
        return out

    def breakdown(self, jobs: I, porters: I) -> dict[str, F]:
        """Each term for a list of pairs, computed by the same functions as the total."""
        pairs = Pairs.of(self.arrays, jobs, porters)
        return {name: term(self.arrays, self.policy, pairs) for name, term in TERMS}

    def pair_units(self, jobs: I, porters: I) -> I:
        out: I = self.units[self.index(jobs, porters)]
        return out

    def travel_units(self, jobs: I, porters: I) -> I:
        return to_units(travel(self.arrays, self.policy, Pairs.of(self.arrays, jobs, porters)))

    def leave_units(self) -> I:
        units: I = to_units(self.leave) + self.ties.leave()
        return units
