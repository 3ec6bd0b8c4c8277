"""What every request body shares: text checked for control characters first."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, Field, model_validator

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
