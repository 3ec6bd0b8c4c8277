"""Typed settings, read from DISPATCH_* environment variables or a .env file."""

from __future__ import annotations

import base64
from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    # Errors never echo a value: a mistyped cipher key or password is still a secret.
    model_config = SettingsConfigDict(
        env_prefix="DISPATCH_", env_file=".env", extra="ignore", hide_input_in_errors=True
    )

    hospital: str = Field(
        default="demo",
        description="the hospital file (JSON, see `dispatch hospital schema`), or demo",
    )
    site: str | None = Field(
        default=None,
        pattern=r"^[a-z][a-z0-9_]{0,40}$",
        description="the site id (lower-case letters, digits, _); default: the hospital's",
    )
    store: Literal["sqlite", "postgres", "memory"] = "sqlite"
    sqlite_path: Path = Path("var/dispatch.sqlite")
    postgres_host: str = "127.0.0.1"
    postgres_port: int = 5432
    postgres_user: str = "postgres"
    postgres_password: str = ""
    postgres_dbname: str = "test"
    postgres_schema: str = ""
    postgres_lock_timeout: int = Field(default=5, ge=1, description="seconds")
    postgres_pool_size: int = 5

    cipher_key: SecretStr | None = Field(
        default=None,
        description="base64 of a 16, 24 or 32-byte AES key: every event is stored encrypted",
    )
    cipher_old_keys: SecretStr | None = Field(
        default=None,
        description="comma-separated keys events may still be encrypted with (read only): "
        "for rotating the key without stopping; `dispatch rotate-key` retires them",
    )

    clock_offset_seconds: float = Field(
        default=0.0,
        allow_inf_nan=False,
        ge=-366 * 86400,
        le=366 * 86400,
        description="training and tests: the site's clock runs this far from the wall clock",
    )

    # The live server's dispatch driver and loop (simulations set their own).
    tick_seconds: float = Field(default=5.0, gt=0, description="escalation and re-round tick")
    round_interval: float = Field(
        default=0.005,
        ge=0,
        description="shortest gap between rounds, seconds; arrivals meanwhile share one (a round "
        "already takes in whatever arrived while the last ran; this only caps the rate)",
    )
    idle_round_seconds: float = Field(
        default=60.0, gt=0, description="waiting jobs are offered again at least this often"
    )
    rota_days_ahead: int = Field(
        default=14, ge=1, le=92, description="how many days ahead the rota is planned"
    )
    poll_seconds: float = Field(default=0.25, gt=0, description="how often the loop reads the log")
    standby_seconds: float = Field(default=1.0, gt=0, description="stand-by retry of the lease")

    @field_validator("cipher_key", "cipher_old_keys")
    @classmethod
    def _keys(cls, v: SecretStr | None) -> SecretStr | None:
        """A key that cannot be used is refused at start-up, naming the setting, not at the
        first event written (the value itself is never echoed)."""
        if v is not None:
            for key in v.get_secret_value().split(","):
                check_key(key)
        return v

    def cipher_env(self) -> dict[str, str]:
        """The library's cipher settings: `CIPHER_TOPIC` names our key ring, the library's
        AES-GCM cipher with keys to read older events by (see `engine.write.cipher`)."""
        if self.cipher_key is None:
            return {}
        old = self.cipher_old_keys.get_secret_value() if self.cipher_old_keys else ""
        return {
            "CIPHER_TOPIC": "engine.write.cipher:KeyRing",
            "CIPHER_KEY": self.cipher_key.get_secret_value(),
            "CIPHER_OLD_KEYS": old,
        }

    def event_store_env(self) -> dict[str, str]:
        """The eventsourcing library's environment for this site's store."""
        if self.store == "memory":
            # One process owns an in-memory store, so cached aggregates never go stale.
            return {"PERSISTENCE_MODULE": "eventsourcing.popo", "AGGREGATE_CACHE_FASTFORWARD": "n"}
        if self.store == "sqlite":
            if str(self.sqlite_path) != ":memory:":
                self.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
            return {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": str(self.sqlite_path),
                "SQLITE_LOCK_TIMEOUT": "10",
                **self.cipher_env(),
            }
        return {
            **self.cipher_env(),
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_HOST": self.postgres_host,
            "POSTGRES_PORT": str(self.postgres_port),
            "POSTGRES_USER": self.postgres_user,
            "POSTGRES_PASSWORD": self.postgres_password,
            "POSTGRES_DBNAME": self.postgres_dbname,
            "POSTGRES_SCHEMA": self.postgres_schema,
            "POSTGRES_LOCK_TIMEOUT": str(self.postgres_lock_timeout),
            "POSTGRES_POOL_SIZE": str(self.postgres_pool_size),
            "POSTGRES_ENABLE_DB_FUNCTIONS": "n",
            # Lock, insert and commit in one round trip (see the module's docstring).
            "APPLICATION_RECORDER_TOPIC": "engine.write.pg_recorder:OneTripRecorder",
        }

    def driver_timing(self) -> tuple[timedelta, timedelta, timedelta]:
        """(tick, round gap, idle round) for the live driver (and `rota_days_ahead`)."""
        return (
            timedelta(seconds=self.tick_seconds),
            timedelta(seconds=self.round_interval),
            timedelta(seconds=self.idle_round_seconds),
        )


def check_key(key: str) -> bytes:
    """An AES key as the library takes it: base64 of 16, 24 or 32 bytes."""
    try:
        raw = base64.b64decode(key.strip().encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        raise ValueError("a cipher key must be base64 (e.g. `dispatch new-key`)") from None
    if len(raw) not in (16, 24, 32):
        raise ValueError(f"a cipher key must be 16, 24 or 32 bytes, not {len(raw)}")
    return raw
