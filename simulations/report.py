"""Compare runs of a scenario over seeds, as JSON, Markdown, CSV and charts a planner reads.

One seed is one possible day; a difference between strategies (or a what-if and
its baseline) only means something if it holds over many. So every figure is
reported with its spread over seeds, and every label after the first is set
against the first seed by seed (the same demand and the same luck), which is a
much tighter comparison than two unrelated means. Output is a pure function of
the runs, with no timings or timestamps, so the same scenario and seeds give
byte-identical files.
"""

from __future__ import annotations

import csv
import json
import re
import statistics
from pathlib import Path
from typing import Any

from engine.domain.values import Priority
from simulations import shortfall
from simulations.charts import charts

# (key, title, unit): unit decides how a value is printed and how a difference reads.
TOP = (
    ("late_ratio", "Late jobs (share)", "share"),
    ("late_jobs", "Late jobs", "count"),
    ("stat_pickup_within_5_min", "STAT picked up within 5 min", "share"),
    (
        "stat_pickup_within_5_min_of_ward_ready",
        "STAT picked up within 5 min, less the ward's own delays",
        "share",
    ),
    ("porter_utilisation", "Porter utilisation", "share"),
    ("lent_jobs", "Jobs done by lent porters", "count"),
    ("open_at_end", "Jobs open at the end", "count"),
    ("jobs", "Jobs", "count"),
)
BY_PRIORITY = (
    ("wait_to_pickup.p50", "Wait to pickup p50 (min)", "minutes"),
    ("wait_to_pickup.p90", "Wait to pickup p90 (min)", "minutes"),
    ("wait_censored.p95", "Wait to pickup p95, unserved counted (min)", "minutes"),
    ("wait_censored.p99", "Wait to pickup p99, unserved counted (min)", "minutes"),
    ("wait_to_delivery.p50", "Wait to delivery p50 (min)", "minutes"),
    ("wait_to_delivery.p90", "Wait to delivery p90 (min)", "minutes"),
    ("pickup_within_sla", "Picked up within SLA", "share"),
    ("delivered_within_sla", "Delivered within SLA", "share"),
)
PRIORITIES = tuple(p.value for p in Priority)


def metrics() -> list[tuple[str, str, str]]:
    """Every compared metric as (flat key, title, unit), in report order."""
    rows = list(TOP)
    for p in PRIORITIES:
        rows += [(f"{p}.{key}", f"{p.upper()}: {title}", unit) for key, title, unit in BY_PRIORITY]
    return rows


def flatten(figures: dict[str, Any]) -> dict[str, float | None]:
    out: dict[str, float | None] = {key: figures.get(key) for key, _, _ in TOP}
    for p, block in figures.get("by_priority", {}).items():
        for key, _, _ in BY_PRIORITY:
            value: Any = block
            for part in key.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            out[f"{p}.{key}"] = value
    return out


def _clean(x: float) -> float:
    return round(x, 4) + 0.0  # + 0.0 turns -0.0 into 0.0, so the text does not flicker


def stats(values: list[float | None]) -> dict[str, float | int | None]:
    """Mean, sample sd, min and max of the known values (a run without STAT jobs has none)."""
    known = [float(v) for v in values if v is not None]
    if not known:
        return {"n": 0, "mean": None, "sd": None, "min": None, "max": None}
    return {
        "n": len(known),
        "mean": _clean(statistics.fmean(known)),
        "sd": _clean(statistics.stdev(known)) if len(known) > 1 else None,
        "min": _clean(min(known)),
        "max": _clean(max(known)),
    }


def _by_seed(runs: list[dict[str, Any]], label: str) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for run in sorted(runs, key=lambda r: r["seed"]):
        if run["seed"] in out:
            raise ValueError(f"{label}: seed {run['seed']} appears twice")
        out[run["seed"]] = run
    return out


def compare(runs: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """`runs` maps a label to run_one-shaped dicts; the first label is the baseline."""
    if not runs:
        raise ValueError("nothing to compare")
    labels = list(runs)
    keys = [key for key, _, _ in metrics()]
    seeded = {label: _by_seed(runs[label], label) for label in labels}
    flat = {lb: {s: flatten(r["figures"]) for s, r in seeded[lb].items()} for lb in labels}
    out: dict[str, Any] = {"baseline": labels[0], "labels": labels, "metrics": keys, "runs": {}}
    for label in labels:
        first = next(iter(seeded[label].values()), {})
        out["runs"][label] = {
            "scenario": first.get("scenario"),
            "strategy": first.get("strategy"),
            "seeds": list(seeded[label]),
            "per_seed": [
                {
                    "seed": seed,
                    "events": run.get("events"),
                    "decisions": run.get("decisions"),
                    "figures": run["figures"],
                }
                for seed, run in seeded[label].items()
            ],
            "summary": {k: stats([f.get(k) for f in flat[label].values()]) for k in keys},
            "hours": shortfall.hours(list(seeded[label].values())),
            "unserved": shortfall.unserved(list(seeded[label].values())),
        }
    base = labels[0]
    out["differences"] = {}
    for label in labels[1:]:
        paired = [s for s in seeded[label] if s in seeded[base]]
        diffs = {}
        for k in keys:
            pairs = [(flat[label][s].get(k), flat[base][s].get(k)) for s in paired]
            diffs[k] = stats([a - b for a, b in pairs if a is not None and b is not None])
        late = [(flat[label][s]["late_jobs"], flat[base][s]["late_jobs"]) for s in paired]
        ratios = [_clean(a / b) if a is not None and b else None for a, b in late]
        total_base = sum(b or 0 for _, b in late)
        out["differences"][label] = {
            "against": base,
            "seeds": paired,
            "metrics": diffs,
            "late_jobs_ratio": {
                "per_seed": [{"seed": s, "ratio": r} for s, r in zip(paired, ratios, strict=True)],
                "summary": stats(list(ratios)),
                "pooled": _clean(sum(a or 0 for a, _ in late) / total_base) if total_base else None,
            },
        }
    return out


# -- Markdown -------------------------------------------------------------------


def _fmt(value: float | int | None, unit: str, diff: bool = False, sd: bool = False) -> str:
    """Shares as percent (differences and spreads of shares in percentage points)."""
    if value is None:
        return "–"
    shown = round(value * (100 if unit == "share" else 1), 1) + 0.0  # no "-0.0"
    text = f"{shown:+.1f}" if diff else f"{shown:.1f}"
    if unit == "count" and shown.is_integer():
        text = text[:-2]
    if unit == "share":
        text += " pp" if diff or sd else "%"
    return text


def _cell(s: dict[str, Any], unit: str) -> str:
    if not s["n"]:
        return "–"
    spread = "" if s["sd"] is None else f" ± {_fmt(s['sd'], unit, sd=True)}"
    return f"{_fmt(s['mean'], unit)}{spread} ({_fmt(s['min'], unit)}–{_fmt(s['max'], unit)})"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def _seed_list(seeds: list[int]) -> str:
    if seeds and seeds == list(range(seeds[0], seeds[0] + len(seeds))) and len(seeds) > 2:
        return f"{seeds[0]}–{seeds[-1]}"
    return ", ".join(str(s) for s in seeds)


def key_figures(report: dict[str, Any]) -> str:
    """The headline table alone, short enough for a terminal."""
    labels = report["labels"]
    rows = [
        [title] + [_cell(report["runs"][lb]["summary"][key], unit) for lb in labels]
        for key, title, unit in TOP
    ]
    return "\n".join(_table(["Metric", *labels], rows))


def _difference(label: str, base: str, diff: dict[str, Any]) -> list[str]:
    out = ["", f"## {label} against {base}", ""]
    out += [f"Paired by seed ({_seed_list(diff['seeds'])}): {label} minus {base}.", ""]
    rows = []
    for key, title, unit in metrics():
        s = diff["metrics"][key]
        if s["n"]:
            cells = [_fmt(s[k], unit, diff=k != "sd", sd=k == "sd") for k in ("mean", "sd")]
            rows.append([title, *cells, _fmt(s["min"], unit, True), _fmt(s["max"], unit, True)])
    out += _table(["Metric", "Mean", "Sd", "Min", "Max"], rows)
    ratio = diff["late_jobs_ratio"]
    s = ratio["summary"]
    if s["n"]:
        out += [
            "",
            f"Late jobs, {label} / {base}: {s['mean']:.2f} on average over {s['n']} seeds "
            f"(range {s['min']:.2f}–{s['max']:.2f}); all seeds together {ratio['pooled']:.2f}.",
        ]
    return out


def _per_seed(report: dict[str, Any]) -> list[str]:
    labels, runs = report["labels"], report["runs"]
    header = ["Seed"] + [f"{lb} {t}" for lb in labels for t in ("late", "late jobs", "STAT ≤5 min")]
    per = {lb: {r["seed"]: r["figures"] for r in runs[lb]["per_seed"]} for lb in labels}
    rows = []
    for seed in sorted({s for lb in labels for s in runs[lb]["seeds"]}):
        row = [str(seed)]
        for lb in labels:
            f = per[lb].get(seed)
            row += (
                [_fmt(f.get("late_ratio"), "share"), str(f.get("late_jobs")),
                 _fmt(f.get("stat_pickup_within_5_min"), "share")]
                if f else ["–"] * 3
            )  # fmt: skip
        rows.append(row)
    return ["", "## Per seed", "", *_table(header, rows)]


def to_markdown(report: dict[str, Any]) -> str:
    """Headline figures, the same by priority, each label against the first, then seeds."""
    labels, runs = report["labels"], report["runs"]
    out = ["# Simulation report", ""]
    rows = [
        [lb, str(runs[lb]["scenario"]), str(runs[lb]["strategy"]), _seed_list(runs[lb]["seeds"])]
        for lb in labels
    ]
    out += _table(["Label", "Scenario", "Strategy", "Seeds"], rows)
    out += ["", "## Key figures", "", "Mean ± sd over seeds (min–max).", ""]
    out += [key_figures(report), "", "## By priority", ""]
    rows = []
    for p in PRIORITIES:
        for key, title, unit in BY_PRIORITY:
            cells = [_cell(runs[lb]["summary"][f"{p}.{key}"], unit) for lb in labels]
            rows.append([p.upper(), title, *cells])
    out += _table(["Priority", "Metric", *labels], rows)
    for label, diff in report["differences"].items():
        out += _difference(label, report["baseline"], diff)
    return "\n".join(out + shortfall.markdown(report) + _per_seed(report)) + "\n"


# -- files --------------------------------------------------------------------------


def safe(label: str) -> str:
    """A label as a file-name part."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", label).strip("_") or "run"


def _text(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write(text)


def write_records(path: Path, records: list[dict[str, Any]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as out:
        fields = list(records[0]) if records else []
        writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)


def write(
    report: dict[str, Any], runs: dict[str, list[dict[str, Any]]], out_dir: Path
) -> list[Path]:
    """report.json, report.md, one CSV of job records per run, and the charts; returns paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "report.json", out_dir / "report.md"]
    _text(paths[0], json.dumps(report, sort_keys=True, indent=2, allow_nan=False) + "\n")
    _text(paths[1], to_markdown(report))
    for label, label_runs in runs.items():
        for run in sorted(label_runs, key=lambda r: r["seed"]):
            if "records" in run:
                paths.append(out_dir / f"records-{safe(label)}-{run['seed']}.csv")
                write_records(paths[-1], run["records"])
    return paths + charts(report, out_dir)
