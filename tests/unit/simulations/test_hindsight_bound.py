"""The hindsight bound is a lower bound: never above the fewest late jobs of any schedule.

Small days are planned exhaustively, every order of every subset of jobs on every
porter, as a run could have done them (one job at a time, picked up when ready
and while on shift, finished whenever); the bound must never claim more late
jobs than the best of those. Where the answer is plain, it must find it.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from simulations.hindsight import Crew, Day, Task, late_bound
from simulations.hindsight.summary import hindsight, stat_fast_at_most, waits


def task(
    key: str,
    ready: float,
    due: float,
    carry: float,
    group: str = "a",
    priority: str = "routine",
    widen: float = math.inf,
    skills: frozenset[str] = frozenset(),
) -> Task:
    return Task(
        key=key,
        priority=priority,
        group=group,
        skills=skills,
        porters=1,
        batch=1,
        release=max(0.0, ready - 0.5),
        start=max(0.0, ready - 0.5),
        ready=ready,
        due=due,
        carry=carry,
        widen=widen,
    )


def porter(*periods: tuple[float, float], group: str = "a", skills: str = "") -> Crew:
    return Crew(group, frozenset(skills.split()) if skills else frozenset(), tuple(periods))


def day(tasks: list[Task], crews: list[Crew], minutes: float = 120.0) -> Day:
    return Day(minutes, tuple(tasks), tuple(crews), {})


# -- plain answers ------------------------------------------------------------------


def test_three_jobs_that_fill_one_porters_window_twice_over_leave_one_late() -> None:
    jobs = [task(k, 0.5, 20.5, 10.0) for k in "abc"]
    assert late_bound(day(jobs, [porter((0.0, 120.0))])).late == 1


def test_a_job_whose_window_is_shorter_than_its_carry_is_late_even_alone() -> None:
    bound = late_bound(day([task("a", 10.0, 15.0, 8.0)], [porter((0.0, 120.0))]))
    assert (bound.late, bound.certain) == (1, 1)


def test_a_job_nobody_of_its_group_can_take_is_late_unless_it_can_be_widened() -> None:
    lone = [porter((0.0, 120.0), group="b")]
    assert late_bound(day([task("a", 1.0, 40.0, 5.0)], lone)).late == 1
    assert late_bound(day([task("a", 1.0, 40.0, 5.0, widen=10.0)], lone)).late == 0


def test_a_lending_group_counts_from_the_start() -> None:
    lone = [porter((0.0, 120.0), group="b")]
    lent = Day(120.0, (task("a", 1.0, 40.0, 5.0),), tuple(lone), {"a": ("b",)})
    assert late_bound(lent).late == 0


def test_a_job_needing_a_skill_nobody_has_is_late() -> None:
    job = task("a", 1.0, 40.0, 5.0, skills=frozenset({"bariatric"}))
    assert late_bound(day([job], [porter((0.0, 120.0), skills="isolation")])).late == 1
    assert late_bound(day([job], [porter((0.0, 120.0), skills="bariatric")])).late == 0


def test_a_porter_may_finish_after_the_shift_the_job_that_began_in_it() -> None:
    late_start = task("a", 8.0, 30.0, 15.0)
    assert late_bound(day([late_start], [porter((0.0, 10.0))])).late == 0
    after = task("b", 12.0, 40.0, 5.0)  # given after the shift: nobody to take it
    assert late_bound(day([after], [porter((0.0, 10.0))])).late == 1


def test_jobs_due_after_the_end_of_the_day_cannot_be_late_and_are_not_counted() -> None:
    bound = late_bound(day([task("a", 100.0, 200.0, 5.0)], [], minutes=120.0))
    assert (bound.due, bound.late) == (0, 0)


def test_a_bound_by_priority_counts_only_that_priority() -> None:
    jobs = [task("s", 0.5, 10.5, 10.0, priority="stat"), task("r", 0.5, 10.5, 10.0)]
    alone = day(jobs, [porter((0.0, 120.0))])
    assert late_bound(alone).late == 1
    assert late_bound(alone, priorities=("stat",)).late == 0
    assert hindsight(alone)["late_by_priority"] == {"stat": 0, "asap": 0, "urgent": 0, "routine": 0}
    assert hindsight(alone)["late_jobs"] == 1


def test_waits_are_bounded_by_when_each_job_could_first_be_picked_up() -> None:
    scheduled = replace(task("a", 30.0, 60.0, 5.0), release=0.0, start=20.0)
    figures = waits(day([scheduled, task("b", 1.0, 50.0, 5.0)], [porter((0.0, 120.0))]))
    assert figures["routine"]["p50"] == 0.5
    assert figures["routine"]["p99"] == 10.0
    assert figures["stat"]["mean"] is None


def test_only_a_stat_job_ready_within_five_minutes_can_be_picked_up_within_five() -> None:
    soon = task("a", 1.0, 20.0, 5.0, priority="stat")
    later = replace(task("b", 30.0, 50.0, 5.0, priority="stat"), release=0.0, start=0.0)
    assert stat_fast_at_most(day([soon, later], [])) == 0.5


# -- never above any schedule ---------------------------------------------------------


def _fewest_late(d: Day) -> int:
    """The fewest late jobs over every schedule a run could have followed: each job on
    one porter or none, each porter's jobs in some order, each picked up as soon as it
    is ready, the porter free, and the porter on shift (then it may run over)."""
    counted = [t for t in d.tasks if t.due <= d.minutes]
    best = len(counted)
    for owners in itertools.product(range(-1, len(d.crews)), repeat=len(counted)):
        on_time = 0
        for p, crew in enumerate(d.crews):
            mine = [t for t, o in zip(counted, owners, strict=True) if o == p]
            on_time += max((_in_time(order, crew, d) for order in itertools.permutations(mine)),
                           default=0)  # fmt: skip
        best = min(best, len(counted) - on_time)
    return best


def _in_time(order: tuple[Task, ...], crew: Crew, d: Day) -> int:
    free, done = 0.0, 0
    for t in order:
        start = max(free, t.ready)
        shift = next((p for p in crew.periods if p[0] <= start < p[1]), None)
        if shift is None:  # wait for the next period's start
            later = [p for p in crew.periods if p[0] > start]
            if not later:
                return -len(order)  # a run could not have done this order
            start = later[0][0]
        eligible = crew.group in d.lends_to(t.group) or start > t.widen
        if not eligible or not t.skills <= crew.skills:
            return -len(order)
        free = start + t.carry
        done += free <= t.due
    return done


@st.composite
def small_days(draw: st.DrawFn) -> Day:
    tasks = []
    for i in range(draw(st.integers(1, 5))):
        ready = draw(st.floats(0.5, 50.0)) // 0.5 * 0.5
        tasks.append(
            task(
                f"j{i}",
                ready,
                ready + draw(st.sampled_from([5.0, 10.0, 20.0, 45.0])),
                draw(st.sampled_from([2.0, 4.5, 8.0, 15.0])),
                group=draw(st.sampled_from("ab")),
                widen=draw(st.sampled_from([math.inf, ready + 2.0])),
            )
        )
    crews = []
    for _ in range(draw(st.integers(0, 2))):
        begin = draw(st.sampled_from([0.0, 10.0, 30.0]))
        crews.append(porter((begin, begin + draw(st.sampled_from([15.0, 40.0, 90.0]))),
                            group=draw(st.sampled_from("ab"))))  # fmt: skip
    return day(tasks, crews, minutes=80.0)


@settings(max_examples=150, deadline=None)
@given(small_days())
def test_the_bound_is_never_above_the_fewest_late_jobs_of_any_schedule(d: Day) -> None:
    assert late_bound(d).late <= _fewest_late(d)


@settings(max_examples=50, deadline=None)
@given(small_days())
def test_the_same_day_gives_the_same_bound(d: Day) -> None:
    assert late_bound(d) == late_bound(d)
    assert hindsight(d) == hindsight(d)
