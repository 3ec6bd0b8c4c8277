"""The pluggable pieces, as structural types: anything with the right shape fits.

Like PyVRP's operators, a strategy, a rule or a cost term is just an object
or function with the right signature; nothing needs to inherit from a base
class or register itself in global state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from engine.assign.arrays import B, F, ProblemArrays
    from engine.assign.costs import Pairs
    from engine.assign.problem import AssignmentProblem, JobSpec, PorterSpec
    from engine.assign.result import AssignmentResult
    from engine.assign.solve import SolverParams
    from engine.domain.policy.document import PolicyDocument


class Strategy(Protocol):
    """Turns a problem into a result. `name` is what the result reports."""

    name: str

    def solve(self, problem: AssignmentProblem, params: SolverParams) -> AssignmentResult: ...


class PairCheck(Protocol):
    """A hard rule for one pair: a sentence when the pair is excluded, else None."""

    def __call__(
        self, job: JobSpec, porter: PorterSpec, problem: AssignmentProblem, /
    ) -> str | None: ...


class MaskCheck(Protocol):
    """The same hard rule for all pairs at once: True where excluded."""

    def __call__(self, arrays: ProblemArrays, policy: PolicyDocument, /) -> B: ...


class CostTerm(Protocol):
    """One soft cost, in cost units, for a list of (job, porter) pairs given by index."""

    def __call__(self, arrays: ProblemArrays, policy: PolicyDocument, pairs: Pairs, /) -> F: ...
