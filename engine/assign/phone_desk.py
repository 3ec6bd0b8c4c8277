"""What a dispatcher with a phone and a list does, as a baseline to beat.

First come, first served within the job's own group, to the porter of that group
who has been free longest; no lending between groups, no batching, and nothing
moved once it is given. It respects the hard rules (skills, shifts, readiness)
as a careful dispatcher would, and knows nothing of travel or deadlines: the
published studies compare optimised dispatch with exactly this practice.
"""

from __future__ import annotations

import numpy as np

from engine.assign.model import Plan, Round


def solve_phone_desk(rnd: Round) -> Plan:
    a = rnd.arrays
    jobs = rnd.problem.jobs
    n_jobs, n_porters = rnd.shape
    free = (rnd.capacity > 0) & (a.porters.active == 0)
    feasible = rnd.feasibility.feasible
    plan: Plan = {}
    # Given before: it stays with whoever has it, if they still may do it.
    for j in range(n_jobs):
        held = np.flatnonzero(a.kept[j])
        whole = len(held) == int(a.jobs.needed[j])
        if whole and feasible[j, held].all() and free[held].all():
            plan[j] = tuple(sorted(held.tolist()))
            free[held] = False
    order = sorted(
        (j for j in range(n_jobs) if j not in plan),
        key=lambda j: (float(a.jobs.requested[j]), jobs[j].id),
    )
    porter_index = np.arange(n_porters)
    for j in order:
        own = a.porters.group == a.jobs.group[j]
        idx = np.flatnonzero(feasible[j] & free & own)
        needed = int(a.jobs.needed[j])
        if len(idx) < needed:
            continue
        longest = np.lexsort((porter_index[idx], a.porters.free_since[idx]))
        chosen = idx[longest[:needed]]
        free[chosen] = False
        plan[j] = tuple(sorted(chosen.tolist()))
    return plan
