"""`dispatch new-key` and `dispatch rotate-key`: the key events are kept encrypted with.

Kept apart from `cli.main` so the store's secrets have one small file of commands.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from eventsourcing.cipher import AESCipher

from engine.bootstrap import bootstrap
from engine.write.rekey import rekey


def _new_key(args: argparse.Namespace) -> int:
    print(AESCipher.create_key(32))
    return 0


def _rotate(args: argparse.Namespace) -> int:
    from cli.main import engine_settings

    app = bootstrap(engine_settings(args), publish_default_policy=False)
    try:
        done = rekey(app, from_plaintext=args.from_plaintext, vacuum=args.vacuum)
    finally:
        app.close()
    print(
        f"site {app.site}: {done.resealed} events re-sealed with the current key, "
        f"{done.current} were already",
        file=sys.stderr,
    )
    if done.stale:
        print(
            f"dispatch: {done.stale} events are still under an old key: a process is writing "
            "with it; give every process the new key and run this again",
            file=sys.stderr,
        )
        return 1
    print("no event needs the old keys now: drop DISPATCH_CIPHER_OLD_KEYS", file=sys.stderr)
    return 0


def add_commands(sub: Any) -> None:
    new = sub.add_parser("new-key", help="print a new random AES-256 key (base64)")
    new.set_defaults(func=_new_key)
    rot = sub.add_parser(
        "rotate-key",
        help="re-seal the site's events with DISPATCH_CIPHER_KEY, opening them with it or "
        "DISPATCH_CIPHER_OLD_KEYS",
    )
    rot.add_argument("--hospital", metavar="FILE.json", help="default: DISPATCH_HOSPITAL or demo")
    rot.add_argument(
        "--from-plaintext",
        action="store_true",
        help="the store was written unencrypted: seal those events too",
    )
    rot.add_argument(
        "--vacuum",
        action="store_true",
        help="then rebuild the file (SQLite) or table (PostgreSQL, VACUUM FULL: an exclusive "
        "lock) so the old bytes are gone from it",
    )
    rot.set_defaults(func=_rotate)
