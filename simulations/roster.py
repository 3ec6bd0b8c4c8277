"""Who works when in a scenario: the hospital's roster with the scenario's changes.

Shared by the simulation (which registers these porters), the load model (which
counts their minutes on shift hour by hour) and the hindsight bound (which plans
with them), so all three mean the same people on the same shifts.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

from engine.hospital import Hospital, RosterEntry
from simulations.scenario import Staffing


def roster_of(hospital: Hospital, staffing: list[Staffing]) -> list[RosterEntry]:
    """The hospital's porters who take jobs, less and plus the scenario's changes.

    An extra porter copies the skills and base of the first porter of the same group
    and role (or the change's own skills, or the service desk as base); their badges
    start with `X-` so a what-if replay tells them from the recorded roster."""
    entries = list(hospital.porters())
    for extra in staffing:
        if extra.count < 0:
            key = (extra.group, extra.role, extra.shift)
            same = [e for e in entries if (e.group, e.role, e.shift) == key]
            for gone in same[: -extra.count]:
                entries.remove(gone)
            continue
        template = next(
            (e for e in entries if e.group == extra.group and e.role == extra.role), None
        )
        skills = extra.skills or (template.skills if template else ())
        base = template.base if template else "OPD-DESK"
        prefix = f"X-{extra.group[:2].upper()}-{extra.role[:3].upper()}-"
        first = sum(1 for e in entries if e.badge.startswith(prefix))  # on several shifts
        for i in range(first, first + extra.count):
            badge = f"{prefix}{i + 1:02d}"
            entries.append(
                RosterEntry(badge, extra.group, extra.role, tuple(skills), extra.shift, base, True)
            )
    return entries


def template_periods(
    hospital: Hospital, shift: str, first: date, hours: float
) -> list[tuple[datetime, datetime]]:
    """Every working period of a template that may touch a run of `hours` from `first`
    (from the day before: a night shift runs into the first morning)."""
    periods = []
    for offset in range(-1, math.ceil(hours / 24) + 1):
        periods += hospital.shift_periods(shift, first + timedelta(offset))
    return periods


def clipped(
    periods: list[tuple[datetime, datetime]], start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """The parts of `periods` inside [start, end)."""
    out = []
    for begin, finish in periods:
        begin, finish = max(begin, start), min(finish, end)
        if begin < finish:
            out.append((begin, finish))
    return out
