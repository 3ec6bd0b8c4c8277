"""The entry point: pick the cheapest exact method the round allows.

- No two-porter job and no possible batch: an assignment problem, solved by
  OR-Tools min-cost flow (or LSA; both exact, same answer).
- Two-porter jobs: the same flow model as a relaxation. If no job comes back
  half-staffed, its optimum is feasible and therefore optimal; otherwise
  branch and bound over the relaxation settles it (branch.py), and only past
  its node budget does CP-SAT decide, warm-started from the best plan found.
- Possible batches: CP-SAT, since one walk can serve several jobs, warm-
  started from a flow-based batching plan (batching.py). CP-SAT needs seconds
  once a round has more than about a thousand candidate pairs, so above
  `cpsat_max_pairs` the flow-based plan is the answer (reported FEASIBLE).

After a pruned CP-SAT solve, idle porters are offered to jobs still waiting
whenever that lowers the objective, and a plan already in hand (greedy's
among them) is kept instead if it is better: the optimal strategy is never
worse than the baseline.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal, Protocol

from engine.assign.batching import batch_plan
from engine.assign.branch import branch_and_bound
from engine.assign.cpsat import candidates, solve_cpsat
from engine.assign.flow import Relaxation
from engine.assign.greedy import repair, solve_greedy
from engine.assign.model import Plan, Round, plan_units
from engine.assign.phone_desk import solve_phone_desk
from engine.assign.problem import AssignmentProblem
from engine.assign.result import AssignmentResult, build_result

Backend = Literal["auto", "lsa", "mcf", "cpsat"]


@dataclass(frozen=True)
class SolverParams:
    """How to solve; stored with each decision so a replay solves the same way.

    `backend="auto"` uses min-cost flow (measured faster than LSA at every
    size tried) and CP-SAT only when the flow model cannot express the round;
    "lsa", "mcf" and "cpsat" force a backend, for tests and comparisons.
    `candidates` is how many best pairs per job and per porter CP-SAT sees;
    in auto mode CP-SAT is skipped above `cpsat_max_pairs` of them. Only the
    deterministic time limit bounds CP-SAT, so no wall clock changes answers.
    """

    strategy: Literal["optimal", "greedy", "phone_desk"] = "optimal"
    seed: int = 0
    alternatives: int = 3
    cpsat_workers: int = 1
    backend: Backend = "auto"
    candidates: int = 8
    max_deterministic_time: float = 2.0
    max_branch_nodes: int = 64
    cpsat_max_pairs: int = 1000

    def __post_init__(self) -> None:
        if self.strategy not in ("optimal", "greedy", "phone_desk"):
            raise ValueError(f"unknown strategy {self.strategy!r}")
        if self.backend not in ("auto", "lsa", "mcf", "cpsat"):
            raise ValueError(f"unknown backend {self.backend!r}")
        if self.candidates < 1 or self.alternatives < 0 or self.cpsat_workers < 1:
            raise ValueError("candidates and cpsat_workers must be >= 1, alternatives >= 0")
        if self.max_branch_nodes < 1 or self.max_deterministic_time <= 0:
            raise ValueError("max_branch_nodes and max_deterministic_time must be positive")


class Strategy(Protocol):
    """Turns a problem into a result. `name` is what the result reports; anything with
    this shape is a strategy (nothing to inherit or register)."""

    name: str

    def solve(self, problem: AssignmentProblem, params: SolverParams) -> AssignmentResult: ...


class GreedyStrategy:
    name = "greedy"

    def solve(self, problem: AssignmentProblem, params: SolverParams) -> AssignmentResult:
        rnd = Round.build(problem, params.seed)
        plan = solve_greedy(rnd)
        return build_result(
            rnd,
            plan,
            status="FEASIBLE",
            strategy=self.name,
            method="greedy",
            alternatives=params.alternatives,
        )


class PhoneDeskStrategy:
    """The practice a hospital compares with: see `engine.assign.phone_desk`."""

    name = "phone_desk"

    def solve(self, problem: AssignmentProblem, params: SolverParams) -> AssignmentResult:
        rnd = Round.build(problem, params.seed)
        return build_result(
            rnd,
            solve_phone_desk(rnd),
            status="FEASIBLE",
            strategy=self.name,
            method="phone_desk",
            alternatives=params.alternatives,
        )


class OptimalStrategy:
    name = "optimal"

    def solve(self, problem: AssignmentProblem, params: SolverParams) -> AssignmentResult:
        rnd = Round.build(problem, params.seed)
        plan, status, method = optimal_plan(rnd, params)
        return build_result(
            rnd,
            plan,
            status=status,
            strategy=self.name,
            method=method,
            alternatives=params.alternatives,
        )


STRATEGIES: Mapping[str, Strategy] = MappingProxyType(
    {"optimal": OptimalStrategy(), "greedy": GreedyStrategy(), "phone_desk": PhoneDeskStrategy()}
)


def solve(
    problem: AssignmentProblem,
    params: SolverParams | None = None,
    strategy: Strategy | None = None,
) -> AssignmentResult:
    """Solve one round. Pass `strategy` to plug in one not named in `STRATEGIES`."""
    params = params or SolverParams()
    chosen = strategy or STRATEGIES[params.strategy]
    return chosen.solve(problem, params)


def optimal_plan(rnd: Round, params: SolverParams) -> tuple[Plan, str, str]:
    """The plan, its status, and the method that produced it."""
    hints: dict[str, Plan] = {}
    batching = rnd.batching_possible()
    if params.backend != "cpsat" and not batching:
        relax = Relaxation.build(rnd)
        method = "lsa" if params.backend == "lsa" else "mcf"
        outcome = branch_and_bound(rnd, relax, params.max_branch_nodes, method)
        if outcome.proven:
            return outcome.plan, "OPTIMAL", outcome.method
        hints["mcf+bb"] = outcome.plan
    greedy = solve_greedy(rnd)
    if batching:
        hints["mcf+batch"] = batch_plan(rnd, params.max_branch_nodes, greedy)
    hints["greedy"] = greedy
    units = {name: plan_units(rnd, hint) for name, hint in hints.items()}
    best_hint = min(hints, key=lambda name: units[name])
    js, ps, complete = candidates(rnd, params.candidates, list(hints.values()))
    if params.backend == "auto" and len(js) > params.cpsat_max_pairs:
        return hints[best_hint], "FEASIBLE", best_hint
    plan, status = solve_cpsat(
        rnd,
        js,
        ps,
        hints[best_hint],
        params.seed,
        params.cpsat_workers,
        params.max_deterministic_time,
    )
    method = "cpsat" if complete else f"cpsat(k={params.candidates})"
    if status not in ("OPTIMAL", "FEASIBLE"):
        plan, status, method = hints[best_hint], "FEASIBLE", f"{method}:{status.lower()}"
    if not (complete and status == "OPTIMAL"):
        plan = repair(rnd, plan)
        status = "FEASIBLE"
    # Never return worse than a plan already in hand.
    if units[best_hint] < plan_units(rnd, plan):
        return hints[best_hint], "FEASIBLE", f"{method}->{best_hint}"
    return plan, status, method
