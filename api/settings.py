"""The API's own settings (sign-in, address, threads), read from DISPATCH_* variables.

Kept apart from the engine's settings: the engine runs without an HTTP
server (CLI, tests, simulations) and should not carry its knobs. Everything
about signing in is checked here, when the settings are read, so a process
with a grant it cannot honour never starts.
"""

from __future__ import annotations

import logging
import re
from hashlib import sha256
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict

log = logging.getLogger(__name__)

Role = Literal["dispatcher", "porter", "planner", "auditor", "admin", "ward"]

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
    threads: int = Field(
        default=8, ge=1, description="request threads; fewer leave the dispatch loop more time"
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
