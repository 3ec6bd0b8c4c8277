"""The pure assignment core: which porter takes which job this round, and why.

No I/O, no clock, no event store: a problem goes in, a result comes out, and
the same problem and parameters give the same result on any machine.
"""

from engine.assign.costs import CostTerm
from engine.assign.explain import PairExplanation, explain, job_options, leave_cost
from engine.assign.problem import AssignmentProblem, JobSpec, PorterSpec
from engine.assign.result import Alternative, Assignment, AssignmentResult, Unassigned
from engine.assign.rules import RULES, MaskCheck, PairCheck, Rule, violations
from engine.assign.solve import (
    STRATEGIES,
    GreedyStrategy,
    OptimalStrategy,
    SolverParams,
    Strategy,
    solve,
)
from engine.assign.travel import Travel

__all__ = [
    "RULES",
    "STRATEGIES",
    "Alternative",
    "Assignment",
    "AssignmentProblem",
    "AssignmentResult",
    "CostTerm",
    "GreedyStrategy",
    "JobSpec",
    "MaskCheck",
    "OptimalStrategy",
    "PairCheck",
    "PairExplanation",
    "PorterSpec",
    "Rule",
    "SolverParams",
    "Strategy",
    "Travel",
    "Unassigned",
    "explain",
    "job_options",
    "leave_cost",
    "solve",
    "violations",
]
