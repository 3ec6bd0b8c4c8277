"""Times shown in the hospital's zone: kept strings never stand for another instant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from engine.projections.local_time import iso

BERLIN = ZoneInfo("Europe/Berlin")


def test_the_two_halves_of_a_repeated_hour_show_as_two_times() -> None:
    first = datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN)
    second = first.replace(fold=1)
    assert iso(first, UTC) == "2026-10-25T00:30:00+00:00"
    assert iso(second, UTC) == "2026-10-25T01:30:00+00:00"


def test_one_instant_stamped_in_two_zones_shows_alike_in_the_hospitals_zone() -> None:
    utc = datetime(2026, 1, 1, 12, tzinfo=UTC)
    elsewhere = utc.astimezone(timezone(timedelta(hours=5)))
    assert iso(utc, BERLIN) == iso(elsewhere, BERLIN) == "2026-01-01T13:00:00+01:00"


def test_without_a_zone_a_time_shows_as_it_was_stamped() -> None:
    utc = datetime(2026, 1, 1, 12, tzinfo=UTC)
    assert iso(utc) == "2026-01-01T12:00:00+00:00"
    assert iso(utc.astimezone(BERLIN)) == "2026-01-01T13:00:00+01:00"


@given(
    st.datetimes(timezones=st.sampled_from([UTC, BERLIN, ZoneInfo("America/New_York")])),
    st.sampled_from([UTC, BERLIN, ZoneInfo("Asia/Kolkata")]),
)
def test_a_kept_string_is_always_the_one_the_time_would_give(
    value: datetime, zone: ZoneInfo
) -> None:
    assert iso(value, zone) == value.astimezone(zone).isoformat()
    assert iso(value) == value.isoformat()
