"""`dispatch`: the engine's command line. Bad input exits with code 2 and a message."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cli.errors import InputError, settings_error
from engine.bootstrap import bootstrap, seed_roster
from engine.clock import ManualClock
from engine.domain.errors import DomainError
from engine.hospital import Hospital, json_schema
from engine.settings import Settings
from engine.write.eventlog import export_log, import_log


def engine_settings(args: argparse.Namespace, **fixed: Any) -> Settings:
    """The engine's settings from DISPATCH_*, `--hospital` over DISPATCH_HOSPITAL."""
    overrides: dict[str, Any] = dict(fixed)
    if getattr(args, "hospital", None):
        overrides["hospital"] = args.hospital
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise settings_error(exc) from None


def _hospital_check(args: argparse.Namespace) -> int:
    hospital = Hospital.load(args.file)
    c = hospital.layout.catalogue
    travel = "a measured matrix" if hospital.layout.measured is not None else "a building graph"
    print(
        f"{args.file}: ok: site {hospital.site} ({hospital.layout.name}), "
        f"{len(hospital.layout.locations)} locations, travel by {travel}, "
        f"{len(c.groups)} groups, {len(c.skills)} skills, {len(c.departments)} departments, "
        f"{len(hospital.shift_templates)} shift templates, {len(hospital.roster)} staff "
        f"({len(hospital.porters())} take jobs), {len(hospital.recurring)} recurring rounds, "
        f"time zone {hospital.timezone.key}"
    )
    return 0


def _hospital_schema(args: argparse.Namespace) -> int:
    print(json.dumps(json_schema(), indent=1, ensure_ascii=False))
    return 0


def _demo(args: argparse.Namespace) -> int:
    settings = engine_settings(args)
    hospital = Hospital.load(settings.hospital)
    path = Path(args.db)
    path.unlink(missing_ok=True)
    day = datetime.now(tz=UTC).astimezone(hospital.timezone).date()
    clock = ManualClock(datetime.combine(day, time(9, 0), hospital.timezone))
    app = bootstrap(
        Settings(store="sqlite", sqlite_path=path, hospital=settings.hospital), clock, hospital
    )
    on_duty = seed_roster(app, hospital, clock.now())
    from cli.demo import run_demo

    print(
        f"{hospital.layout.name}: {len(hospital.porters())} porters registered, {on_duty} on duty"
    )
    sys.stdout.flush()
    run_demo(app, clock, hospital.timezone, sys.stdout)
    print(f"\nevent log: {path} ({app.recorder.max_notification_id()} events)")
    return 0


def _export(args: argparse.Namespace) -> int:
    app = bootstrap(engine_settings(args))
    with open(args.file, "w", encoding="utf-8") as out:
        count = export_log(app, out)
    print(f"exported {count} events to {args.file}", file=sys.stderr)
    return 0


def _import(args: argparse.Namespace) -> int:
    app = bootstrap(engine_settings(args), publish_default_policy=False)
    try:
        with open(args.file, encoding="utf-8") as inp:
            count = import_log(app, inp)
    except FileNotFoundError:
        print(f"dispatch: no such file: {args.file}", file=sys.stderr)
        return 2
    print(f"imported {count} events from {args.file}", file=sys.stderr)
    return 0


def _serve(args: argparse.Namespace) -> int:
    """The HTTP API on uvicorn; the store comes from DISPATCH_* (embedded SQLite by default)."""
    import uvicorn

    from api.main import create_app
    from cli.signin import api_settings

    overrides: dict[str, object] = {"seed_demo": not args.no_seed}
    if args.demo:
        overrides["demo"] = True
    if args.host is not None:
        overrides["host"] = args.host
    if args.port is not None:
        overrides["port"] = args.port
    engine = engine_settings(args)
    hospital = Hospital.load(engine.hospital)  # checked whole before the server starts
    api = api_settings(hospital.layout.catalogue, **overrides)  # so is every way in
    options: dict[str, Any] = {
        "host": api.host,
        "port": api.port,
        "log_level": args.log_level,
        "access_log": not args.no_access_log,
        "timeout_graceful_shutdown": 3,
    }
    if args.workers > 1:
        # Each worker process builds its own app from the environment; one of them
        # holds the site's dispatch lease and decides, the others stand by.
        os.environ["DISPATCH_SEED_DEMO"] = str(api.seed_demo).lower()
        os.environ["DISPATCH_DEMO"] = str(api.demo).lower()
        os.environ["DISPATCH_HOSPITAL"] = engine.hospital
        if api.writes_on_loop is None:  # processes sharing SQLite wait on each other's writes
            os.environ["DISPATCH_WRITES_ON_LOOP"] = "false"
        uvicorn.run("api.main:create_app", factory=True, workers=args.workers, **options)
    else:
        uvicorn.run(create_app(api, engine, hospital=hospital), **options)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dispatch", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="run a short morning at the demo hospital and print it")
    demo.add_argument("--db", default="var/demo.sqlite", help="SQLite file (recreated)")
    demo.add_argument("--hospital", metavar="FILE.json", help="a hospital file (default: demo)")
    demo.set_defaults(func=_demo)
    exp = sub.add_parser("export", help="write the site's event log as JSON Lines")
    exp.add_argument("file")
    exp.add_argument("--hospital", metavar="FILE.json", help="default: DISPATCH_HOSPITAL or demo")
    exp.set_defaults(func=_export)
    imp = sub.add_parser("import", help="load a JSON Lines event log into an empty store")
    imp.add_argument("file")
    imp.add_argument("--hospital", metavar="FILE.json", help="default: DISPATCH_HOSPITAL or demo")
    imp.set_defaults(func=_import)
    srv = sub.add_parser("serve", help="run the HTTP API and the dispatch loop")
    srv.add_argument("--hospital", metavar="FILE.json", help="default: DISPATCH_HOSPITAL or demo")
    srv.add_argument("--host", help="address to listen on (default DISPATCH_HOST or 127.0.0.1)")
    srv.add_argument("--port", type=int, help="port (default DISPATCH_PORT or 8000)")
    srv.add_argument(
        "--no-seed", action="store_true", help="do not register the demo roster at start-up"
    )
    srv.add_argument(
        "--demo",
        action="store_true",
        help="demo mode: accept the well-known demo-* tokens (default DISPATCH_DEMO or off)",
    )
    srv.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    srv.add_argument("--no-access-log", action="store_true", help="do not log every request")
    srv.add_argument("--workers", type=int, default=1, help="server processes (default 1)")
    srv.set_defaults(func=_serve)
    hosp = sub.add_parser("hospital", help="check a hospital file, or print its JSON Schema")
    hosp_sub = hosp.add_subparsers(dest="hospital_command", required=True)
    check = hosp_sub.add_parser("check", help="check a hospital file whole; exit 2 if it is wrong")
    check.add_argument("file", metavar="FILE.json")
    check.set_defaults(func=_hospital_check)
    schema = hosp_sub.add_parser("schema", help="print the hospital file's JSON Schema")
    schema.set_defaults(func=_hospital_schema)
    from cli import keys, signin, simulate

    simulate.add_commands(sub)
    signin.add_commands(sub)
    keys.add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except (DomainError, InputError) as exc:
        print(f"dispatch: {exc}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
