"""Domain errors: what callers catch instead of library exceptions.

Each carries enough for an HTTP status and a message that a dispatcher can act on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic_core import PydanticCustomError


class DomainError(Exception):
    """Base of every error the engine raises on purpose."""

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled whole, without calling `__init__` again: subclasses take arguments
        other than the message, so the default (`cls(*args)`) failed to unpickle, and an
        error raised in a process pool (a simulation, a benchmark's run) reached the
        caller as a broken pool instead of as itself."""
        return _rebuilt, (type(self), self.args, self.__dict__)


def _rebuilt(cls: type[DomainError], args: tuple[Any, ...], state: dict[str, Any]) -> DomainError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class InvalidInput(DomainError):  # noqa: N818 - reads better at call sites
    """A command's field is wrong; `field` names it so the caller can point at it."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def field_error(field: str, reason: str) -> PydanticCustomError:
    """What a model validator raises: pydantic places a model's own complaints at the
    model, not at a field, so the field at fault travels in the error's context."""
    return PydanticCustomError("invalid", "{reason}", {"field": field, "reason": reason})


def field_path(loc: Sequence[int | str], ctx: Mapping[str, Any] | None = None) -> str:
    """A pydantic error's place as callers name fields: `requirements.equipment[0]`,
    with the field a model validator named (`field_error`) at the end."""
    parts = [*loc, *([ctx["field"]] if ctx and ctx.get("field") else [])]
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


class NotFound(DomainError):  # noqa: N818
    pass


class JobNotFound(NotFound):
    def __init__(self, job_id: object) -> None:
        super().__init__(f"job {job_id} not found")
        self.job_id = job_id


class PorterNotFound(NotFound):
    def __init__(self, ref: object) -> None:
        super().__init__(f"porter {ref} not found")
        self.ref = ref


class DecisionNotFound(NotFound):
    def __init__(self, ref: object) -> None:
        super().__init__(f"decision {ref} not found")
        self.ref = ref


class JobNotInRound(NotFound):
    """A round asked about a job it never considered: the job may exist, the pair does not."""

    def __init__(self, job_id: object, number: int) -> None:
        super().__init__(f"job {job_id} was not among the jobs round {number} considered")
        self.job_id, self.number = job_id, number


class Conflict(DomainError):  # noqa: N818
    """The command is well formed but the current state refuses it (HTTP 409)."""


class IllegalTransition(Conflict):
    def __init__(self, what: str, status: str, action: str, allowed: str = "") -> None:
        hint = f"; allowed from: {allowed}" if allowed else ""
        super().__init__(f"cannot {action} {what} while it is {status}{hint}")
        self.status = status
        self.action = action


class NotThePortersJob(IllegalTransition):
    """A porter acted on a job that was never theirs. The API answers the porter as it
    answers for a job that does not exist, so a badge learns nothing of others' jobs."""

    def __init__(self, job_id: object, porter: object, action: str) -> None:
        Conflict.__init__(self, f"cannot {action} job {job_id}: not assigned to porter {porter}")
        self.status, self.action, self.job_id = "not theirs", action, job_id


class MovedToAnotherPorter(IllegalTransition):
    """A porter acted on a job that was theirs and has since gone to another porter (or
    back to the pool): told so plainly, whatever their screen still shows."""

    def __init__(self, job_id: object, action: str) -> None:
        Conflict.__init__(
            self,
            f"cannot {action} job {job_id}: it has moved to another porter (or back to the "
            "pool); it is no longer yours",
        )
        self.status, self.action = "moved", action


class PorterUnavailable(Conflict):
    pass


class PorterAlreadyRegistered(Conflict):
    pass


class AccompanimentNotConfirmed(Conflict):
    pass


class IdempotencyConflict(Conflict):
    """The idempotency key was used before for a different request."""


class ConcurrentUpdate(Conflict):
    """Another writer changed the same aggregate first; re-read and retry."""


class StoreNotEmpty(Conflict):
    pass


class RuleBroken(Conflict):
    """A person's assignment breaks a hard rule; a dispatcher may force it with a reason."""

    def __init__(self, badge: str, broken: list[tuple[str, str]], forceable: bool = True) -> None:
        said = "; ".join(f"{rule}: {sentence}" for rule, sentence in broken)
        hint = "to assign anyway, say why in `force`" if forceable else "this cannot be forced"
        super().__init__(f"porter {badge} may not take this job ({said}); {hint}")
        self.badge = badge
        self.rules = [rule for rule, _ in broken]
