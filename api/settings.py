"""The API's own settings (tokens, address, loop timing), read from DISPATCH_* variables.

Kept apart from the engine's settings: the engine runs without an HTTP
server (CLI, tests, simulations) and should not carry its knobs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

Role = Literal["dispatcher", "porter", "planner", "auditor", "admin", "ward"]


class Grant(BaseModel):
    """What one bearer token may do: a role, and for porters and wards whose they are."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    role: Role
    badge: str | None = Field(default=None, description="porters: the badge they act as")
    department: str | None = Field(default=None, description="wards: the department")
    name: str | None = Field(default=None, description="recorded as `by` on what they do")

    @property
    def who(self) -> str:
        if self.name:
            return self.name
        if self.role == "porter" and self.badge:
            return self.badge
        if self.role == "ward" and self.department:
            return f"ward:{self.department}"
        return self.role


def demo_tokens(porters: Iterable[str]) -> dict[str, Grant]:
    """Well-known tokens for trying a hospital out, one per porter's badge of the hospital
    served; switch off with DISPATCH_DEMO_TOKENS=false."""
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


class ApiSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DISPATCH_", env_file=".env", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    tokens: dict[str, Grant] = Field(
        default_factory=dict, description="JSON: token -> {role, badge?, department?, name?}"
    )
    demo_tokens: bool = True
    threads: int = Field(
        default=8, ge=1, description="request threads; fewer leave the dispatch loop more time"
    )
    seed_demo: bool = Field(default=False, description="register the demo roster at start-up")
    decide: bool = Field(
        default=True, description="false: never run dispatch rounds here (an API-only node)"
    )

    def grants(self, porters: Iterable[str] = ()) -> dict[str, Grant]:
        return {**(demo_tokens(porters) if self.demo_tokens else {}), **self.tokens}
