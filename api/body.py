"""What every request body shares: text checked for control characters first, and the
names of porters."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field, model_validator

from engine.domain.text import refuse_controls


class Body(BaseModel):
    """A request body: its text checked for control characters before anything else,
    as the engine's commands are (`engine.domain.text`)."""

    @model_validator(mode="before")
    @classmethod
    def _no_controls(cls, data: Any) -> Any:
        refuse_controls(data)
        return data


Badge = Annotated[str, Field(min_length=1, max_length=32)]


def _distinct(badges: list[str]) -> list[str]:
    if len(set(badges)) < len(badges):
        raise ValueError("names the same porter twice")
    return badges


Porters = Annotated[
    list[Badge],
    Field(
        min_length=1, max_length=2, description="badges", json_schema_extra={"uniqueItems": True}
    ),
    AfterValidator(_distinct),
]
"""The porters a person gives a job: one, or two for a two-porter job; never one twice."""
