"""Who is calling: a bearer token names a role, and for porters and wards whose it is
(`api/signin.py` says which tokens are accepted).

No or an unknown token is 401, a known token with the wrong role 403; both
are decided before the command runs, so a refused request changes nothing.
Porters may touch only their own jobs, shift, break and location; wards only
their own department's jobs.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException, status

from api.settings import Grant, Role
from engine.domain.actor import Actor
from engine.domain.errors import InvalidInput, JobNotFound
from engine.domain.job.aggregate import Job

READERS: tuple[Role, ...] = ("dispatcher", "planner", "auditor", "admin")


@dataclass(frozen=True)
class Principal:
    role: Role
    who: str
    badge: str | None = None
    department: str | None = None

    def __post_init__(self) -> None:
        # Sign-in refuses these with a reason first; this guards every other way in.
        if self.role == "porter" and not self.badge:
            raise ValueError("a porter acts as a badge")
        if self.role == "ward" and not self.department:
            raise ValueError("a ward acts for a department")

    @classmethod
    def of(cls, grant: Grant) -> Principal:
        return cls(grant.role, grant.who, grant.badge, grant.department)

    def actor(self, for_: str | None = None) -> Actor:
        """Who the record names: this caller, in their role, acting for `for_` if anyone
        (nobody, when it is their own badge or their own department)."""
        own = for_ is not None and for_ in (self.badge, self.department)
        return Actor(self.who, self.role, None if own else for_)

    def require(self, *roles: Role) -> None:
        if self.role not in roles:
            raise forbidden(f"the {self.role} role may not do this (allowed: {', '.join(roles)})")

    def key_scope(self) -> str | None:
        """Whose Idempotency-Keys these are: a ward's its department's alone; staff, who
        read every job anyway, share one space (None)."""
        return f"ward:{self.department}" if self.role == "ward" and self.department else None

    def acting_badge(self, badge: str | None) -> str:
        """The porter a porter-action is for: the token's own, or named by staff."""
        if self.role == "porter":
            if badge is not None and badge != self.badge:
                raise forbidden(f"porter {self.badge} may act only as themselves")
            assert self.badge is not None
            return self.badge
        if not badge:
            raise InvalidInput("badge", "name the porter this is done for")
        return badge

    def check_request(self, department: str, group: str | None, serving: str | None) -> None:
        """Wards request for their own department (403), and for the group the site says
        serves it (`serving`): naming another is a 422 on `group`. Dispatchers and admins
        may send a job to any group: lending a team's work to another is theirs to decide."""
        if self.role != "ward":
            return
        if self.department != department:
            raise forbidden(f"{self.who} may request jobs only for {self.department}")
        if group is not None and serving is not None and group != serving:
            raise InvalidInput(
                "group",
                f"{department} is served by {serving}: a ward's request goes there "
                "(leave group out)",
            )

    def check_porter(self, badge: str) -> None:
        if self.role == "porter" and badge != self.badge:
            raise forbidden(f"porter {self.badge} may act only on their own shift")

    def check_job(self, job: Job, porter_id: str | None = None) -> None:
        """Porters: only jobs assigned to them; wards: only their department's. Another's
        job answers as a job that does not exist (404), so none is found by probing."""
        if self.role == "porter" and porter_id not in job.porter_ids:
            raise JobNotFound(job.id)
        if self.role == "ward" and job.department != self.department:
            raise JobNotFound(job.id)


def forbidden(message: str) -> HTTPException:
    return HTTPException(status.HTTP_403_FORBIDDEN, {"message": message})


def unauthorised(message: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, {"message": message}, {"WWW-Authenticate": "Bearer"}
    )
