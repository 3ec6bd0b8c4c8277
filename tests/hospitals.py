"""Hospitals the tests build for themselves, unlike the demo.

`riverside()` has two campuses a drive apart, travel measured pair by pair and
different each way (the hill between them), its own groups (`wards`, `theatres`,
`night_team`) and skills (`bariatric`, `cold_chain`), and a roster heavy at night.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# (code, campus, building, floor, department)
LOCATIONS = [
    ("N-DESK", "north", "n_main", 0, "porters"),
    ("N-W1", "north", "n_main", 1, "medicine"),
    ("N-W2", "north", "n_main", 2, "medicine"),
    ("N-LAB", "north", "n_lab", 0, "laboratory"),
    ("S-DESK", "south", "s_main", 0, "porters"),
    ("S-THEATRE", "south", "s_main", 3, "surgery"),
    ("S-RECOVERY", "south", "s_main", 2, "surgery"),
    ("S-XRAY", "south", "s_imaging", 0, "imaging"),
]


def _minutes(a: tuple[Any, ...], b: tuple[Any, ...]) -> float:
    same_campus = a[1] == b[1]
    base = 3.0 if same_campus else 14.0
    uphill = 4.0 if (a[1], b[1]) == ("south", "north") else 0.0  # the hill: slower northwards
    return base + uphill + abs(a[3] - b[3]) * 0.5 + (0 if a[2] == b[2] else 1.0)


def riverside() -> dict[str, Any]:
    roster = []
    for i in range(1, 7):
        roster.append(
            {
                "badge": f"RN-{i:02d}",
                "group": "night_team",
                "role": "porter",
                "shift": "nights",
                "base": "N-DESK" if i % 2 else "S-DESK",
            }
        )
    for i in range(1, 4):
        roster.append(
            {
                "badge": f"RW-{i:02d}",
                "group": "wards",
                "role": "porter",
                "shift": "days",
                "base": "N-DESK",
            }
        )
    roster.append(
        {
            "badge": "RT-01",
            "group": "theatres",
            "role": "theatre_porter",
            "shift": "days",
            "base": "S-DESK",
        }
    )
    roster.append(
        {
            "badge": "RC-01",
            "group": "wards",
            "role": "courier",
            "shift": "weekday_courier",
            "base": "N-LAB",
        }
    )
    roster.append(
        {
            "badge": "RS-01",
            "group": "wards",
            "role": "supervisor",
            "shift": "days",
            "base": "N-DESK",
        }
    )
    roster.append(  # a weekly pattern: days early in the week, nights at the weekend
        {
            "badge": "RP-01",
            "group": "wards",
            "role": "porter",
            "base": "S-DESK",
            "pattern": {"mon": "days", "tue": "days", "sat": "nights", "sun": "nights"},
        }
    )
    return {
        "site": "riverside",
        "name": "Riverside Hospitals",
        "timezone": "Europe/London",
        "groups": [{"id": "wards"}, {"id": "theatres"}, {"id": "night_team"}],
        "skills": [{"id": "bariatric"}, {"id": "cold_chain"}, {"id": "theatre"}],
        "equipment": [{"id": "bariatric_bed", "skills": ["bariatric"]}],
        "skill_rules": {
            "modes": {"bed": ["bariatric"]},
            "kinds": {"specimen": ["cold_chain"], "urgent_blood": ["cold_chain"]},
        },
        "departments": [
            {"id": "medicine", "group": "wards"},
            {"id": "laboratory", "group": "wards"},
            {"id": "surgery", "group": "theatres"},
            {"id": "imaging", "group": "wards"},
            {"id": "porters", "group": "wards"},
        ],
        "locations": [
            {"code": c, "campus": campus, "building": b, "floor": f, "department": d}
            for c, campus, b, f, d in LOCATIONS
        ],
        "travel": {
            "matrix": [
                {"from": a[0], "to": b[0], "minutes": _minutes(a, b)}
                for a in LOCATIONS
                for b in LOCATIONS
                if a != b
            ]
        },
        "shift_templates": {
            "nights": {"periods": [{"start": "19:00", "end": "07:00"}]},
            "days": {"periods": [{"start": "07:00", "end": "19:00"}]},
            "weekday_courier": {
                "periods": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "16:00"}],
                "days": ["mon", "tue", "wed", "thu", "fri"],
            },
        },
        "roles": {
            "porter": {"skills": ["bariatric", "cold_chain"]},
            "theatre_porter": {"skills": ["theatre", "bariatric"]},
            "courier": {"skills": ["cold_chain"]},
            "supervisor": {"takes_jobs": False},
        },
        "roster": roster,
        "rounds": [
            {
                "id": "specimen_round",
                "name": "morning specimens",
                "kind": "specimen",
                "origin": "N-W2",
                "destination": "N-LAB",
                "department": "medicine",
                "times": ["06:30"],
            },
            {
                "id": "theatre_packs",
                "kind": "item",
                "origin": "S-DESK",
                "destination": "S-THEATRE",
                "department": "surgery",
                "times": ["08:00", "13:00"],
                "days": ["mon", "tue", "wed", "thu", "fri"],
            },
        ],
    }


def write(data: dict[str, Any], path: Path) -> Path:
    path.write_text(json.dumps(data, indent=1), "utf-8")
    return path
