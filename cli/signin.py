"""Sign-in settings read whole before a server starts, and `dispatch token` for making
static tokens: the configuration keeps only a token's digest, so the token itself is
shown once, to whoever made it, and is nowhere to be read afterwards."""

from __future__ import annotations

import argparse
import json
import secrets
import sys
from typing import Any, TypeVar

from pydantic import ValidationError
from pydantic_settings import BaseSettings
from pydantic_settings.exceptions import SettingsError

from api.settings import ROLES, ApiSettings, Grant, OidcSettings, token_digest
from api.signin import check_grants
from cli.errors import InputError, settings_error, settings_source_error
from engine.domain.site import Catalogue

S = TypeVar("S", bound=BaseSettings)


def _read(cls: type[S], prefix: str, **given: Any) -> S:
    try:
        return cls(**given)
    except ValidationError as exc:
        raise settings_error(exc, prefix) from None
    except SettingsError as exc:
        raise settings_source_error(exc, prefix) from None


def api_settings(catalogue: Catalogue, **overrides: Any) -> ApiSettings:
    """The API's settings with every grant checked against the hospital: a grant that
    cannot be honoured stops `dispatch serve` (exit 2) before it listens."""
    oidc = _read(OidcSettings, "DISPATCH_OIDC_")
    api = _read(ApiSettings, "DISPATCH_", oidc=oidc, **overrides)
    check_grants(api, catalogue)
    return api


def _new(args: argparse.Namespace) -> int:
    given = {"role": args.role, "badge": args.badge, "department": args.department}
    given |= {"name": args.name}
    try:
        grant = Grant(**{k: v for k, v in given.items() if v is not None})
    except ValidationError as exc:
        raise InputError("; ".join(e["msg"] for e in exc.errors(include_url=False))) from None
    token = secrets.token_urlsafe(32)
    entry = {token_digest(token): grant.model_dump(exclude_none=True)}
    print(f"token (give it to the client: it is kept nowhere): {token}")
    print(f"its DISPATCH_TOKENS entry: {json.dumps(entry)[1:-1]}")
    return 0


def _hash(args: argparse.Namespace) -> int:
    token = sys.stdin.readline().rstrip("\r\n")
    if not token:
        raise InputError("give the token on standard input (it stays out of the shell history)")
    print(token_digest(token))
    return 0


def add_commands(subparsers: Any) -> None:
    """Registers `token new` and `token hash` on an argparse subparsers object."""
    tok = subparsers.add_parser("token", help="make a static token, or hash one for the config")
    tok_sub = tok.add_subparsers(dest="token_command", required=True)
    new = tok_sub.add_parser("new", help="a random token and its DISPATCH_TOKENS entry")
    new.add_argument("--role", required=True, choices=ROLES)
    new.add_argument("--badge", help="porters: the badge the token acts as")
    new.add_argument("--department", help="wards: the department")
    new.add_argument("--name", help="recorded as `by` on what its holder does")
    new.set_defaults(func=_new)
    digest = tok_sub.add_parser("hash", help="sha256:<hex> of a token read from standard input")
    digest.set_defaults(func=_hash)
