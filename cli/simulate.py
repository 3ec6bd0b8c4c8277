"""`dispatch simulate` and `dispatch replay`: planners' what-ifs from the command line.

Every input is checked before the first run starts (seeds, files, the scenario
and its policy and staffing), so a typo costs a message and exit code 2, not a
half-written output directory after minutes of simulation. Results go through
simulations.report, so the same scenario and seeds give the same files.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import TypeAdapter, ValidationError

from cli.errors import InputError
from engine.domain.errors import DomainError
from engine.domain.policy.document import PolicyDocument
from engine.hospital import Hospital
from engine.write.eventlog import FORMAT
from simulations import report
from simulations.days import standard
from simulations.progress import Task, run_all, simulate_one
from simulations.scenario import Scenario, Staffing

Strategy = Literal["optimal", "greedy", "phone_desk"]
STRATEGIES: tuple[Strategy, ...] = ("optimal", "greedy", "phone_desk")
MAX_SEEDS = 1000


def parse_seeds(spec: str) -> list[int]:
    """'1-10', '1,2,5' or a mix ('1-3,7'); in the order given, each seed once."""
    seeds: list[int] = []
    for part in spec.split(","):
        match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", part)
        if not match:
            raise InputError(f"--seeds: {part.strip()!r} is not a seed or a range like 1-10")
        low, high = int(match[1]), int(match[2] or match[1])
        if high < low:
            raise InputError(f"--seeds: range {low}-{high} runs backwards")
        if len(seeds) + high - low >= MAX_SEEDS:
            raise InputError(f"--seeds: more than {MAX_SEEDS} seeds")
        seeds += range(low, high + 1)
    twice = sorted({s for s in seeds if seeds.count(s) > 1})
    if twice:
        raise InputError(f"--seeds: seed {twice[0]} given twice")
    return seeds


def _error(exc: ValidationError, where: str) -> InputError:
    first = exc.errors()[0]
    loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first["loc"])
    return InputError(f"{where}: {loc.lstrip('.') or 'value'}: {first['msg']}")


def read_json(path: str, option: str) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{option}: no such file: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{option}: cannot read {path}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{option}: {path} is not JSON: {exc}") from None


def check_scenario(scenario: Scenario, where: str = "scenario") -> Scenario:
    """What pydantic cannot see: the merged policy and staffing against the hospital."""
    try:
        PolicyDocument.parse(PolicyDocument().to_data() | scenario.policy, "policy")
    except DomainError as exc:
        raise InputError(f"{where}: {exc}") from None
    hospital = Hospital.load(scenario.hospital)
    if scenario.requests is not None:
        from simulations.demand import read_requests

        try:
            read_requests(scenario.requests, hospital)
        except DomainError as exc:
            raise InputError(f"{where}.requests: {exc}") from None
    roles = sorted({entry.role for entry in hospital.roster})
    for i, change in enumerate(scenario.staffing):
        at = f"{where}.staffing[{i}]"
        if change.shift not in hospital.shift_templates:
            known = ", ".join(sorted(hospital.shift_templates))
            raise InputError(f"{at}.shift: unknown shift {change.shift!r} (known: {known})")
        if change.role not in roles:
            raise InputError(f"{at}.role: unknown role {change.role!r} (known: {', '.join(roles)})")
        catalogue = hospital.layout.catalogue
        try:
            catalogue.check_group(change.group, f"{at}.group")
            catalogue.check_skills(change.skills, f"{at}.skills")
        except DomainError as exc:
            raise InputError(str(exc)) from None
    return scenario


def load_scenario(path: str | None) -> Scenario:
    if path is None:
        return standard()
    try:
        scenario = Scenario.model_validate(read_json(path, "--scenario"))
    except ValidationError as exc:
        raise _error(exc, f"--scenario {path}") from None
    return check_scenario(scenario, f"--scenario {path}")


def out_dir(path: str) -> Path:
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out: {path} exists and is not a directory")
    return out


def read_log(path: str) -> list[str]:
    """The log's lines, each checked to be JSON and the first to be the export header."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError(f"no such log file: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from None
    for n, text in enumerate(lines, 1):
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path} line {n} is not JSON: {exc}") from None
        if n == 1 and not (isinstance(record, dict) and record.get("format") == FORMAT):
            raise InputError(f"{path} line 1 is not a {FORMAT} header")
    if not lines:
        raise InputError(f"{path} is empty")
    return lines


# -- running ---------------------------------------------------------------------


def whatif_one(
    lines: list[str],
    scenario: Scenario,
    seed: int,
    progress: Callable[[float], None] | None = None,
) -> dict[str, Any]:
    """replay_whatif, imported here so this module loads before simulations.replay exists."""
    from simulations.replay import replay_whatif

    return replay_whatif(lines, scenario, seed)


def _run(tasks: list[Task], processes: int, out: Path, logs: bool) -> int:
    """Runs the tasks, writes logs as runs end (and drops them), then the report."""
    runs: dict[str, list[dict[str, Any]]] = {label: [] for label, *_ in tasks}

    def keep(label: str, seed: int, run: dict[str, Any]) -> None:
        log = run.pop("log", None)
        if logs and log is not None:
            out.mkdir(parents=True, exist_ok=True)
            path = out / f"log-{report.safe(label)}-{seed}.jsonl"
            path.write_text(log, encoding="utf-8", newline="\n")
        runs[label].append(run)

    run_all(tasks, processes, keep)
    result = report.compare(runs)
    report.write(result, runs, out)
    print(report.key_figures(result))
    print(f"report and charts written to {out}", file=sys.stderr)
    return 0


# -- commands ------------------------------------------------------------------


def _simulate(args: argparse.Namespace) -> int:
    try:
        seeds = parse_seeds(args.seeds)
        scenario = load_scenario(args.scenario)
        if args.processes < 1:
            raise InputError("--processes must be at least 1")
        variants: dict[str, Scenario] = {scenario.strategy: scenario}
        if not args.no_compare:
            other: Strategy = args.compare or next(s for s in STRATEGIES if s != scenario.strategy)
            if other == scenario.strategy:
                raise InputError(f"--compare {other}: that is the scenario's own strategy")
            variants[other] = scenario.with_strategy(other)
        out = out_dir(args.out)
    except InputError as exc:
        print(f"dispatch simulate: {exc}", file=sys.stderr)
        return 2
    tasks: list[Task] = [
        (label, seed, simulate_one, (variant, seed, args.log))
        for label, variant in variants.items()
        for seed in seeds
    ]
    return _run(tasks, args.processes, out, args.log)


def _whatif_scenario(base: Scenario, args: argparse.Namespace) -> Scenario | None:
    """The base scenario with the command's overrides, or None when there are none."""
    if not (args.strategy or args.policy or args.staffing):
        return None
    update: dict[str, Any] = {"name": f"{base.name} (what-if)"}
    if args.strategy:
        update["strategy"] = args.strategy
    if args.policy:
        policy = read_json(args.policy, "--policy")
        if not isinstance(policy, dict):
            raise InputError(f"--policy: {args.policy} must hold a JSON object of policy fields")
        update["policy"] = base.policy | policy
    if args.staffing:
        try:
            extra = TypeAdapter(list[Staffing]).validate_python(
                read_json(args.staffing, "--staffing")
            )
        except ValidationError as exc:
            raise _error(exc, f"--staffing {args.staffing}") from None
        update["staffing"] = [*base.staffing, *extra]
    return check_scenario(base.model_copy(update=update), "what-if")


def _replay(args: argparse.Namespace) -> int:
    try:
        lines = read_log(args.log)
        if args.exact:
            if args.strategy or args.policy or args.staffing or args.scenario:
                raise InputError("--exact replays the log as recorded; it takes no what-if options")
        else:
            seeds = parse_seeds(args.seeds)
            base = load_scenario(args.scenario)
            if args.hospital:
                base = check_scenario(base.model_copy(update={"hospital": args.hospital}))
            whatif = _whatif_scenario(base, args)
            out = out_dir(args.out)
            if args.processes < 1:
                raise InputError("--processes must be at least 1")
        from simulations import replay  # noqa: F401  (missing until the replay module lands)
    except ImportError as exc:
        print(f"dispatch replay: simulations.replay is not available: {exc}", file=sys.stderr)
        return 2
    except InputError as exc:
        print(f"dispatch replay: {exc}", file=sys.stderr)
        return 2
    if args.exact:
        return _exact(lines, args.hospital)
    variants = {"as-is": base} if whatif is None else {"as-is": base, "what-if": whatif}
    tasks: list[Task] = [
        (label, seed, whatif_one, (lines, variant, seed))
        for label, variant in variants.items()
        for seed in seeds
    ]
    return _run(tasks, args.processes, out, False)


def _exact(lines: list[str], hospital_file: str | None = None) -> int:
    """Prints replay_exact's comparison; 0 when its `identical` flag is true, else 1."""
    from simulations.replay import replay_exact

    try:
        result = replay_exact(lines, Hospital.load(hospital_file))
    except DomainError as exc:
        print(f"dispatch replay: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result, indent=2, sort_keys=True, default=str))
    return 0 if result.get("identical") is True else 1


def add_commands(subparsers: Any) -> None:
    """Registers `simulate` and `replay` on an argparse subparsers object."""
    sim = subparsers.add_parser("simulate", help="simulate days over seeds and compare strategies")
    sim.add_argument("--scenario", metavar="FILE.json", help="scenario (default: the standard day)")
    sim.add_argument("--seeds", default="1-10", help="e.g. 1-10 or 1,2,5 (default 1-10)")
    which = sim.add_mutually_exclusive_group()
    which.add_argument(
        "--compare", choices=STRATEGIES, help="strategy to compare with (default: the other one)"
    )
    which.add_argument("--no-compare", action="store_true", help="run the scenario's own only")
    sim.add_argument("--processes", type=int, default=1, help="worker processes (default 1)")
    sim.add_argument("--out", default="var/sim", help="output directory (default var/sim)")
    sim.add_argument("--log", action="store_true", help="write each run's event log as JSONL")
    sim.set_defaults(func=_simulate)
    rep = subparsers.add_parser("replay", help="replay an event log, exactly or as a what-if")
    rep.add_argument("log", metavar="LOG.jsonl")
    rep.add_argument("--exact", action="store_true", help="check it replays to the same decisions")
    rep.add_argument(
        "--hospital", metavar="FILE.json", help="the hospital the log is of (default: demo)"
    )
    rep.add_argument("--scenario", metavar="FILE.json", help="base scenario (default: standard)")
    rep.add_argument("--strategy", choices=STRATEGIES, help="what-if: dispatch strategy")
    rep.add_argument("--policy", metavar="FILE.json", help="what-if: policy field overrides")
    rep.add_argument("--staffing", metavar="FILE.json", help="what-if: list of staffing changes")
    rep.add_argument("--seeds", default="1", help="seeds of the simulated world (default 1)")
    rep.add_argument("--processes", type=int, default=1, help="worker processes (default 1)")
    rep.add_argument("--out", default="var/replay", help="output directory (default var/replay)")
    rep.set_defaults(func=_replay)
