"""Who an OpenID Connect provider's signed token says is calling.

PyJWT checks the token: its signature against the provider's published keys
(by `kid`, with the algorithm bound to the key, so an HS256 token "signed"
with a public key or an unsigned one never passes), `exp` and `nbf` with the
configured leeway, `iss` and `aud` exactly. What this module adds is the
mapping from the provider's claims to a role here, and for porters and wards
whose they are: a token that maps to no role, or a porter's without a badge
or a ward's without a department, is refused (403) with the reason rather
than let through with a scope nobody meant.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import jwt
from fastapi import HTTPException, status
from fastapi.concurrency import run_in_threadpool
from jwt import PyJWK, PyJWKClient, PyJWKClientConnectionError, PyJWKSet

from api.auth import Principal, forbidden, unauthorised
from api.settings import ROLES, Grant, OidcSettings, Role
from engine.domain.errors import InvalidInput
from engine.domain.site import Catalogue

log = logging.getLogger(__name__)

FETCH_TIMEOUT = 5.0
"""Seconds to wait for the provider's keys: a request waiting on them waits this long."""
RETRY_SECONDS = 10.0
"""After a failed fetch, the keys in hand serve (or requests are refused) this long before
the provider is tried again: while it hangs, requests must not queue behind fetches."""


class KeySet:
    """The provider's published keys: fetched when first needed, kept for a while, fetched
    again when a token names a key not among them (a rotation), but at most once per
    cooldown, so tokens with made-up key ids cannot make us hammer the provider."""

    def __init__(self, settings: OidcSettings) -> None:
        assert settings.jwks_url is not None
        self.client = PyJWKClient(
            settings.jwks_url,
            cache_jwk_set=True,
            lifespan=settings.jwks_cache_seconds,
            cooldown_duration=settings.jwks_cooldown_seconds,
            timeout=FETCH_TIMEOUT,
        )
        self._last: PyJWKSet | None = None
        self._failed_at: float | None = None

    def _fresh(self) -> PyJWKSet | None:
        cache = self.client.jwk_set_cache
        keys = cache.get() if cache is not None else None
        if keys is not None:
            self._last = keys
        return keys

    def _resting(self) -> bool:
        failed = self._failed_at
        return failed is not None and time.monotonic() - failed < RETRY_SECONDS

    def cached(self, kid: str) -> PyJWK | None:
        """The key, if the keys in hand are fresh (or the provider is resting after a
        failure) and have it: no I/O, safe on the event loop."""
        keys = self._fresh() or (self._last if self._resting() else None)
        return _match(keys, kid) if keys is not None else None

    def fetch(self, kid: str) -> PyJWK | None:
        """The key, fetching the provider's keys if need be (blocking: run in a thread).
        While the provider cannot be reached, the keys fetched before still serve: they are
        still its keys, and a provider's outage should not sign every user out."""
        if self._resting():
            return self._before(kid)
        try:
            key = self.client.get_signing_key(kid)
        except PyJWKClientConnectionError as exc:
            self._failed_at = time.monotonic()
            log.warning("the identity provider's keys could not be fetched: %s", exc)
            return self._before(kid)
        except jwt.PyJWTError:  # no such key, or the provider's key set is unusable
            return None
        self._failed_at = None
        self._fresh()
        return key

    def _before(self, kid: str) -> PyJWK:
        key = _match(self._last, kid) if self._last is not None else None
        if key is None:
            raise HTTPException(
                status.HTTP_503_SERVICE_UNAVAILABLE,
                {"message": "the identity provider's keys cannot be fetched; try again"},
            )
        return key


def _match(keys: PyJWKSet, kid: str) -> PyJWK | None:
    return next(
        (k for k in keys.keys if k.key_id == kid and k.public_key_use in ("sig", None)), None
    )


def claim(claims: dict[str, Any], path: str) -> Any:
    """A claim by its name (`roles`, `https://example.org/roles`), or else by a dotted
    path into nested claims (`realm_access.roles`)."""
    if path in claims:
        return claims[path]
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


class OidcSignIn:
    def __init__(self, settings: OidcSettings, catalogue: Catalogue) -> None:
        self.settings = settings
        self.catalogue = catalogue
        self.keys = KeySet(settings)

    async def principal(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise unauthorised("unknown token") from None
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise unauthorised("the token names no key (kid) of the identity provider's")
        key = self.keys.cached(kid) or await run_in_threadpool(self.keys.fetch, kid)
        if key is None:
            raise unauthorised(f"the identity provider has no key {kid!r}")
        return self.of(self.verified(token, key))

    def verified(self, token: str, key: PyJWK) -> dict[str, Any]:
        s = self.settings
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=list(s.algorithms),
                audience=s.audience,
                issuer=s.issuer,
                leeway=s.leeway,
                options={"require": ["exp", "iss", "aud"], "enforce_minimum_key_length": True},
            )
        except jwt.ExpiredSignatureError:
            raise unauthorised("the token has expired") from None
        except jwt.ImmatureSignatureError:
            raise unauthorised("the token is not valid yet") from None
        except jwt.PyJWTError as exc:
            raise unauthorised(f"the token is refused: {exc}") from None
        return claims

    def of(self, claims: dict[str, Any]) -> Principal:
        """The caller the checked claims name: role, badge or department, and name."""
        s = self.settings
        role = self.role(claims)
        badge = department = None
        if role == "porter":
            badge = _text(claim(claims, s.badge_claim))
            if badge is None:
                raise forbidden(f"a porter's token needs a {s.badge_claim!r} claim: their badge")
        if role == "ward":
            department = _text(claim(claims, s.department_claim))
            if department is None:
                raise forbidden(
                    f"a ward's token needs a {s.department_claim!r} claim: their department"
                )
            try:
                self.catalogue.check_department(department, s.department_claim)
            except InvalidInput as exc:
                raise forbidden(f"the token's {exc}") from None
        name = _text(claim(claims, s.name_claim)) or _text(claims.get("sub"))
        return Principal.of(Grant(role=role, badge=badge, department=department, name=name))

    def role(self, claims: dict[str, Any]) -> Role:
        """The broadest of the roles the provider's role claim maps to here."""
        s = self.settings
        given = claim(claims, s.role_claim)
        names = given.split() if isinstance(given, str) else given
        names = names if isinstance(names, list) else []
        mapped = {s.roles[n] for n in names if isinstance(n, str) and n in s.roles}
        for role in ROLES:
            if role in mapped:
                return role
        raise forbidden(
            f"the token's {s.role_claim!r} claim names no role of this service's "
            "(DISPATCH_OIDC_ROLES says which do)"
        )
