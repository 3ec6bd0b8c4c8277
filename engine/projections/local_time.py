"""Times as the read models show them: ISO 8601 in the hospital's own time zone.

Every answer and every change on the stream formats its times, and the same few
(a job's request, due and event times) are formatted again for each answer that
shows the job: the strings are kept for times seen lately.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from functools import lru_cache


def iso(value: datetime, tz: tzinfo | None = None) -> str:
    """In `tz` (the hospital's zone), with its offset; as stamped when no zone is given."""
    if tz is None:  # not kept: equal instants in other zones would share one string
        return value.isoformat()
    return _in_zone(value, value.fold, tz)


@lru_cache(maxsize=4096)
def _in_zone(value: datetime, fold: int, tz: tzinfo) -> str:
    """Keys that compare equal are one instant, so they give one string in `tz`; but for
    equality within a zone, a repeated hour's two halves differ only by `fold`."""
    return value.astimezone(tz).isoformat()
