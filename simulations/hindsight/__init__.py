"""The hindsight bound: how few jobs could have been late had the whole day been known.

`day_of` reads a run's requests and roster into a `Day`; `late_bound` solves a
relaxation of planning that day offline, a lower bound on the late jobs of any
strategy's run of it (`bound.py` says why); `hindsight` adds bounds on waits and
on stat pickups (`summary.py`).
"""

from simulations.hindsight.bound import Late, late_bound
from simulations.hindsight.day import Crew, Day, Task, day_of
from simulations.hindsight.summary import hindsight

__all__ = ["Crew", "Day", "Late", "Task", "day_of", "hindsight", "late_bound"]
