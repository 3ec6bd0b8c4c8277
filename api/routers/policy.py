"""The site's dispatch policy: read it, or publish a new version (planners)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import AppDep, Planning, Reader, ServiceDep
from api.schemas import PolicyCreate, PolicyPublic

router = APIRouter(prefix="/policy", tags=["policy"])


@router.get("")
def get_policy(principal: Reader, app: AppDep) -> PolicyPublic:
    version, document = app.policy_document()
    return PolicyPublic(version=version, document=document.to_data())


@router.put("")
def publish_policy(
    body: PolicyCreate, principal: Planning, app: AppDep, service: ServiceDep
) -> PolicyPublic:
    """A new version; jobs already submitted keep the due times of theirs."""
    app.publish_policy(body.document, principal.who, body.note)
    service.written()
    service.refresh()
    version, document = app.policy_document()
    return PolicyPublic(version=version, document=document.to_data())
