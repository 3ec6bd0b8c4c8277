"""PostgreSQL writes as one message (`engine.write.pg_recorder`): ids in log order, a
lost race writes nothing and leaves the pooled connection fit for the next write."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.postgres import PostgresFactory
from eventsourcing.utils import Environment

from engine.settings import Settings
from engine.write.pg_recorder import OneTripRecorder
from tests.conftest import drop_site_tables, require_postgres


@pytest.fixture
def recorder() -> Iterator[OneTripRecorder]:
    require_postgres()
    site = f"t{uuid4().hex[:12]}"
    env = Environment(f"dispatch_{site}", Settings(store="postgres", site=site).event_store_env())
    factory = PostgresFactory(env)
    found = factory.application_recorder()
    assert isinstance(found, OneTripRecorder), "the settings name this recorder"
    yield found
    factory.close()
    drop_site_tables(site)


def events(originator: UUID, *versions: int) -> list[StoredEvent]:
    return [
        StoredEvent(originator_id=originator, originator_version=v, topic="t", state=b"\x00{}")
        for v in versions
    ]


@pytest.mark.postgres
def test_several_events_get_consecutive_ids_in_the_order_given(recorder: OneTripRecorder) -> None:
    a, b = uuid4(), uuid4()
    ids = recorder.insert_events([*events(a, 1, 2), *events(b, 1)])
    assert ids is not None
    assert len(ids) == 3
    assert ids == list(range(ids[0], ids[0] + 3))
    log = recorder.select_notifications(start=ids[0], limit=10)
    assert [(n.originator_id, n.originator_version) for n in log] == [(a, 1), (a, 2), (b, 1)]
    assert log[0].state == b"\x00{}"


@pytest.mark.postgres
def test_a_lost_race_writes_nothing_and_the_next_write_goes_through(
    recorder: OneTripRecorder,
) -> None:
    a, b = uuid4(), uuid4()
    recorder.insert_events(events(a, 1))
    end = recorder.max_notification_id()
    for _ in range(3):  # more times than the pool has idle connections to spare
        with pytest.raises(IntegrityError):
            recorder.insert_events([*events(b, 1), *events(a, 1)])  # a@1 is taken
    assert recorder.max_notification_id() == end
    assert recorder.select_events(b) == []
    assert recorder.insert_events(events(b, 1)) is not None
