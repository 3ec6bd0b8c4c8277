"""Every way in, built once at start-up: static tokens for machine clients, the
well-known demo tokens in demo mode only, and an identity provider's signed tokens.

Static tokens are kept and looked up by their SHA-256 digest. A lookup compares
the digest of what was presented with the digests kept, so its timing can tell
a caller at most how much of *their own token's digest* matches a kept one:
learning that leads nowhere, as making a token whose digest matches one more
byte costs a search through ever more guesses, and a digest is no token anyway.
That is why a dict lookup is constant-time enough here, where comparing the
tokens themselves byte by byte would not be.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from api.auth import Principal, unauthorised
from api.oidc import OidcSignIn
from api.settings import ApiSettings, Grant, token_digest
from engine.domain.errors import InvalidInput
from engine.domain.site import Catalogue

log = logging.getLogger(__name__)

DEMO_BANNER = """
!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
!!  DEMO MODE: the well-known demo-* tokens (demo-admin, demo-dispatcher, ...)
!!  are accepted, and anyone who knows them may do anything. Never run a real
!!  hospital like this: leave out --demo and DISPATCH_DEMO.
!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"""


def demo_tokens(porters: Iterable[str]) -> dict[str, Grant]:
    """Well-known tokens for trying a hospital out, one per porter's badge of the hospital
    served: on in demo mode only (DISPATCH_DEMO=true, `dispatch serve --demo`)."""
    tokens = {
        "demo-dispatcher": Grant(role="dispatcher", name="dispatcher:demo"),
        "demo-planner": Grant(role="planner", name="planner:demo"),
        "demo-auditor": Grant(role="auditor", name="auditor:demo"),
        "demo-admin": Grant(role="admin", name="admin:demo"),
        "demo-ward-icu": Grant(role="ward", department="icu"),
        "demo-ward-emergency": Grant(role="ward", department="emergency"),
        "demo-ward-surgery": Grant(role="ward", department="surgery_7"),
    }
    for badge in porters:
        tokens[f"demo-porter-{badge}"] = Grant(role="porter", badge=badge)
    return tokens


def check_grants(settings: ApiSettings, catalogue: Catalogue) -> None:
    """Each configured ward's department is one of the hospital's: a misspelt one would
    leave that ward signed in but locked out of everything, and nobody told why."""
    problems = []
    for position, grant in enumerate(settings.tokens.values(), start=1):
        if grant.department is None:
            continue
        try:
            catalogue.check_department(grant.department)
        except InvalidInput as exc:
            problems.append(f"entry {position} (a ward of {grant.department!r}): {exc.reason}")
    if problems:
        raise InvalidInput("DISPATCH_TOKENS", "; ".join(problems))


class SignIn:
    def __init__(self, static: dict[str, Grant], oidc: OidcSignIn | None = None) -> None:
        self.static = {digest: Principal.of(grant) for digest, grant in static.items()}
        self.oidc = oidc

    @classmethod
    def build(cls, settings: ApiSettings, catalogue: Catalogue, porters: Iterable[str]) -> SignIn:
        check_grants(settings, catalogue)
        static: dict[str, Grant] = {}
        if settings.demo:
            log.warning(DEMO_BANNER)
            static = {token_digest(t): g for t, g in demo_tokens(porters).items()}
        static.update(settings.tokens)  # a configured token wins over a demo one
        oidc = OidcSignIn(settings.oidc, catalogue) if settings.oidc.enabled else None
        return cls(static, oidc)

    async def principal(self, token: str) -> Principal:
        """Who the bearer token names: 401 if nobody, 403 if a signed token names no
        role, porter or ward this service can honour."""
        principal = self.static.get(token_digest(token))
        if principal is not None:
            return principal
        if self.oidc is not None and token.count(".") == 2:
            return await self.oidc.principal(token)
        raise unauthorised("unknown token")
