"""The site's dispatch policy: read it, or publish a new version (planners): a whole one
(PUT), or the current one with some fields changed (PATCH)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import AppDep, Planning, Reader, ServiceDep
from api.schemas import PolicyCreate, PolicyPublic, PolicyUpdate, refusals
from engine.projections.service import Service
from engine.write.application import DispatchApp

router = APIRouter(prefix="/policy", tags=["policy"], responses=refusals(401, 403, 422))


@router.get("")
def get_policy(principal: Reader, app: AppDep) -> PolicyPublic:
    version, document = app.policy_document()
    return PolicyPublic(version=version, document=document.to_data())


@router.put("", responses=refusals(409))
def publish_policy(
    body: PolicyCreate, principal: Planning, app: AppDep, service: ServiceDep
) -> PolicyPublic:
    """A new version, whole; jobs already submitted keep the due times of theirs."""
    app.publish_policy(body.document, principal.who, body.note)
    return _published(app, service)


@router.patch("", responses=refusals(409))
def amend_policy(
    body: PolicyUpdate, principal: Planning, app: AppDep, service: ServiceDep
) -> PolicyPublic:
    """A new version: the current one with the given fields changed, the rest kept."""
    app.amend_policy(body.document, principal.who, body.note)
    return _published(app, service)


def _published(app: DispatchApp, service: Service) -> PolicyPublic:
    service.written()
    service.refresh()
    version, document = app.policy_document()
    return PolicyPublic(version=version, document=document.to_data())
