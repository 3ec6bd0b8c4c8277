"""A porter acts only on a job they hold now, and the job itself says so: two processes on
one store, one moves the job, the other (whose view is stale) refuses the old porter
every action with a clear "moved to another porter", and a porter who never held it as
if the job did not exist. Nothing is written by a refusal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from uuid import UUID

import pytest

from api.main import create_app
from api.settings import ApiSettings
from engine.bootstrap import bootstrap, seed_roster
from engine.clock import ManualClock
from engine.domain.commands import Complete, SubmitJob, Transition, parse
from engine.domain.errors import MovedToAnotherPorter, NotThePortersJob
from engine.domain.values import Reason
from engine.hospital import Hospital
from engine.settings import Settings
from engine.write.application import DispatchApp
from tests.conftest import AppFactory
from tests.integration.apiclient import Api, TestClient
from tests.unit.projections.scenario import DRUG

FIRST, SECOND, STRANGER = "IM-DRG-01", "IM-DRG-02", "IM-ESC-01"
WHY = Transition(reason=Reason.PATIENT_NOT_READY, note="", by="x")

Action = Callable[[DispatchApp, UUID, str], object]
ACTIONS: dict[str, Action] = {
    "acknowledge": lambda a, j, b: a.acknowledge_job(j, b),
    "pick up": lambda a, j, b: a.pick_up_job(j, b),
    "complete": lambda a, j, b: a.complete_job(j, b, Complete(received_by="Nurse Li")),
    "decline": lambda a, j, b: a.decline_job(j, b, WHY),
    "put on hold": lambda a, j, b: a.hold_job(j, WHY, b),
    "resume": lambda a, j, b: a.resume_job(j, b, b),
    "fail": lambda a, j, b: a.fail_job(j, WHY, b),
    "report an incident on": lambda a, j, b: a.report_incident(j, b, "fall", "slipped"),
}


def moved_job(writer: DispatchApp, clock: ManualClock, hospital: Hospital) -> UUID:
    """A drug run given to FIRST, who acknowledged it, then moved to SECOND."""
    seed_roster(writer, hospital, clock.now())
    jid = writer.submit_job(parse(SubmitJob, DRUG), "moved-1")
    writer.assign_job(jid, [FIRST], "dispatcher")
    writer.acknowledge_job(jid, FIRST)
    return jid


@pytest.mark.parametrize("action", list(ACTIONS))
def test_a_porter_whose_job_moved_in_another_process_is_refused_every_action(
    make_app: AppFactory, clock: ManualClock, hospital: Hospital, action: str
) -> None:
    mover, stale = make_app(), make_app()
    jid = moved_job(mover, clock, hospital)
    assert stale.job(jid).porter_ids == [str(stale.porter(FIRST).id)]  # its view, warm
    move = Transition(reason=Reason.DISPATCHER_OVERRIDE, note="needed", by="dispatcher")
    mover.reassign_job(jid, [SECOND], move)
    before = stale.recorder.max_notification_id()
    with pytest.raises(MovedToAnotherPorter, match="moved to another porter"):
        ACTIONS[action](stale, jid, FIRST)
    with pytest.raises(NotThePortersJob):
        ACTIONS[action](stale, jid, STRANGER)
    assert stale.recorder.max_notification_id() == before


@pytest.fixture
def lagging_api(tmp_path: Path, clock: ManualClock, hospital: Hospital) -> Iterator[Api]:
    """An API process whose read models catch up only when it writes (no loop polling
    to speak of, no rounds), beside the test's own writer on one SQLite file."""
    engine = Settings(
        store="sqlite", site="lag", sqlite_path=tmp_path / "lag.sqlite", poll_seconds=60
    )
    app = create_app(ApiSettings(decide=False, demo=True), engine, clock, hospital)
    with TestClient(app) as client:
        yield Api(client)


def test_over_the_api_a_moved_porter_gets_409_and_a_stranger_the_answer_of_an_unknown_job(
    lagging_api: Api, tmp_path: Path, clock: ManualClock, hospital: Hospital
) -> None:
    engine = Settings(store="sqlite", site="lag", sqlite_path=tmp_path / "lag.sqlite")
    writer = bootstrap(engine, clock, hospital)
    try:
        jid = moved_job(writer, clock, hospital)
        assert lagging_api.call(f"demo-porter-{FIRST}", "GET", f"/jobs/{jid}")["porters"]
        move = Transition(reason=Reason.DISPATCHER_OVERRIDE, note="needed", by="dispatcher")
        writer.reassign_job(jid, [SECOND], move)
        end = writer.recorder.max_notification_id()
        for path, body in (("pick-up", {}), ("hold", {"reason": "patient_not_ready"})):
            moved = lagging_api.call(
                f"demo-porter-{FIRST}", "POST", f"/jobs/{jid}/{path}", 409, json=body
            )
            assert "moved to another porter" in moved["message"]
            stranger = lagging_api.call(
                f"demo-porter-{STRANGER}", "POST", f"/jobs/{jid}/{path}", 404, json=body
            )
            unknown = lagging_api.call(
                f"demo-porter-{STRANGER}",
                "POST",
                f"/jobs/{UUID(int=7)}/{path}",
                404,
                json=body,
            )
            assert stranger == {
                **unknown,
                "message": unknown["message"].replace(str(UUID(int=7)), str(jid)),
            }
        assert writer.recorder.max_notification_id() == end
    finally:
        writer.close()
