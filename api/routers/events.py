"""Server-sent events: every change to the board, in log order, resumable.

Each event's `id` is its position in the site's log, so a client that
reconnects with `Last-Event-ID` (or `?after=`) gets exactly what it missed,
read back from the store, and then the live feed: nothing lost, nothing twice,
even across a server restart.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from fastapi.sse import KEEPALIVE_COMMENT
from pydantic import BaseModel, Field
from pydantic_core import to_json

from api.auth import READERS, Principal
from api.deps import AnyRole, ServiceDep
from api.routing import OneHopRoute
from api.schemas import refusals
from engine.domain.errors import InvalidInput
from engine.projections.notices import audience
from engine.projections.service import Service
from engine.projections.timeline import Change

router = APIRouter(
    route_class=OneHopRoute,
    prefix="/events",
    tags=["events"],
    responses=refusals(401, 403, 422, stream=True),
)


PING_SECONDS = 15.0  # a comment line this often keeps proxies from closing an idle stream


def _sse(data: Any, event: str, id: int | None = None) -> bytes:
    """One event in the stream's wire format, as `fastapi.sse.format_sse_event` writes it
    (`event:`, `data:`, `id:` lines, a blank line), built as bytes: a stream carries every
    change of the site. The data is compact JSON, which escapes line breaks, and so is
    one `data:` line; the event names are the log's own."""
    # pydantic-core's encoder: a few times quicker than `json.dumps` (which took about a
    # twentieth of the event loop's time under `benchmarks/api.py`).
    head = b"event: " + event.encode() + b"\ndata: " + to_json(data)
    return head + (b"\n\n" if id is None else b"\nid: %d\n\n" % id)


def visible(principal: Principal, change: Change) -> list[dict[str, Any]]:
    """What of a change the caller may see. Staff who read the board see every change
    (with its notices); a porter or a ward sees only the notices addressed to them, each
    carrying the change's position, so resuming works the same."""
    if principal.role in READERS:
        return [change]
    mine = audience(change["notices"], principal.role, principal.badge, principal.department)
    return [{"position": change["position"], "at": change["at"], **n} for n in mine]


def _alert(principal: Principal, item: Change) -> bytes:
    """The dispatch loop failing or recovered: for the staff who watch the board. No
    `id`: it is not a position in the log, and must not move where a client resumes."""
    if principal.role not in READERS:
        return b""
    return _sse(item, "alert")


def _events(principal: Principal, change: Change) -> bytes:
    # Changes hold only JSON values already: dump them directly, not via jsonable_encoder.
    if change.get("type") == "alert":
        return _alert(principal, change)
    if principal.role in READERS:
        return _sse(change, change["type"], change["position"])
    return b"".join(_sse(item, "notice", item["position"]) for item in visible(principal, change))


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


class EventStream(StreamingResponse):
    media_type = "text/event-stream"


_SSE_ITEM = {  # one server-sent event, as the OpenAPI 3.2 `itemSchema` describes a stream
    "type": "object",
    "properties": {
        "data": {"type": "string"},
        "event": {"type": "string"},
        "id": {"type": "string"},
        "retry": {"type": "integer", "minimum": 0},
    },
}


@router.get(
    "/stream",
    response_class=EventStream,
    responses={200: {"content": {"text/event-stream": {"itemSchema": _SSE_ITEM}}}},
)
async def stream(
    principal: AnyRole,
    service: ServiceDep,
    resume: Annotated[int | None, Depends(resume_after)],
) -> EventStream:
    """`hello` first (with the position the live feed starts from), then one event per
    change; porters and wards get only their notices."""
    return EventStream(
        _feed(principal, service, resume),
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


class _Inbox:
    """Changes handed over from any thread, and a keep-alive due once the stream has been
    quiet for `every` seconds: one timer a quiet spell, not one a batch."""

    def __init__(self, loop: asyncio.AbstractEventLoop, every: float = PING_SECONDS) -> None:
        self.loop = loop
        self.every = every
        self.changes: list[Change] = []
        self.ping = False
        self.ready = asyncio.Event()
        self.wrote = loop.time()
        self.timer = loop.call_at(self.wrote + every, self._quiet)

    def push(self, changes: list[Change]) -> None:
        # Always scheduled, even from the loop's own thread (a command run there): a
        # direct hand-over would overtake changes the dispatch thread already scheduled,
        # and the stream skips positions it has passed, so those would be lost to it.
        self.loop.call_soon_threadsafe(self._arrive, changes)

    def _arrive(self, changes: list[Change]) -> None:
        self.changes.extend(changes)
        self.ready.set()

    def _quiet(self) -> None:
        due = self.wrote + self.every
        if self.loop.time() >= due:
            self.ping = True
            self.ready.set()
            due = self.loop.time() + self.every
        self.timer = self.loop.call_at(due, self._quiet)

    async def take(self) -> list[Change] | None:
        """Whatever arrived since the last take, in one batch; None: send a keep-alive."""
        if not (self.changes or self.ping):
            self.ready.clear()
            await self.ready.wait()
        if self.changes:
            changes, self.changes = self.changes, []
            return changes
        return None

    def written(self) -> None:
        self.wrote = self.loop.time()
        self.ping = False

    def close(self) -> None:
        self.timer.cancel()


async def _feed(principal: Principal, service: Service, resume: int | None) -> AsyncIterator[bytes]:
    """One write per batch of changes, not per change: at 50 jobs a second a stream
    carries hundreds of events a second, and each write is a trip through the stack."""
    inbox = _Inbox(asyncio.get_running_loop())
    push = inbox.push
    start = await run_in_threadpool(service.subscribe, push)
    try:
        sent = resume if resume is not None else start
        hello = {"position": start, "site": service.app.site}
        yield _sse(hello, "hello") + (
            _alert(principal, service.alert) if service.alert is not None else b""
        )
        while sent < start:  # what the client missed, read back from the log
            missed = await run_in_threadpool(service.changes_between, sent, start)
            if not missed:
                break
            yield b"".join(_events(principal, change) for change in missed)
            sent = missed[-1]["position"]
        inbox.written()
        sent = max(sent, start)
        while True:
            changes = await inbox.take()
            if changes is None:
                yield KEEPALIVE_COMMENT
                inbox.written()
                continue
            chunk = []
            for change in changes:
                if change.get("type") == "alert":
                    chunk.append(_alert(principal, change))
                elif change["position"] > sent:
                    chunk.append(_events(principal, change))
                    sent = change["position"]
            if data := b"".join(chunk):
                yield data
                inbox.written()
    finally:
        inbox.close()
        service.unsubscribe(push)
