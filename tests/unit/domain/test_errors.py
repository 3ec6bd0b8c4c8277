"""Domain errors cross process boundaries: a simulation or a benchmark's run in a process
pool raises them in a worker, and the caller must get the error itself."""

from __future__ import annotations

import pickle
from concurrent.futures import ProcessPoolExecutor

import pytest

from engine.domain import errors
from engine.domain.errors import (
    DomainError,
    IllegalTransition,
    InvalidInput,
    JobNotInRound,
    MovedToAnotherPorter,
    RuleBroken,
)

EXAMPLES: list[DomainError] = [
    InvalidInput("document.weights.lending", "must be finite"),
    JobNotInRound("j-1", 7),
    IllegalTransition("job j-1", "completed", "pick up", "assigned"),
    MovedToAnotherPorter("j-1", "complete"),
    RuleBroken("P-01", [("skills", "lacks specimen")], forceable=False),
    errors.JobNotFound("j-2"),
]


@pytest.mark.parametrize("error", EXAMPLES, ids=lambda e: type(e).__name__)
def test_every_domain_error_survives_pickling_with_its_message_and_fields(
    error: DomainError,
) -> None:
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert copy.__dict__ == error.__dict__


def _raise_invalid() -> None:
    raise InvalidInput("weights.unassigned_base", "dispatching would stop")


def test_an_error_raised_in_a_process_pool_reaches_the_caller_as_itself() -> None:
    with ProcessPoolExecutor(1) as pool:
        future = pool.submit(_raise_invalid)
        with pytest.raises(InvalidInput) as raised:
            future.result()
    assert raised.value.field == "weights.unassigned_base"
    assert raised.value.reason == "dispatching would stop"
