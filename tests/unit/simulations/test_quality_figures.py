"""The quality benchmark's arithmetic: paired ratios, the gap closed, and the goals."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))

from quality_figures import gap_closed, goals, ratio, spread, summarise


def seeds(*late: int) -> dict[int, dict[str, float | None]]:
    return {s: {"late_jobs": n, "stat_pickup_within_5_min": 0.95} for s, n in enumerate(late, 1)}


def test_a_spread_is_mean_sd_min_and_max_of_the_known_values() -> None:
    assert spread([1, None, 3]) == {"n": 2, "mean": 2.0, "sd": 1.4142, "min": 1.0, "max": 3.0}
    assert spread([None]) == {"n": 0, "mean": None, "sd": None, "min": None, "max": None}


def test_late_jobs_are_compared_seed_by_seed_and_pooled() -> None:
    r = ratio(seeds(10, 30), seeds(20, 30))
    assert r["pooled"] == round(40 / 50, 4)
    assert r["per_seed"]["mean"] == 0.75


def test_the_gap_closed_is_greedys_late_jobs_saved_over_those_above_the_bound() -> None:
    closed = gap_closed(seeds(15, 30), seeds(20, 30), seeds(10, 30))
    assert closed["pooled"] == 0.5  # (50 - 45) / (50 - 40)
    assert closed["per_seed"]["n"] == 1  # no room at all on seed 2: left out, not divided by 0


def test_the_goals_are_judged_on_the_pooled_figures_at_their_loads() -> None:
    def level(engine: int, phone: int, greedy: int, bound: int) -> dict[str, Any]:
        return summarise(
            {"engine": seeds(engine), "phone_desk": seeds(phone), "greedy": seeds(greedy)},
            seeds(bound),
            0.85,
        )

    judged = goals({"h": {"loads": {"0.85": level(8, 20, 10, 4), "1.0": level(30, 40, 35, 0)}}})
    mine = judged["h"]
    assert mine["late_vs_phone_desk"]["0.85"] == {"ratio": 0.4, "met": True}
    assert mine["late_vs_phone_desk"]["1.0"] == {"ratio": 0.75, "met": False}
    assert mine["late_vs_greedy"] == {"load": "0.85", "ratio": 0.8, "met": True}
    assert mine["gap_closed"]["0.85"] == {"fraction": round(2 / 6, 4), "met": False}
    assert mine["stat_pickup_within_5_min"] == {"0.85": {"share": 0.95, "met": True}}
    assert judged["all_met"] is False


def test_the_engine_with_anticipation_is_judged_on_its_own_figures() -> None:
    runs = {
        "engine": seeds(9),
        "engine+anticipation": seeds(5),
        "phone_desk": seeds(20),
        "greedy": seeds(10),
    }
    block = summarise(runs, seeds(0), 0.85)
    assert block["engine"]["late_vs_greedy"]["pooled"] == 0.9
    assert block["engine+anticipation"]["late_vs_greedy"]["pooled"] == 0.5
    hospitals = {"h": {"loads": {"0.85": block}}}
    assert goals(hospitals)["h"]["late_vs_greedy"]["met"] is False
    judged = goals(hospitals, "engine+anticipation")["h"]
    assert judged["late_vs_greedy"] == {"load": "0.85", "ratio": 0.5, "met": True}
    assert judged["gap_closed"]["0.85"] == {"fraction": 0.5, "met": True}
