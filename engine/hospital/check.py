"""Read a hospital file, check it whole, and report every problem at once.

Every problem names the file, the path inside it (`roster[3].group`) and what
would fix it, so a planner who wrote the file by hand can correct it in one go.
Nothing runs on a file with a problem.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError

from engine.domain.errors import DomainError
from engine.domain.site import WEEKDAYS
from engine.domain.values import Kind, Mode
from engine.hospital.file import Badge, Clock, Code, HospitalFile, Name, RoundIn

MAX_SHOWN = 20


@dataclass(frozen=True)
class Problem:
    path: str
    what: str
    fix: str = ""

    def line(self, file: str) -> str:
        fix = f" (fix: {self.fix})" if self.fix else ""
        return f"{file}: {self.path or '(top)'}: {self.what}{fix}"


class HospitalFileError(DomainError):
    """A hospital file that cannot be used; `problems` lists every place at fault."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems
        lines = [p.line(file) for p in problems[:MAX_SHOWN]]
        if len(problems) > MAX_SHOWN:
            lines.append(f"{file}: ... and {len(problems) - MAX_SHOWN} more")
        super().__init__("\n".join(lines))


def _path(loc: Iterable[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out.lstrip(".")


def _fix_for(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "remove it, or check its spelling against the schema (dispatch hospital schema)"
    if kind == "missing":
        return "add it"
    if kind == "string_pattern_mismatch":
        pattern = str(error.get("ctx", {}).get("pattern", ""))
        return _PATTERN_HINTS.get(pattern, "")
    return ""


_PATTERN_HINTS = {
    str(get_args(p)[1].pattern): hint
    for p, hint in (
        (Name, "lower-case letters, digits and _, starting with a letter, e.g. night_team"),
        (Code, "letters, digits, _ . and -, e.g. N-W1"),
        (Badge, "letters, digits, _ and -, at most 32"),
        (Clock, "a time of day as HH:MM, e.g. 07:30"),
    )
}


def read_file(path: Path) -> dict[str, Any]:
    name = str(path)
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise HospitalFileError(name, [Problem("", "no such file", "check the path")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise HospitalFileError(name, [Problem("", f"cannot be read: {exc}")]) from None
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        raise HospitalFileError(name, [Problem(where, f"not JSON: {exc.msg}")]) from None
    if not isinstance(data, dict):
        raise HospitalFileError(name, [Problem("", "must be a JSON object")])
    return data


def parse(data: dict[str, Any], file: str) -> HospitalFile:
    """The file's shape, then its references: raises with every problem found."""
    try:
        parsed = HospitalFile.model_validate(data)
    except ValidationError as exc:
        problems = [
            Problem(_path(e["loc"]), e["msg"], _fix_for(dict(e)))
            for e in exc.errors(include_url=False)
        ]
        raise HospitalFileError(file, problems) from None
    problems = check_references(parsed)
    if problems:
        raise HospitalFileError(file, problems)
    return parsed


def _unique(values: list[str], where: str, what: str) -> list[Problem]:
    twice = [v for v, n in Counter(values).items() if n > 1]
    return [
        Problem(
            f"{where}[{values.index(v, values.index(v) + 1)}]",
            f"{what} {v!r} given twice",
            "give each one a different id",
        )
        for v in twice
    ]


def _known(value: str, known: set[str], path: str, what: str, where: str) -> list[Problem]:
    if value in known:
        return []
    listed = ", ".join(sorted(known)[:10]) or "none yet"
    return [Problem(path, f"unknown {what} {value!r}", f"use one of {where} ({listed})")]


def check_references(h: HospitalFile) -> list[Problem]:
    problems: list[Problem] = []
    try:
        ZoneInfo(h.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(
            Problem(
                "timezone",
                f"unknown time zone {h.timezone!r}",
                "an IANA name such as Asia/Shanghai",
            )
        )
    groups = {g.id for g in h.groups}
    skills = {s.id for s in h.skills}
    codes = {loc.code for loc in h.locations}
    departments = {d.id for d in h.departments}
    problems += _unique([g.id for g in h.groups], "groups", "group")
    problems += _unique([s.id for s in h.skills], "skills", "skill")
    problems += _unique([e.id for e in h.equipment], "equipment", "equipment")
    problems += _unique([d.id for d in h.departments], "departments", "department")
    problems += _unique([loc.code for loc in h.locations], "locations", "location code")
    problems += _unique([r.badge for r in h.roster], "roster", "badge")

    def skill_list(names: Iterable[str], path: str) -> None:
        for i, name in enumerate(names):
            problems.extend(_known(name, skills, f"{path}[{i}]", "skill", "the skills list"))

    for i, d in enumerate(h.departments):
        problems += _known(d.group, groups, f"departments[{i}].group", "group", "groups")
    for i, e in enumerate(h.equipment):
        skill_list(e.skills, f"equipment[{i}].skills")
    modes, kinds = {m.value for m in Mode}, {k.value for k in Kind}
    for mode, names in h.skill_rules.modes.items():
        problems += _known(mode, modes, f"skill_rules.modes.{mode}", "mode", "the modes")
        skill_list(names, f"skill_rules.modes.{mode}")
    skill_list(h.skill_rules.isolation, "skill_rules.isolation")
    for kind, names in h.skill_rules.kinds.items():
        problems += _known(kind, kinds, f"skill_rules.kinds.{kind}", "job kind", "the kinds")
        skill_list(names, f"skill_rules.kinds.{kind}")
    for i, loc in enumerate(h.locations):
        if loc.department is not None and departments:
            problems += _known(
                loc.department,
                departments,
                f"locations[{i}].department",
                "department",
                "departments",
            )
    problems += _travel(h, codes)
    for name, template in h.shift_templates.items():
        for i, day in enumerate(template.days):
            if day not in WEEKDAYS:
                problems.append(
                    Problem(
                        f"shift_templates.{name}.days[{i}]",
                        f"unknown weekday {day!r}",
                        ", ".join(WEEKDAYS),
                    )
                )
        for i, period in enumerate(template.periods):
            if period.start == period.end:
                problems.append(
                    Problem(
                        f"shift_templates.{name}.periods[{i}]",
                        "starts when it ends",
                        "a night shift ends the next day: "
                        "give an end before the start, e.g. 23:00 to 07:30",
                    )
                )
    for name, role in h.roles.items():
        skill_list(role.skills, f"roles.{name}.skills")
    for i, entry in enumerate(h.roster):
        at = f"roster[{i}]"
        problems += _known(entry.group, groups, f"{at}.group", "group", "groups")
        problems += _known(entry.role, set(h.roles), f"{at}.role", "role", "roles")
        if (entry.shift is None) == (entry.pattern is None):
            problems.append(
                Problem(
                    f"{at}.shift",
                    "give exactly one of shift and pattern",
                    "shift: a template every week; pattern: one per weekday",
                )
            )
        templates = set(h.shift_templates)
        if entry.shift is not None:
            problems += _known(
                entry.shift, templates, f"{at}.shift", "shift template", "shift_templates"
            )
        if entry.pattern is not None and not entry.pattern:
            problems.append(Problem(f"{at}.pattern", "names no day", "give at least one weekday"))
        for day, name in (entry.pattern or {}).items():
            worked = h.shift_templates.get(name)
            if worked is not None and day in WEEKDAYS and day not in worked.days:
                problems.append(
                    Problem(
                        f"{at}.pattern.{day}",
                        f"shift template {name!r} is not worked on {day}",
                        f"add {day} to shift_templates.{name}.days, or name another template",
                    )
                )
            if day not in WEEKDAYS:
                problems.append(
                    Problem(f"{at}.pattern.{day}", f"unknown weekday {day!r}", ", ".join(WEEKDAYS))
                )
            problems += _known(
                name, templates, f"{at}.pattern.{day}", "shift template", "shift_templates"
            )
        problems += _known(entry.base, codes, f"{at}.base", "location", "the location codes")
        if entry.skills is not None:
            skill_list(entry.skills, f"{at}.skills")
    problems += _rounds(h, groups, codes, departments)
    return problems


def _rounds(
    h: HospitalFile, groups: set[str], codes: set[str], departments: set[str]
) -> list[Problem]:
    from engine.domain.commands import SubmitJob

    problems = _unique([r.id for r in h.rounds], "rounds", "round")
    served_by = {d.id: d.group for d in h.departments}
    for i, r in enumerate(h.rounds):
        at = f"rounds[{i}]"
        for end, code in (("origin", r.origin), ("destination", r.destination)):
            problems += _known(code, codes, f"{at}.{end}", "location", "the location codes")
        if departments:
            problems += _known(
                r.department, departments, f"{at}.department", "department", "departments"
            )
        if r.group is not None:
            problems += _known(r.group, groups, f"{at}.group", "group", "groups")
        elif r.department not in served_by:
            problems.append(
                Problem(
                    f"{at}.group",
                    "no group, and the department names none",
                    "give the round a group",
                )
            )
        for j, day in enumerate(r.days):
            if day not in WEEKDAYS:
                problems.append(
                    Problem(f"{at}.days[{j}]", f"unknown weekday {day!r}", ", ".join(WEEKDAYS))
                )
        try:
            SubmitJob.model_validate(round_request(r, served_by))
        except ValidationError as exc:
            e = exc.errors(include_url=False)[0]
            problems.append(Problem(f"{at}.{_path(e['loc'])}".rstrip("."), e["msg"]))
    return problems


def round_request(r: RoundIn, served_by: dict[str, str]) -> dict[str, Any]:
    """The job a round creates, as a ward's request."""
    request: dict[str, Any] = {
        "kind": r.kind,
        "priority": r.priority,
        "origin": r.origin,
        "destination": r.destination,
        "department": r.department,
        "group": r.group or served_by.get(r.department, ""),
        "notes": r.notes or r.name or r.id,
    }
    if r.requirements:
        request["requirements"] = r.requirements
    return request


def _travel(h: HospitalFile, codes: set[str]) -> list[Problem]:
    travel = h.travel
    if (travel.graph is None) == (travel.matrix is None):
        return [
            Problem(
                "travel",
                "give exactly one of graph and matrix",
                "graph: walking minutes between buildings; matrix: every ordered pair",
            )
        ]
    problems: list[Problem] = []
    if travel.graph is not None:
        buildings = {loc.building for loc in h.locations}
        walked: set[tuple[str, str]] = set()
        for i, walk in enumerate(travel.graph.walk_minutes):
            for end, name in (("from", walk.from_), ("to", walk.to)):
                problems += _known(
                    name,
                    buildings,
                    f"travel.graph.walk_minutes[{i}].{end}",
                    "building",
                    "the locations' buildings",
                )
            walked |= {(walk.from_, walk.to), (walk.to, walk.from_)}
        for a in sorted(buildings):
            for b in sorted(buildings):
                if a < b and (a, b) not in walked:
                    problems.append(
                        Problem(
                            "travel.graph.walk_minutes",
                            f"no walking time between {a} and {b}",
                            f'add {{"from": "{a}", "to": "{b}", "minutes": ...}}',
                        )
                    )
        return problems
    assert travel.matrix is not None
    seen: dict[tuple[str, str], int] = {}
    for i, leg in enumerate(travel.matrix):
        at = f"travel.matrix[{i}]"
        problems += _known(leg.from_, codes, f"{at}.from", "location", "the location codes")
        problems += _known(leg.to, codes, f"{at}.to", "location", "the location codes")
        if leg.from_ == leg.to:
            problems.append(Problem(at, "a leg from a place to itself", "leave it out (0 minutes)"))
        elif (leg.from_, leg.to) in seen:
            problems.append(
                Problem(
                    at,
                    f"{leg.from_} -> {leg.to} given twice",
                    f"keep one of this and travel.matrix[{seen[(leg.from_, leg.to)]}]",
                )
            )
        seen[(leg.from_, leg.to)] = i
    missing = [
        (a, b) for a in sorted(codes) for b in sorted(codes) if a != b and (a, b) not in seen
    ]
    if missing:
        a, b = missing[0]
        more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
        problems.append(
            Problem(
                "travel.matrix",
                f"no minutes from {a} to {b}{more}",
                "a measured matrix gives every ordered pair of locations",
            )
        )
    return problems
