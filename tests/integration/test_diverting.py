"""A stat job may divert a porter on the way to a lesser pickup (policy
`anticipation.divert_for_stat`), at Riverside (not the demo), on SQLite and PostgreSQL:
who is taken, what goes back to the queue and why, and what the decision records."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest

from engine.clock import ManualClock
from engine.dispatch.decisions import replay_decision
from engine.dispatch.manual import assign_by_hand, override
from engine.dispatch.rounds import Dispatcher
from engine.domain.commands import SubmitJob, Transition, parse
from engine.domain.values import Reason, Status
from engine.write.application import DispatchApp


@pytest.fixture
def site(riverside_one: DispatchApp) -> DispatchApp:
    """Riverside with one ward porter on shift, diverting allowed."""
    document = riverside_one.policy_document()[1].to_data()
    document["anticipation"] = {**document.get("anticipation", {}), "divert_for_stat": True}
    riverside_one.publish_policy(document, "planner", "a stat job may divert a porter")
    return riverside_one


def submit(app: DispatchApp, key: str, priority: str, origin: str = "N-W1", **fields: Any) -> UUID:
    data: dict[str, Any] = {
        "kind": "specimen" if priority == "stat" else "document",
        "priority": priority,
        "origin": origin,
        "destination": "N-LAB",
        "department": "medicine",
        "group": "wards",
        **fields,
    }
    return app.submit_job(parse(SubmitJob, data), key)


def on_the_way(app: DispatchApp) -> UUID:
    """RW-01 walks to pick up a routine document from the far north ward."""
    jid = submit(app, "routine", "routine", "N-W2")
    assert Dispatcher(app).run_round("submitted") is not None
    app.acknowledge_job(jid, "RW-01")
    return jid


def test_a_stat_job_takes_the_porter_on_the_way_and_their_pickup_goes_back_with_the_reason(
    site: DispatchApp,
) -> None:
    left = on_the_way(site)
    stat = submit(site, "stat", "stat")

    decision = Dispatcher(site).run_round("submitted")

    assert decision is not None
    rw01 = str(site.porter("RW-01").id)
    assert site.job(stat).porter_ids == [rw01]
    assert site.porter("RW-01").active_jobs == [str(stat)]
    back = site.job(left)
    assert back.status is Status.REQUESTED
    assert back.last_reason == Reason.DIVERTED_FOR_STAT.value
    assert decision.problem["diverting"] == {rw01: str(left)}
    (note,) = decision.result["anticipation"]["diverted"]
    assert (note["job_id"], note["porter_id"], note["left"]) == (str(stat), rw01, str(left))
    recorded, recomputed = replay_decision(site, decision.number)
    assert recomputed == recorded


def test_only_a_stat_job_diverts(site: DispatchApp) -> None:
    left = on_the_way(site)
    urgent = submit(site, "urgent", "urgent")

    Dispatcher(site).run_round("submitted")

    assert site.job(urgent).status is Status.REQUESTED
    assert site.job(left).status is Status.ACKNOWLEDGED


def test_a_pickup_a_dispatcher_placed_is_not_left_for_a_stat_job(site: DispatchApp) -> None:
    placed = submit(site, "placed", "routine", "N-W2")
    assign_by_hand(site, placed, ["RW-01"], "dsp:lee")
    site.acknowledge_job(placed, "RW-01")
    stat = submit(site, "stat", "stat")

    Dispatcher(site).run_round("submitted")

    assert site.job(stat).status is Status.REQUESTED
    assert site.job(placed).status is Status.ACKNOWLEDGED


def test_a_dispatcher_may_swap_one_porter_of_a_stat_job_the_engine_gave_without_forcing(
    site: DispatchApp, clock: ManualClock
) -> None:
    """`stat_keeps_porter` keeps the engine's rounds from undoing its own choice; a
    person who keeps one porter of a two-porter stat job and swaps the other for one no
    sooner is not held to it, and needs no reason to force it."""
    site.amend_policy({"anticipation": {"stat_keeps_porter": True}}, "planner", "keep")
    for badge in ("RW-02", "RW-03"):
        site.start_shift(badge, clock.now() + timedelta(hours=8))
        site.report_location(badge, "N-DESK")  # where RW-01 is: nobody is sooner
    stat = submit(
        site,
        "stat",
        "stat",
        kind="patient_transport",
        patient_ref="P-000321",
        requirements={"porters_needed": 2},
    )
    Dispatcher(site).run_round("submitted")
    held = {site.porter(UUID(p)).badge for p in site.job(stat).porter_ids}
    assert len(held) == 2
    (other,) = {"RW-01", "RW-02", "RW-03"} - held
    chosen = [min(held), other]

    why = Transition(reason=Reason.DISPATCHER_OVERRIDE, note="knows the ward", by="dsp:lee")
    override(site, stat, chosen, why)

    assert sorted(site.job(stat).porter_ids) == sorted(str(site.porter(b).id) for b in chosen)
