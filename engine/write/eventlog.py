"""Carry a site's whole event log between stores as JSON Lines.

Line one is a header naming the format and the site; every other line is one
stored event in log order, its state kept as the JSON object the store holds,
so auditors can read the file and an import writes back the same bytes.
Notification ids are left out: PostgreSQL sequences may skip numbers, and the
order of the lines is the order of the log.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, TextIO
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from engine.domain.errors import InvalidInput, StoreNotEmpty
from engine.write.application import DispatchApp

FORMAT = "porter-dispatch-event-log"
VERSION = 1
_PAGE = 1000


def _dumps(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def read_notifications(app: DispatchApp, page: int = _PAGE) -> Iterator[Any]:
    start = 1
    while True:
        batch = app.recorder.select_notifications(start=start, limit=page)
        if not batch:
            return
        yield from batch
        start = batch[-1].id + 1


def _opened(app: DispatchApp, state: bytes) -> bytes:
    """A stored state as the transcoder wrote it: an export is plaintext (the file is the
    operator's to keep safe), whatever the store keeps at rest."""
    if app.mapper.cipher is not None:
        state = app.mapper.cipher.decrypt(state)
    if app.mapper.compressor is not None:
        state = app.mapper.compressor.decompress(state)
    return state


def _sealed(app: DispatchApp, state: bytes) -> bytes:
    """The reverse: what this store keeps at rest for an imported state."""
    if app.mapper.compressor is not None:
        state = app.mapper.compressor.compress(state)
    if app.mapper.cipher is not None:
        state = app.mapper.cipher.encrypt(state)
    return state


def export_log(app: DispatchApp, out: TextIO) -> int:
    out.write(_dumps({"format": FORMAT, "version": VERSION, "site": app.site}) + "\n")
    count = 0
    for n in read_notifications(app):
        record = {
            "originator_id": str(n.originator_id),
            "originator_version": n.originator_version,
            "topic": n.topic,
            "state": json.loads(_opened(app, n.state).decode("utf-8")),
        }
        out.write(_dumps(record) + "\n")
        count += 1
    return count


def parse_log(lines: Iterable[str], site: str) -> list[StoredEvent]:
    """Check every line before anything is written; errors name the line."""
    it = iter(lines)
    try:
        header = json.loads(next(it))
    except (StopIteration, json.JSONDecodeError):
        raise InvalidInput("line 1", f"expected a {FORMAT} header") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise InvalidInput("line 1", f"expected a {FORMAT} header")
    if header.get("version") != VERSION:
        raise InvalidInput("line 1", f"unsupported version {header.get('version')!r}")
    if header.get("site") != site:
        raise InvalidInput("line 1", f"log is for site {header.get('site')!r}, not {site!r}")
    events = []
    for number, line in enumerate(it, start=2):
        if not line.strip():
            continue
        events.append(_parse_event(line, number))
    return events


def _parse_event(line: str, number: int) -> StoredEvent:
    where = f"line {number}"
    try:
        record = json.loads(line)
        topic = record["topic"]
        version = record["originator_version"]
        state = record["state"]
        originator = UUID(record["originator_id"])
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(where, f"not a stored event ({exc})") from None
    if not isinstance(topic, str) or not topic.startswith("engine."):
        raise InvalidInput(where, f"topic {topic!r} is not an engine event")
    if not isinstance(version, int) or version < 1:
        raise InvalidInput(where, "originator_version must be a positive integer")
    if not isinstance(state, dict):
        raise InvalidInput(where, "state must be an object")
    return StoredEvent(
        originator_id=originator,
        originator_version=version,
        topic=topic,
        state=_dumps(state).encode("utf-8"),
    )


def import_log(app: DispatchApp, lines: Iterable[str]) -> int:
    """Write a whole log into an empty store in one transaction: all or nothing."""
    events = parse_log(lines, app.site)
    if app.recorder.max_notification_id() is not None:
        raise StoreNotEmpty(f"the store for site {app.site} already holds events")
    if events:
        app.recorder.insert_events(
            [
                StoredEvent(e.originator_id, e.originator_version, e.topic, _sealed(app, e.state))
                for e in events
            ]
        )
    return len(events)
