"""Recurring work: a hospital's regular rounds (the morning specimen round, the drug
round, linen and documents) that create their jobs when due.

Each occurrence has an idempotency key of its own (`round:<id>:<date>T<time>`),
so a job is created once however often the driver looks, by whichever process
decides, and a restart creates what came due while the server was down.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

KEY_PREFIX = "round:"

CATCH_UP = timedelta(hours=2)
"""How late a missed occurrence is still created (after a restart, say)."""


@dataclass(frozen=True)
class RecurringWork:
    id: str
    request: dict[str, Any]  # a SubmitJob body
    times: tuple[time, ...]
    days: frozenset[int]  # Monday 0 ... Sunday 6

    def key(self, at: datetime, tz: tzinfo) -> str:
        local = at.astimezone(tz)
        return f"{KEY_PREFIX}{self.id}:{local.date().isoformat()}T{local:%H:%M}"

    def due(self, since: datetime, now: datetime, tz: tzinfo) -> list[datetime]:
        """Occurrences in (since, now], oldest first (at most `CATCH_UP` old)."""
        since = max(since, now - CATCH_UP)
        first, last = since.astimezone(tz).date(), now.astimezone(tz).date()
        out = []
        day: date = first
        while day <= last:
            if day.weekday() in self.days:
                for t in self.times:
                    at = datetime.combine(day, t, tz)
                    if since < at <= now:
                        out.append(at)
            day += timedelta(days=1)
        return sorted(out)


def is_recurring(key: str) -> bool:
    """Whether an idempotency key is one of a recurring round's occurrences."""
    return key.startswith(KEY_PREFIX)
