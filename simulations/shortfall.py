"""Where a day fell short: demand against capacity by hour, and the jobs left unserved.

A strategy's late share says how often; these say when and why. Each hour of a
run holds the jobs wanted in it, the porter-minutes of work they offered and the
porter-minutes on shift (`simulations.hourly`), and every job nobody took by the
end carries the reason the last round gave (`results.unserved`). Over seeds, the
hours are averaged and the reasons counted.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from typing import Any

HOUR_KEYS = ("jobs", "offered", "capacity", "utilisation", "late", "open")
TOP_REASONS = 5


def hours(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each hour's figures, the mean over seeds (runs without an hourly table: none)."""
    tables = [r["hours"] for r in runs if r.get("hours")]
    if not tables:
        return []
    out = []
    for i, first in enumerate(tables[0]):
        row: dict[str, Any] = {"hour": first["hour"]}
        for key in HOUR_KEYS:
            known = [t[i][key] for t in tables if i < len(t) and t[i][key] is not None]
            row[key] = round(statistics.fmean(known), 3) if known else None
        out.append(row)
    return out


def unserved(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """How many jobs each seed left unserved, and why, the commonest reasons first."""
    counts = [len(r.get("unserved", [])) for r in runs]
    reasons = Counter(_kind(u["reason"]) for r in runs for u in r.get("unserved", []))
    ordered = sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))
    return {
        "per_seed": counts,
        "mean": round(statistics.fmean(counts), 2) if counts else None,
        "reasons": [{"reason": why, "jobs": n} for why, n in ordered[:TOP_REASONS]],
        "other_reasons": sum(n for _, n in ordered[TOP_REASONS:]),
    }


def _kind(reason: str) -> str:
    """A reason without its counts ("has_capacity: 42" -> "has_capacity"): the same
    cause on another seed, or with another number of porters, is the same cause."""
    return re.sub(r":\s*\d+", "", reason)


def _num(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def markdown(report: dict[str, Any]) -> list[str]:
    """The two sections, as Markdown lines."""
    labels, runs = report["labels"], report["runs"]
    out: list[str] = []
    tables = {lb: runs[lb].get("hours") or [] for lb in labels}
    if any(tables.values()):
        first = next(t for t in tables.values() if t)
        header = ["Hour", "Jobs", "Offered (porter-min)"]
        for lb in labels:
            header += [f"{lb}: on shift", f"{lb}: load", f"{lb}: late", f"{lb}: open at end"]
        rows = []
        for i, hour in enumerate(first):
            row = [hour["hour"], _num(hour["jobs"]), _num(hour["offered"])]
            for lb in labels:
                h = tables[lb][i] if i < len(tables[lb]) else {}
                row += [_num(h.get("capacity")), _num(h.get("utilisation"), 2),
                        _num(h.get("late"), 1), _num(h.get("open"), 1)]  # fmt: skip
            rows.append(row)
        out += ["", "## Demand against capacity by hour", ""]
        out += [
            "Means over seeds. Offered: the porter-minutes of work the hour's jobs ask for "
            "(`simulations.load`); on shift: porter-minutes; load: their ratio; late: jobs "
            "wanted that hour and late; open at end: jobs wanted by then and not done.",
            "",
        ]
        out += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        out += ["| " + " | ".join(row) + " |" for row in rows]
    out += ["", "## Jobs left unserved at the end", ""]
    for lb in labels:
        left = runs[lb].get("unserved") or {}
        per_seed = left.get("per_seed", [])
        spread = f" (per seed {min(per_seed)}–{max(per_seed)})" if per_seed else ""
        out.append(f"- **{lb}**: {_num(left.get('mean'), 1)} on average{spread}")
        for reason in left.get("reasons", []):
            out.append(f"  - {reason['jobs']} × {reason['reason']}")
        if left.get("other_reasons"):
            out.append(f"  - {left['other_reasons']} × other reasons")
    return out
