"""The read models: what they show, and that a rebuild from scratch equals the live state."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from engine.clock import ManualClock
from engine.domain.commands import SubmitJob, parse
from engine.domain.values import Status
from engine.hospital import Hospital
from engine.projections.service import Service
from engine.write.application import DispatchApp
from tests.unit.projections.scenario import BLOOD, Morning, run_morning


@pytest.fixture
def morning(memory_app: DispatchApp, clock: ManualClock, hospital: Hospital) -> Morning:
    return run_morning(memory_app, clock, hospital)


def snapshot(service: Service, morning: Morning) -> dict[str, Any]:
    return {
        "position": service.refresh(),
        "open": service.job_board(),
        "completed": service.job_board(status=Status.COMPLETED),
        "cancelled": service.job_board(status=Status.CANCELLED),
        "porters": service.porter_board(),
        "timelines": {name: service.timeline(jid) for name, jid in morning.jobs.items()},
        "figures": service.figures(),
        "decisions": service.decisions(),
        "jobs": {name: service.job(jid) for name, jid in morning.jobs.items()},
    }


def test_rebuilding_every_read_model_from_scratch_gives_the_live_state(
    morning: Morning, hospital: Hospital
) -> None:
    live = snapshot(morning.service, morning)
    rebuilt = Service(morning.app, hospital.timezone)
    assert snapshot(rebuilt, morning) == live
    assert live["position"] == morning.app.recorder.max_notification_id()


def test_each_event_is_applied_once_however_often_it_is_offered(morning: Morning) -> None:
    service = morning.service
    before = service.figures()
    timeline = service.timeline(morning.jobs["ct"])
    rounds = service.decisions()
    for position in range(1, service.board.position + 1):
        for notification in morning.app.recorder.select_notifications(position, 1):
            event = morning.app.mapper.to_domain_event(notification)
            service.timelines.apply(notification.id, event)
            service.figures_fold.apply(notification.id, event)
            service.rounds.apply(notification.id, event)
    assert service.figures() == before
    assert service.decisions() == rounds
    assert service.timeline(morning.jobs["ct"]) == timeline


def test_job_board_shows_open_jobs_with_porters_and_minutes_left(morning: Morning) -> None:
    board = morning.service.job_board()
    assert [j["id"] for j in board] == [str(morning.jobs["drug"])]
    (drug,) = board
    assert drug["status"] == "assigned"
    assert drug["porters"] == [morning.badge("drug")]
    assert drug["escalation_level"] == 1
    # Submitted 46 minutes ago with a 20-minute pickup target: overdue.
    assert drug["minutes_to_pickup"] == pytest.approx(-26.0)
    (cancelled,) = morning.service.job_board(status=Status.CANCELLED)
    assert cancelled["minutes_to_pickup"] is None
    assert cancelled["last_reason"] == "request_withdrawn"


def test_porter_board_shows_who_is_busy_with_what(morning: Morning) -> None:
    porters = {p["badge"]: p for p in morning.service.porter_board()}
    holder = porters[morning.badge("drug")]
    assert holder["state"] == "busy"
    assert holder["jobs"] == [
        {"id": str(morning.jobs["drug"]), "status": "assigned", "kind": "drug"}
    ]
    blood_porter = porters[morning.badge("blood")]
    assert blood_porter["state"] == "free"
    assert blood_porter["jobs_this_shift"] == 1
    assert {p["state"] for p in porters.values()} >= {"free", "busy", "off_shift"}


def test_timeline_has_every_event_and_every_decision_that_touched_the_job(
    morning: Morning,
) -> None:
    entries = morning.service.timeline(morning.jobs["drug"])
    kinds = [e["event"] for e in entries]
    assert kinds[0] == "Submitted"
    assert entries[0]["request"]["origin"] == "PHARMACY"
    assert kinds.count("Decision") == 2  # assigned in round 1, re-assigned after the decline
    assert "Released" in kinds
    assert "DecisionOverridden" in kinds
    overridden = next(e for e in entries if e["event"] == "DecisionOverridden")
    assert overridden["by"] == "dispatcher:demo"
    assert overridden["reason"] == "closer"
    assert kinds[-1] == "Escalated"
    positions = [e["position"] for e in entries]
    assert positions == sorted(positions)


def test_figures_report_times_sla_reasons_and_workload(morning: Morning) -> None:
    figures = morning.service.figures()
    assert figures["jobs"] == {
        "submitted": 4,
        "open": 1,
        "completed": 2,
        "cancelled": 1,
        "failed": 0,
    }
    assert figures["minutes"]["to_delivery"]["count"] == 2
    assert figures["minutes"]["to_delivery"]["p50"] == pytest.approx(6.0)
    delivery = figures["sla"]["by_priority"]
    assert delivery["stat"]["delivery"] == {"met": 1, "breached": 0, "share": 1.0}
    assert delivery["asap"]["delivery"] == {"met": 0, "breached": 1, "share": 0.0}
    # The drug job is open and past its delivery due time: a known breach.
    assert delivery["urgent"]["delivery"]["breached"] == 1
    assert figures["sla"]["by_hour"]["09"]["delivery"]["met"] == 1
    reasons = figures["delay_reasons"]
    assert reasons["held"] == {"lift_out_of_order": 1}
    assert reasons["released"]["porter_declined"] == 1
    assert reasons["cancelled"] == {"request_withdrawn": 1}
    assert reasons["escalated"] == {"not_acknowledged": 1}
    assert figures["ratings"]["count"] == 1
    assert figures["porters"][morning.badge("blood")]["mean_rating"] == 4.0
    assert figures["porters"][morning.badge("ct")]["busy_minutes"] == pytest.approx(40.0)


def test_change_feed_delivers_every_event_once_in_log_order(
    memory_app: DispatchApp, clock: ManualClock, hospital: Hospital
) -> None:
    service = Service(memory_app, hospital.timezone)
    seen: list[int] = []
    service.subscribe(lambda changes: seen.extend(c["position"] for c in changes))
    memory_app.submit_job(parse(SubmitJob, BLOOD), "feed-1")
    service.refresh()
    service.refresh()
    memory_app.submit_job(parse(SubmitJob, BLOOD), "feed-2")
    service.refresh()
    last = memory_app.recorder.max_notification_id()
    assert seen == list(range(1, last + 1))
    replayed = service.changes_between(0, last)
    assert [c["position"] for c in replayed] == seen
    assert replayed[-1]["type"] == "Job.Submitted"
    assert replayed[-1]["request"]["kind"] == "urgent_blood"


def test_the_badge_map_answers_share_cannot_be_edited_by_a_caller(morning: Morning) -> None:
    names = morning.service.badges()
    pid, badge = next(iter(names.items()))
    with pytest.raises(TypeError):
        names[pid] = "someone else"  # type: ignore[index]
    assert morning.service.badges()[pid] == badge


def test_rounds_are_summed_up_with_the_jobs_they_placed_and_the_overrides_they_met(
    morning: Morning,
) -> None:
    service = morning.service
    rounds = service.decisions()
    assert [r["number"] for r in rounds] == list(range(1, len(rounds) + 1))
    overridden = sum(r["overrides"] for r in rounds)
    assert overridden >= 1
    assert overridden == sum(
        len(morning.app.repository.get(UUID(r["id"])).overrides) for r in rounds
    )
    ct = service.job(morning.jobs["ct"])
    if ct["decision_id"] is not None:
        assert service.rounds.numbers[ct["decision_id"]] == ct["decision_number"]
    considered = service.decisions(job=morning.jobs["blood"])
    assert considered
    assert all(r["jobs_considered"] >= 1 for r in considered)
    assert service.decisions(after=rounds[-1]["number"]) == []
