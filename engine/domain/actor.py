"""Who does what, and for whom: every event the domain records names its actor.

An actor is the person (or the engine) that caused an event, the role they
acted in, and whom they acted for: a dispatcher acknowledging on behalf of a
porter, a dispatcher taking a ward's call. The edge that knows the caller (the
API, the CLI, the dispatch driver, a simulation) says so once around the
command with `acting(...)`; the aggregates stamp `current()` on each event they
emit. It is request context, like a unit of work's user: passing it through
every command's signature would say the same thing forty times. The value is
stored in each event, so replays read it from the log, never from the context.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar, cast

ActorData = dict[str, Any]
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Actor:
    by: str
    role: str
    for_: str | None = None

    def data(self) -> ActorData:
        return {"by": self.by, "role": self.role, "for": self.for_}


# Commands run outside any caller's context: set-up, the CLI, tests that drive the
# application directly. Named, so an auditor can tell them from people.
SYSTEM = Actor("system", "system")
ENGINE_ACTOR = Actor("engine", "engine")

_acting: ContextVar[Actor] = ContextVar("acting", default=SYSTEM)


@contextmanager
def acting(actor: Actor) -> Iterator[Actor]:
    token = _acting.set(actor)
    try:
        yield actor
    finally:
        _acting.reset(token)


def current() -> ActorData:
    """The actor to stamp on the event being emitted."""
    return _acting.get().data()


def engine_acts(method: F) -> F:
    """What the decorated method records, the engine did (rounds, escalations, rota)."""

    @wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with acting(ENGINE_ACTOR):
            return method(*args, **kwargs)

    return cast(F, wrapper)


def act_as(actor: Actor) -> None:
    """Set the actor for the rest of this context: an API request's task, whose
    endpoint runs in a copy of it. Prefer `acting` wherever the scope is a block."""
    _acting.set(actor)
