"""The API's own settings (sign-in, address, threads), read from DISPATCH_* variables.

Kept apart from the engine's settings: the engine runs without an HTTP
server (CLI, tests, simulations) and should not carry its knobs. Everything
about signing in is checked here, when the settings are read, so a process
with a grant it cannot honour never starts.
"""

from __future__ import annotations

import json
import logging
import re
from hashlib import sha256
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

log = logging.getLogger(__name__)

Role = Literal["dispatcher", "porter", "planner", "auditor", "admin", "ward"]
ROLES: tuple[Role, ...] = ("admin", "dispatcher", "planner", "auditor", "ward", "porter")
"""Every role, broadest first: a signed-in user the provider gives several takes the first."""

# Asymmetric only: a shared-secret (HS*) or unsigned (`none`) token is never accepted.
Algorithm = Literal["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"]

DIGEST = "sha256:"
_HEX = re.compile(r"[0-9a-f]{64}")


def token_digest(token: str) -> str:
    """What a static token is kept and looked up as: the token itself is never stored."""
    return DIGEST + sha256(token.encode()).hexdigest()


class Grant(BaseModel):
    """What one static token may do: a role, and for porters and wards whose they are."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    role: Role
    badge: str | None = Field(None, pattern=r"\S", description="porters: the badge they act as")
    department: str | None = Field(None, pattern=r"\S", description="wards: the department")
    name: str | None = Field(None, pattern=r"\S", description="recorded as `by` on what they do")

    @model_validator(mode="after")
    def _whose(self) -> Self:
        """A porter without a badge or a ward without a department would act for nobody
        in particular, or (worse) for everybody: such a grant is refused, not guessed."""
        wants = {"porter": "badge", "ward": "department"}.get(self.role)
        given = {f for f in ("badge", "department") if getattr(self, f) is not None}
        problems = [f"needs a {wants}"] if wants and wants not in given else []
        problems += [f"takes no {field}" for field in sorted(given - {wants})]
        if problems:
            complaint = f"a {self.role} grant {' and '.join(problems)}"
            raise PydanticCustomError("grant", "{complaint}", {"complaint": complaint})
        return self

    @property
    def who(self) -> str:
        if self.name:
            return self.name
        if self.role == "porter" and self.badge:
            return self.badge
        if self.role == "ward" and self.department:
            return f"ward:{self.department}"
        return self.role


def _entry(position: int, key: str) -> str:
    """How a complaint names a token's entry: by position, and by the digest when the
    configuration holds one (that is no secret); a plain token is never repeated."""
    shown = f"{key[: len(DIGEST) + 8]}…" if key.startswith(DIGEST) else "a plain token"
    return f"entry {position} ({shown})"


def hash_tokens(raw: dict[str, Any]) -> dict[str, Grant]:
    """Token (or `sha256:<hex>` of it) -> grant, as digest -> grant; every entry checked."""
    table: dict[str, Grant] = {}
    problems: list[str] = []
    plain = 0
    for position, (key, value) in enumerate(raw.items(), start=1):
        where = _entry(position, key)
        if key.startswith(DIGEST):
            digest = key[len(DIGEST) :].lower()
            if not _HEX.fullmatch(digest):
                problems.append(f"{where}: sha256: must be followed by 64 hex digits")
                continue
            key = DIGEST + digest
        elif not key.strip():
            problems.append(f"{where}: a token may not be empty")
            continue
        else:
            plain += 1
            key = token_digest(key)
        try:
            table[key] = value if isinstance(value, Grant) else Grant.model_validate(value)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                at = ".".join(str(p) for p in error["loc"])
                problems.append(f"{where}: {at + ': ' if at else ''}{error['msg']}")
    if problems:
        raise PydanticCustomError("tokens", "{problems}", {"problems": "; ".join(problems)})
    if plain:
        log.warning(
            "DISPATCH_TOKENS holds %d plain token(s), hashed as they were read: keep "
            "`sha256:<hex>` of each instead (`dispatch token hash`)",
            plain,
        )
    return table


def _names(value: Any) -> Any:
    """A list setting given as `RS256,ES256` as well as JSON."""
    if isinstance(value, str) and not value.lstrip().startswith("["):
        return [part.strip() for part in value.split(",") if part.strip()]
    return json.loads(value) if isinstance(value, str) else value


class OidcSettings(BaseSettings):
    """Signing in with an OpenID Connect provider's signed tokens (JWT): off until
    DISPATCH_OIDC_ISSUER is set, and then the audience and the keys' URL are needed too."""

    model_config = SettingsConfigDict(env_prefix="DISPATCH_OIDC_", env_file=".env", extra="ignore")

    issuer: str | None = Field(default=None, description="the `iss` tokens must carry, exactly")
    audience: str | None = Field(default=None, description="the `aud` tokens must be for")
    jwks_url: str | None = Field(default=None, description="the provider's published keys")
    algorithms: Annotated[list[Algorithm], NoDecode] = Field(
        default=["RS256", "ES256"], min_length=1, description="e.g. RS256,ES256"
    )
    leeway: int = Field(default=30, ge=0, le=300, description="seconds of clock skew allowed")
    jwks_cache_seconds: float = Field(default=300, gt=0, description="keys kept this long")
    jwks_cooldown_seconds: float = Field(
        default=30, ge=0, description="shortest gap between fetches an unknown key id forces"
    )
    role_claim: str = Field(default="roles", min_length=1, description="e.g. realm_access.roles")
    roles: dict[str, Role] = Field(
        default={role: role for role in ROLES}, description="the provider's role name -> ours"
    )
    badge_claim: str = Field(default="badge", min_length=1)
    department_claim: str = Field(default="department", min_length=1)
    name_claim: str = Field(default="name", min_length=1, description="recorded as `by`")

    _parse_algorithms = field_validator("algorithms", mode="before")(_names)

    @field_validator("jwks_url")
    @classmethod
    def _web(cls, url: str | None) -> str | None:
        if url is not None and not url.startswith(("https://", "http://")):
            raise PydanticCustomError("url", "the keys' URL is an https:// (or http://) URL")
        return url

    @model_validator(mode="after")
    def _whole(self) -> Self:
        given = {"ISSUER": self.issuer, "AUDIENCE": self.audience, "JWKS_URL": self.jwks_url}
        missing = [f"DISPATCH_OIDC_{name}" for name, value in given.items() if not value]
        if missing and len(missing) < len(given):
            raise PydanticCustomError(
                "oidc", f"signing in with OpenID Connect needs {' and '.join(missing)} too"
            )
        return self

    @property
    def enabled(self) -> bool:
        return self.issuer is not None


class ApiSettings(BaseSettings):
    # A complaint about these settings must not quote them: their input holds the tokens.
    model_config = SettingsConfigDict(
        env_prefix="DISPATCH_", env_file=".env", extra="ignore", hide_input_in_errors=True
    )

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    tokens: dict[str, Grant] = Field(
        default_factory=dict,
        description="JSON: sha256:<hex of the token> (or the token) -> "
        "{role, badge?, department?, name?}; kept as digests",
    )
    demo: bool = Field(
        default=False, description="accept the well-known demo-* tokens: never anywhere real"
    )
    oidc: OidcSettings = Field(default_factory=OidcSettings)
    threads: int = Field(
        default=8, ge=1, description="request threads; fewer leave the dispatch loop more time"
    )
    writes_on_loop: bool | None = Field(
        default=None,
        description="a job's own commands (submit, acknowledge, pick up...) and a porter's "
        "break and location run on the event loop, not a request thread; unset: yes unless "
        "the store is PostgreSQL (`--workers` sets it false); false where another process "
        "writes to the same SQLite file",
    )
    seed_demo: bool = Field(default=False, description="register the demo roster at start-up")
    decide: bool = Field(
        default=True, description="false: never run dispatch rounds here (an API-only node)"
    )

    @field_validator("tokens", mode="before")
    @classmethod
    def _hashed(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value  # pydantic names what it is not
        return hash_tokens(value)
