"""The site's policy as an event-sourced aggregate: each publish is a new version."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from engine.domain.actor import ActorData, current
from engine.domain.errors import InvalidInput
from engine.domain.ids import site_namespace
from engine.domain.policy.document import PolicyDocument


class Policy(Aggregate):
    """One per site. `number` counts published versions from 1."""

    @staticmethod
    def create_id(site: str) -> UUID:
        return uuid5(site_namespace(site), "policy")

    @event("Published")
    def __init__(
        self,
        site: str,
        document: dict[str, Any],
        published_by: str,
        note: str,
        timestamp: datetime,
        actor: ActorData | None = None,
    ) -> None:
        self.site = site
        self.number = 1
        self.history: list[dict[str, Any]] = []
        self._apply(document, published_by, note, timestamp)

    def publish(self, document: PolicyDocument, published_by: str, note: str, at: datetime) -> None:
        if not published_by.strip():
            raise InvalidInput("published_by", "must name who publishes the policy")
        self._republished(
            document=document.to_data(),
            published_by=published_by,
            note=note,
            timestamp=at,
            actor=current(),
        )

    @event("Republished")
    def _republished(
        self,
        document: dict[str, Any],
        published_by: str,
        note: str,
        timestamp: datetime,
        actor: ActorData | None = None,
    ) -> None:
        self.number += 1
        self._apply(document, published_by, note, timestamp)

    def _apply(
        self, document: dict[str, Any], published_by: str, note: str, timestamp: datetime
    ) -> None:
        self.document_data = document
        self.history.append(
            {
                "number": self.number,
                "published_by": published_by,
                "note": note,
                "at": timestamp.isoformat(),
            }
        )

    @property
    def document(self) -> PolicyDocument:
        return PolicyDocument.model_validate(self.document_data)
