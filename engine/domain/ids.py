"""Deterministic identities: the same site and key always give the same id.

Deriving ids from natural keys (idempotency key, badge) makes a retried request
collide with its first attempt inside the store, which is what makes
submission idempotent even across processes.
"""

from __future__ import annotations

from functools import lru_cache
from uuid import NAMESPACE_URL, UUID, uuid5


@lru_cache(maxsize=64)
def site_namespace(site: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"urn:porter-dispatch:site:{site}")


def job_id(site: str, idempotency_key: str) -> UUID:
    return uuid5(site_namespace(site), f"job:{idempotency_key}")


def return_leg_id(site: str, idempotency_key: str) -> UUID:
    """An escort's return leg, from its outbound's key but apart from every `job_id`, so
    no key a caller sends can name it. Legs recorded before were at
    `job_id(site, f"{key}:return")` and stay there: the outbound names its leg by id."""
    return uuid5(site_namespace(site), f"return:{idempotency_key}")


@lru_cache(maxsize=4096)
def porter_id(site: str, badge: str) -> UUID:
    return uuid5(site_namespace(site), f"porter:{badge}")


def decision_id(site: str, round_no: int) -> UUID:
    return uuid5(site_namespace(site), f"decision:{round_no}")
