"""`dispatch`: the engine's command line. Bad input exits with code 2 and a message."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, time
from pathlib import Path

from engine.bootstrap import bootstrap, seed_roster
from engine.clock import ManualClock
from engine.domain.errors import DomainError
from engine.eventlog import export_log, import_log
from engine.hospital import Hospital
from engine.settings import Settings


def _demo(args: argparse.Namespace) -> int:
    hospital = Hospital.load()
    path = Path(args.db)
    path.unlink(missing_ok=True)
    day = datetime.now(tz=UTC).astimezone(hospital.timezone).date()
    clock = ManualClock(datetime.combine(day, time(9, 0), hospital.timezone))
    app = bootstrap(Settings(store="sqlite", sqlite_path=path), clock, hospital)
    on_duty = seed_roster(app, hospital, clock.now())
    from engine.demo import run_demo

    print(
        f"{hospital.layout.name}: {len(hospital.porters())} porters registered, {on_duty} on duty"
    )
    sys.stdout.flush()
    run_demo(app, clock, hospital.timezone, sys.stdout)
    print(f"\nevent log: {path} ({app.recorder.max_notification_id()} events)")
    return 0


def _export(args: argparse.Namespace) -> int:
    app = bootstrap(Settings())
    with open(args.file, "w", encoding="utf-8") as out:
        count = export_log(app, out)
    print(f"exported {count} events to {args.file}", file=sys.stderr)
    return 0


def _import(args: argparse.Namespace) -> int:
    app = bootstrap(Settings(), publish_default_policy=False)
    try:
        with open(args.file, encoding="utf-8") as inp:
            count = import_log(app, inp)
    except FileNotFoundError:
        print(f"dispatch: no such file: {args.file}", file=sys.stderr)
        return 2
    print(f"imported {count} events from {args.file}", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dispatch", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="run a short morning at the demo hospital and print it")
    demo.add_argument("--db", default="var/demo.sqlite", help="SQLite file (recreated)")
    demo.set_defaults(func=_demo)
    exp = sub.add_parser("export", help="write the site's event log as JSON Lines")
    exp.add_argument("file")
    exp.set_defaults(func=_export)
    imp = sub.add_parser("import", help="load a JSON Lines event log into an empty store")
    imp.add_argument("file")
    imp.set_defaults(func=_import)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except DomainError as exc:
        print(f"dispatch: {exc}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
