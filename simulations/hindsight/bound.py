"""The hindsight bound on late jobs: a linear relaxation of the whole day planned at once.

Why it is a lower bound. Take any run of the day, by any strategy, with the
requests known in advance or not. Each of its on-time jobs was carried by porters
who were on shift when given it, eligible then (their group, a group that lends
to it, or any group once an escalation could have widened it), with the skills it
needs; carried from a pickup no earlier than `ready` to a delivery no later than
`due`, for at least `carry` minutes each; a porter carries one job at a time, or
one batch of at most `batch` jobs, counted `carry / batch` each. Split the day
into slots. The minutes each class of alike porters spent carrying on-time jobs
in a slot are at most their minutes on shift in it, plus, after a shift ends, the
one job (or batch) a porter may still finish, at most the longest carry. So the
run's on-time jobs, their carrying minutes put in the slots where they happened,
are a solution of the linear programme below, whose optimum is therefore at least
their number: the late jobs of every run are at least the jobs due by the end
minus that optimum, rounded down (a count of jobs is whole). Everything left out
only makes the programme easier: walks to pickups, the phone's answer, breaks,
declines, patients not ready, companions awaited, the order jobs come in.

The programme: maximise the number of on-time jobs `x_j` in [0, 1], each needing
`x_j * porters * carry / batch` minutes spread over the slots of its window on the
classes of porters eligible for it, within each class's minutes in each slot, and
within what its own porters could carry in a slot. GLOP (OR-Tools' simplex) solves
it, deterministic and single-threaded, with no time limit: a few seconds for a
day of 2,000 jobs.

How weak it is, and why. The walks to pickups are a third of a porter's work,
and a relaxation cannot charge them without knowing which delivery each porter
comes from. A version that traced porters through the day (from each delivery,
or a shift's start, to a later pickup, the walk charged in the slots between)
was built and measured: it bounded nothing more on these days and took five to
fifty times longer. Most origins are also some job's destination, so a planner
who knew the day could, as far as such a relaxation sees, always find a porter
nearby. The bound is therefore loose where late jobs come from queues of walks;
it is tight where they come from windows too short or from porters too few.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from simulations.hindsight.day import Day, Task

SLOT_MINUTES = 5.0
_EPS = 1e-6  # the simplex's tolerance: an optimum a hair under a whole number is that number


@dataclass(frozen=True)
class Late:
    """A lower bound on late jobs, with the jobs it is counted over."""

    due: int  # jobs due by the end of the day (the only ones that can be late)
    late: int
    certain: int  # late even alone in the hospital: the window is shorter than the carry

    @property
    def share(self) -> float | None:
        return round(self.late / self.due, 4) if self.due else None


class _Classes:
    """Porters alike for the bound: same group and same skills that any job needs; their
    minutes on shift per slot, and how many leave a shift at each moment."""

    def __init__(self, day: Day, slots: int, slot: float) -> None:
        relevant = frozenset().union(*(t.skills for t in day.tasks))
        keys: dict[tuple[str, frozenset[str]], int] = {}
        self.capacity: list[list[float]] = []
        self.ends: list[dict[float, int]] = []
        for crew in day.crews:
            key = (crew.group, crew.skills & relevant)
            if key not in keys:
                keys[key] = len(keys)
                self.capacity.append([0.0] * slots)
                self.ends.append(defaultdict(int))
            c = keys[key]
            for begin, finish in crew.periods:
                for k in range(max(0, int(begin // slot)), min(slots, math.ceil(finish / slot))):
                    minutes = min(finish, (k + 1) * slot) - max(begin, k * slot)
                    self.capacity[c][k] += max(0.0, minutes)
                if finish < day.minutes:
                    self.ends[c][finish] += 1
        self.keys = list(keys)

    def eligible(self, task: Task, lenders: frozenset[str]) -> list[tuple[int, bool]]:
        """(class, needs the widening) for each class with the task's skills."""
        return [
            (c, group not in lenders)
            for c, (group, skills) in enumerate(self.keys)
            if task.skills <= skills
        ]


class _Programme:
    """The linear programme of the module's docstring, for the jobs in `counted`."""

    def __init__(self, day: Day, counted: list[Task], slot: float) -> None:
        self.day, self.slot = day, slot
        self.slots = max(1, math.ceil(day.minutes / slot))
        self.classes = _Classes(day, self.slots, slot)
        self.solver = pywraplp.Solver.CreateSolver("GLOP")
        self.longest = max((t.carry for t in day.tasks), default=0.0)
        self.cap: dict[tuple[int, int], pywraplp.Constraint] = {}
        self.pools: dict[tuple[int, float], pywraplp.Constraint] = {}
        self.objective = self.solver.Objective()
        for t in counted:
            self._job(t)
        self.objective.SetMaximization()

    def _carried(self, *rows: pywraplp.Constraint) -> None:
        y = self.solver.NumVar(0.0, self.solver.infinity(), "")
        for row in rows:
            row.SetCoefficient(y, 1.0)

    def _job(self, t: Task) -> None:
        solver, slot, classes = self.solver, self.slot, self.classes
        x = solver.NumVar(0.0, 1.0, "")
        self.objective.SetCoefficient(x, 1.0)
        work = t.porters * t.carry / t.batch
        need = solver.Constraint(0.0, 0.0)  # minutes carried = work * x
        need.SetCoefficient(x, -work)
        eligible = classes.eligible(t, self.day.lends_to(t.group))
        placed = False
        for k in range(int(t.ready // slot), min(self.slots, math.ceil(t.due / slot))):
            inside = min(t.due, (k + 1) * slot) - max(t.ready, k * slot)
            own = t.porters * inside / t.batch  # what its own porters can carry in the slot
            if own <= 0:
                continue
            share = solver.Constraint(0.0, own) if own < work else None
            for c, widened in eligible:
                if classes.capacity[c][k] <= 0 or (widened and (k + 1) * slot <= t.widen):
                    continue
                row = self.cap.get((c, k))
                if row is None:
                    row = self.cap[(c, k)] = solver.Constraint(0.0, classes.capacity[c][k])
                self._carried(need, row, *([share] if share else []))
                placed = True
        for c, widened in eligible:  # after a shift's end: the job a porter still holds
            for end, count in classes.ends[c].items():
                if t.release < end < t.due and not (widened and end <= t.widen):
                    pool = self.pools.get((c, end))
                    if pool is None:
                        pool = self.pools[(c, end)] = solver.Constraint(0.0, count * self.longest)
                    self._carried(need, pool)
                    placed = True
        if not placed:
            x.SetUb(0.0)

    def solve(self) -> float:
        status = self.solver.Solve()
        if status != pywraplp.Solver.OPTIMAL:
            raise RuntimeError(f"the hindsight programme was not solved to optimality ({status})")
        return float(self.objective.Value())


def late_bound(
    day: Day, slot: float = SLOT_MINUTES, priorities: tuple[str, ...] | None = None
) -> Late:
    """At least this many of `day`'s jobs (of `priorities`, or all) are late in any run.

    Jobs of other priorities are left out: the programme may make them all late,
    so they would take no porter's time from the ones counted."""
    counted = [
        t
        for t in day.tasks
        if not t.withdrawn
        and t.due <= day.minutes
        and (priorities is None or t.priority in priorities)
    ]
    hopeful = [t for t in counted if t.ready + t.carry <= t.due + _EPS]
    certain = len(counted) - len(hopeful)
    if not hopeful:
        return Late(len(counted), len(counted), certain)
    on_time = math.floor(_Programme(day, hopeful, slot).solve() + _EPS)
    return Late(len(counted), len(counted) - on_time, certain)
