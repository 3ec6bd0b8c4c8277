"""One catalogue of event types: every event an aggregate declares is in it, once."""

from __future__ import annotations

import pytest
from eventsourcing.domain import Aggregate, DomainEvent

from engine.domain import events as ev
from engine.domain.decision.aggregate import Decision
from engine.domain.job.aggregate import Job
from engine.domain.policy.aggregate import Policy
from engine.domain.porter.aggregate import Porter
from engine.domain.rota.aggregate import RotaDay

AGGREGATES: dict[type[Aggregate], frozenset[type[object]]] = {
    Job: ev.JOB_EVENTS,
    Porter: ev.PORTER_EVENTS,
    Policy: ev.POLICY_EVENTS,
    Decision: ev.DECISION_EVENTS,
    RotaDay: ev.ROTA_EVENTS,
}


def _declared(aggregate: type[Aggregate]) -> set[type[object]]:
    """The event classes the library made from the aggregate's `@event` methods."""
    return {
        value
        for name, value in vars(aggregate).items()
        if isinstance(value, type)
        and issubclass(value, DomainEvent)
        and name not in ("Event", "Created")  # the library's own bases
    }


@pytest.mark.parametrize("aggregate", list(AGGREGATES), ids=lambda a: a.__name__)
def test_the_catalogue_names_every_event_each_aggregate_declares(
    aggregate: type[Aggregate],
) -> None:
    assert _declared(aggregate) == set(AGGREGATES[aggregate])


def test_each_event_type_belongs_to_one_aggregate_and_names_itself_as_stored() -> None:
    groups = list(AGGREGATES.values())
    assert sum(len(g) for g in groups) == len(ev.ALL)
    assert ev.topic_of(ev.JobSubmitted) == "engine.domain.job.aggregate:Job.Submitted"
    assert ev.JOB_ENDED <= ev.JOB_EVENTS
