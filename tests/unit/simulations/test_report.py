"""Reports: spreads over seeds, paired differences, byte-identical files, and CLI input checks.

Runs here are synthetic dicts shaped like runner.run_one's output, so the
arithmetic is checked by hand; one short real run checks that the CLI's
progress-reporting runner gives run_one's figures.
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path
from typing import Any

import pytest

from cli.simulate import InputError, add_commands, parse_seeds
from simulations import report
from simulations.progress import Bar, simulate_one
from simulations.runner import run_one
from simulations.scenario import Demand, Scenario


def figures(late_jobs: int, jobs: int = 100, stat_fast: float | None = 0.8) -> dict[str, Any]:
    block = {
        "jobs": 10,
        "wait_to_pickup": {"p50": late_jobs / 2, "p90": float(late_jobs), "mean": 1.0},
        "wait_to_delivery": {"p50": 3.0, "p90": 9.0, "mean": 4.0},
        "pickup_within_sla": 0.9,
        "delivered_within_sla": 1 - late_jobs / jobs,
    }
    return {
        "jobs": jobs,
        "completed": jobs - 2,
        "open_at_end": 2,
        "late_jobs": late_jobs,
        "late_ratio": late_jobs / jobs,
        "stat_jobs": 5,
        "stat_pickup_within_5_min": stat_fast,
        "lent_jobs": 3,
        "porter_utilisation": 0.5,
        "by_priority": {p: dict(block) for p in ("stat", "asap", "urgent", "routine")},
    }


def run(strategy: str, seed: int, late_jobs: int, **kw: Any) -> dict[str, Any]:
    return {
        "scenario": "test day",
        "strategy": strategy,
        "seed": seed,
        "figures": figures(late_jobs, **kw),
        "records": [{"key": f"j{seed}", "late": late_jobs > 10, "wait_to_pickup": None}],
        "events": 100 + seed,
        "decisions": 10,
        "seconds": 0.1 * seed,  # timings differ between runs and must not reach the report
    }


@pytest.fixture
def runs() -> dict[str, list[dict[str, Any]]]:
    return {
        "optimal": [run("optimal", 2, 10), run("optimal", 1, 20, stat_fast=None)],
        "greedy": [run("greedy", 1, 30), run("greedy", 2, 40), run("greedy", 3, 50)],
    }


def test_summary_gives_mean_sd_and_range_over_seeds(runs: dict[str, Any]) -> None:
    result = report.compare(runs)
    late = result["runs"]["greedy"]["summary"]["late_jobs"]
    assert late == {"n": 3, "mean": 40.0, "sd": 10.0, "min": 30.0, "max": 50.0}
    assert result["runs"]["optimal"]["seeds"] == [1, 2]
    assert result["runs"]["greedy"]["summary"]["stat.wait_to_pickup.p90"]["mean"] == 40.0


def test_a_seed_without_a_figure_is_left_out_not_counted_as_zero(runs: dict[str, Any]) -> None:
    stat = report.compare(runs)["runs"]["optimal"]["summary"]["stat_pickup_within_5_min"]
    assert stat == {"n": 1, "mean": 0.8, "sd": None, "min": 0.8, "max": 0.8}


def test_later_labels_are_paired_by_seed_against_the_first(runs: dict[str, Any]) -> None:
    diff = report.compare(runs)["differences"]["greedy"]
    assert diff["against"] == "optimal"
    assert diff["seeds"] == [1, 2]  # seed 3 has no optimal run to pair with
    assert diff["metrics"]["late_jobs"] == {"n": 2, "mean": 20.0, "sd": 14.1421, "min": 10.0,
                                            "max": 30.0}  # fmt: skip
    ratio = diff["late_jobs_ratio"]
    assert [r["ratio"] for r in ratio["per_seed"]] == [1.5, 4.0]
    assert ratio["summary"]["mean"] == 2.75
    assert ratio["pooled"] == round(70 / 30, 4)
    assert "optimal" not in report.compare(runs)["differences"]


def test_a_seed_twice_in_one_label_is_refused(runs: dict[str, Any]) -> None:
    runs["optimal"].append(run("optimal", 1, 5))
    with pytest.raises(ValueError, match="seed 1 appears twice"):
        report.compare(runs)


def test_markdown_has_the_planner_tables_and_no_timings(runs: dict[str, Any]) -> None:
    text = report.to_markdown(report.compare(runs))
    assert "| Late jobs (share) | 15.0% ± 7.1 pp (10.0%–20.0%) | 40.0% ± 10.0 pp" in text
    assert "## greedy against optimal" in text
    assert "| Late jobs | +20 | 14.1 | +10 | +30 |" in text
    assert "Late jobs, greedy / optimal: 2.75 on average over 2 seeds" in text
    assert "| STAT | Wait to pickup p90 (min) |" in text
    assert "seconds" not in text


def test_a_report_shows_demand_against_capacity_by_hour_and_who_was_left(
    runs: dict[str, Any],
) -> None:
    for i, r in enumerate(runs["greedy"]):
        r["hours"] = [
            {"hour": "08:00", "jobs": 10, "offered": 120.0, "capacity": 100.0 + 20 * i,
             "utilisation": 120 / (100 + 20 * i), "late": 2 + i, "open": 3},
            {"hour": "09:00", "jobs": 4, "offered": 40.0, "capacity": 0.0,
             "utilisation": None, "late": 0, "open": 7 + i},
        ]  # fmt: skip
        r["unserved"] = [{"job_id": f"j{k}", "kind": "drug", "group": "g",
                          "reason": f"no eligible porter (has_skills: {k})" if k
                          else "arrived late"}
                         for k in range(i + 1)]  # fmt: skip
    result = report.compare(runs)
    hours = result["runs"]["greedy"]["hours"]
    assert hours[0] == {"hour": "08:00", "jobs": 10.0, "offered": 120.0, "capacity": 120.0,
                        "utilisation": round((1.2 + 1.0 + 120 / 140) / 3, 3), "late": 3.0,
                        "open": 3.0}  # fmt: skip
    assert hours[1]["utilisation"] is None  # nobody on shift: no ratio, not a zero
    assert result["runs"]["optimal"]["hours"] == []
    left = result["runs"]["greedy"]["unserved"]
    assert left["per_seed"] == [1, 2, 3]
    assert left["reasons"][0] == {"reason": "arrived late", "jobs": 3}
    text = report.to_markdown(result)
    assert "## Demand against capacity by hour" in text
    assert "| 08:00 | 10 | 120 | – | – | – | – | 120 | 1.02 | 3.0 | 3.0 |" in text
    assert "## Jobs left unserved at the end" in text
    assert "- **greedy**: 2.0 on average (per seed 1–3)" in text
    assert "  - 3 × arrived late" in text
    assert "  - 3 × no eligible porter (has_skills)" in text  # counts aside, one cause


def test_the_same_runs_write_byte_identical_files(runs: dict[str, Any], tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    report.write(report.compare(runs), runs, first)
    shuffled = {label: list(reversed(r)) for label, r in runs.items()}
    for r in shuffled["greedy"]:
        r["seconds"] += 1.0
    paths = report.write(report.compare(shuffled), shuffled, second)
    names = sorted(p.name for p in paths)
    assert "report.json" in names
    assert "report.md" in names
    assert "records-greedy-3.csv" in names
    assert {"late_ratio.png", "wait_to_pickup_p90.png", "within_sla.png"} <= set(names)
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert b'"seconds"' not in (first / "report.json").read_bytes()


def test_a_label_with_one_seed_and_missing_figures_still_draws(tmp_path: Path) -> None:
    lonely = {"what-if": [run("greedy", 4, 3, stat_fast=None)]}
    lonely["what-if"][0]["figures"]["by_priority"]["stat"]["pickup_within_sla"] = None
    report.write(report.compare(lonely), lonely, tmp_path)
    assert (tmp_path / "within_sla.png").stat().st_size > 0
    assert "records-what-if-4.csv" in {p.name for p in tmp_path.iterdir()}


@pytest.mark.parametrize(
    ("spec", "seeds"), [("1-3", [1, 2, 3]), ("1,2,5", [1, 2, 5]), ("4, 1-2", [4, 1, 2])]
)
def test_seed_specs(spec: str, seeds: list[int]) -> None:
    assert parse_seeds(spec) == seeds


@pytest.mark.parametrize("spec", ["", "x", "1-", "3-1", "1,1", "-2", "1-5000"])
def test_bad_seed_specs_are_refused(spec: str) -> None:
    with pytest.raises(InputError, match="--seeds"):
        parse_seeds(spec)


def _cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="dispatch")
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


def test_a_bad_seeds_spec_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert _cli(["simulate", "--seeds", "5-1", "--out", str(out)]) == 2
    assert "--seeds" in capsys.readouterr().err
    assert not out.exists()


def test_bad_scenario_files_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    out = str(tmp_path / "out")
    assert _cli(["simulate", "--scenario", str(tmp_path / "none.json"), "--out", out]) == 2
    assert "no such file" in capsys.readouterr().err
    bad.write_text('{"hours": 1,')
    assert _cli(["simulate", "--scenario", str(bad), "--out", out]) == 2
    assert "not JSON" in capsys.readouterr().err
    bad.write_text('{"staffing": [{"group": "internal", "role": "escort", "shift": "x", '
                   '"count": 1}]}')  # fmt: skip
    assert _cli(["simulate", "--scenario", str(bad), "--out", out]) == 2
    assert "staffing[0].shift: unknown shift 'x'" in capsys.readouterr().err
    bad.write_text('{"policy": {"max_jobs_per_porter": 0}}')
    assert _cli(["simulate", "--scenario", str(bad), "--out", out]) == 2
    assert "max_jobs_per_porter" in capsys.readouterr().err
    assert _cli(["replay", str(bad), "--exact"]) == 2
    assert "header" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_the_progress_runner_gives_run_ones_figures() -> None:
    small = Scenario(hours=2, demand=Demand(jobs_per_day=200))
    seen: list[float] = []
    mine = simulate_one(small, 3, with_log=True, progress=seen.append)
    theirs = run_one(small, 3, with_log=True)
    assert seen
    assert seen == sorted(seen)
    assert {k: v for k, v in mine.items() if k != "seconds"} == {
        k: v for k, v in theirs.items() if k != "seconds"
    }


def test_a_bar_into_a_file_writes_only_its_finished_line() -> None:
    stream = io.StringIO()
    bar = Bar("optimal seed 1", stream)
    for i in range(101):
        bar(i / 100)
    bar.finish("late 3.0%")
    assert stream.getvalue().count("\n") == 1
    assert "\r" not in stream.getvalue()
    assert stream.getvalue().endswith("100% late 3.0%\n")
