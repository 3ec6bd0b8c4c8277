"""The quality benchmark's arithmetic: spreads over seeds, paired ratios, and the goals.

Kept apart from the running (quality.py) so it can be read, and tested, alone. A
ratio paired by seed compares the same demand and the same luck; the pooled ratio
(all seeds' late jobs over all seeds') is the figure the goals are judged on, as a
mean of per-seed ratios over-weights quiet days.
"""

from __future__ import annotations

import statistics
from typing import Any

PRIORITIES = ("stat", "asap", "urgent", "routine")
QUANTILES = ("p50", "p95", "p99")
ENGINE, PHONE_DESK, GREEDY = "engine", "phone_desk", "greedy"
ANTICIPATING = "engine+anticipation"
ENGINES = (ENGINE, ANTICIPATING)  # each judged against the baselines and the goals

# The goals.
VS_PHONE_DESK = 0.60  # at least 40% fewer late jobs than the phone desk
VS_GREEDY = 0.80  # at least 20% fewer than greedy at about 85% utilisation
GREEDY_LEVEL = 0.85
STAT_FAST = 0.90  # of stat pickups within 5 minutes, at 85% utilisation or below
GAP_CLOSED = 0.5  # of the gap between greedy and the hindsight bound


def spread(values: list[float | None]) -> dict[str, float | int | None]:
    known = [float(v) for v in values if v is not None]
    if not known:
        return {"n": 0, "mean": None, "sd": None, "min": None, "max": None}
    return {
        "n": len(known),
        "mean": round(statistics.fmean(known), 4),
        "sd": round(statistics.stdev(known), 4) if len(known) > 1 else None,
        "min": round(min(known), 4),
        "max": round(max(known), 4),
    }


def _spreads(by_seed: dict[int, dict[str, float | None]]) -> dict[str, Any]:
    keys = next(iter(by_seed.values()), {})
    return {k: spread([by_seed[s].get(k) for s in sorted(by_seed)]) for k in keys}


def ratio(
    mine: dict[int, dict[str, float | None]], base: dict[int, dict[str, float | None]]
) -> dict[str, Any]:
    """Late jobs, mine over base, paired by seed: pooled over seeds, and its spread."""
    seeds = sorted(set(mine) & set(base))
    pairs = [(mine[s]["late_jobs"] or 0, base[s]["late_jobs"] or 0) for s in seeds]
    total = sum(b for _, b in pairs)
    return {
        "pooled": round(sum(a for a, _ in pairs) / total, 4) if total else None,
        "per_seed": spread([a / b if b else None for a, b in pairs]),
    }


def gap_closed(
    engine: dict[int, dict[str, float | None]],
    greedy: dict[int, dict[str, float | None]],
    bound: dict[int, dict[str, float | None]],
) -> dict[str, Any]:
    """(greedy - engine) / (greedy - bound) in late jobs: 1 is all the room there is."""
    seeds = sorted(set(engine) & set(greedy) & set(bound))
    rows = [
        (greedy[s]["late_jobs"] or 0, engine[s]["late_jobs"] or 0, bound[s]["late_jobs"] or 0)
        for s in seeds
    ]
    room = sum(g - b for g, _, b in rows)
    return {
        "pooled": round(sum(g - e for g, e, _ in rows) / room, 4) if room > 0 else None,
        "per_seed": spread([(g - e) / (g - b) if g > b else None for g, e, b in rows]),
    }


def summarise(
    runs: dict[str, dict[int, dict[str, float | None]]],
    bounds: dict[int, dict[str, float | None]] | None,
    level: float,
) -> dict[str, Any]:
    """One hospital and load: each strategy's spreads, the bound's, the engine's ratios."""
    out: dict[str, Any] = {"strategies": {label: _spreads(r) for label, r in runs.items()}}
    if bounds:
        out["hindsight"] = _spreads(bounds)
    for label in (e for e in ENGINES if e in runs):
        engine: dict[str, Any] = {}
        for base in (PHONE_DESK, GREEDY):
            if base in runs:
                engine[f"late_vs_{base}"] = ratio(runs[label], runs[base])
        if GREEDY in runs and bounds:
            engine["gap_closed"] = gap_closed(runs[label], runs[GREEDY], bounds)
            engine["greedy_late_vs_hindsight"] = {
                "greedy_mean": out["strategies"][GREEDY]["late_jobs"]["mean"],
                "hindsight_mean": out["hindsight"]["late_jobs"]["mean"],
            }
        out[label] = engine
    return out


def goals(hospitals: dict[str, Any], label: str = ENGINE) -> dict[str, Any]:
    """The issue's goals for one engine variant (`label`), judged per hospital and load,
    with the figures they rest on."""
    out: dict[str, Any] = {
        "targets": {
            "late_vs_phone_desk": f"<= {VS_PHONE_DESK} (pooled over seeds), at every load",
            "late_vs_greedy": f"<= {VS_GREEDY} at the load nearest {GREEDY_LEVEL}",
            "stat_pickup_within_5_min": f">= {STAT_FAST} at every load <= {GREEDY_LEVEL}",
            "gap_closed": f">= {GAP_CLOSED} of greedy's late jobs above the hindsight bound",
        }
    }
    met: list[bool] = []
    for name, entry in hospitals.items():
        loads = entry["loads"]
        mine: dict[str, Any] = {"late_vs_phone_desk": {}, "stat_pickup_within_5_min": {},
                                "gap_closed": {}}  # fmt: skip
        for level, block in loads.items():
            engine = block.get(label, {})
            if "late_vs_phone_desk" in engine:
                r = engine["late_vs_phone_desk"]["pooled"]
                ok = r is not None and r <= VS_PHONE_DESK
                mine["late_vs_phone_desk"][level] = {"ratio": r, "met": ok}
                met.append(ok)
            if "gap_closed" in engine:
                g = engine["gap_closed"]["pooled"]
                ok = g is not None and g >= GAP_CLOSED
                mine["gap_closed"][level] = {"fraction": g, "met": ok}
                met.append(ok)
            stat = block["strategies"].get(label, {}).get("stat_pickup_within_5_min", {})
            if float(level) <= GREEDY_LEVEL + 1e-9 and stat.get("n"):
                ok = stat["mean"] >= STAT_FAST
                mine["stat_pickup_within_5_min"][level] = {"share": stat["mean"], "met": ok}
                met.append(ok)
        near = min(loads, key=lambda lv: abs(float(lv) - GREEDY_LEVEL), default=None)
        vs = loads[near].get(label, {}).get("late_vs_greedy") if near is not None else None
        if vs is not None and abs(float(near) - GREEDY_LEVEL) <= 0.05:
            ok = vs["pooled"] is not None and vs["pooled"] <= VS_GREEDY
            mine["late_vs_greedy"] = {"load": near, "ratio": vs["pooled"], "met": ok}
            met.append(ok)
        out[name] = mine
    out["all_met"] = bool(met) and all(met)
    out["met"] = f"{sum(met)} of {len(met)}"
    return out
