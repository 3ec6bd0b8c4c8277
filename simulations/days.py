"""Named days: the stressed day, a standard day whose roster covers its demand, and loads.

- `stressed()`: the reference hospital's roster as the source material gives it
  (nearly everyone on the early shift) against a full day's demand. Evenings are
  short of everyone but the emergency group, so evening specimens, documents and
  drugs pile up and hundreds of jobs are still open at midnight. It stays because
  it is what earlier figures were measured on, and because a dispatch rule must
  also be judged where no rule can keep up.
- `standard()`: the same demand with porters added, group by group, on the
  hospital's own full shifts, until no hour's offered work is above
  `COVER_TARGET` of its group's time on shift (`cover`). A credible hospital
  staffs to its demand; this one does, by arithmetic any hospital file allows.
- `at_load(base, u)`: the base day with its demand scaled so that its utilisation
  (`simulations.load`) is u; the load sweep runs these on one roster.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta

from engine.hospital import Hospital, RosterEntry
from simulations.load import DemandShape, Load, capacity_by_hour
from simulations.roster import clipped, template_periods
from simulations.scenario import Scenario, Staffing

COVER_TARGET = 0.75
"""A group's hour is covered when its offered work is at most this share of its time
on shift: the slack that lets a stat call find a free porter within minutes."""
MIN_USE = 0.10
"""A porter is added only where at least this share of their shift covers a shortfall
(a night porter for the dawn specimen rounds is; one for a quarter of an hour is not)."""
MIN_SHIFT_HOURS = 6.0
"""Porters are added on the full shifts the hospital's porters work (one stretch of at
least this long), not on short or split ones, nor on its dispatchers' hours."""


def stressed() -> Scenario:
    """The reference hospital's busy weekday on its reference roster: about 1,700 jobs."""
    return Scenario(name="stressed day")


def _role(hospital: Hospital, group: str, skills_wanted: Counter[frozenset[str]]) -> Staffing:
    """The group's job-taking role that can do most of its work (then the most skilled),
    with the skills of its most skilled porter."""
    roles: dict[str, set[str]] = {}
    for entry in hospital.porters():
        if entry.group == group:
            mine = roles.setdefault(entry.role, set())
            if len(entry.skills) > len(mine):
                mine.clear()
                mine.update(entry.skills)
    if not roles:
        raise ValueError(f"group {group} has no porter who takes jobs to copy")

    def score(role: str) -> tuple[float, int, str]:
        can = sum(n for need, n in skills_wanted.items() if need <= roles[role])
        return (-can, -len(roles[role]), role)

    best = min(roles, key=score)
    return Staffing(group=group, role=best, shift="", count=1, skills=tuple(sorted(roles[best])))


def cover(scenario: Scenario, hospital: Hospital, target: float = COVER_TARGET) -> list[Staffing]:
    """Porters to add so that each pool's offered work is at most `target` of its time
    on shift in every hour (`simulations.load`), where a full shift can be had for it.

    Pool by pool, the shift that covers most of what is still short is added, one
    porter at a time, while that porter's shift is at least `MIN_USE` useful; ties go
    to the shorter shift, then the name. The porter joins the pool's group whose own
    work is shortest of its own porters on that shift, in the role that can do most
    of that group's work. Deterministic, and any hospital file will do."""
    shape = DemandShape(scenario, hospital)
    load = shape.load(scenario.demand.jobs_per_day)
    start = datetime.combine(scenario.day, time(0), hospital.timezone)
    end = start + timedelta(hours=scenario.hours)
    worked = {e.shift for e in hospital.porters()}
    shifts = {}
    for name in sorted(worked & set(hospital.shift_templates)):
        periods = template_periods(hospital, name, scenario.day, scenario.hours)
        longest = max(((b - a).total_seconds() for a, b in periods), default=0.0)
        if longest >= MIN_SHIFT_HOURS * 3600:
            shifts[name] = _contribution(clipped(periods, start, end), load)
    needs: dict[str, Counter[frozenset[str]]] = {}
    for w in shape.sample:
        needs.setdefault(w.group, Counter())[w.skills] += 1
    zero = [0.0] * load.hours
    capacity = {g: list(load.capacity.get(g, zero)) for g in load.pools}
    counts: Counter[tuple[str, str]] = Counter()
    staffed = {e.group for e in hospital.porters()}
    for pool in sorted(set(load.pools.values())):
        members = [g for g in sorted(load.pools) if load.pools[g] == pool]
        joinable = [g for g in members if g in staffed]  # a role to copy
        while shifts and joinable:
            short = _short(load, members, capacity, target)
            gains = {
                name: sum(min(s, c) for s, c in zip(short, row, strict=True))
                for name, row in shifts.items()
            }
            name = min(gains, key=lambda n: (-gains[n], sum(shifts[n]), n))
            if gains[name] < MIN_USE * sum(shifts[name]) or gains[name] <= 0:
                break
            # The pool's group whose own work is shortest of its own porters then.
            row = shifts[name]
            group = min(joinable, key=lambda g: (-_own_short(load, g, capacity, target, row), g))
            counts[(group, name)] += 1
            capacity[group] = [a + b for a, b in zip(capacity[group], shifts[name], strict=True)]
    added = []
    for (group, name), n in sorted(counts.items()):
        role = _role(hospital, group, needs.get(group, Counter()))
        added.append(role.model_copy(update={"shift": name, "count": n}))
    return added


def _short(
    load: Load, members: list[str], capacity: dict[str, list[float]], target: float
) -> list[float]:
    """A pool's porter-minutes short of covering its work at `target`, hour by hour."""
    zero = [0.0] * load.hours
    return [
        max(0.0, sum(load.offered.get(g, zero)[h] for g in members) / target
            - sum(capacity[g][h] for g in members))
        for h in range(load.hours)
    ]  # fmt: skip


def _own_short(
    load: Load, group: str, capacity: dict[str, list[float]], target: float, shift: list[float]
) -> float:
    """How much of a shift's time a group's own work would use, short of its own porters."""
    zero = [0.0] * load.hours
    mine = load.offered.get(group, zero)
    return sum(
        min(c, max(0.0, o / target - have))
        for o, have, c in zip(mine, capacity[group], shift, strict=True)
    )


def _contribution(periods: list[tuple[datetime, datetime]], load: Load) -> list[float]:
    """One porter's minutes on shift in each hour of the run, on these periods."""
    someone = RosterEntry("", "", "", (), "", "", True)
    return capacity_by_hour([(someone, a, b) for a, b in periods], load.start, load.hours)[""]


def covered(base: Scenario, name: str, hospital: Hospital | None = None) -> Scenario:
    """`base` with the porters `cover` adds to its staffing, named `name`."""
    hospital = hospital or Hospital.load(base.hospital)
    staffing = [*base.staffing, *cover(base, hospital)]
    return base.model_copy(update={"name": name, "staffing": staffing})


def standard() -> Scenario:
    """The stressed day's demand on a roster that covers it hour by hour (`cover`)."""
    return covered(stressed(), "standard day")


def at_load(base: Scenario, utilisation: float, shape: DemandShape | None = None) -> Scenario:
    """`base` with as many jobs a day as bring its utilisation to `utilisation`, named so
    (`shape`: the base's demand shape, if already learnt)."""
    shape = shape or DemandShape(base, Hospital.load(base.hospital))
    demand = base.demand.model_copy(update={"jobs_per_day": shape.jobs_for(utilisation)})
    name = f"{base.name} at {utilisation:.0%} utilisation"
    return base.model_copy(update={"demand": demand, "name": name})


def at_loads(base: Scenario, levels: list[float]) -> dict[float, Scenario]:
    """`at_load` for each level, the demand's shape learnt once."""
    shape = DemandShape(base, Hospital.load(base.hospital))
    return {level: at_load(base, level, shape) for level in levels}
