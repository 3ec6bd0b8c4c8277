"""The site as its screens need it: its locations, departments and groups, the values
forms may offer, and who the caller is.

Any signed-in role may read these: a ward fills its own request form with the
site's locations, a porter reports where they are, the desk takes a ward's call.
Nothing here is a patient's or a porter's business.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from fastapi import APIRouter, Depends

from api.deps import AnyRole, RuntimeDep
from api.routing import OneHopRoute
from api.schemas import refusals
from api.site_schemas import (
    DepartmentPublic,
    LocationPublic,
    MePublic,
    Named,
    SitePublic,
    Vocabulary,
)
from engine.domain.values import Accompaniment, Complaint, Incident, Kind, Mode, Priority, Reason
from engine.hospital import Hospital

router = APIRouter(route_class=OneHopRoute, tags=["site"], responses=refusals(401, 403, 422))


async def _hospital(runtime: RuntimeDep) -> Hospital:
    return runtime.hospital


HospitalDep = Annotated[Hospital, Depends(_hospital)]


def _named(names: dict[str, str], ids: Iterable[str]) -> list[Named]:
    return [Named(id=i, name=names.get(i, i)) for i in sorted(ids)]


@router.get("/site")
def site(principal: AnyRole, runtime: RuntimeDep) -> SitePublic:
    """The site's name and timezone, its groups, departments and equipment, and the
    values the API accepts for kinds, priorities, modes and reasons."""
    hospital = runtime.hospital
    catalogue = hospital.layout.catalogue
    names = hospital.names
    departments = names.get("departments", {})
    return SitePublic(
        site=runtime.app.site,  # the one served, which settings may name otherwise
        name=hospital.layout.name,
        timezone=str(hospital.timezone),
        groups=_named(names.get("groups", {}), catalogue.groups),
        departments=[
            DepartmentPublic(id=d, name=departments.get(d, d), group=g)
            for d, g in sorted(catalogue.departments.items())
        ],
        equipment=_named(names.get("equipment", {}), catalogue.equipment),
        vocabulary=Vocabulary(
            kinds=[k.value for k in Kind],
            priorities=[p.value for p in sorted(Priority, key=lambda p: p.rank)],
            modes=[m.value for m in Mode],
            accompaniments=[a.value for a in Accompaniment],
            reasons=[r.value for r in Reason],
            incidents=[i.value for i in Incident],
            complaints=[c.value for c in Complaint],
        ),
    )


@router.get("/site/locations")
def locations(principal: AnyRole, hospital: HospitalDep) -> list[LocationPublic]:
    """Every location of the site, by code, with the department it belongs to."""
    return [
        LocationPublic(
            code=loc.code,
            building=loc.building,
            floor=loc.floor,
            room=loc.room,
            department=hospital.departments.get(loc.code),
        )
        for loc in sorted(hospital.layout.locations.values(), key=lambda loc: loc.code)
    ]


@router.get("/me")
def me(principal: AnyRole) -> MePublic:
    """Who the bearer token is: its role, the name records give it, its badge or ward."""
    return MePublic(
        role=principal.role,
        who=principal.who,
        badge=principal.badge,
        department=principal.department,
    )
