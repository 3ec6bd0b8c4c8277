"""The event store on SQLite and PostgreSQL: races, idempotency across writers, log transfer."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from engine.bootstrap import bootstrap, seed_roster
from engine.clock import ManualClock
from engine.domain.commands import Complete, SubmitJob, Transition, parse
from engine.domain.errors import ConcurrentUpdate, InvalidInput, StoreNotEmpty
from engine.domain.values import Reason, Status
from engine.hospital import Hospital
from engine.settings import Settings
from engine.write.application import DispatchApp
from engine.write.eventlog import export_log, import_log
from tests.conftest import AppFactory


def submit(app: DispatchApp, key: str, **over: Any) -> Any:
    data: dict[str, Any] = {
        "kind": "specimen",
        "priority": "urgent",
        "origin": "IM-W5",
        "destination": "LAB",
        "department": "internal_medicine_5",
        "group": "internal",
    }
    data.update(over)
    return app.submit_job(parse(SubmitJob, data), key)


@pytest.fixture
def two_writers(
    make_app: AppFactory, hospital: Hospital, clock: ManualClock
) -> tuple[DispatchApp, DispatchApp]:
    """Two application instances on one store, as two API processes would be."""
    first = make_app()
    seed_roster(first, hospital, clock.now())
    return first, make_app()


def test_two_writers_racing_on_one_job_exactly_one_wins(
    two_writers: tuple[DispatchApp, DispatchApp],
) -> None:
    a, b = two_writers
    jid = submit(a, "race-1")
    job_a, job_b = a.job(jid), b.job(jid)  # both read version 1
    job_a.assign([a.porter("IM-SPC-01").id], "dispatcher:a", None, a.clock.now())
    job_b.cancel(Reason.REQUEST_WITHDRAWN, "", "ward", b.clock.now())
    a.save(job_a)
    size = a.recorder.max_notification_id()
    with pytest.raises(ConcurrentUpdate, match="another writer"):
        b.record(job_b)
    assert a.recorder.max_notification_id() == size
    assert b.job(jid).status is Status.ASSIGNED


def test_racing_assignments_through_commands_leave_one_porter_holding_the_job(
    two_writers: tuple[DispatchApp, DispatchApp],
) -> None:
    a, b = two_writers
    jid = submit(a, "race-2")
    a.assign_job(jid, ["IM-SPC-01"], by="dispatcher:a")
    with pytest.raises(Exception, match="cannot assign"):
        b.assign_job(jid, ["IM-SPC-02"], by="dispatcher:b")
    assert b.porter("IM-SPC-02").active_jobs == []
    assert a.job(jid).porter_ids == [str(a.porter("IM-SPC-01").id)]


def test_a_submission_retried_on_another_writer_returns_the_same_job(
    two_writers: tuple[DispatchApp, DispatchApp],
) -> None:
    a, b = two_writers
    assert submit(a, "retry-1") == submit(b, "retry-1")


def test_bad_input_leaves_the_store_unchanged(app: DispatchApp) -> None:
    size = app.recorder.max_notification_id()
    with pytest.raises(InvalidInput):
        submit(app, "bad-1", destination="IM-W5")
    with pytest.raises(InvalidInput):
        submit(app, "bad-2", origin="NOWHERE")
    assert app.recorder.max_notification_id() == size


def busy_morning(app: DispatchApp, hospital: Hospital, clock: ManualClock) -> None:
    seed_roster(app, hospital, clock.now())
    for i in range(5):
        jid = submit(app, f"log-{i}")
        clock.advance(minutes=1)
        app.assign_job(jid, [f"IM-SPC-0{1 + i % 3}"], by="dispatcher")
        app.acknowledge_job(jid, f"IM-SPC-0{1 + i % 3}")
        if i == 3:
            app.release_job(jid, Transition(reason=Reason.PORTER_DECLINED, by="porter"))
            continue
        app.pick_up_job(jid, f"IM-SPC-0{1 + i % 3}")
        app.complete_job(jid, f"IM-SPC-0{1 + i % 3}", Complete(received_by="lab 中文"))


def test_export_import_export_gives_identical_bytes(
    store: Settings, clock: ManualClock, hospital: Hospital, tmp_path: Any
) -> None:
    source = bootstrap(store, clock, hospital)
    busy_morning(source, hospital, clock)
    first = io.StringIO()
    count = export_log(source, first)
    assert count == source.recorder.max_notification_id()
    target_settings = store.model_copy(update={"sqlite_path": tmp_path / "copy.sqlite"})
    if store.store == "postgres":
        source.close()
        from tests.conftest import drop_site_tables

        drop_site_tables(store.site)
    target = bootstrap(target_settings, clock, hospital, publish_default_policy=False)
    assert import_log(target, io.StringIO(first.getvalue())) == count
    second = io.StringIO()
    export_log(target, second)
    assert second.getvalue() == first.getvalue()
    with pytest.raises(StoreNotEmpty):
        import_log(target, io.StringIO(first.getvalue()))
    target.close()


def test_an_import_with_a_bad_line_writes_nothing(
    store: Settings, clock: ManualClock, hospital: Hospital
) -> None:
    app = bootstrap(store, clock, hospital, publish_default_policy=False)
    lines = [
        json.dumps({"format": "porter-dispatch-event-log", "version": 1, "site": store.site}),
        '{"originator_id":"not-a-uuid","originator_version":1,"topic":"engine.x","state":{}}',
    ]
    with pytest.raises(InvalidInput, match="line 2"):
        import_log(app, lines)
    assert app.recorder.max_notification_id() is None
    app.close()
