"""A simulated morning with every anticipation setting on: the engine lends more cheaply
under load, batches a ward's specimens, sends idle porters to staging points, gives
porters about to finish their next job, records why, and an exact replay of the log
regenerates every round and every staging move."""

from __future__ import annotations

import json
from typing import Any

import pytest

from engine.domain.errors import InvalidInput
from engine.write.application import DispatchApp
from simulations.days import standard
from simulations.replay import replay_exact
from simulations.runner import run_one
from simulations.scenario import Scenario

STAGING = {
    "internal": {hour: ["IM-W6", "IM-W3"] for hour in range(24)},  # spread over two
    "surgical": dict.fromkeys(range(24), "SU-W6"),
    "emergency": dict.fromkeys(range(24), "ED-TRIAGE"),
}
ON = {
    "lending_widens": True,
    "batching": True,
    "staging": STAGING,
    "finishing_minutes": 5,
    "divert_for_stat": True,
    "stat_keeps_porter": True,
}


@pytest.fixture(scope="module")
def recorded() -> dict[str, Any]:
    """Ten hours from midnight (the morning peak from 07:00) with everything on."""
    scenario: Scenario = standard().model_copy(
        update={"hours": 10.0, "name": "anticipating morning", "policy": {"anticipation": ON}}
    )
    return run_one(scenario, seed=7, with_log=True)


def _events(log: str, name: str) -> list[dict[str, Any]]:
    """The state of every event of one type (`Porter.Staged`) in an exported log."""
    lines = map(json.loads, log.splitlines()[1:])
    return [e["state"] for e in lines if e["topic"].endswith(f":{name}")]


def test_a_log_made_with_anticipation_replays_exactly(recorded: dict[str, Any]) -> None:
    outcome = replay_exact(recorded["log"].splitlines())
    assert outcome["rounds"] == recorded["decisions"] > 0
    assert outcome["identical"], (outcome["differing_rounds"], outcome["acts_not_recorded"])


def test_idle_porters_are_sent_to_staging_points_with_the_reason(
    recorded: dict[str, Any],
) -> None:
    staged = _events(recorded["log"], "Porter.Staged")
    assert staged
    for event in staged:
        assert event["location"] in {"IM-W6", "IM-W3", "SU-W6", "ED-TRIAGE"}
        assert "staging point" in event["reason"]
    assert {e["location"] for e in staged} >= {"IM-W6", "IM-W3"}


def test_decisions_record_batches_and_cheaper_loans(recorded: dict[str, Any]) -> None:
    notes = [e["result"].get("anticipation", {}) for e in _events(recorded["log"], "Decision.Made")]
    assert any(n.get("batches") for n in notes)
    assert any(n.get("lending") for n in notes)
    for batch in (b for n in notes for b in n.get("batches", [])):
        assert len(batch["job_ids"]) >= 2
        assert batch["destination"] == "LAB" or batch["origin"] == "LAB"


def test_porters_about_to_finish_are_given_jobs_and_never_carry_two_at_once(
    recorded: dict[str, Any],
) -> None:
    decisions = _events(recorded["log"], "Decision.Made")
    queued = 0
    for decision in decisions:
        finishing = decision["problem"].get("finishing", {})
        given = {p for a in decision["result"]["assignments"] for p in a["porter_ids"]}
        queued += len(given & set(finishing))
    assert queued > 0
    holders: dict[str, list[str]] = {}
    trips: dict[str, tuple[str, str]] = {}
    carrying: dict[str, set[str]] = {}  # porter -> the jobs in their hands: one trip's
    for line in map(json.loads, recorded["log"].splitlines()[1:]):
        topic, state, job = line["topic"], line["state"], line["originator_id"]
        if topic.endswith(":Job.Submitted"):
            request = state["request"]
            trips[job] = (request["origin"]["code"], request["destination"]["code"])
        elif topic.endswith(":Job.Assigned"):
            holders[job] = state["porter_ids"]
        elif topic.endswith(":Job.PickedUp"):
            for porter in holders[job]:
                hands = carrying.setdefault(porter, set())
                assert all(trips[j] == trips[job] for j in hands), (porter, job, hands)
                hands.add(job)  # a batch shares its origin and destination: one trip
        elif topic.rsplit(".", 1)[-1] in {"Completed", "Failed", "Cancelled", "Released"}:
            for porter in holders.get(job, []):
                carrying.get(porter, set()).discard(job)


def test_stat_jobs_divert_porters_and_what_they_left_is_served_after(
    recorded: dict[str, Any],
) -> None:
    notes = [e["result"].get("anticipation", {}) for e in _events(recorded["log"], "Decision.Made")]
    diverted = [d for n in notes for d in n.get("diverted", [])]
    assert diverted
    left = {d["left"] for d in diverted}
    released = [
        e for e in _events(recorded["log"], "Job.Released") if e["reason"] == "diverted_for_stat"
    ]
    assert len(released) == len(diverted)
    served = {r["key"] for r in recorded["records"] if r["status"] == "completed"}
    assert served  # and nothing the diversions left was lost: each is in the records
    assert len(left) <= len({r["key"] for r in recorded["records"]})


def test_a_staging_point_the_site_does_not_have_is_refused_naming_the_field(
    memory_app: DispatchApp,
) -> None:
    with pytest.raises(InvalidInput) as caught:
        memory_app.amend_policy({"anticipation": {"staging": {"internal": {"9": "NOWHERE"}}}}, "p")
    assert caught.value.field == "document.anticipation.staging.internal.9"
