"""Server-sent events: every change to the board, in log order, resumable.

Each event's `id` is its position in the site's log, so a client that
reconnects with `Last-Event-ID` (or `?after=`) gets exactly what it missed,
read back from the store, and then the live feed: nothing lost, nothing twice,
even across a server restart.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.sse import EventSourceResponse, ServerSentEvent
from pydantic import BaseModel, Field

from api.auth import READERS, Principal
from api.deps import AnyRole, ServiceDep
from api.schemas import refusals
from engine.domain.errors import InvalidInput
from engine.projections.notices import audience
from engine.projections.timeline import Change

router = APIRouter(
    prefix="/events", tags=["events"], responses=refusals(401, 403, 422, stream=True)
)


def _event(change: Change) -> ServerSentEvent:
    # Changes hold only JSON values already: dump them directly, not via jsonable_encoder.
    return ServerSentEvent(
        raw_data=json.dumps(change), event=change["type"], id=str(change["position"])
    )


def visible(principal: Principal, change: Change) -> list[dict[str, Any]]:
    """What of a change the caller may see. Staff who read the board see every change
    (with its notices); a porter or a ward sees only the notices addressed to them, each
    carrying the change's position, so resuming works the same."""
    if principal.role in READERS:
        return [change]
    mine = audience(change["notices"], principal.role, principal.badge, principal.department)
    return [{"position": change["position"], "at": change["at"], **n} for n in mine]


def _alert(principal: Principal, item: Change) -> list[ServerSentEvent]:
    """The dispatch loop failing or recovered: for the staff who watch the board. No
    `id`: it is not a position in the log, and must not move where a client resumes."""
    if principal.role not in READERS:
        return []
    return [ServerSentEvent(raw_data=json.dumps(item), event="alert")]


def _events(principal: Principal, change: Change) -> list[ServerSentEvent]:
    if change.get("type") == "alert":
        return _alert(principal, change)
    if principal.role in READERS:
        return [_event(change)]
    return [
        ServerSentEvent(raw_data=json.dumps(item), event="notice", id=str(item["position"]))
        for item in visible(principal, change)
    ]


class EventPage(BaseModel):
    position: int = Field(description="read up to here: ask again with `after` set to it")
    items: list[dict[str, Any]] = Field(
        description="changes (staff) or notices (porters, wards), oldest first"
    )


@router.get("")
def page(
    principal: AnyRole,
    service: ServiceDep,
    after: Annotated[int, Query(ge=0, description="positions after this one")] = 0,
) -> EventPage:
    """The same as the stream, a page at a time: for a phone that polls on a poor
    network, or a client catching up before it opens the stream."""
    end = service.refresh()
    if after > end:
        raise InvalidInput("after", f"{after} is past the end of the log ({end})")
    changes = service.changes_between(after, end) if after < end else []
    reached = changes[-1]["position"] if changes else max(after, end)
    items = [item for change in changes for item in visible(principal, change)]
    return EventPage(position=reached, items=items)


async def resume_after(
    service: ServiceDep,
    last_event_id: Annotated[int | None, Header(alias="Last-Event-ID", ge=0)] = None,
    after: Annotated[int | None, Query(ge=0, description="resume after this position")] = None,
) -> int | None:
    """Where a client resumes (`after` before `Last-Event-ID`), checked before the stream
    starts: a position past the end of the log would wait for events that never come."""
    given = {"after": after, "Last-Event-ID": last_event_id}
    if all(v is None for v in given.values()):
        return None
    end = await run_in_threadpool(service.log_end)
    for field, position in given.items():
        if position is not None and position > end:
            raise InvalidInput(field, f"{position} is past the end of the log ({end})")
    return after if after is not None else last_event_id


@router.get("/stream", response_class=EventSourceResponse)
async def stream(
    principal: AnyRole,
    service: ServiceDep,
    resume: Annotated[int | None, Depends(resume_after)],
) -> AsyncIterator[ServerSentEvent]:
    """`hello` first (with the position the live feed starts from), then one event per
    change; porters and wards get only their notices."""
    queue: asyncio.Queue[list[Change]] = asyncio.Queue()
    loop = asyncio.get_running_loop()

    def push(changes: list[Change]) -> None:
        loop.call_soon_threadsafe(queue.put_nowait, changes)

    start = await run_in_threadpool(service.subscribe, push)
    try:
        sent = resume if resume is not None else start
        yield ServerSentEvent(event="hello", data={"position": start, "site": service.app.site})
        if service.alert is not None:
            for sse in _alert(principal, service.alert):
                yield sse
        while sent < start:  # what the client missed, read back from the log
            missed = await run_in_threadpool(service.changes_between, sent, start)
            if not missed:
                break
            for change in missed:
                for sse in _events(principal, change):
                    yield sse
                sent = change["position"]
        sent = max(sent, start)
        while True:
            for change in await queue.get():
                if change.get("type") == "alert":
                    for sse in _alert(principal, change):
                        yield sse
                elif change["position"] > sent:
                    for sse in _events(principal, change):
                        yield sse
                    sent = change["position"]
    finally:
        service.unsubscribe(push)
