"""A porter sent to a staging point: the event names the place and the reason; only a
free porter can be sent, and arriving or taking a job ends the errand."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from engine.domain.errors import IllegalTransition
from tests.conftest import MORNING as T

from .test_porter_and_policy import names, porter

LATER = T + timedelta(minutes=5)


def test_a_free_porter_sent_to_a_staging_point_records_where_and_why() -> None:
    p = porter()
    p.stage("ED-BAY", "the emergency group's staging point", LATER)
    [event] = p.collect_events()
    assert type(event).__name__ == "Staged"
    assert (event.location, event.reason) == ("ED-BAY", "the emergency group's staging point")
    assert p.staged_to == "ED-BAY"


@pytest.mark.parametrize("state", ["off_shift", "on_break", "busy"])
def test_only_a_free_porter_can_be_sent(state: str) -> None:
    p = porter(on_shift=state != "off_shift")
    if state == "on_break":
        p.start_break(T)
    if state == "busy":
        p.take_job(uuid4(), 1, T)
    p.collect_events()
    with pytest.raises(IllegalTransition):
        p.stage("ED-BAY", "why", LATER)
    assert names(p) == []


def test_arriving_anywhere_or_taking_a_job_ends_the_errand() -> None:
    p = porter()
    p.stage("ED-BAY", "why", LATER)
    p.report_location("ED-BAY", LATER)
    assert p.staged_to is None
    p.stage("WARD-3", "why", LATER)
    p.take_job(uuid4(), 1, LATER)
    assert p.staged_to is None


def test_the_porter_sent_to_wait_hears_where_and_why_and_no_one_else_does() -> None:
    from engine.projections.notices import audience, notices_of

    p = porter()
    p.stage("ED-BAY", "the emergency group's staging point", LATER)
    [event] = p.collect_events()
    notices = notices_of(event, None, {str(p.id): p.badge})
    assert notices == [
        {
            "to": f"porter:{p.badge}",
            "kind": "staged",
            "job_id": None,
            "text": "wait at ED-BAY: the emergency group's staging point",
        }
    ]
    assert audience(notices, "porter", p.badge, None) == notices
    assert audience(notices, "porter", "SOMEONE-ELSE", None) == []
    assert audience(notices, "ward", None, "emergency") == []
