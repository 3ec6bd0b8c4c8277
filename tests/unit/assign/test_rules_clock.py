"""A rule's refusal names its times on one clock: the hospital's, as the shift's end is
given, even when the round's clock runs in UTC (a server's usually does)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from engine.assign.rules import finishes_before_shift_end

from .builders import FAR, NOW, job, minutes, porter, problem

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_shift_end_refusal_gives_both_times_in_the_hospitals_zone() -> None:
    ends = minutes(3).astimezone(SHANGHAI)  # NOW is 09:00 UTC: 17:03 in Shanghai
    late = porter(location=FAR, shift_ends_at=ends)
    refusal = finishes_before_shift_end(job(), late, problem([job()], [late]))
    assert refusal is not None
    assert f"shift ends at {ends:%H:%M}" in refusal
    finish = refusal.rsplit("about ", 1)[1]
    assert finish.startswith("17:"), refusal  # not 09:xx, the round's UTC
    assert NOW.astimezone(SHANGHAI).strftime("%H:%M") < finish
