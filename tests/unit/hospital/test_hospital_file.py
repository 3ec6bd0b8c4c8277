"""A hospital is data: checked whole, every mistake named by its place, never a traceback."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cli.main import main
from engine.hospital import Hospital, HospitalFileError, json_schema
from tests.hospitals import riverside, write

Edit = Callable[[dict[str, Any]], object]
DATA = Path(__file__).resolve().parents[3] / "engine" / "data"


def test_the_demo_file_and_the_published_schema_are_current() -> None:
    published = json.loads((DATA / "hospital.schema.json").read_text("utf-8"))
    assert published == json_schema()
    assert Hospital.load().source == "demo"


def test_a_hospital_unlike_the_demo_loads_with_its_own_groups_skills_and_travel() -> None:
    h = Hospital.from_data(riverside())
    catalogue = h.layout.catalogue
    assert catalogue.groups == {"wards", "theatres", "night_team"}
    assert catalogue.departments["surgery"] == "theatres"
    # Measured, and not the same each way: the hill between the campuses.
    assert h.layout.travel_minutes("S-DESK", "N-DESK") > h.layout.travel_minutes("N-DESK", "S-DESK")
    assert {p.badge for p in h.porters()} == {e.badge for e in h.roster} - {"RS-01"}
    weekly = next(e for e in h.roster if e.badge == "RP-01")
    assert h.shift_periods(weekly.shift, date(2026, 11, 28))  # a Saturday: nights
    assert not h.shift_periods(weekly.shift, date(2026, 11, 25))  # a Wednesday: off
    courier = next(e for e in h.roster if e.badge == "RC-01")
    assert courier.skills == ("cold_chain",)  # the role's skills, as no entry gave its own


def _set(path: str, value: object) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        node: Any = data
        for p in parents:
            node = node[int(p)] if p.isdigit() else node[p]
        if last.isdigit():
            node[int(last)] = value
        else:
            node[last] = value

    return edit


def _drop(path: str) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        node: Any = data
        for p in parents:
            node = node[int(p)] if p.isdigit() else node[p]
        del node[int(last) if last.isdigit() else last]

    return edit


def _append(path: str, value: object) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        node: Any = data
        for p in path.split("/"):
            node = node[int(p)] if p.isdigit() else node[p]
        node.append(value)

    return edit


MISTAKES: list[tuple[str, Edit, str]] = [
    ("no site", _drop("site"), "site"),
    ("a site id in capitals", _set("site", "River"), "site"),
    ("an unknown time zone", _set("timezone", "Mars/Olympus"), "timezone"),
    ("a misspelt key", _set("rooster", []), "rooster"),
    ("no groups", _set("groups", []), "groups"),
    ("a group given twice", _append("groups", {"id": "wards"}), "groups[3]"),
    (
        "a department of an unknown group",
        _set("departments/0/group", "medics"),
        "departments[0].group",
    ),
    ("a roster entry of an unknown group", _set("roster/0/group", "nights"), "roster[0].group"),
    ("an unknown role", _set("roster/1/role", "runner"), "roster[1].role"),
    ("an unknown shift template", _set("roster/2/shift", "lates"), "roster[2].shift"),
    ("a base that is not a location", _set("roster/3/base", "N-CAFE"), "roster[3].base"),
    ("both a shift and a pattern", _set("roster/0/pattern", {"mon": "days"}), "roster[0].shift"),
    ("an empty weekly pattern", _set("roster/12/pattern", {}), "roster[12].pattern"),
    (
        "a pattern day its template is not worked on",
        _set("roster/12/pattern/sat", "weekday_courier"),
        "roster[12].pattern.sat",
    ),
    (
        "a pattern of an unknown template",
        _set("roster/12/pattern/sat", "lates"),
        "roster[12].pattern.sat",
    ),
    ("a badge given twice", _set("roster/1/badge", "RN-01"), "roster[1]"),
    (
        "an unknown skill on a role",
        _set("roles/porter/skills", ["lifting"]),
        "roles.porter.skills[0]",
    ),
    (
        "an unknown skill in the rules",
        _set("skill_rules/kinds/specimen", ["cold"]),
        "skill_rules.kinds.specimen[0]",
    ),
    (
        "a rule for an unknown job kind",
        _set("skill_rules/kinds/laundry", ["cold_chain"]),
        "skill_rules.kinds.laundry",
    ),
    (
        "a location of an unknown department",
        _set("locations/1/department", "wards"),
        "locations[1].department",
    ),
    ("a location code given twice", _set("locations/1/code", "N-DESK"), "locations[1]"),
    ("a measured matrix with a pair missing", _drop("travel/matrix/5"), "travel.matrix"),
    (
        "a matrix leg to an unknown place",
        _set("travel/matrix/0/to", "N-ROOF"),
        "travel.matrix[0].to",
    ),
    ("negative minutes", _set("travel/matrix/0/minutes", -3), "travel.matrix[0].minutes"),
    ("both a graph and a matrix", _set("travel/graph", {"walk_minutes": []}), "travel"),
    (
        "a shift starting when it ends",
        _set("shift_templates/days/periods/0", {"start": "07:00", "end": "07:00"}),
        "shift_templates.days.periods[0]",
    ),
    (
        "a time that is not a time",
        _set("shift_templates/days/periods/0/start", "7am"),
        "shift_templates.days.periods[0].start",
    ),
    (
        "an unknown weekday",
        _set("shift_templates/weekday_courier/days", ["monday"]),
        "shift_templates.weekday_courier.days[0]",
    ),
    ("a floor as text", _set("locations/0/floor", "ground"), "locations[0].floor"),
]


@pytest.mark.parametrize(("mistake", "edit", "where"), MISTAKES, ids=[m[0] for m in MISTAKES])
def test_every_mistake_in_a_hospital_file_is_named_by_its_place_and_exits_2(
    mistake: str, edit: Edit, where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = copy.deepcopy(riverside())
    edit(data)
    path = write(data, tmp_path / "riverside.json")
    assert main(["hospital", "check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"{path}: {where}" in err, err
    with pytest.raises(HospitalFileError):
        Hospital.load(path)


def test_a_file_that_is_not_json_or_not_there_is_named_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"site": "x",', "utf-8")
    assert main(["hospital", "check", str(broken)]) == 2
    assert f"{broken}: line 1 column" in capsys.readouterr().err
    assert main(["hospital", "check", str(tmp_path / "absent.json")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_a_good_file_is_summarised_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(riverside(), tmp_path / "riverside.json")
    assert main(["hospital", "check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "site riverside" in out
    assert "measured matrix" in out


def test_a_bad_site_setting_is_a_message_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DISPATCH_SITE", "North")
    assert main(["export", str(tmp_path / "log.jsonl")]) == 2
    assert "DISPATCH_SITE" in capsys.readouterr().err
    assert not (tmp_path / "log.jsonl").exists()
