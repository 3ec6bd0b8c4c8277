"""Submission: one job per idempotency key however many submit it at once, return legs
no caller's key can reach, and the group that serves the department."""

from __future__ import annotations

import io
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from uuid import UUID

import pytest

from engine.bootstrap import bootstrap
from engine.clock import ManualClock
from engine.domain.commands import SubmitJob, Transition, parse
from engine.domain.errors import IdempotencyConflict, InvalidInput
from engine.domain.ids import job_id, return_leg_id
from engine.domain.site import Catalogue
from engine.domain.values import Reason, Status
from engine.hospital import Hospital
from engine.settings import Settings
from engine.write.application import DispatchApp
from engine.write.eventlog import export_log, import_log
from simulations.replay import replay_exact
from tests.conftest import AppFactory
from tests.unit.projections.scenario import DRUG


def test_submissions_racing_with_one_key_in_two_processes_create_the_job_once(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    apps = [make_app(), make_app()]  # two processes on one store
    racers = 6
    shared = threading.Barrier(racers, timeout=10)
    for app in apps:
        read = app.policy_document

        def held(read: Any = read) -> Any:
            shared.wait()
            return read()

        monkeypatch.setattr(app, "policy_document", held)
    request = parse(SubmitJob, DRUG)
    with ThreadPoolExecutor(racers) as pool:
        answers = list(pool.map(lambda i: apps[i % 2].submit(request, "race"), range(racers)))
    assert sorted(created for _, created in answers) == [False] * (racers - 1) + [True]
    (jid,) = {job for job, _ in answers}
    assert len(apps[0].events_of(jid)) == 1


ESCORT = {
    "kind": "escort",
    "priority": "routine",
    "origin": "SU-W7",
    "destination": "ULTRASOUND",
    "department": "surgery_7",
    "group": "surgical",
    "patient_ref": "P-0042",
    "with_return": True,
}


def test_a_return_leg_is_named_apart_from_every_key_a_caller_can_send(
    memory_app: DispatchApp,
) -> None:
    app = memory_app
    outbound = app.job(app.submit_job(parse(SubmitJob, ESCORT), "esc"))
    assert outbound.linked_job_id == str(return_leg_id(app.site, "esc"))
    # A caller's own "esc:return" is a job of its own, as is any key they send.
    mine, created = app.submit(parse(SubmitJob, DRUG), "esc:return")
    assert created
    assert str(mine) != outbound.linked_job_id
    assert app.job(mine).leg == "single"
    # And the other way round: a caller's key first, then the escort whose leg it once was.
    first, _ = app.submit(parse(SubmitJob, DRUG), "esc-2:return")
    second = app.job(app.submit_job(parse(SubmitJob, ESCORT), "esc-2"))
    assert second.linked_job_id not in (None, str(first))


def test_a_log_from_before_keeps_its_return_legs_where_they_were(
    memory_app: DispatchApp, clock: ManualClock, hospital: Hospital
) -> None:
    """An escort recorded when its return leg was `job_id(site, key + ":return")`: read,
    replayed and guarded as it was written."""
    app = memory_app
    out_id = app.submit_job(parse(SubmitJob, ESCORT), "esc")
    new_leg = app.job(out_id).linked_job_id
    assert new_leg is not None
    app.cancel_job(UUID(new_leg), Transition(reason=Reason.REQUEST_WITHDRAWN, by="ward:icu"))
    log = io.StringIO()
    export_log(app, log)
    old_leg = job_id(app.site, "esc:return")
    lines = log.getvalue().replace(new_leg, str(old_leg)).splitlines()
    settings = Settings(store="memory", site=app.site)
    old = bootstrap(settings, clock, hospital, publish_default_policy=False)
    import_log(old, lines)

    assert old.job(out_id).linked_job_id == str(old_leg)
    leg = old.job(old_leg)
    assert (leg.leg, leg.status, leg.linked_job_id) == ("return", Status.CANCELLED, str(out_id))
    assert old.submit(parse(SubmitJob, ESCORT), "esc") == (out_id, False)  # a retry
    with pytest.raises(IdempotencyConflict, match="return leg"):
        old.submit(parse(SubmitJob, ESCORT), "esc:return")
    replayed = replay_exact(lines, hospital)
    assert replayed["identical"], replayed


def test_a_request_naming_no_group_goes_to_the_one_serving_its_department(
    memory_app: DispatchApp,
) -> None:
    app = memory_app
    without = {k: v for k, v in DRUG.items() if k != "group"}
    jid, created = app.submit(parse(SubmitJob, without), "no-group")
    assert (created, app.job(jid).group) == (True, "internal")
    assert app.submit(parse(SubmitJob, DRUG), "no-group") == (jid, False)  # the same request
    with pytest.raises(InvalidInput) as refused:
        app.submit(parse(SubmitJob, {**without, "department": "nowhere"}), "no-dept")
    assert refused.value.field == "department"


def test_a_site_that_maps_no_departments_wants_the_group_named() -> None:
    with pytest.raises(InvalidInput) as refused:
        Catalogue().serving("any_ward")
    assert refused.value.field == "group"
