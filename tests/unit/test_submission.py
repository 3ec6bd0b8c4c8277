"""Submission: one job per idempotency key however many submit it at once, return legs
no caller's key can reach, and the group that serves the department."""

from __future__ import annotations

import itertools
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from engine.domain.commands import SubmitJob, parse
from engine.write.application import DispatchApp
from tests.conftest import AppFactory
from tests.unit.projections.scenario import DRUG


def hold_before_saving(monkeypatch: pytest.MonkeyPatch, app: DispatchApp, parties: int) -> None:
    """Hold the first `parties` submitters after each has found its key unused (the policy
    is read between that check and the save) until all have: then they race to the store.
    The store's own refusal of all but one is what is under test, not the timing."""
    gate = threading.Barrier(parties, timeout=10)
    arrived = itertools.count()
    read = app.policy_document

    def policy_document() -> Any:
        if next(arrived) < parties:
            gate.wait()
        return read()

    monkeypatch.setattr(app, "policy_document", policy_document)


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
