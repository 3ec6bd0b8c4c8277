"""A report's charts: PNGs a planner can paste, the same bytes for the same report.

Split from `simulations.report`, which computes what they draw.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.domain.values import Priority

PRIORITIES = tuple(p.value for p in Priority)


def _spread(s: dict[str, Any], scale: float) -> tuple[float, float, float]:
    """Mean and the distances down to min and up to max; NaN (nothing drawn) when unknown."""
    if not s["n"]:
        return float("nan"), 0.0, 0.0
    return s["mean"] * scale, (s["mean"] - s["min"]) * scale, (s["max"] - s["mean"]) * scale


def _grouped(ax: Any, report: dict[str, Any], key: str, scale: float, ylabel: str) -> None:
    labels = report["labels"]
    width = 0.8 / len(labels)
    for i, label in enumerate(labels):
        summary = report["runs"][label]["summary"]
        bars = [_spread(summary[f"{p}.{key}"], scale) for p in PRIORITIES]
        xs = [j + (i - (len(labels) - 1) / 2) * width for j in range(len(PRIORITIES))]
        ax.bar(xs, [b[0] for b in bars], width, label=label)
        ax.errorbar(xs, [b[0] for b in bars], yerr=[[b[1] for b in bars], [b[2] for b in bars]],
                    fmt="none", ecolor="black", capsize=3, linewidth=1)  # fmt: skip
    ax.set_xticks(range(len(PRIORITIES)), [p.upper() for p in PRIORITIES])
    ax.set_ylabel(ylabel)
    ax.set_ylim(0, ax.get_ylim()[1] * 1.15)  # headroom for the legend
    ax.legend(loc="upper center", ncols=len(labels), frameon=False)


def charts(report: dict[str, Any], out_dir: Path) -> list[Path]:
    """PNGs drawn by Agg without pyplot (no global state, no display), on matplotlib's
    defaults whatever the user's matplotlibrc says, at a fixed size and dpi, and without
    the Software tag that names the version: the same report gives the same bytes."""
    import matplotlib.style
    from matplotlib.figure import Figure

    labels, runs = report["labels"], report["runs"]
    paths: list[Path] = []
    with matplotlib.style.context("default"):
        fig = Figure(figsize=(6, 4))
        ax = fig.add_subplot()
        for i, label in enumerate(labels):
            mean, down, up = _spread(runs[label]["summary"]["late_ratio"], 100)
            ax.bar([i], [mean], 0.6, color=f"C{i}", alpha=0.6)
            ax.errorbar([i], [mean], yerr=[[down], [up]], fmt="none", ecolor="black", capsize=4)
            points = [r["figures"].get("late_ratio") for r in runs[label]["per_seed"]]
            ys = [p * 100 for p in points if p is not None]
            xs = [i - 0.2 + 0.4 * k / max(1, len(ys) - 1) for k in range(len(ys))]
            ax.scatter(xs, ys, s=12, color="black", zorder=3)
        ax.set_xticks(range(len(labels)), labels)
        ax.set_ylabel("late jobs (% of jobs with a due time)")
        ax.set_title("Late jobs per seed: mean and min–max")
        drawn = [("late_ratio.png", fig)]
        fig = Figure(figsize=(7, 4))
        _grouped(fig.add_subplot(), report, "wait_to_pickup.p90", 1, "wait to pickup p90 (min)")
        fig.axes[0].set_title("Wait to pickup, 90th percentile: mean and min–max over seeds")
        drawn.append(("wait_to_pickup_p90.png", fig))
        fig = Figure(figsize=(10, 4))
        for n, (key, title) in enumerate(
            (("pickup_within_sla", "picked up"), ("delivered_within_sla", "delivered"))
        ):
            ax = fig.add_subplot(1, 2, n + 1)
            _grouped(ax, report, key, 100, f"{title} within SLA (%)")
            ax.set_ylim(0, 115)
            ax.set_title(f"Share {title} within SLA: mean and min–max")
        drawn.append(("within_sla.png", fig))
        for name, fig in drawn:
            fig.tight_layout()
            paths.append(out_dir / name)
            fig.savefig(paths[-1], format="png", dpi=100, metadata={"Software": None})
    return paths
